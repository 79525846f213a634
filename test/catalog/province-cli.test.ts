// The province list imported twice through the program (in-process), the second time without two procedures.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJson, runCliInProcess } from '../helpers/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/province/${name}`, import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'motcua-cli-prov-'));

const cli = (args: string[]) => runCliInProcess(args, { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('import --format province-list', { timeout: 120_000 }, () => {
  it('imports the list, reporting test rows and rows without a usable national code', async () => {
    const r = await cli(['import', '--format', 'province-list', fixture('list-a.csv'), '--json']);
    expect(r.code).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ imported: 4, updated: 0, unchanged: 0, skipped: 4, failed: 0 });
    expect(r.stderr).toMatch(/skipped row 3 \(no_national_code\): NOIBO_01/);
    expect(r.stderr).toMatch(/skipped row 1 \(test_row\)/);
  });

  it('is idempotent', async () => {
    const r = await cli(['import', '--format', 'province-list', fixture('list-a.csv'), '--json']);
    expect(lastJson(r.stdout)).toMatchObject({ imported: 0, updated: 0, unchanged: 4 });
  });

  it('retires what a new export no longer has (--retire-missing), and shows it as retired with its history', async () => {
    const r = await cli(['import', '--format', 'province-list', fixture('list-b.csv'), '--retire-missing', '--json']);
    expect(r.code).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ imported: 0, updated: 1, unchanged: 1, retired: 2, dropped: 0 });
    const stats = lastJson((await cli(['stats', '--json'])).stdout);
    expect(stats).toMatchObject({ procedures: 2, listedOnly: 2, detailed: 0, retired: 2 });
    const show = await cli(['show', '9.800003']);
    expect(show.stdout).toMatch(/^ĐÃ NGỪNG ÁP DỤNG từ \d{4}-\d{2}-\d{2}/);
    expect(show.stdout).toMatch(/\d{4}-\d{2}-\d{2} retired \(province\)/);
  });
});
