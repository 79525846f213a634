/**
 * A citizen's deletion end to end — /xoadulieu (or "xóa dữ liệu của tôi"), then "đồng ý" — through the web chat API,
 * the Telegram webhook and the Zalo webhook with fake platforms; and a scan of every table that finds raw chat ids only
 * where a message must still be delivered.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { startFakeCentreApi, nationalRecord, type FakeCentreApi } from '../fakes/centre-api.js';
import { fakeBotInfo, startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { startFakeZaloApi, type FakeZaloApi } from '../fakes/zalo-api.js';
import { textUpdate } from '../channels/telegram/updates.js';
import { wrapped, zaloEvent } from '../channels/zalo/events.js';
import { createHttpDossierProvider } from '../../src/dossier/http-provider.js';
import { createDossierService } from '../../src/dossier/service.js';
import { detectDossierCode } from '../../src/dossier/code.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createAnswerService } from '../../src/answer/service.js';
import { createSessionStore } from '../../src/answer/session.js';
import { createInteractionRecorder, type InteractionRecorderHandle } from '../../src/analytics/recorder.js';
import { redactPersonal } from '../../src/analytics/redact.js';
import { createApp } from '../../src/server/app.js';
import { createTelegramChannel } from '../../src/channels/telegram/channel.js';
import { createZaloChannel } from '../../src/channels/zalo/channel.js';
import { createChatEraser, type ChatEraser } from '../../src/privacy/per-chat.js';
import { createLogger } from '../../src/logger.js';
import type { AnswerService } from '../../src/channels/types.js';
import { all, fakeSearcher } from '../answer/fixtures.js';

const logger = createLogger({ level: 'silent' });
const calendar = loadWorkingCalendar();
const CODE = 'H37.30-20261116-0004';
const TG_CHAT = 734_229_118;
const ZALO_CHAT = 'zchat-5d1f9a';
const WEB_CHAT = 'web-7c2e41b0';
const TG_SECRET = 'tg-hook-secret-Qm7rT2vX-0123456789abcdef';
const ZALO_SECRET = 'zalo-hook-secret-Hk29sLw0-0123456789abcd';

/** Where raw chat ids may be stored: tables that must still deliver a message to the chat. */
const DELIVERY_COLUMNS = new Set(['dossier_subscriptions.chat_id', 'handoffs.chat_id', 'zalo_oa_users.user_id']);

