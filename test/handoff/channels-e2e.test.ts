/**
 * The handoff on Zalo (Bot Platform, fake API on 127.0.0.1) and the web chat, through the HTTP app with the officers'
 * inbox: open, citizen messages routed, officer's reply delivered, an emergency during the handoff, close, 👍, and the
 * bot answering again. The answer core is scripted ("Bot: …") so that only the handoff is under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createAdminRoutes } from '../../src/server/admin/routes.js';
import { createReportService } from '../../src/analytics/report.js';
import { redactPersonal } from '../../src/analytics/redact.js';
import { createZaloChannel, type ZaloChannel } from '../../src/channels/zalo/channel.js';
import { createWebInboxRoute } from '../../src/channels/web/handoff-route.js';
import type { ChannelSender, Reply } from '../../src/channels/types.js';
import { createHandoffService, type HandoffService } from '../../src/handoff/service.js';
import { createHandoffStore } from '../../src/handoff/store.js';
import { createCentreHours, loadWeekHours } from '../../src/handoff/hours.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createLogger } from '../../src/logger.js';
import type { Db } from '../../src/db/db.js';
import { createTestDb } from '../helpers/db.js';
import { startFakeZaloApi, type FakeZaloApi } from '../fakes/zalo-api.js';
import { zaloEvent } from '../channels/zalo/events.js';
import { createFakeAnswers, reply } from '../channels/helpers/fake-answers.js';
import { fakeLookup } from '../server/admin/helpers.js';

const ZALO_TOKEN = '777:zalo-handoff-token';
const ZALO_SECRET = 'zalo-handoff-webhook-secret-0123456789';
const ADMIN = 'handoff-admin-token-abcdef0123456789ab';
/** Monday 7 December 2026, 09:00 in Vietnam. */
const OPEN_HOURS = new Date('2026-12-07T02:00:00Z');

type Listed = { handoffs: { id: number; channel: string; messages: { from: string; text: string; delivery?: string }[] }[] };

