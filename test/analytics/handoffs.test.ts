/**
 * Managers see handoffs: per Vietnam day, the median time to the first officer reply overall and by procedure, in the
 * report's JSON, its CSV and the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportService, reportToCsv } from '../../src/analytics/report.js';
import { median } from '../../src/analytics/handoffs.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { buildApp, TOKEN } from '../server/admin/helpers.js';

describe.each(dbBackends)('handoffs in the managers\' report ($backend)', ({ backend }) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(backend);
    await db.query(
      `INSERT INTO procedures (code, name, field, origin, data, content_hash) VALUES ('1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 'knowledge', '{}'::jsonb, 'x')`,
    );
    const rows: [string | null, string, string | null][] = [
      // 2 December (Vietnam): two about khai sinh (answered after 2 and 10 minutes), one without a procedure, unanswered.
      ['1.001193', '2026-12-02T02:00:00Z', '2026-12-02T02:02:00Z'],
      ['1.001193', '2026-12-02T03:00:00Z', '2026-12-02T03:10:00Z'],
      [null, '2026-12-02T04:00:00Z', null],
      // 23:30 UTC on 2 December is 06:30 on 3 December in Vietnam.
      [null, '2026-12-02T23:30:00Z', '2026-12-03T00:30:00Z'],
    ];
    for (const [code, opened, replied] of rows) {
      await db.query(
        `INSERT INTO handoffs (channel, chat_key, status, procedure_code, opened_at, first_reply_at, closed_at) VALUES ('telegram', 'k', 'closed', $1, $2, $3, $2)`,
        [code, opened, replied],
      );
    }
  });
  afterAll(async () => db?.close());

  it('counts handoffs per Vietnam day with the median wait for the first officer reply, by procedure', async () => {
    const r = await createReportService({ db }).report({ since: new Date('2026-12-01T00:00:00Z'), until: new Date('2026-12-05T00:00:00Z') });
    expect(r.handoffs).toEqual({
      opened: 4,
      answered: 3,
      median_first_reply_seconds: 600,
      daily: [
        { day: '2026-12-02', opened: 3, answered: 2, median_first_reply_seconds: 360 },
        { day: '2026-12-03', opened: 1, answered: 1, median_first_reply_seconds: 3600 },
      ],
      by_procedure: [{ code: '1.001193', name: 'Đăng ký khai sinh', opened: 2, answered: 2, median_first_reply_seconds: 360 }],
    });
    const csv = reportToCsv(r).split('\r\n');
    expect(csv[0]).toContain('median_first_reply_s');
    expect(csv).toContainEqual(expect.stringMatching(/^handoffs,.*,4,3,.*,600$/));
    expect(csv).toContainEqual(expect.stringMatching(/^handoff_day,.*2026-12-03,.*,3600$/));
    expect(csv).toContainEqual(expect.stringMatching(/^handoff_procedure,1\.001193,Đăng ký khai sinh,.*,2,2,.*,360$/));
    // Outside the window nothing is counted.
    const before = await createReportService({ db }).report({ since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-12-01T00:00:00Z') });
    expect(before.handoffs).toMatchObject({ opened: 0, median_first_reply_seconds: null, daily: [], by_procedure: [] });
  });

  it('shows them on the dashboard', async () => {
    const app = buildApp({ token: TOKEN, db });
    const res = await app.request('/admin?since=2026-12-01', { headers: { authorization: `Bearer ${TOKEN}` } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('id="handoffs"');
    expect(html).toContain('Đăng ký khai sinh');
    expect(html).toMatch(/id="handoffs-median">Thời gian chờ \(trung vị\)<b>10 phút 0 giây<\/b>/);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
});