describe.each(dbBackends)('a citizen deletes their data ($backend)', ({ backend }) => {
  let db: TestDb;
  let centre: FakeCentreApi;
  let tg: FakeTelegramApi;
  let zalo: FakeZaloApi;
  let dataDir: string;
  let recorder: InteractionRecorderHandle;
  let answers: AnswerService;
  let erase: ChatEraser;
  let channels: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await createTestDb(backend);
    centre = await startFakeCentreApi();
    centre.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 4 }));
  });
  afterAll(async () => {
    await centre.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.exec('TRUNCATE interactions, dossier_lookups, dossier_throttle, dossier_subscriptions, chat_sessions, channel_updates, channel_rate_limits');
    tg = await startFakeTelegramApi();
    zalo = await startFakeZaloApi();
    dataDir = await mkdtemp(join(tmpdir(), 'motcua-erase-'));
    recorder = createInteractionRecorder({ db, dataDir, logger });
    const sessions = createSessionStore(db, { timeoutMinutes: 30 });
    erase = createChatEraser({ db, beforeErase: () => recorder.flush(), forget: (c) => sessions.delete?.(c.sessionKey) });
    const dossier = createDossierService({ db, provider: createHttpDossierProvider({ baseUrl: centre.url, retries: 0 }), logger, calendar });
    answers = createAnswerService({
      searcher: fakeSearcher(),
      catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
      sessions,
      centre: { name: 'Trung tâm', hotline: '0000' },
      logger,
      redact: redactPersonal,
      recorder,
      erase,
      dossier: {
        detect: detectDossierCode,
        lookup: (i) => dossier.lookup(i),
        follow: (i) => dossier.follow(i),
        unfollow: (i) => dossier.unfollow(i),
      },
    });
  });
  afterEach(async () => {
    for (const c of channels) await c.stop();
    channels = [];
    await recorder.close();
    await tg.close();
    await zalo.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const web = async (text: string, chatId = WEB_CHAT) => {
    const res = await createApp({ db, logger, answers }).request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatId, text }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { text: string }).text;
  };

  function telegram() {
    const channel = createTelegramChannel({
      config: { TELEGRAM_BOT_TOKEN: '123456:TEST-token_abc', TELEGRAM_WEBHOOK_SECRET: TG_SECRET, TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_MODE: 'webhook', PUBLIC_URL: undefined },
      answers,
      db,
      logger,
      botInfo: fakeBotInfo,
      typingAfterMs: 0,
    });
    channels.push(channel);
    const app = createApp({ db, logger, answers, mounts: [{ path: '/', app: channel.routes }] });
    let update = Math.floor(Math.random() * 1e6);
    return async (text: string) => {
      const before = tg.callsOf('sendMessage').length;
      const res = await app.request('/telegram/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
        body: JSON.stringify(textUpdate(update++, text, TG_CHAT)),
      });
      expect(res.status).toBe(200);
      await channel.idle();
      return tg.callsOf('sendMessage').slice(before).map((c) => String(c.payload.text)).join('\n');
    };
  }

  function zaloChat() {
    const channel = createZaloChannel({
      config: { ZALO_BOT_TOKEN: '777:zalo-TOKEN-value', ZALO_WEBHOOK_SECRET: ZALO_SECRET, ZALO_API_ROOT: zalo.apiRoot, ZALO_MODE: 'webhook', PUBLIC_URL: undefined },
      answers,
      db,
      logger,
      sleep: async () => undefined,
      typingAfterMs: 0,
    });
    channels.push(channel);
    const app = createApp({ db, logger, answers, mounts: [{ path: '/', app: channel.routes }] });
    let n = Math.floor(Math.random() * 1e6);
    return async (text: string) => {
      const before = zalo.callsOf('sendMessage').length;
      const res = await app.request('/zalo/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': ZALO_SECRET },
        body: JSON.stringify(wrapped(zaloEvent(`m-${n++}`, text, ZALO_CHAT))),
      });
      expect(res.status).toBe(200);
      await channel.idle();
      return zalo.callsOf('sendMessage').slice(before).map((c) => String(c.payload.text)).join('\n');
    };
  }

  const storedQuestions = async (like: string) =>
    Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM interactions WHERE text ILIKE $1`, [`%${like}%`]))[0]!.n);

  it('web: /xoadulieu then "đồng ý" removes the questions, lookups and session, and says what was deleted', async () => {
    await web('đăng ký kết hôn cần giấy tờ gì, số tôi 0912345678');
    await web(CODE);
    await recorder.flush();
    expect(await storedQuestions('kết hôn')).toBe(1);
    const ask = await web('/xoadulieu');
    expect(ask).toContain('đồng ý');
    const done = await web('đồng ý');
    expect(done).toMatch(/Đã xóa dữ liệu của anh\/chị: .*câu hỏi và góp ý đã lưu.*lần tra cứu hồ sơ/);
    await recorder.flush();
    // What managers see: no text of this chat; counts stay, unlinked.
    expect(await storedQuestions('kết hôn')).toBe(0);
    expect(await storedQuestions('xoadulieu')).toBe(0);
    const rows = await db.query<{ text: string; chat_hash: string }>(`SELECT text, chat_hash FROM interactions`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.text === '' && r.chat_hash.startsWith('erased-'))).toBe(true);
    // Lookups keep only their result and time (for the global guessing budget): no code, no chat link.
    const lookups = await db.query<{ code: string; chat_hash: string }>(`SELECT code, chat_hash FROM dossier_lookups`);
    expect(lookups.length).toBeGreaterThan(0);
    expect(lookups.every((l) => l.code === '' && l.chat_hash.startsWith('erased-'))).toBe(true);
    expect(await db.query(`SELECT 1 FROM chat_sessions`)).toHaveLength(0);
    // The confirmation itself was not recorded after the deletion.
    expect(await db.query(`SELECT 1 FROM interactions WHERE text ILIKE '%đồng ý%'`)).toHaveLength(0);
  });

  it('anything but "đồng ý"/"có" cancels, and the plain words ask the same question', async () => {
    await web('đăng ký kết hôn cần gì', 'web-cancel');
    expect(await web('xóa dữ liệu của tôi', 'web-cancel')).toContain('đồng ý');
    expect(await web('thôi', 'web-cancel')).toContain('Đã hủy');
    // "đồng ý" without a pending question deletes nothing.
    expect(await web('đồng ý', 'web-cancel')).not.toContain('Đã xóa');
    await recorder.flush();
    expect(await storedQuestions('kết hôn')).toBe(1);
    await web('xoa du lieu cua toi', 'web-cancel');
    expect(await web('có', 'web-cancel')).toContain('Đã xóa dữ liệu');
    await recorder.flush();
    expect(await storedQuestions('kết hôn')).toBe(0);
  });

  it('Telegram: deletes the subscription, lookups and questions of that chat only', async () => {
    const send = telegram();
    expect(await send(`/theodoi ${CODE}`)).toContain('Đã bật theo dõi');
    await send('thủ tục đăng ký kết hôn');
    await web('đăng ký kết hôn cần gì', 'someone-else');
    expect(await send('/xoadulieu')).toContain('đồng ý');
    const done = await send('đồng ý');
    expect(done).toContain('1 hồ sơ đang theo dõi');
    expect(done).toContain('lần tra cứu hồ sơ');
    expect(await db.query(`SELECT 1 FROM dossier_subscriptions`)).toHaveLength(0);
    await recorder.flush();
    // The other chat's question is untouched.
    expect(await storedQuestions('kết hôn')).toBe(1);
  });

  it('Zalo: /xoadulieu then "có" deletes the chat\'s data', async () => {
    const send = zaloChat();
    await send('đăng ký khai sinh cần gì');
    expect(await send('/xoadulieu')).toContain('đồng ý');
    expect(await send('có')).toContain('Đã xóa dữ liệu của anh/chị');
    await recorder.flush();
    expect(await storedQuestions('khai sinh')).toBe(0);
    expect(await db.query(`SELECT 1 FROM chat_sessions`)).toHaveLength(0);
  });

  it('raw chat ids are stored only where a message must still be delivered', async () => {
    const tgSend = telegram();
    const zaloSend = zaloChat();
    await tgSend(`/theodoi ${CODE}`);
    await tgSend('đăng ký kết hôn cần gì');
    await zaloSend(`/theodoi ${CODE}`);
    await zaloSend('/gopy trả lời nhanh');
    await web(CODE);
    await web('đăng ký khai sinh cần gì');
    await recorder.flush();

    const columns = await db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND data_type IN ('text', 'jsonb', 'character varying')`,
    );
    const found = new Set<string>();
    for (const { table_name: t, column_name: c } of columns) {
      for (const id of [String(TG_CHAT), ZALO_CHAT, `u-${ZALO_CHAT}`, WEB_CHAT]) {
        const hit = await db.query(`SELECT 1 FROM "${t}" WHERE "${c}"::text LIKE $1 LIMIT 1`, [`%${id}%`]);
        if (hit.length) found.add(`${t}.${c}`);
      }
    }
    expect(found.size).toBeGreaterThan(0); // the scan does see the subscriptions
    expect([...found].filter((col) => !DELIVERY_COLUMNS.has(col))).toEqual([]);
    expect(await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'dossier_subscriptions' AND column_name = 'chat_hash'`)).toHaveLength(0);
  });
});
