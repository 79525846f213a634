import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { exportedValues, findUnusedExports } from '../../scripts/check-exports.js';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'motcua-exports-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  for (const d of ['src', 'scripts', 'test']) mkdirSync(join(root, d), { recursive: true });
  return root;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('scripts/check-exports.ts', () => {
  it('reads declared and listed value exports, not types nor re-exports', () => {
    const src = [
      'export function a() {}',
      'export async function b() {}',
      'export const c = 1;',
      'export class D {}',
      'export interface T {}',
      'export type U = 1;',
      'const e = 1, f = 2;',
      'export { e, f as g, type T as V };',
      "export { h } from './h.js';",
    ].join('\n');
    expect(exportedValues(src).sort()).toEqual(['D', 'a', 'b', 'c', 'e', 'g']);
  });

  it('tells exports used by src or scripts, by tests only, and by nothing apart', () => {
    const root = project({
      'src/lib.ts': 'export function used() {}\nexport function seam() {}\nexport function dead() {}\nexport function selfOnly() {}\nselfOnly();\n',
      'src/main.ts': "import { used } from './lib.js';\nused();\n",
      'scripts/tool.ts': "import { fromScript } from '../src/other.js';\n",
      'src/other.ts': 'export const fromScript = 1;\n',
      'test/lib.test.ts': "import { seam } from '../src/lib.js';\n",
    });
    expect(findUnusedExports(root)).toEqual([
      { file: 'src/lib.ts', name: 'dead', usedByTests: false },
      { file: 'src/lib.ts', name: 'seam', usedByTests: true },
      { file: 'src/lib.ts', name: 'selfOnly', usedByTests: false },
    ]);
  });

  it('the dead exports named in issue 20 are gone from src/', () => {
    const names = findUnusedExports(process.cwd()).map((u) => u.name);
    for (const gone of ['isDossierStatus', 'hashProcedure', 'loadKnowledgeProcedures']) expect(names).not.toContain(gone);
    // emptyLexicon stays: src/analytics/text-key.ts and scripts/eval/record.ts use it.
    expect(names).not.toContain('emptyLexicon');
  });

  it('runs from the command line: one line per export, exit 1 when one is used by nothing', () => {
    const root = project({ 'src/lib.ts': 'export function dead() {}\n' });
    let code = 0;
    let out = '';
    try {
      out = execFileSync(process.execPath, ['--import', 'tsx', join(process.cwd(), 'scripts/check-exports.ts'), '--root', root], { encoding: 'utf8' });
    } catch (e) {
      code = (e as { status: number }).status;
      out = (e as { stdout: string }).stdout;
    }
    expect(code).toBe(1);
    expect(out.trim()).toBe('src/lib.ts: dead (unused)');
  });
});

describe('this project', () => {
  it('exports nothing from src/ that no file at all uses (exports used only by tests are listed, not failed)', () => {
    const root = join(dirname(new URL(import.meta.url).pathname), '../..');
    expect(findUnusedExports(root).filter((u) => !u.usedByTests)).toEqual([]);
  });
});
