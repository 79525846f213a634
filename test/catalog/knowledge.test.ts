import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readKnowledgeProcedures } from '../../src/catalog/knowledge.js';
import { resolveProceduresDir } from '../../src/catalog/ensure.js';

const knowledgeDir = fileURLToPath(new URL('../../knowledge/', import.meta.url));

describe('shipped catalog in knowledge/', () => {
  const { procedures, problems } = readKnowledgeProcedures(resolveProceduresDir(knowledgeDir));

  it('has every procedure file valid against the schema', () => {
    expect(problems.map((p) => `${p.file} [${p.record}] ${p.field}: ${p.message}`)).toEqual([]);
  });

  it('gives every procedure at least one everyday alias', () => {
    expect(procedures.filter((p) => p.aliases.length === 0).map((p) => p.code)).toEqual([]);
  });

  // The bar from issue 3: fails until the catalog writers have finished.
  it('ships at least 120 procedures in at least 15 fields', () => {
    const fields = new Set(procedures.map((p) => p.field));
    expect(procedures.length).toBeGreaterThanOrEqual(120);
    expect(fields.size).toBeGreaterThanOrEqual(15);
  });
});

describe('knowledge loader', () => {
  function tempDir(files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-knowledge-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  it('names the file, the record and the field of a schema error', () => {
    const dir = tempDir({
      'a.yaml': 'procedures:\n  - code: "1.000001"\n    name: Thủ tục mẫu\n    field: Thử nghiệm\n    channels:\n      - mode: qua_fax\n',
    });
    const { problems } = readKnowledgeProcedures(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ record: '1.000001', field: 'channels.0.mode' });
    expect(problems[0]?.file).toMatch(/a\.yaml$/);
  });

  it('reports a code defined twice', () => {
    const rec = 'code: "1.000002"\nname: Thủ tục mẫu\nfield: Thử nghiệm\n';
    const { problems, procedures } = readKnowledgeProcedures(tempDir({ 'a.yaml': rec, 'b/c.yaml': rec }));
    expect(procedures).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'code' });
    expect(problems[0]?.message).toMatch(/duplicate/);
  });

  it('uses the procedures/ folder of a knowledge directory', () => {
    const dir = tempDir({ 'procedures/x.yaml': 'code: "1.000003"\nname: Thủ tục mẫu\nfield: Thử nghiệm\n' });
    expect(resolveProceduresDir(dir)).toBe(join(dir, 'procedures'));
    expect(resolveProceduresDir(join(dir, 'procedures'))).toBe(join(dir, 'procedures'));
  });
});
