import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { createLogger } from '../../../src/logger.js';
import { createAdminRoutes } from '../../../src/server/admin/routes.js';
import { createDbAdminSessions } from '../../../src/server/admin/auth.js';
import { createStaffStore, hashPassword, verifyPassword, type StaffStore } from '../../../src/server/admin/staff.js';
import { createReportService } from '../../../src/analytics/report.js';
import { createCatalogRepository } from '../../../src/catalog/repository.js';
import type { AnswerService } from '../../../src/channels/types.js';
import { createTestDb, dbBackends, type TestDb } from '../../helpers/db.js';
import { TOKEN, cookiePair, fakeLookup, fakeProcedure } from './helpers.js';

const answers: AnswerService = { handle: async () => ({ outcome: 'smalltalk', text: '', citations: [], choices: [], feedback: false }) };

describe('staff passwords', () => {
  it('are hashed with scrypt and salted, and verified in constant time', async () => {
    const a = await hashPassword('mật khẩu dài đủ');
    const b = await hashPassword('mật khẩu dài đủ');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('mật khẩu dài đủ', a)).toBe(true);
    expect(await verifyPassword('mật khẩu dài đủ!', a)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});

describe.each(dbBackends)('named staff accounts and roles on every route ($backend)', ({ backend }) => {
  let db: TestDb;
  let staff: StaffStore;
  let app: ReturnType<typeof createApp>;
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const login = async (name: string, password: string) => {
    const res = await app.request('/admin/login', { method: 'POST', headers: form, body: new URLSearchParams({ name, password }).toString() });
    return { status: res.status, cookie: cookiePair(res.headers.get('set-cookie')) };
  };

  beforeAll(async () => {
    db = await createTestDb(backend);
    await createCatalogRepository(db).upsertProcedures([fakeProcedure], { source: 'knowledge' });
    staff = createStaffStore(db);
    await staff.add({ name: 'lan.viewer', role: 'viewer', password: 'viewer-password-1', actor: 'test' });
    await staff.add({ name: 'minh.editor', role: 'editor', password: 'editor-password-1', actor: 'test' });
    await staff.add({ name: 'hoa.admin', role: 'admin', password: 'admin-password-1', actor: 'test' });
    const admin = createAdminRoutes({
      config: { ADMIN_TOKEN: TOKEN },
      db,
      report: createReportService({ db }),
      lookup: fakeLookup,
      sessions: createDbAdminSessions(db),
      staff,
      catalog: { db, searcher: fakeLookup.searcher },
    });
    app = createApp({ db, logger: createLogger({ level: 'silent' }), answers, mounts: [{ path: '/admin', app: admin }] });
  });
  afterAll(async () => db?.close());

  it('refuses a wrong password or an unknown name, and a short password or bad role when adding', async () => {
    expect((await login('lan.viewer', 'wrong-password-1')).status).toBe(401);
    expect((await login('nobody', 'viewer-password-1')).status).toBe(401);
    await expect(staff.add({ name: 'x.y', role: 'viewer', password: 'short', actor: 't' })).rejects.toThrow(/password: at least 10/);
    await expect(staff.add({ name: 'x.y', role: 'boss', password: 'long-enough-1', actor: 't' })).rejects.toThrow(/role: viewer, editor or admin/);
  });

  it('lets a viewer read but not change anything', async () => {
    const { status, cookie } = await login('lan.viewer', 'viewer-password-1');
    expect(status).toBe(303);
    expect((await app.request('/admin/api/corrections', { headers: { cookie } })).status).toBe(200);
    expect((await app.request('/admin/corrections', { headers: { cookie } })).status).toBe(200);
    const post = await app.request('/admin/api/corrections', {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ question: 'nuôi yến', code: '2.000001' }),
    });
    expect(post.status).toBe(403);
    expect((await app.request('/admin/corrections', { method: 'POST', headers: { cookie, ...form }, body: 'question=a&code=2.000001' })).status).toBe(403);
    expect((await app.request('/admin/api/staff', { headers: { cookie } })).status).toBe(403);
  });

  it('lets an editor correct answers and write notes, under their own name in the audit log, but not manage accounts', async () => {
    const { cookie } = await login('minh.editor', 'editor-password-1');
    const post = await app.request('/admin/api/corrections', {
      method: 'POST',
      headers: { cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ question: 'nuôi yến cần gì', code: '2.000001' }),
    });
    expect(post.status).toBe(201);
    expect((await post.json()).createdBy).toBe('minh.editor');
    const note = await app.request('/admin/api/notes/2.000001', { method: 'PUT', headers: { cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'Quầy 2.' }) });
    expect(note.status).toBe(200);
    const audit = (await (await app.request('/admin/api/audit', { headers: { cookie } })).json()).entries;
    expect(audit.slice(0, 2).map((e: { actor: string; action: string }) => [e.actor, e.action])).toEqual([
      ['minh.editor', 'note.set'],
      ['minh.editor', 'correction.add'],
    ]);
    expect((await app.request('/admin/api/staff', { headers: { cookie } })).status).toBe(403);
  });

  it('lets an admin add and remove accounts (a generated password shown once); a removed account is logged out at once', async () => {
    const { cookie } = await login('hoa.admin', 'admin-password-1');
    const add = await app.request('/admin/api/staff', { method: 'POST', headers: { cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'tuan', role: 'editor' }) });
    expect(add.status).toBe(201);
    const { account, password } = await add.json();
    expect(account).toMatchObject({ name: 'tuan', role: 'editor' });
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const [row] = await db.query<{ password_hash: string }>(`SELECT password_hash FROM staff_accounts WHERE name = 'tuan'`);
    expect(row?.password_hash).not.toContain(password);
    const tuan = await login('tuan', password);
    expect(tuan.status).toBe(303);
    expect((await app.request('/admin/api/corrections', { headers: { cookie: tuan.cookie } })).status).toBe(200);
    expect((await app.request('/admin/api/staff/tuan', { method: 'DELETE', headers: { cookie } })).status).toBe(204);
    expect((await app.request('/admin/api/corrections', { headers: { cookie: tuan.cookie } })).status).toBe(401);
    const list = (await (await app.request('/admin/api/staff', { headers: { cookie } })).json()).staff.map((a: { name: string }) => a.name);
    expect(list).toEqual(['hoa.admin', 'lan.viewer', 'minh.editor']);
  });

  it('keeps ADMIN_TOKEN working as an admin for scripts', async () => {
    const res = await app.request('/admin/api/staff', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });
});
