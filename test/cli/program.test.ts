import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

/** The command line in-process: the program imported, run on argv, its output and exit code read back. */
describe('motcua command line, in-process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
    const out: string[] = [];
    let err = '';
    const errStream = new Writable({
      write(chunk, _enc, cb) {
        err += String(chunk);
        cb();
      },
    });
    const code = await runCli(['node', 'motcua', ...args], { env: { DATA_DIR: dataDir, LOG_LEVEL: 'error' }, out: (l) => out.push(l), err: errStream });
    return { code, out, err };
  }

  it('migrates, imports the shipped catalog, and reports it', async () => {
    const migrated = await run('migrate', '--json');
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.out[0]!).applied).toContain('001_core.sql');
    expect(JSON.parse((await run('migrate', '--json')).out[0]!).applied).toEqual([]);

    const imported = await run('import', 'knowledge', '--json');
    expect(imported.code).toBe(0);
    const stats = await run('stats', '--json');
    expect(stats.code).toBe(0);
    expect(JSON.stringify(JSON.parse(stats.out.at(-1)!))).toMatch(/"procedures":\d{3,}/);

    const shown = await run('show', '1.001193');
    expect(shown.code).toBe(0);
    expect(shown.out.join('\n')).toMatch(/khai sinh/i);
  }, 180_000);

  it('answers a question through the same core as the server', async () => {
    const r = await run('ask', 'đăng ký kết hôn cần giấy tờ gì');
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/kết hôn/i);
  }, 180_000);

  it('gives a precise error and exit code 1 for bad input, 2 for bad configuration', async () => {
    const unknown = await run('show', 'KHÔNG-CÓ-MÃ-NÀY');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^error: /m);

    const badCommand = await run('no-such-command');
    expect(badCommand.code).toBe(1);
    expect(badCommand.err).toMatch(/unknown command/);

    const code = await runCli(['node', 'motcua', 'stats'], { env: { DATA_DIR: dataDir, PORT: 'not-a-port' }, out: () => undefined, err: new Writable({ write: (_c, _e, cb) => cb() }) });
    expect(code).toBe(2);
  });

  it('prints the managers\' report as JSON and CSV, and names a bad --since', async () => {
    expect((await run('migrate')).code).toBe(0); // so that the test also runs alone
    const json = await run('report', '--since', '2026-01-01', '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out.join('\n')) as Record<string, unknown>;
    for (const key of ['answered_total', 'unresolved_total', 'by_procedure', 'questions']) expect(report).toHaveProperty(key);
    const csv = await run('report', '--since', '2026-01-01', '--csv');
    expect(csv.code).toBe(0);
    const rows = csv.out.join('\n').split('\r\n');
    expect(rows[0]).toMatch(/^\uFEFFsection,code,name,/);
    expect(rows[1]).toMatch(/^summary,/);
    const bad = await run('report', '--since', 'hôm qua');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error: http:validation: .*since/m);
  }, 180_000);

  it('lists every command in its help', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'serve', 'import', 'stats', 'show', 'search', 'index', 'ask', 'chat', 'center-sim', 'report']) {
      expect(help.out.join('\n')).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    }
  });
});
