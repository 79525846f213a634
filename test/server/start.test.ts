import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The real entry point (`npm start` runs `tsx src/main.ts`) with nothing configured but a port and a data dir.
describe('npm start', () => {
  it('serves /health and / on the embedded database, then shuts down cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-start-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      // Port 0: the OS picks a free port, which the 'motcua listening' log line names.
      env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<number>((resolve, reject) => {
      const look = () => {
        // Whole lines only (a chunk may end mid-line).
        for (const line of output.split('\n').slice(0, -1)) {
          if (!line.includes('motcua listening')) continue;
          resolve((JSON.parse(line) as { port: number }).port);
          return;
        }
      };
      child.stdout.on('data', look);
      child.on('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
    });
    try {
      const port = await listening;
      expect(port).toBeGreaterThan(0);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status, output).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toMatch(/stopped/);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000); // a first start imports and indexes the shipped catalog: over 2 min on a loaded machine
});
