/**
 * RETENTION_DAYS with a fake clock: the scheduled prune removes per-chat rows older than the limit from every table
 * (delivery logs of every channel included), keeps newer ones, and leaves old questions as counts without text. And
 * staff deleting a chat's data from the admin.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { createRetentionScheduler } from '../../src/privacy/retention.js';
import { chatKeys, createChatEraser } from '../../src/privacy/per-chat.js';
import { createLogger } from '../../src/logger.js';
import { createAdminRoutes } from '../../src/server/admin/routes.js';
import { createReportService } from '../../src/analytics/report.js';
import { createApp } from '../../src/server/app.js';
import { fakeLookup, TOKEN } from '../server/admin/helpers.js';

const logger = createLogger({ level: 'silent' });
const NOW = new Date('2026-12-01T08:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

describe.each(dbBackends)('retention ($backend)', ({ backend }) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    await db.exec(
      'TRUNCATE interactions, dossier_lookups, dossier_throttle, dossier_subscriptions, chat_sessions, channel_updates, channel_rate_limits, admin_sessions',
    );
  });

  /** One row per table at `age` days, tagged so the test can tell old from new. */
  async function seed(age: number, tag: string) {
    const at = daysAgo(age);
    await db.query(
      `INSERT INTO interactions (record_id, at, channel, chat_hash, text, outcome, comment) VALUES ($1, $2, 'web', $3, $4, 'answered', $5)`,
      [`r-${tag}`, at, `h-${tag}`, `câu hỏi ${tag}`, `góp ý ${tag}`],
    );
    await db.query(`INSERT INTO dossier_lookups (chat_hash, code, result, at) VALUES ($1, 'H37-20260101-0001', 'found', $2)`, [`h-${tag}`, at]);
    await db.query(`INSERT INTO dossier_throttle (chat_hash, window_start, window_count, updated_at) VALUES ($1, $2, 1, $2)`, [`h-${tag}`, at]);
    await db.query(`INSERT INTO chat_sessions (chat_key, updated_at) VALUES ($1, $2)`, [`web:h-${tag}`, at]);
    await db.query(`INSERT INTO channel_rate_limits (channel, user_key, window_start, hits) VALUES ('zalo', $1, $2, 1)`, [`u-${tag}`, at]);
    for (const channel of ['telegram', 'zalo', 'zalo_oa']) {
      await db.query(`INSERT INTO channel_updates (channel, update_id, received_at) VALUES ($1, $2, $3)`, [channel, `u-${tag}`, at]);
    }
    // An inactive subscription ages out; an active one is still delivering and stays.
    await db.query(
      `INSERT INTO dossier_subscriptions (channel, chat_id, code, active, created_at, updated_at) VALUES ('telegram', $1, 'H37-20260101-0001', false, $2, $2),
       ('telegram', $1, 'H37-20260101-0002', true, $2, $2)`,
      [`chat-${tag}`, at],
    );
    await db.query(`INSERT INTO admin_sessions (id_hash, expires_at) VALUES ($1, $2)`, [`s-${tag}`, daysAgo(age - 0.5)]);
  }

  it('prunes every per-chat table past RETENTION_DAYS, keeps newer rows, and keeps old questions only as counts', async () => {
    await seed(200, 'old');
    await seed(10, 'new');
    const retention = createRetentionScheduler({ db, days: 180, logger, clock: () => NOW });
    const pruned = await retention.runOnce();
    expect(pruned).toMatchObject({ interactions: 1, dossier_lookups: 1, dossier_throttle: 1, chat_sessions: 1, channel_rate_limits: 1, channel_updates: 3, dossier_subscriptions: 1 });

    const texts = await db.query<{ text: string; comment: string | null; chat_hash: string }>(`SELECT text, comment, chat_hash FROM interactions ORDER BY at`);
    expect(texts).toHaveLength(2); // the count stays
    expect(texts[0]).toMatchObject({ text: '', comment: null });
    expect(texts[0]!.chat_hash).toMatch(/^expired-/);
    expect(texts[1]).toMatchObject({ text: 'câu hỏi new', comment: 'góp ý new', chat_hash: 'h-new' });
    for (const [table, col] of [['dossier_lookups', 'chat_hash'], ['dossier_throttle', 'chat_hash'], ['chat_sessions', 'chat_key'], ['channel_rate_limits', 'user_key']]) {
      const rows = await db.query<Record<string, string>>(`SELECT ${col} AS k FROM ${table}`);
      expect(rows.map((r) => r.k).join(','), table).not.toContain('old');
      expect(rows.map((r) => r.k).join(','), table).toContain('new');
    }
    expect(await db.query(`SELECT channel FROM channel_updates WHERE update_id = 'u-old'`)).toHaveLength(0);
    expect(await db.query(`SELECT channel FROM channel_updates WHERE update_id = 'u-new'`)).toHaveLength(3);
    const subs = await db.query<{ chat_id: string; active: boolean }>(`SELECT chat_id, active FROM dossier_subscriptions ORDER BY chat_id, active`);
    expect(subs).toEqual([
      { chat_id: 'chat-new', active: false },
      { chat_id: 'chat-new', active: true },
      { chat_id: 'chat-old', active: true },
    ]);
    // Expired admin sessions go too.
    expect((await db.query<{ id_hash: string }>(`SELECT id_hash FROM admin_sessions`)).map((r) => r.id_hash)).toEqual([]);

    // A second run a day later finds nothing more of the old rows.
    const again = await createRetentionScheduler({ db, days: 180, logger, clock: () => NOW }).runOnce();
    expect(Object.values(again!).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a shorter RETENTION_DAYS reaches newer rows', async () => {
    await seed(10, 'new');
    const pruned = await createRetentionScheduler({ db, days: 7, logger, clock: () => NOW }).runOnce();
    expect(pruned!.dossier_lookups).toBe(1);
    expect(await db.query(`SELECT 1 FROM chat_sessions`)).toHaveLength(0);
  });

  it('shows managers the guessing warning at the top of the overview', async () => {
    const admin = createAdminRoutes({
      config: { ADMIN_TOKEN: TOKEN },
      db,
      report: createReportService({ db }),
      lookup: fakeLookup,
      alerts: async () => ['Có dấu hiệu dò mã hồ sơ: 31 lần'],
    });
    const app = createApp({ db, logger, answers: { handle: async () => ({ outcome: 'smalltalk', text: '', citations: [], choices: [], feedback: false }) }, mounts: [{ path: '/admin', app: admin }] });
    const html = await (await app.request('/admin', { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(html).toMatch(/<section class="alert" id="alert" role="alert"[^>]*><b>Cảnh báo:<\/b> Có dấu hiệu dò mã hồ sơ: 31 lần/);
  });

  it('staff delete a chat\'s data from the admin (JSON API and form)', async () => {
    const keys = chatKeys({ channel: 'telegram', chatId: '5550001' });
    await db.query(`INSERT INTO interactions (record_id, at, channel, chat_hash, text, outcome) VALUES ('r1', now(), 'telegram', $1, 'câu hỏi của tôi', 'answered')`, [keys.chatHash]);
    await db.query(`INSERT INTO dossier_subscriptions (channel, chat_id, code) VALUES ('telegram', '5550001', 'H37-20260101-0002')`);
    await db.query(`INSERT INTO chat_sessions (chat_key) VALUES ($1)`, [keys.sessionKey]);
    const admin = createAdminRoutes({
      config: { ADMIN_TOKEN: TOKEN },
      db,
      report: createReportService({ db }),
      lookup: fakeLookup,
      erase: createChatEraser({ db }),
    });
    const app = createApp({ db, logger, answers: { handle: async () => ({ outcome: 'smalltalk', text: '', citations: [], choices: [], feedback: false }) }, mounts: [{ path: '/admin', app: admin }] });

    const unauthorized = await app.request('/admin/api/erase', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'telegram', chatId: '5550001' }) });
    expect(unauthorized.status).toBe(401);
    expect(await db.query(`SELECT 1 FROM dossier_subscriptions`)).toHaveLength(1);

    const auth = { authorization: `Bearer ${TOKEN}` };
    const bad = await app.request('/admin/api/erase', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'fax', chatId: '1' }) });
    expect(bad.status).toBe(400);

    const res = await app.request('/admin/api/erase', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'telegram', chatId: '5550001' }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { erased: { table: string; count: number }[] };
    expect(body.erased.filter((e) => e.count).map((e) => e.table).sort()).toEqual(['chat_sessions', 'dossier_subscriptions', 'interactions']);
    expect(await db.query(`SELECT 1 FROM interactions WHERE text <> ''`)).toHaveLength(0);

    await db.query(`INSERT INTO dossier_subscriptions (channel, chat_id, code) VALUES ('zalo', 'z-77', 'H37-20260101-0002')`);
    const form = await app.request('/admin/privacy', { method: 'POST', headers: auth, body: new URLSearchParams({ channel: 'zalo', chatId: 'z-77' }) });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('1 hồ sơ đang theo dõi');
    expect(await db.query(`SELECT 1 FROM dossier_subscriptions`)).toHaveLength(0);
    expect((await app.request('/admin/privacy', { headers: auth })).status).toBe(200);
  });
});
