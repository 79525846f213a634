import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDb, testDatabaseUrl, type TestDb } from '../helpers/db.js';
import { userMessages } from '../../src/errors.js';
import type { Reply } from '../../src/channels/types.js';
import { startFakeTelegramApi } from '../fakes/telegram-api.js';
import { secrets, startStack, telegramText, until, zaloText, type Stack } from './helpers.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * Faults on real PostgreSQL (DATABASE_URL): the database host going away and coming back behind a TCP proxy,
 * graceful shutdown with Telegram updates still queued, and a restart that sees an update again.
 */
describe.skipIf(!testDatabaseUrl)('faults on real PostgreSQL', () => {
  let db: TestDb;
  let direct: pg.Pool;
  const count = async (sql: string, params: unknown[] = []) => Number((await direct.query(sql, params)).rows[0].n);

  beforeAll(async () => {
    db = await createTestDb('postgres');
    direct = new pg.Pool({ connectionString: db.url, max: 2 });
  }, 30_000);
  afterAll(async () => {
    await direct?.end();
    await db?.close();
  });

  it('tells the citizen clearly while the database is away, reports 503 on /health, recovers without a restart and loses no analytics', async () => {
    const url = new URL(db.url!);
    const proxy: TcpProxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    const stack: Stack = await startStack({ env: { DATABASE_URL: url.toString() } });
    try {
      const before = await count('SELECT count(*) AS n FROM interactions');
      let asked = 0;
      const ask = async (text: string) => {
        const res = await stack.chat(`fault-${asked++}`, text);
        expect(res.status).toBeLessThan(500);
        return { status: res.status, reply: (await res.json()) as Reply };
      };

      expect((await ask('làm giấy khai sinh cần gì')).reply.outcome).toBe('answered');
      expect((await fetch(stack.base + '/health')).status).toBe(200);

      await proxy.stop();
      const health = await fetch(stack.base + '/health', { headers: { authorization: `Bearer ${secrets.ADMIN_TOKEN}` } });
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, db: { ok: false } });
      const during: Reply[] = [];
      for (const q of ['làm giấy khai sinh cần gì', 'sang tên sổ đỏ mất bao lâu', 'đăng ký kết hôn cần giấy tờ gì', 'xin chào', 'G09.20-20260609-0092637']) {
        const { status, reply } = await ask(q);
        expect(status).toBe(200);
        during.push(reply);
      }
      // What is still in memory is answered (the procedure asked before the outage, the greeting); what needs the
      // database gets the clear "temporarily interrupted" message, never the generic failure text.
      const unavailable = userMessages['db:unavailable'];
      expect(during[0]).toMatchObject({ outcome: 'answered', citations: [expect.objectContaining({ code: '1.001193' })] });
      expect(during[1]).toMatchObject({ outcome: 'error', text: unavailable });
      expect(during[2]).toMatchObject({ outcome: 'error', text: unavailable });
      expect(during[3]!.outcome).toBe('smalltalk');
      expect(during[3]!.text).toMatch(/^Xin chào/);
      expect(during[4]).toMatchObject({ outcome: 'dossier', text: `${unavailable}\n\nMã hồ sơ anh/chị đã gửi: G09.20-20260609-0092637` });

      await proxy.start();
      await until(async () => (await fetch(stack.base + '/health')).status === 200, '/health to recover', 20_000);
      expect((await ask('làm giấy khai sinh cần gì')).reply.outcome).toBe('answered');

      // Every question asked (before, during and after the outage) reaches the interactions table: spooled while the
      // database was away, replayed by the recorder's own retry (no flush, no restart).
      await until(async () => (await count('SELECT count(*) AS n FROM interactions')) - before >= asked, `${asked} interaction rows`, 30_000);
      expect((await count('SELECT count(*) AS n FROM interactions')) - before).toBe(asked);
      // The outage did go through the spool (otherwise this test proves nothing about it).
      expect(stack.running.core.recorder.stats()).toMatchObject({ dbUp: true, pending: 0, spooled: expect.any(Number) });
      expect(stack.running.core.recorder.stats().spooled).toBeGreaterThan(0);
    } finally {
      await stack.close();
      await proxy.close();
    }
  }, 60_000);

  // Known gap, reported to the channels' owner (src/channels is not ours to edit now): the Telegram and Zalo error
  // boundaries always send userMessages.internal ("đã có lỗi xảy ra") instead of userMessageFor(err), so during a
  // database outage the citizen reads a generic failure rather than "hệ thống đang tạm gián đoạn". Remove `.fails`
  // once both boundaries use userMessageFor.
  it('Telegram and Zalo say the system is temporarily interrupted while the database is away', async () => {
    const url = new URL(db.url!);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    const stack = await startStack({ env: { DATABASE_URL: url.toString() } });
    try {
      await proxy.stop();
      expect((await stack.postTelegram(telegramText(7_000_001, 7001, 'làm giấy khai sinh cần gì'))).status).toBe(200);
      expect((await stack.postZalo(zaloText('outage-1', 'outage-chat', 'làm giấy khai sinh cần gì'))).status).toBe(200);
      await until(() => stack.telegram.callsOf('sendMessage').length >= 1 && stack.zalo.callsOf('sendMessage').length >= 1, 'both replies', 15_000);
      expect(String(stack.telegram.callsOf('sendMessage')[0]!.payload.text)).toBe(userMessages['db:unavailable']);
      expect(String(stack.zalo.callsOf('sendMessage')[0]!.payload.text)).toBe(userMessages['db:unavailable']);
    } finally {
      await proxy.start();
      await stack.close();
      await proxy.close();
    }
  }, 40_000);

  it('answers every acked Telegram update before stop() resolves, then a restart on the same database does not answer a repeat', async () => {
    const telegram = await startFakeTelegramApi();
    // A slow Bot API (every request held back 40 ms) keeps updates queued when stop() is called.
    const slow = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(telegram.apiRoot).port) }, { delayMs: 40 });
    const env = { DATABASE_URL: db.url!, TELEGRAM_API_ROOT: `http://127.0.0.1:${slow.port}` };
    try {
      const first = await startStack({ env, telegram });
      const updates: number[] = [];
      let id = 4_000_000;
      for (let chat = 0; chat < 4; chat++) {
        for (let k = 0; k < 8; k++) {
          const u = id++;
          updates.push(u);
          const res = await first.postTelegram(telegramText(u, 8800 + chat, k % 2 ? 'xin chào' : 'làm giấy khai sinh cần gì'));
          expect(res.status).toBe(200);
        }
      }
      const sentAtStop = telegram.callsOf('sendMessage').length;
      await first.stop();
      const sent = telegram.callsOf('sendMessage');
      // The test can fail: work was still queued when stop() was called, and all of it was answered before it resolved.
      expect(sentAtStop).toBeLessThan(updates.length);
      expect(sent.length).toBeGreaterThanOrEqual(updates.length);
      expect(await count(`SELECT count(*) AS n FROM channel_updates WHERE channel = 'telegram' AND update_id = ANY($1)`, [updates.map(String)])).toBe(updates.length);

      // Restart on the same database; Telegram redelivers the last update (its ack was lost, say) and sends a new one.
      const second = await startStack({ env, telegram });
      try {
        const repeat = updates.at(-1)!;
        const chatOfRepeat = 8800 + 3;
        const sentToChat = () => telegram.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chatOfRepeat).length;
        const beforeRepeat = sentToChat();
        expect((await second.postTelegram(telegramText(repeat, chatOfRepeat, 'xin chào'))).status).toBe(200);
        expect((await second.postTelegram(telegramText(id, chatOfRepeat, 'xin chào'))).status).toBe(200);
        await until(() => sentToChat() >= beforeRepeat + 1, 'the new update to be answered', 10_000);
        await second.stop();
        expect(sentToChat()).toBe(beforeRepeat + 1);
      } finally {
        await second.close();
      }
      await first.close();
    } finally {
      await slow.close();
      await telegram.close();
    }
  }, 60_000);
});
