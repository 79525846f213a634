/**
 * Admin authentication against guessing and theft: failed attempts (login form and Bearer alike, on the admin and on
 * /health) are counted per client address, so a guesser is stopped without locking managers out; sessions live on the
 * server (admin_sessions) and logout ends them; /health tells the public only ok / not ok.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { createApp, type HealthProbe } from '../../src/server/app.js';
import { createAdminRoutes } from '../../src/server/admin/routes.js';
import { createAuthThrottle, createDbAdminSessions } from '../../src/server/admin/auth.js';
import { createReportService } from '../../src/analytics/report.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { createLogger } from '../../src/logger.js';
import { fakeLookup, TOKEN } from '../server/admin/helpers.js';

const logger = createLogger({ level: 'silent' });
const answers = { handle: async () => ({ outcome: 'smalltalk' as const, text: '', citations: [], choices: [], feedback: false }) };
const probe: HealthProbe = { name: 'centerApi', check: async () => ({ ok: false, state: 'open', failures: 7 }) };

describe.each(dbBackends)('admin authentication ($backend)', ({ backend }) => {
  let db: TestDb;
  let server: Listening;
  let now: Date;

  beforeAll(async () => {
    db = await createTestDb(backend);
    const authThrottle = createAuthThrottle();
    const admin = createAdminRoutes({
      config: { ADMIN_TOKEN: TOKEN },
      db,
      report: createReportService({ db }),
      lookup: fakeLookup,
      sessions: createDbAdminSessions(db),
      authThrottle,
      clock: () => now,
    });
    const app = createApp({ db, logger, answers, probes: [probe], mounts: [{ path: '/admin', app: admin }], trustedProxies: ['127.0.0.1'], adminToken: TOKEN, authThrottle });
    server = await listen(app, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close(100);
    await db?.close();
  });
  beforeEach(() => {
    now = new Date();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, { headers, redirect: 'manual' });
  const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra });

  it('/health: ok / not ok publicly, details with the admin token', async () => {
    const pub = await get('/health', from('198.51.100.1'));
    expect(pub.status).toBe(200);
    expect(await pub.json()).toEqual({ ok: true });
    const details = await get('/health', from('198.51.100.1', { authorization: `Bearer ${TOKEN}` }));
    expect(await details.json()).toMatchObject({ ok: true, db: { ok: true }, centerApi: { ok: false, state: 'open', failures: 7 } });
    const wrong = await get('/health', from('198.51.100.1', { authorization: 'Bearer not-the-token-not-the-token-xx' }));
    expect(await wrong.json()).toEqual({ ok: true });
  });

  it('counts wrong Bearer tokens per address (admin API and /health alike); other addresses are not locked out', async () => {
    const guesser = '203.0.113.9';
    for (let i = 0; i < 5; i++) expect((await get('/admin/api/report', from(guesser, { authorization: `Bearer guess-${i}-xxxxxxxxxxxxxxxxxxxxxxxxx` }))).status).toBe(401);
    for (let i = 0; i < 5; i++) await get('/health', from(guesser, { authorization: `Bearer guess-h${i}-xxxxxxxxxxxxxxxxxxxxxxxx` }));
    // The eleventh attempt is refused unread, even with the right token.
    const blocked = await get('/admin/api/report', from(guesser, { authorization: `Bearer ${TOKEN}` }));
    expect(blocked.status).toBe(429);
    expect((await get('/health', from(guesser, { authorization: `Bearer ${TOKEN}` }))).status).toBe(429);
    // A manager elsewhere is not affected.
    expect((await get('/admin/api/report', from('192.0.2.10', { authorization: `Bearer ${TOKEN}` }))).status).toBe(200);
  });

  it('logs in with a server-side session that logout revokes everywhere; an expired one stops working', async () => {
    const login = await fetch(`http://127.0.0.1:${server.port}/admin/login`, {
      method: 'POST',
      headers: from('192.0.2.20', { 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams({ token: TOKEN }).toString(),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).not.toContain(TOKEN);
    expect((await db.query(`SELECT 1 FROM admin_sessions`)).length).toBeGreaterThan(0);
    expect((await get('/admin/api/report', { cookie })).status).toBe(200);
    // A copy of the cookie (another browser, a stolen one) dies with the logout.
    const copy = cookie;
    await fetch(`http://127.0.0.1:${server.port}/admin/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect((await get('/admin/api/report', { cookie: copy })).status).toBe(401);

    const again = await fetch(`http://127.0.0.1:${server.port}/admin/login`, {
      method: 'POST',
      headers: from('192.0.2.20', { 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams({ token: TOKEN }).toString(),
      redirect: 'manual',
    });
    const second = again.headers.get('set-cookie')!.split(';')[0]!;
    expect((await get('/admin/api/report', { cookie: second })).status).toBe(200);
    now = new Date(Date.now() + 13 * 3600_000);
    expect((await get('/admin/api/report', { cookie: second })).status).toBe(401);
  });

  it('counts failed logins per address', async () => {
    const post = (address: string, token: string) =>
      fetch(`http://127.0.0.1:${server.port}/admin/login`, {
        method: 'POST',
        headers: from(address, { 'content-type': 'application/x-www-form-urlencoded' }),
        body: new URLSearchParams({ token }).toString(),
        redirect: 'manual',
      });
    for (let i = 0; i < 10; i++) expect((await post('203.0.113.50', `wrong-${i}-xxxxxxxxxxxxxxxxxxxxxxxxxx`)).status).toBe(401);
    expect((await post('203.0.113.50', TOKEN)).status).toBe(429);
    expect((await post('192.0.2.30', TOKEN)).status).toBe(303);
  });
});
