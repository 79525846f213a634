// The catalog commands through the program, in-process, against an embedded database in a temp DATA_DIR (the
// subprocess entry src/cli.ts is covered by test/answer/cli.test.ts and test/build.int.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastJson, runCliInProcess, type CliRun as Run } from '../helpers/cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/dvc/', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'motcua-cli-'));

const cli = (args: string[], env: Record<string, string> = {}) => runCliInProcess(args, { DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env });

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('catalog CLI', { timeout: 120_000 }, () => {
  // The first import is made here, not by the first test, so that any test of the file also runs alone (-t).
  let first: Run;
  beforeAll(async () => {
    first = await cli(['import', '--format', 'dvc', fixtures, '--json']);
  });

  it('imports portal records, reporting and skipping broken files', async () => {
    const r = first;
    expect(r.code).toBe(0);
    const out = lastJson(r.stdout);
    expect(out).toMatchObject({ imported: 4, updated: 0, unchanged: 0, failed: 2 });
    expect(out.errors.map((e: { file: string }) => e.file.split('/').at(-1)).sort()).toEqual(['9.900003.json', '9.900004.json']);
    expect(out.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
    expect(r.stderr).toMatch(/skipped .*9\.900003\.json: not valid JSON/);
  });

  it('changes nothing when the same records are imported again', async () => {
    const r = await cli(['import', '--format', 'dvc', fixtures, '--json']);
    expect(lastJson(r.stdout)).toMatchObject({ imported: 0, updated: 0, unchanged: 4, failed: 2 });
  });

  it('prints stats as JSON', async () => {
    const r = await cli(['stats', '--json']);
    expect(r.code).toBe(0);
    expect(lastJson(r.stdout)).toEqual({ procedures: 4, detailed: 4, listedOnly: 0, detailedAndListed: 0, retired: 0, fields: 1, chunks: 0 });
  });

  it('shows a procedure by code with its requirements under Vietnamese headings', async () => {
    const r = await cli(['show', '9.900001']);
    expect(r.code).toBe(0);
    for (const heading of ['THÀNH PHẦN HỒ SƠ', 'THỜI HẠN VÀ PHÍ, LỆ PHÍ', 'CƠ QUAN THỰC HIỆN / NƠI NỘP', 'TRÌNH TỰ THỰC HIỆN', 'ĐIỀU KIỆN', 'KẾT QUẢ', 'CĂN CỨ PHÁP LÝ']) {
      expect(r.stdout).toContain(heading);
    }
    expect(r.stdout).toContain('Đơn đề nghị cấp giấy phép theo Mẫu số 01 — 1 bản chính');
    expect(r.stdout).toContain('Hợp đồng lao động của nhân viên kỹ thuật — 1 bản chính, 1 bản sao');
    expect(r.stdout).toContain('Trực tuyến: thời hạn 5 Ngày làm việc; phí, lệ phí: 25 USD');
    expect(r.stdout).toContain('34/2099/NĐ-CP');
    expect(r.stdout).toContain('Nguồn: https://dichvucong.gov.vn/thu-tuc-hanh-chinh/00000000-0000-0000-0000-000000000001');
    expect(r.stdout).toMatch(/Cập nhật: \d{4}-\d{2}-\d{2}/);
  });

  it('shows a procedure found by name, and the record as JSON', async () => {
    const byName = await cli(['show', 'giay', 'phep', 'thu', 'nghiem', 'dich', 'vu', 'mau']);
    expect(byName.stdout.split('\n')[0]).toBe('Cấp giấy phép thử nghiệm dịch vụ mẫu');
    const json = await cli(['show', '9.900002', '--json']);
    const p = lastJson(json.stdout);
    expect(p.code).toBe('9.900002');
    expect(p.channels[2].fee.amountsVnd).toEqual([100000]);
  });

  it('fails with a non-zero exit when nothing matches', async () => {
    const r = await cli(['show', 'zzzz', 'qqqq']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/catalog:not_found/);
  });

  it('refuses a knowledge directory with schema errors, naming file, record and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-kn-'));
    mkdirSync(join(dir, 'procedures'));
    writeFileSync(
      join(dir, 'procedures', 'x.yaml'),
      'procedures:\n  - code: "1.000009"\n    name: Thủ tục hỏng\n    field: Thử nghiệm\n    documents:\n      - copies: 1\n',
    );
    const r = await cli(['import', dir, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/x\.yaml \[1\.000009\] documents\.0\.name/);
    expect(lastJson(r.stdout)).toMatchObject({ imported: 0, failed: 1 });
    writeFileSync(join(dir, 'procedures', 'x.yaml'), 'code: "1.000009"\nname: Thủ tục lành\nfield: Thử nghiệm\naliases: [thủ tục lành]\n');
    const ok = await cli(['import', dir, '--json']);
    expect(ok.code).toBe(0);
    expect(lastJson(ok.stdout)).toEqual({ imported: 1, updated: 0, unchanged: 0, failed: 0, errors: [] });
  });
});
