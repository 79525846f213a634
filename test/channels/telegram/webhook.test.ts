import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { createTelegramChannel, type TelegramChannel, type TelegramChannelDeps } from '../../../src/channels/telegram/channel.js';
import { telegramTexts } from '../../../src/channels/telegram/bot.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { fakeBotInfo, startFakeTelegramApi, type FakeTelegramApi } from '../../fakes/telegram-api.js';
import { captureLogger, createFakeAnswers, reply, type FakeAnswers } from '../helpers/fake-answers.js';
import { callbackUpdate, textUpdate } from './updates.js';

const SECRET = 'webhook-secret_123';
const TOKEN = '123456:TEST-token_abc';

describe('Telegram webhook through the HTTP app and a fake Bot API', () => {
  let db: Db;
  let api: FakeTelegramApi;
  let answers: FakeAnswers;
  let log: ReturnType<typeof captureLogger>;
  let channel: TelegramChannel;
  let updateId = 5000;

  const config = (over: Partial<TelegramChannelDeps['config']> = {}): TelegramChannelDeps['config'] => ({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: api.apiRoot,
    TELEGRAM_MODE: 'webhook',
    PUBLIC_URL: undefined,
    ...over,
  });
  const makeChannel = (over: Partial<TelegramChannelDeps> = {}) =>
    createTelegramChannel({ config: config(), answers, db, logger: log.logger, botInfo: fakeBotInfo, typingAfterMs: 0, ...over });
  const appFor = (ch: TelegramChannel) => createApp({ db, logger: log.logger, answers, mounts: [{ path: '/', app: ch.routes }] });
  const post = (ch: TelegramChannel, body: unknown, secret: string | null = SECRET) =>
    appFor(ch).request('/telegram/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    api = await startFakeTelegramApi();
    answers = createFakeAnswers();
    log = captureLogger();
    channel = makeChannel();
  });
  afterEach(async () => {
    await channel.stop();
    await api.close();
  });

  it.each([
    ['missing', null],
    ['wrong', 'not-the-secret'],
    ['wrong length', SECRET + 'x'],
  ])('refuses a %s secret with 401 and does nothing else', async (_label, secret) => {
    const res = await post(channel, textUpdate(updateId++, 'xin chào'), secret);
    expect(res.status).toBe(401);
    await channel.idle();
    expect(answers.seen).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
  });

  it('acks a correct delivery at once and answers through sendMessage', async () => {
    const res = await post(channel, textUpdate(updateId++, 'đăng ký kết hôn cần gì', 2024));
    expect(res.status).toBe(200);
    await channel.idle();
    expect(answers.seen[0]).toMatchObject({ channel: 'telegram', chatId: '2024', text: 'đăng ký kết hôn cần gì' });
    const sent = api.callsOf('sendMessage');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ token: TOKEN, payload: { chat_id: '2024', parse_mode: 'HTML', text: 'Đã nhận: đăng ký kết hôn cần gì' } });
    expect(api.callsOf('sendChatAction')).toHaveLength(1);
  });

  it('rejects a body that is not an update with 400', async () => {
    const res = await post(channel, { hello: 'world' });
    expect(res.status).toBe(400);
    expect(answers.seen).toHaveLength(0);
  });

  it('answers a repeated delivery once, also after a restart', async () => {
    const update = textUpdate(updateId++, 'lệ phí khai sinh');
    expect((await post(channel, update)).status).toBe(200);
    expect((await post(channel, update)).status).toBe(200);
    await channel.idle();
    const restarted = makeChannel();
    expect((await post(restarted, update)).status).toBe(200);
    await restarted.idle();
    expect(answers.seen).toHaveLength(1);
    expect(api.callsOf('sendMessage')).toHaveLength(1);
  });

  it('splits a long answer into several messages of at most 4096 characters', async () => {
    const para = 'Bước thực hiện: nộp hồ sơ tại Bộ phận một cửa <cấp xã> & nhận giấy hẹn. '.repeat(40);
    answers.respond(() => reply({ text: [para, para, para, para].join('\n\n') }));
    await post(channel, textUpdate(updateId++, 'các bước'));
    await channel.idle();
    const sent = api.callsOf('sendMessage');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const s of sent) expect(String(s.payload.text).length).toBeLessThanOrEqual(4096);
  });

  it('answers a choice button: answerCallbackQuery then the chosen answer', async () => {
    answers.respond((i) => reply({ text: i.action?.type === 'choice' ? `Đã chọn mục ${i.action.index}` : 'không', citations: [{ code: '1.001193', name: 'Đăng ký khai sinh', url: 'https://dichvucong.gov.vn/p/1.001193' }] }));
    await post(channel, callbackUpdate(updateId++, 'c:1:1.001193', 888));
    await channel.idle();
    expect(api.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(answers.seen[0]).toMatchObject({ chatId: '888', action: { type: 'choice', index: 1, code: '1.001193' } });
    const text = String(api.callsOf('sendMessage')[0]!.payload.text);
    expect(text).toContain('Đã chọn mục 1');
    expect(text).toContain('<a href="https://dichvucong.gov.vn/p/1.001193">1.001193 — Đăng ký khai sinh</a>');
  });

  it('rate-limits a fast user with one polite reply', async () => {
    const limited = makeChannel({ rateLimit: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 6; i++) expect((await post(limited, textUpdate(updateId++, `hỏi ${i}`, 4444))).status).toBe(200);
    await limited.idle();
    expect(answers.seen).toHaveLength(3);
    const texts = api.callsOf('sendMessage').map((c) => c.payload.text);
    expect(texts.filter((t) => t === telegramTexts.tooFast)).toHaveLength(1);
    expect(texts).toHaveLength(4);
  });

  it('keeps the order of one chat while other chats proceed', async () => {
    // 'chậm' is answered only once the other chat's message was delivered: no sleep to outlast on a busy machine.
    const sent = (chatText: string) => api.callsOf('sendMessage').some((c) => `${c.payload.chat_id}:${c.payload.text}` === chatText);
    answers.respond(async (i) => {
      if (i.text === 'chậm') while (!sent('2:khác')) await new Promise((r) => setTimeout(r, 5));
      return reply({ text: i.text });
    });
    await post(channel, textUpdate(updateId++, 'chậm', 1));
    await post(channel, textUpdate(updateId++, 'sau', 1));
    await post(channel, textUpdate(updateId++, 'khác', 2));
    await channel.idle();
    const order = api.callsOf('sendMessage').map((c) => `${c.payload.chat_id}:${c.payload.text}`);
    expect(order.indexOf('1:chậm')).toBeLessThan(order.indexOf('1:sau'));
    expect(order.indexOf('2:khác')).toBeLessThan(order.indexOf('1:chậm'));
  });

  it('retries a 429 from the Bot API and still delivers the answer', async () => {
    api.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    await post(channel, textUpdate(updateId++, 'xin chào', 5151));
    await channel.idle();
    const sent = api.callsOf('sendMessage');
    expect(sent).toHaveLength(2);
    expect(answers.seen).toHaveLength(1);
  });

  it('answers 503 when the queue is full so Telegram redelivers later', async () => {
    // The first answer is held until the second update was refused, so the queue is surely full when it arrives.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    answers.respond(async (i) => {
      await held;
      return reply({ text: i.text });
    });
    const small = makeChannel({ maxPending: 1 });
    expect((await post(small, textUpdate(updateId++, 'một', 1))).status).toBe(200);
    expect((await post(small, textUpdate(updateId++, 'hai', 2))).status).toBe(503);
    release();
    await small.idle();
    expect(answers.seen.map((i) => i.text)).toEqual(['một']);
  });

  it('registers commands and the webhook with its secret at start when PUBLIC_URL is set, without logging the token', async () => {
    const ch = createTelegramChannel({ config: config({ PUBLIC_URL: 'https://motcua.example.vn/' }), answers, db, logger: log.logger });
    await ch.start();
    expect(api.callsOf('getMe')).toHaveLength(1);
    const commands = api.callsOf('setMyCommands')[0]!.payload.commands as { command: string }[];
    expect(commands.map((c) => c.command)).toEqual(['start', 'help', 'tt', 'hoso', 'theodoi', 'huytheodoi', 'gopy', 'xoadulieu', 'canbo', 'bot']);
    expect(api.callsOf('setWebhook')[0]!.payload).toMatchObject({
      url: 'https://motcua.example.vn/telegram/webhook',
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query'],
    });
    await ch.stop();
    expect(log.lines.join('')).not.toContain('TEST-token');
  });

  it('does not register a webhook without PUBLIC_URL', async () => {
    await channel.start();
    expect(api.callsOf('setMyCommands')).toHaveLength(1);
    expect(api.callsOf('setWebhook')).toHaveLength(0);
  });

  it('answers updates by long polling with the runner in polling mode, and refuses webhook deliveries then', async () => {
    const ch = createTelegramChannel({ config: config({ TELEGRAM_MODE: 'polling' }), answers, db, logger: log.logger, botInfo: fakeBotInfo });
    api.pushUpdate(textUpdate(updateId++, 'giờ làm việc', 7070) as unknown as Record<string, unknown>);
    api.pushUpdate(textUpdate(updateId++, 'địa chỉ', 7070) as unknown as Record<string, unknown>);
    await ch.start();
    await api.waitFor('sendMessage', 2);
    expect(api.callsOf('deleteWebhook')).toHaveLength(1);
    expect(answers.seen.map((i) => i.text)).toEqual(['giờ làm việc', 'địa chỉ']);
    expect((await post(ch, textUpdate(updateId++, 'x'))).status).toBe(401);
    await ch.stop();
  });

  it('lets background work send a reply to a chat through the sender', async () => {
    await channel.sender.send('6060', reply({ text: 'Hồ sơ H37 đã có kết quả.' }));
    expect(channel.sender.channel).toBe('telegram');
    expect(api.callsOf('sendMessage')[0]!.payload).toMatchObject({ chat_id: '6060', text: 'Hồ sơ H37 đã có kết quả.' });
  });
});
