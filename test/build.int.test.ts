import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The production build: `tsc -p tsconfig.build.json` and the asset copy of `npm run build`, into a temporary folder
 * (not dist/, which a developer may be using), then the compiled entry point run with plain node — no tsx — on a fresh
 * embedded database, answering /health and a chat question as `npm start` does.
 */
describe('compiled build', () => {
  // A copy of the repository's layout outside it: dist/ compiled here, knowledge/ and prompts/ beside it (compiled
  // modules find them two levels up, as the sources do), node_modules linked.
  const root = mkdtempSync(join(tmpdir(), 'motcua-build-'));
  const out = join(root, 'dist');
  const data = mkdtempSync(join(tmpdir(), 'motcua-build-data-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('compiles to JavaScript that serves /health and answers a question without tsx', async () => {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], { stdio: 'pipe' });
    execFileSync(process.execPath, ['scripts/copy-assets.mjs', out], { stdio: 'pipe' });
    expect(existsSync(join(out, 'main.js'))).toBe(true);
    expect(existsSync(join(out, 'db', 'migrations', '001_core.sql'))).toBe(true);
    cpSync('knowledge', join(root, 'knowledge'), { recursive: true });
    cpSync('prompts', join(root, 'prompts'), { recursive: true });
    cpSync('package.json', join(root, 'package.json'));
    symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'));

    const env = { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DATA_DIR: data, LOG_LEVEL: 'info' };
    child = spawn(process.execPath, [join(out, 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line in 150 s:\n${logs.slice(-2000)}`)), 150_000);
      const read = (chunk: Buffer) => {
        logs += String(chunk);
        const m = /"port":(\d+)[^\n]*motcua listening|motcua listening[^\n]*"port":(\d+)/.exec(logs);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1] ?? m[2]));
        }
      };
      child!.stdout!.on('data', read);
      child!.stderr!.on('data', read);
      child!.once('exit', (code) => reject(new Error(`exited with ${code}:\n${logs.slice(-2000)}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const res = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatId: 'build-test', text: 'đăng ký khai sinh cần giấy tờ gì' }),
    });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { outcome: string; citations: { code: string }[] };
    expect(reply.outcome).toBe('answered');
    expect(reply.citations.map((c) => c.code)).toContain('1.001193');
  }, 240_000);
});
