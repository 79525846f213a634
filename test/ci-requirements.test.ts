import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { CHROMIUM_PATH, missingCiRequirements } from './helpers/ci-requirements.js';

describe('CI requirements (vitest global setup)', () => {
  const all = () => true;
  const none = () => false;

  it('asks nothing outside CI', () => {
    expect(missingCiRequirements({}, none)).toEqual([]);
    expect(missingCiRequirements({ CI: 'false' }, none)).toEqual([]);
  });

  it('under CI, names DATABASE_URL and chromium when missing', () => {
    for (const CI of ['true', '1']) {
      const missing = missingCiRequirements({ CI }, none);
      expect(missing).toHaveLength(2);
      expect(missing[0]).toMatch(/^DATABASE_URL is not set/);
      expect(missing[1]).toContain(CHROMIUM_PATH);
    }
    expect(missingCiRequirements({ CI: 'true', DATABASE_URL: 'postgres://x' }, none)).toHaveLength(1);
    expect(missingCiRequirements({ CI: 'true' }, all)).toHaveLength(1);
    expect(missingCiRequirements({ CI: 'true', DATABASE_URL: 'postgres://x' }, all)).toEqual([]);
  });

  it('lets a pass that declares itself PGlite-only run without DATABASE_URL, but not without chromium', () => {
    expect(missingCiRequirements({ CI: 'true', MOTCUA_PGLITE_ONLY: '1' }, all)).toEqual([]);
    expect(missingCiRequirements({ CI: 'true', MOTCUA_PGLITE_ONLY: '1' }, none)).toHaveLength(1);
  });

  it('makes a CI run without DATABASE_URL fail before any suite runs', () => {
    let status = 0;
    let output = '';
    try {
      execFileSync('npx', ['vitest', 'run', 'test/lru.test.ts'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      status = err.status;
      output = err.stdout + err.stderr;
    }
    expect(status).not.toBe(0);
    expect(output).toContain('CI run refused');
    expect(output).toContain('DATABASE_URL is not set');
  }, 120_000);
});