describe('handoff on Zalo and the web chat, with the inbox', () => {
  let db: Db;
  let api: FakeZaloApi;
  let zalo: ZaloChannel;
  let service: HandoffService;
  let app: ReturnType<typeof createApp>;
  let messageId = 1;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    db = await createTestDb();
    api = await startFakeZaloApi();
    const inner = createFakeAnswers();
    inner.respond((i) => (/cháy/.test(i.text) ? reply({ outcome: 'emergency', text: 'Gọi ngay 114' }) : reply({ text: `Bot: ${i.text}` })));
    const senders: ChannelSender[] = [];
    service = createHandoffService({
      store: createHandoffStore(db),
      hours: createCentreHours(loadWeekHours(), loadWorkingCalendar()),
      centre: { name: 'Trung tâm' },
      logger,
      senders,
      pullChannels: ['web'],
      clock: () => OPEN_HOURS,
    });
    const answers = service.wrap(inner);
    zalo = createZaloChannel({
      config: { ZALO_BOT_TOKEN: ZALO_TOKEN, ZALO_WEBHOOK_SECRET: ZALO_SECRET, ZALO_API_ROOT: api.apiRoot, ZALO_MODE: 'webhook', PUBLIC_URL: undefined },
      answers,
      db,
      logger,
      typingAfterMs: 60_000,
    });
    senders.push(zalo.sender);
    const admin = createAdminRoutes({
      config: { ADMIN_TOKEN: ADMIN },
      db,
      report: createReportService({ db }),
      lookup: fakeLookup,
      inbox: { handoffs: service, mask: redactPersonal },
    });
    app = createApp({
      db,
      logger,
      answers,
      chatRateLimit: false,
      mounts: [
        { path: '/', app: zalo.routes },
        { path: '/admin', app: admin },
        { path: '/', app: createWebInboxRoute(service) },
      ],
    });
  });
  afterAll(async () => {
    await zalo?.stop();
    await api?.close();
    await db?.close();
  });

  const fromZalo = async (text: string, chat = 'zchat-1') => {
    const res = await app.request('/zalo/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': ZALO_SECRET },
      body: JSON.stringify(zaloEvent(`m${messageId++}`, text, chat)),
    });
    expect(res.status).toBe(200);
    await zalo.idle();
  };
  const sentTo = (chat: string) => api.callsOf('sendMessage').filter((c) => c.payload.chat_id === chat).map((c) => String(c.payload.text));
  const admin = (path: string, body?: unknown) =>
    app.request(`/admin${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const inbox = async () => ((await (await admin('/api/handoffs')).json()) as Listed).handoffs;
  const web = async (body: Record<string, unknown>) =>
    (await (await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as Reply;
  const webFetch = async (chatId: string) =>
    (await (await app.request('/api/chat/inbox', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chatId }) })).json()) as {
      open: boolean;
      messages: { from: string; text: string; feedback: boolean }[];
    };

  it('Zalo: /canbo opens, messages go to the officer, the reply arrives, an emergency is answered, close and 👍, the bot again', async () => {
    await fromZalo('/canbo');
    expect(sentTo('zchat-1')).toEqual([expect.stringContaining('Cán bộ sẽ trả lời ngay tại đây')]);

    await fromZalo('Tôi cần hỏi về hồ sơ cấp đổi sổ đỏ');
    expect(sentTo('zchat-1')).toHaveLength(1);
    const [h] = await inbox();
    expect(h).toMatchObject({ channel: 'zalo' });
    expect(h!.messages.map((m) => m.text)).toContain('Tôi cần hỏi về hồ sơ cấp đổi sổ đỏ');

    expect((await admin(`/api/handoffs/${h!.id}/reply`, { text: 'Anh mang bản gốc sổ đỏ tới quầy số 3.' })).status).toBe(200);
    expect(sentTo('zchat-1')[1]).toBe('Cán bộ Trung tâm:\nAnh mang bản gốc sổ đỏ tới quầy số 3.');
    expect((await inbox())[0]!.messages.at(-1)).toMatchObject({ from: 'staff', delivery: 'sent' });

    await fromZalo('nhà hàng xóm đang cháy, cứu với');
    expect(sentTo('zchat-1')[2]).toBe('Gọi ngay 114');

    expect((await admin(`/api/handoffs/${h!.id}/close`, {})).status).toBe(200);
    expect(sentTo('zchat-1')[3]).toContain('Cán bộ đã kết thúc cuộc trò chuyện');
    expect(sentTo('zchat-1')[3]).toContain('Gõ 👍 hoặc 👎');
    await fromZalo('👍');
    expect(sentTo('zchat-1')[4]).toContain('Cảm ơn anh/chị đã đánh giá');
    await fromZalo('lệ phí đăng ký kết hôn');
    expect(sentTo('zchat-1')[5]).toBe('Bot: lệ phí đăng ký kết hôn');
  });

  it('Zalo: a reply the platform refuses is marked undeliverable in the inbox', async () => {
    await fromZalo('gặp cán bộ', 'zchat-2');
    const h = (await inbox()).find((x) => x.channel === 'zalo')!;
    api.failNext('sendMessage', 403, { ok: false, error_code: 403, description: 'Forbidden' });
    await admin(`/api/handoffs/${h.id}/reply`, { text: 'Chào anh' });
    const last = (await inbox()).find((x) => x.id === h.id)!.messages.at(-1)!;
    expect(last.delivery).toBe('failed');
    await admin(`/api/handoffs/${h.id}/close`, {});
  });

  it('web: the page gets the officer\'s messages by fetching them, then the bot answers again', async () => {
    const opened = await web({ chatId: 'web-e2e-1', text: 'cho tôi nói chuyện với người thật' });
    expect(opened).toMatchObject({ outcome: 'handoff', text: expect.stringContaining('Cán bộ sẽ trả lời ngay tại đây') });
    expect(await web({ chatId: 'web-e2e-1', text: 'số điện thoại của tôi 0987654321' })).toMatchObject({ outcome: 'handoff', text: '' });
    const h = (await inbox()).find((x) => x.channel === 'web')!;
    expect(h.messages.at(-1)!.text).toBe('số điện thoại của tôi [SĐT]');
    await admin(`/api/handoffs/${h.id}/reply`, { text: 'Tôi sẽ gọi lại cho anh.' });
    expect(await webFetch('web-e2e-1')).toEqual({ open: true, messages: [expect.objectContaining({ from: 'staff', text: 'Cán bộ Trung tâm:\nTôi sẽ gọi lại cho anh.' })] });
    expect((await webFetch('web-e2e-1')).messages).toEqual([]);
    await admin(`/api/handoffs/${h.id}/close`, {});
    expect(await webFetch('web-e2e-1')).toMatchObject({ open: false, messages: [{ from: 'bot', feedback: true }] });
    expect(await web({ chatId: 'web-e2e-1', text: '', action: { type: 'feedback', value: 'down' } })).toMatchObject({ text: expect.stringContaining('Cảm ơn anh/chị đã cho biết') });
    expect((await web({ chatId: 'web-e2e-1', text: 'đăng ký thường trú' })).text).toBe('Bot: đăng ký thường trú');
    // The "Gặp cán bộ" button of the page.
    expect(await web({ chatId: 'web-e2e-2', text: '', action: { type: 'handoff' } })).toMatchObject({ outcome: 'handoff' });
    const bad = await app.request('/api/chat/inbox', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chatId":""}' });
    expect(bad.status).toBe(400);
  });

  it('the inbox API needs staff authentication and JSON', async () => {
    expect((await app.request('/admin/api/handoffs')).status).toBe(401);
    expect((await app.request('/admin/api/handoffs/1/close', { method: 'POST' })).status).toBe(401);
    const form = await app.request('/admin/api/handoffs/1/reply', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'text=x',
    });
    expect(form.status).toBe(400);
    expect((await admin('/api/handoffs/999999/reply', { text: 'x' })).status).toBe(404);
    expect((await admin('/api/handoffs/abc/close', {})).status).toBe(404);
    const page = await app.request('/admin/inbox', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Other admin pages keep the no-script policy.
    const overview = await app.request('/admin/lookup', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(overview.headers.get('content-security-policy')).not.toContain('script-src');
  });
});
