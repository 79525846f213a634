import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { createInteractionRecorder } from '../../src/analytics/recorder.js';
import { runReportCommand } from '../../src/cli/report.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { fixtureInteractions, insertProcedures } from './fixture.js';

describe('report command', () => {
  let db: TestDb;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDb('pglite');
    dataDir = await mkdtemp(join(tmpdir(), 'motcua-cli-'));
    await insertProcedures(db);
    const recorder = createInteractionRecorder({ db, dataDir, logger: createLogger({ level: 'silent' }) });
    for (const r of fixtureInteractions()) recorder.record(r);
    await recorder.close();
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const run = async (opts: Parameters<typeof runReportCommand>[1]) => {
    const lines: string[] = [];
    await runReportCommand({ db: async () => db, out: (l) => lines.push(l) }, opts);
    return lines.join('\n');
  };

  it('prints JSON with the fields the dashboard API promises', async () => {
    const out = JSON.parse(await run({ since: '2026-11-01', json: true }));
    expect(out).toMatchObject({ answered_total: 67, unresolved_total: 21 });
    expect(out.by_procedure[0]).toEqual(
      expect.objectContaining({ code: '2.000002', name: 'Cấp phiếu lý lịch tư pháp', total: 20, unresolved: 12, negative: 12, clarify: 0 }),
    );
    expect(out.questions[1]).toEqual(
      expect.objectContaining({ text: 'xin cấp phép nuôi chim yến', count: 4, candidates: ['2.000001', '2.000003'] }),
    );
  });

  it('prints CSV: the header and the rows', async () => {
    const out = await run({ since: '2026-11-01', csv: true });
    const rows = out.split('\r\n');
    expect(rows[0]).toBe('\uFEFFsection,code,name,aspect,text,total,answered,unresolved,negative,clarify,score,first_at,last_at,candidates,median_first_reply_s');
    // The body carries the same figures as the JSON: totals, the procedure row, the question row with its candidates.
    expect(rows[1]).toMatch(/^summary,,,,2026-11-01T00:00:00\.000Z – .+,74,67,21,,,0\.9054,,,,$/);
    expect(rows).toContain('procedure,2.000002,Cấp phiếu lý lịch tư pháp,,,20,20,12,12,0,,,,,');
    expect(rows).toContain('pair,1.000894 1.004227,Đăng ký kết hôn / Đăng ký lại kết hôn,,,2,,1,,2,,,,,');
    expect(rows).toContain('question,,,where,xin cấp phép nuôi chim yến,4,,4,,,,2026-11-02T09:00:00.000Z,2026-11-10T09:02:00.000Z,2.000001 2.000003,');
    expect(rows.filter((r) => r.startsWith('feedback,2.000002,')).length).toBeGreaterThan(0);
    // Every row has the header's 15 columns (no field with an unquoted comma).
    for (const r of rows.filter(Boolean)) expect(r.split(',').length, r).toBe(15);
  });

  it('prints a Vietnamese summary by default', async () => {
    const out = await run({ since: '2026-11-01' });
    expect(out).toContain('Câu hỏi: 74 · đã trả lời: 67');
    expect(out).toContain('Cấp phiếu lý lịch tư pháp');
    expect(out).toContain('xin cấp phép nuôi chim yến');
  });

  it('rejects an unreadable --since', async () => {
    await expect(run({ since: 'yesterday' })).rejects.toMatchObject({ code: 'http:validation' });
  });
});
