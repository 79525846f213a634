import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../src/logger.js';
import { createInteractionRecorder } from '../../../src/analytics/recorder.js';
import { createReportService } from '../../../src/analytics/report.js';
import { createTestDb, dbBackends, type TestDb } from '../../helpers/db.js';
import { T0, fixtureInteractions, insertProcedures } from '../../analytics/fixture.js';
import { TOKEN, buildApp, fakeProcedure } from './helpers.js';
import { renderProcedureText } from '../../../src/catalog/render-text.js';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
// The fixture sits around T0; a window from a fixed date keeps the tests independent of today's date.
const since = new Date(T0.getTime() - 86_400_000).toISOString().slice(0, 10);

describe.each(dbBackends)('admin dashboard on $backend', ({ backend }) => {
  let db: TestDb;
  let dataDir: string;
  let app: ReturnType<typeof buildApp>;
  beforeAll(async () => {
    db = await createTestDb(backend);
    dataDir = await mkdtemp(join(tmpdir(), 'motcua-admin-'));
    await insertProcedures(db);
    const recorder = createInteractionRecorder({ db, dataDir, logger: createLogger({ level: 'silent' }) });
    for (const r of fixtureInteractions()) recorder.record(r);
    recorder.record({
      at: new Date(T0.getTime() + 500 * 60_000), channel: 'zalo', chatHash: 'abcdefabcdefabcd', text: '<script>alert(1)</script> gọi 0912345678',
      aspects: [], outcome: 'unresolved', candidates: [{ code: '"><img src=x>', score: 0.1 }], latencyMs: 3,
    });
    await recorder.close();
    app = buildApp({ token: TOKEN, db, report: createReportService({ db }) });
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the JSON report in the promised shape', async () => {
    const res = await app.request(`/admin/api/report?since=${since}`, auth);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ answered_total: 67, unresolved_total: 22 });
    expect(Object.keys(body.by_procedure[0]).sort()).toEqual(
      expect.arrayContaining(['code', 'name', 'total', 'unresolved', 'negative', 'clarify']),
    );
    expect(body.by_aspect.fee).toEqual({ total: 21, unresolved: 12, negative: 12, clarify: 0 });
    const yen = body.questions.find((q: { text: string }) => q.text === 'xin cấp phép nuôi chim yến');
    expect(yen).toMatchObject({ count: 4, candidates: ['2.000001', '2.000003'] });
    expect(typeof yen.firstAt).toBe('string');
    expect(typeof yen.lastAt).toBe('string');
  });

  it('answers 400 for a since it cannot read', async () => {
    const res = await app.request('/admin/api/report?since=forever', auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'http:validation' });
  });

  it('explains a bad since on the overview page instead of answering JSON', async () => {
    const res = await app.request('/admin?since=<b>x</b>', auth);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Khoảng thời gian không hợp lệ');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('serves the CSV as a download', async () => {
    const res = await app.request(`/admin/api/report.csv?since=${since}`, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="motcua-bao-cao-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await res.text();
    expect(text).toContain('question,,,where,xin cấp phép nuôi chim yến,4,,4');
  });

  it('renders the overview with SVG charts, the ranking, clusters and feedback, all escaped', async () => {
    const res = await app.request(`/admin?since=${since}`, auth);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<svg class="chart chart-line"[^>]*>[\s\S]*<polyline/);
    expect(html).toMatch(/<svg class="chart chart-bar"[^>]*>[\s\S]*<rect/);
    expect(html).toContain('Cấp phiếu lý lịch tư pháp (2.000002)');
    expect(html).toContain('xin cấp phép nuôi chim yến');
    expect(html).toContain('thiếu giấy chứng sinh');
    expect(html).toContain('Phí, lệ phí');
    expect(html).toMatch(/id="pairs"[\s\S]*Đăng ký kết hôn[\s\S]*Đăng ký lại kết hôn/);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; gọi [SĐT]');
    expect(html).not.toContain('0912345678');
  });

  it('finds procedures and opens a full record on the lookup pages', async () => {
    const search = await app.request('/admin/lookup?q=nuôi chim yến', auth);
    expect(search.status).toBe(200);
    const html = await search.text();
    expect(html).toContain('href="/admin/procedures/2.000001"');
    const page = await app.request('/admin/procedures/2.000001', auth);
    expect(page.status).toBe(200);
    const record = await page.text();
    expect(record).toContain('Cấp giấy phép nuôi chim yến');
    expect(record).toContain('10 ngày làm việc');
    expect(record).toContain('Đơn đề nghị &lt;b&gt;cấp phép&lt;/b&gt;');
    // The full text is the real renderer's (as a citizen reads it), escaped into the page.
    const full = renderProcedureText(fakeProcedure);
    expect(full).toContain('50.000 đồng');
    expect(record).toContain(`<pre class="record">${escapeHtml(full)}</pre>`);
    const missing = await app.request('/admin/procedures/9.999999', auth);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Không tìm thấy thủ tục');
  });

  it('says so when a search finds nothing', async () => {
    const res = await app.request('/admin/lookup?q=abc', auth);
    expect(await res.text()).toContain('Không tìm thấy thủ tục phù hợp');
  });
});
