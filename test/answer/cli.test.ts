// The ask and chat commands as a subprocess, on the embedded database seeded from knowledge/ in a temp DATA_DIR.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'motcua-ask-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: root, env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe('ask and chat', () => {
  it('answers a batch as one JSON line per input line, in order, with the promised fields', async () => {
    const file = join(dataDir, 'q.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ q: 'làm giấy khai sinh cho con cần những giấy tờ gì', other: 1 }),
        'not json',
        JSON.stringify({ q: 'xin chào' }),
        JSON.stringify({ q: 'nhà tôi đang cháy, cứu với' }),
      ].join('\n'),
    );
    const run = await cli(['ask', '--json', '--batch', file]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ q: 'làm giấy khai sinh cho con cần những giấy tờ gì', outcome: 'answered' });
    expect(Object.keys(lines[0]).sort()).toEqual(['choices', 'citations', 'ms', 'outcome', 'q', 'text'].sort());
    expect(lines[0].citations[0]).toMatchObject({ code: '1.001193' });
    expect(lines[0].text).toContain('Thành phần hồ sơ');
    expect(lines[1]).toMatchObject({ q: null });
    expect(lines[1].error).toMatch(/line 2/);
    expect(lines[2].outcome).toBe('smalltalk');
    expect(lines[3].outcome).toBe('emergency');
  }, 180_000);

  it('keeps a conversation in chat: a follow-up refers to the last procedure', async () => {
    const run = await cli(['chat'], 'đăng ký kết hôn cần giấy tờ gì\ncòn lệ phí thì sao?\n');
    expect(run.code, run.stderr).toBe(0);
    const answers = run.stdout.split('\n').filter((l) => /^\[answered · /.test(l));
    expect(answers).toHaveLength(2);
    expect(answers[0]).toBe(answers[1]);
    expect(run.stdout).toContain('Phí, lệ phí');
  }, 180_000);
});
