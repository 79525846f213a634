import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

/** The command line in-process: the program imported, run on argv, its output and exit code read back. */
describe('motcua command line, in-process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Starts a long-running command, waits for the output line that names its address, and returns it and a stop. */
  async function start(args: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const stop = new AbortController();
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const exit = runCli(['node', 'motcua', ...args], { env: { DATA_DIR: dataDir, LOG_LEVEL: 'error', ...env }, out: (l) => out.push(l), err: sink, stop: stop.signal });
    let settled: number | undefined;
    void exit.then((c) => (settled = c));
    for (let i = 0; i < 1200 && !out.some((l) => /http:\/\//.test(l)); i++) {
      if (settled !== undefined) throw new Error(`${args[0]} ended with code ${settled} before serving: ${out.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const port = Number(/:(\d+)\//.exec(out.find((l) => /http:\/\//.test(l)) ?? '')?.[1]);
    expect(port).toBeGreaterThan(0);
    return { base: `http://127.0.0.1:${port}`, out, stop: () => (stop.abort(), exit) };
  }

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

  it('serves the web chat and /health until stopped, then exits 0', async () => {
    const served = await start(['serve'], { PORT: '0', HOST: '127.0.0.1' });
    try {
      const health = await fetch(`${served.base}/health`);
      expect(health.status).toBe(200);
      const chat = await fetch(`${served.base}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chatId: 'cli-serve-test', text: 'đăng ký kết hôn cần giấy tờ gì' }),
      });
      expect(chat.status).toBe(200);
      expect(JSON.stringify(await chat.json())).toMatch(/kết hôn/i);
    } finally {
      expect(await served.stop()).toBe(0);
    }
    // Stopped means the port is closed.
    await expect(fetch(`${served.base}/health`)).rejects.toThrow();
  }, 180_000);

  it('serves the centre simulator\'s dossiers until stopped', async () => {
    const sim = await start(['center-sim', '--port', '0', '--token', 'sim-secret']);
    try {
      const code = /codes: ([^ ,]+)/.exec(sim.out.join('\n'))?.[1];
      expect(code).toBeDefined();
      expect((await fetch(`${sim.base}/dossiers/${code}`)).status).toBe(401);
      const ok = await fetch(`${sim.base}/dossiers/${code}`, { headers: { authorization: 'Bearer sim-secret' } });
      expect(ok.status).toBe(200);
      expect(JSON.stringify(await ok.json())).toContain(code!);
    } finally {
      expect(await sim.stop()).toBe(0);
    }
  });

  it('adds, lists and removes a staff account, printing a generated password once', async () => {
    const added = await run('staff', 'add', 'thu.nguyen', '--role', 'editor', '--generate');
    expect(added.code).toBe(0);
    const password = /password \(shown once\): (\S+)/.exec(added.out.join('\n'))?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(10);
    const listed = await run('staff', 'list', '--json');
    const accounts = JSON.parse(listed.out[0]!) as { name: string; role: string }[];
    expect(accounts).toContainEqual(expect.objectContaining({ name: 'thu.nguyen', role: 'editor' }));
    // The password is never listed.
    expect(listed.out.join('\n')).not.toContain(password);
    const badRole = await run('staff', 'add', 'ai.do', '--role', 'boss', '--generate');
    expect(badRole.code).toBe(1);
    expect(badRole.err).toMatch(/role/);
    expect((await run('staff', 'remove', 'thu.nguyen')).code).toBe(0);
    const again = await run('staff', 'remove', 'thu.nguyen');
    expect(again.code).toBe(1);
    expect(again.out.join('\n')).toMatch(/no staff account thu\.nguyen/);
  }, 180_000);

  it('exports the staff corrections as JSON and names an unknown action', async () => {
    const exported = await run('corrections', 'export');
    expect(exported.code).toBe(0);
    expect(Array.isArray(JSON.parse(exported.out[0]!))).toBe(true);
    const bad = await run('corrections', 'import');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unknown corrections action import/);
  }, 180_000);

  it("writes the compact form of a province's CSV list", async () => {
    const csv = fileURLToPath(new URL('../fixtures/province/list-a.csv', import.meta.url));
    const out = join(dataDir, 'province.json');
    const built = await run('province-list-build', csv, out, '--listed-at', '2026-11-01');
    expect(built.code).toBe(0);
    expect(built.out[0]).toMatch(/^wrote .*province\.json: \d+ procedures/);
    const compact = JSON.parse(readFileSync(out, 'utf8')) as { procedures: unknown[] };
    expect(compact.procedures.length).toBeGreaterThan(0);
    const missing = await run('province-list-build', join(dataDir, 'none.csv'), out);
    expect(missing.code).toBe(1);
  });

  it('lists every command in its help', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'serve', 'import', 'stats', 'show', 'search', 'index', 'ask', 'chat', 'center-sim', 'report']) {
      expect(help.out.join('\n')).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    }
  });
});
