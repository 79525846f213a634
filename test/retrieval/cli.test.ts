import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { CliContext } from '../../src/cli/context.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { registerRetrievalCommands } from '../../src/cli/retrieval.js';
import { createHashEmbedder } from '../../src/retrieval/hash-embedder.js';
import { fixtureProcedures } from './fixtures.js';

describe('search and index commands', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('pglite');
    await createCatalogRepository(db).upsertProcedures(fixtureProcedures, { source: 'knowledge' });
  });
  afterAll(async () => {
    await db?.close();
  });

  async function run(args: string[]): Promise<string[]> {
    const lines: string[] = [];
    const ctx: CliContext = {
      config: parseConfig({}),
      logger: createLogger({ level: 'silent' }),
      db: async () => db,
      out: (l) => lines.push(l),
      exitCode: 0,
      stopped: () => Promise.resolve(),
      warn: () => undefined,
    };
    const program = new Command('motcua').exitOverride();
    registerRetrievalCommands(program, () => ctx, { embedder: () => createHashEmbedder({ dimensions: 64 }) });
    await program.parseAsync(['node', 'motcua', ...args]);
    return lines;
  }

  it('index prints counts and a second run changes nothing', async () => {
    const [first] = await run(['index', '--json']);
    expect(JSON.parse(first!)).toMatchObject({ added: fixtureProcedures.length, embedder: 'local-hash-v1:64' });
    const [second] = await run(['index', '--json']);
    expect(JSON.parse(second!)).toMatchObject({ added: 0, updated: 0, unchanged: fixtureProcedures.length });
  });

  it('--batch prints one JSON line per input line, in order, in the agreed shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-batch-'));
    const file = join(dir, 'q.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ q: 'đăng ký kết hôn cần giấy tờ gì', codes: ['x'], other: 1 }),
        'this is not json',
        JSON.stringify({ q: 'mat bang lai xe thi lam lai the nao' }),
        '',
        JSON.stringify({ q: 'làm giấy khai sinh' }),
      ].join('\n'),
    );
    const lines = await run(['search', '--json', '--top', '2', '--batch', file]);
    expect(lines).toHaveLength(4);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.q)).toEqual(['đăng ký kết hôn cần giấy tờ gì', '', 'mat bang lai xe thi lam lai the nao', 'làm giấy khai sinh']);
    for (const p of parsed) {
      expect(Object.keys(p).filter((k) => k !== 'error').sort()).toEqual(['confident', 'ms', 'q', 'results']);
      expect(typeof p.confident).toBe('boolean');
      expect(typeof p.ms).toBe('number');
      expect(p.results.length).toBeLessThanOrEqual(2);
      for (const r of p.results) {
        expect(Object.keys(r).sort()).toEqual(['code', 'name', 'score']);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(1);
      }
    }
    expect(parsed[0].results[0].code).toBe('T.0002');
    expect(parsed[1].error).toBeTruthy();
    expect(parsed[2].results[0].code).toBe('T.0003');
    expect(parsed[3].results[0].code).toBe('T.0001');
  });

  it('prints a readable list with the lexicon note for an outdated premise', async () => {
    const lines = await run(['search', 'xin cấp lại sổ hộ khẩu để nhập khẩu', '--top', '3']);
    expect(lines[0]).toMatch(/^1\. T\.0004 {2}Đăng ký thường trú/);
    expect(lines.join('\n')).toMatch(/1\/1\/2023/);
    expect(lines.at(-1)).toMatch(/^confident: (yes|no)/);
  });
});
