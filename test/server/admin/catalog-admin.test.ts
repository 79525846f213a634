import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../../src/server/app.js';
import { createLogger } from '../../../src/logger.js';
import { createAdminRoutes } from '../../../src/server/admin/routes.js';
import { createReportService } from '../../../src/analytics/report.js';
import { createCatalogRepository } from '../../../src/catalog/repository.js';
import { readProvinceListFile } from '../../../src/catalog/province-list.js';
import { readCatalogVersion } from '../../../src/catalog/version.js';
import { renderProcedureText } from '../../../src/catalog/render-text.js';
import type { AnswerService } from '../../../src/channels/types.js';
import { createTestDb, dbBackends, type TestDb } from '../../helpers/db.js';
import { TOKEN, fakeLookup, fakeProcedure } from './helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/province/${name}`, import.meta.url));
const answers: AnswerService = { handle: async () => ({ outcome: 'smalltalk', text: '', citations: [], choices: [], feedback: false }) };

describe.each(dbBackends)('admin corrections, notes and history ($backend)', ({ backend }) => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  let changes = 0;
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const json = { ...auth, 'Content-Type': 'application/json' };

  beforeAll(async () => {
    db = await createTestDb(backend);
    const repo = createCatalogRepository(db);
    await repo.upsertProcedures([fakeProcedure], { source: 'knowledge' });
    await repo.upsertProcedures(readProvinceListFile(fixture('list-a.csv')).procedures, { source: 'province' });
    const b = readProvinceListFile(fixture('list-b.csv')).procedures;
    await repo.upsertProcedures(b, { source: 'province' });
    await repo.retireMissing('province', b.map((p) => p.code));
    const admin = createAdminRoutes({
      config: { ADMIN_TOKEN: TOKEN },
      db,
      report: createReportService({ db }),
      lookup: fakeLookup,
      catalog: { db, searcher: fakeLookup.searcher, renderProcedure: renderProcedureText, changed: async () => void changes++ },
    });
    app = createApp({ db, logger: createLogger({ level: 'silent' }), answers, mounts: [{ path: '/admin', app: admin }] });
  });
  afterAll(async () => db?.close());

  it('stores a correction (201), lists it, exports it, and deletes it; each change bumps the catalog version and is applied at once', async () => {
    const v0 = await readCatalogVersion(db);
    const res = await app.request('/admin/api/corrections', { method: 'POST', headers: json, body: JSON.stringify({ question: '  nuôi yến  cần gì ', code: '2.000001' }) });
    expect(res.status).toBe(201);
    const saved = await res.json();
    expect(saved).toMatchObject({ question: 'nuôi yến cần gì', code: '2.000001', createdBy: 'admin' });
    expect(await readCatalogVersion(db)).toBe(v0 + 1);
    expect(changes).toBe(1);

    const again = await app.request('/admin/api/corrections', { method: 'POST', headers: json, body: JSON.stringify({ question: 'Nuoi yen can gi?', code: '9.900001' }) });
    expect(again.status).toBe(201);
    const list = (await (await app.request('/admin/api/corrections', { headers: auth })).json()).corrections;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: saved.id, question: 'Nuoi yen can gi?', code: '9.900001' });

    const del = await app.request(`/admin/api/corrections/${saved.id}`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(204);
    expect((await app.request(`/admin/api/corrections/${saved.id}`, { method: 'DELETE', headers: auth })).status).toBe(404);
    const audit = (await (await app.request('/admin/api/audit', { headers: auth })).json()).entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(['correction.remove', 'correction.add', 'correction.add']);
  });

  it('refuses a correction without a question, to an unknown or retired procedure, or without the token', async () => {
    const post = (body: unknown, headers: Record<string, string> = json) => app.request('/admin/api/corrections', { method: 'POST', headers, body: JSON.stringify(body) });
    const empty = await post({ question: ' ?! ', code: '2.000001' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).message).toMatch(/question/);
    const unknown = await post({ question: 'nuôi yến', code: '1.999999' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toMatch(/code: no answered procedure/);
    expect((await post({ question: 'cây cảnh', code: '9.800003' })).status).toBe(400);
    expect((await post({ question: 'nuôi yến', code: '2.000001' }, { 'Content-Type': 'application/json' })).status).toBe(401);
  });

  it('shows staff a retired procedure as retired with its date, and what each import changed', async () => {
    const page = await (await app.request('/admin/procedures/9.800003', { headers: auth })).text();
    expect(page).toMatch(/Đã ngừng áp dụng từ \d{2}\/\d{2}\/\d{4}/);
    expect(page).toMatch(/Thay đổi ngày \d{2}\/\d{2}\/\d{4}<\/strong> — ngừng áp dụng/);
    const bee = await (await app.request('/admin/procedures/9.800002', { headers: auth })).text();
    expect(bee).toContain('Chỉ có trong danh mục tỉnh');
    expect(bee).toMatch(/<b>decision<\/b>: <del>2\/QĐ-UBND<\/del> → 5\/QĐ-UBND/);
    const history = await (await app.request('/admin/api/procedures/9.800002/history', { headers: auth })).json();
    expect(history.changes.map((c: { kind: string }) => c.kind)).toEqual(['updated', 'added']);
  });

  it('counts detailed and listed-only procedures, and answers given only from the list, for managers', async () => {
    await db.query(
      `INSERT INTO interactions (record_id, at, channel, chat_hash, outcome, code) VALUES
         ('r1', now(), 'web', 'h1', 'answered', '9.800002'), ('r2', now(), 'web', 'h2', 'answered', '9.800002'),
         ('r3', now(), 'web', 'h3', 'answered', '2.000001'), ('r4', now(), 'web', 'h4', 'unresolved', NULL)`,
    );
    const u = await (await app.request('/admin/api/catalog?days=7', { headers: auth })).json();
    expect(u.stats).toMatchObject({ detailed: 1, listedOnly: 2, retired: 2, detailedAndListed: 0 });
    expect(u).toMatchObject({ answered: 3, answeredListedOnly: 2, top: [{ code: '9.800002', answers: 2 }] });
    const page = await (await app.request('/admin/catalog', { headers: auth })).text();
    expect(page).toMatch(/id="answered-listed-only">2 \/ 3</);
  });

  it('keeps a centre note, shows it on the procedure page, and removes it when emptied', async () => {
    const put = await app.request('/admin/api/notes/2.000001', { method: 'PUT', headers: json, body: JSON.stringify({ text: 'Phí địa phương theo Nghị quyết 01/2099/NQ-HĐND.' }) });
    expect(put.status).toBe(200);
    expect((await put.json()).note).toMatchObject({ code: '2.000001', text: 'Phí địa phương theo Nghị quyết 01/2099/NQ-HĐND.' });
    const page = await (await app.request('/admin/procedures/2.000001', { headers: auth })).text();
    expect(page).toContain('Phí địa phương theo Nghị quyết 01/2099/NQ-HĐND.');
    expect(page).toContain('Ghi chú của Trung tâm');
    const form = await app.request('/admin/procedures/2.000001/note', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'text=' });
    expect(form.status).toBe(303);
    expect((await (await app.request('/admin/api/notes', { headers: auth })).json()).notes).toEqual([]);
    expect((await app.request('/admin/api/notes/1.999999', { method: 'PUT', headers: json, body: JSON.stringify({ text: 'x' }) })).status).toBe(404);
  });
});
