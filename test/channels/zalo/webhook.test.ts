import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { createZaloChannel, type ZaloChannel, type ZaloChannelDeps } from '../../../src/channels/zalo/channel.js';
import { zaloTexts } from '../../../src/channels/zalo/render.js';
import { userMessages } from '../../../src/errors.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { startFakeZaloApi, type FakeZaloApi } from '../../fakes/zalo-api.js';
import { captureLogger, createFakeAnswers, reply, type FakeAnswers } from '../helpers/fake-answers.js';
import { wrapped, zaloEvent } from './events.js';

const SECRET = 'zalo-webhook-secret';
const TOKEN = '777:zalo-TOKEN-value';

describe('Zalo webhook through the HTTP app and a fake Zalo API', () => {
  let db: Db;
  let api: FakeZaloApi;
  let answers: FakeAnswers;
  let log: ReturnType<typeof captureLogger>;
  let channel: ZaloChannel;
  let waits: number[];
  let n = 0;
  const mid = () => `msg-${++n}`;

  const config = (over: Partial<ZaloChannelDeps['config']> = {}): ZaloChannelDeps['config'] => ({
    ZALO_BOT_TOKEN: TOKEN,
    ZALO_WEBHOOK_SECRET: SECRET,
    ZALO_API_ROOT: api.apiRoot,
    ZALO_MODE: 'webhook',
    PUBLIC_URL: undefined,
    ...over,
  });
  const makeChannel = (over: Partial<ZaloChannelDeps> = {}) =>
    createZaloChannel({ config: config(), answers, db, logger: log.logger, sleep: async (ms) => void waits.push(ms), typingAfterMs: 0, ...over });
  const post = (ch: ZaloChannel, body: unknown, secret: string | null = SECRET) =>
    createApp({ db, logger: log.logger, answers, mounts: [{ path: '/', app: ch.routes }] }).request('/zalo/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    api = await startFakeZaloApi();
    answers = createFakeAnswers();
    log = captureLogger();
    waits = [];
    channel = makeChannel();
  });
  afterEach(async () => {
    await channel.stop();
    await api.close();
  });

  it.each([
    ['missing', null],
    ['wrong', 'zalo-webhook-secreT'],
    ['shorter', 'zalo'],
  ])('refuses a %s secret with 401 and does nothing else', async (_l, secret) => {
    const res = await post(channel, wrapped(zaloEvent(mid(), 'xin chào')), secret);
    expect(res.status).toBe(401);
    await channel.idle();
    expect(answers.seen).toHaveLength(0);
    expect(api.calls).toHaveLength(0);
  });

  it.each([
    ['wrapped', (e: ReturnType<typeof zaloEvent>) => wrapped(e)],
    ['unwrapped', (e: ReturnType<typeof zaloEvent>) => e],
  ])('answers a %s text event through sendMessage', async (_l, shape) => {
    const res = await post(channel, shape(zaloEvent(mid(), 'cấp lại căn cước cần gì', 'c-42')));
    expect(res.status).toBe(200);
    await channel.idle();
    expect(answers.seen[0]).toMatchObject({ channel: 'zalo', chatId: 'c-42', userRef: 'u-c-42', text: 'cấp lại căn cước cần gì' });
    expect(api.callsOf('sendMessage').map((c) => c.payload)).toEqual([{ chat_id: 'c-42', text: 'Đã nhận: cấp lại căn cước cần gì' }]);
    expect(api.callsOf('sendChatAction')).toHaveLength(1);
  });

  it('rejects a body that is not a Zalo event with 400', async () => {
    const res = await post(channel, { ok: true, result: { event_name: 'message.text.received' } });
    expect(res.status).toBe(400);
    expect(answers.seen).toHaveLength(0);
  });

  it('answers each message id once, also after a restart', async () => {
    const ev = wrapped(zaloEvent(mid(), 'lệ phí'));
    await post(channel, ev);
    await post(channel, ev);
    await channel.idle();
    const restarted = makeChannel();
    await post(restarted, ev);
    await restarted.idle();
    expect(answers.seen).toHaveLength(1);
    expect(api.callsOf('sendMessage')).toHaveLength(1);
  });

  it('replies to images and stickers that it reads text only, without asking the core', async () => {
    await post(channel, wrapped(zaloEvent(mid(), undefined, 'c-img', 'message.image.received')));
    await post(channel, zaloEvent(mid(), undefined, 'c-img', 'message.sticker.received'));
    await channel.idle();
    expect(answers.seen).toHaveLength(0);
    expect(api.callsOf('sendMessage').map((c) => c.payload.text)).toEqual([zaloTexts.textOnly, zaloTexts.textOnly]);
  });

  it('splits a long answer into messages of at most 2000 characters', async () => {
    const para = 'Thành phần hồ sơ: tờ khai, bản sao giấy tờ, ảnh 4x6. '.repeat(20).trim();
    answers.respond(() => reply({ text: Array.from({ length: 8 }, () => para).join('\n\n'), feedback: true }));
    await post(channel, wrapped(zaloEvent(mid(), 'hồ sơ gồm gì')));
    await channel.idle();
    const texts = api.callsOf('sendMessage').map((c) => String(c.payload.text));
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(2000);
    expect(texts.at(-1)).toContain('Gõ 👍 hoặc 👎');
  });

  it('offers choices as numbers to type, and passes a typed number on as plain text', async () => {
    answers.respond((i) =>
      i.text === '2'
        ? reply({ text: 'Thủ tục đăng ký khai sinh có yếu tố nước ngoài.' })
        : reply({
            outcome: 'clarify',
            text: 'Anh/chị hỏi thủ tục nào?',
            choices: [
              { index: 1, code: '1.001193', name: 'Đăng ký khai sinh' },
              { index: 2, code: '2.000528', name: 'Đăng ký khai sinh có yếu tố nước ngoài' },
              { index: 3, code: '1.000656', name: 'Đăng ký lại khai sinh' },
            ],
          }),
    );
    await post(channel, wrapped(zaloEvent(mid(), 'khai sinh', 'c-ch')));
    await post(channel, wrapped(zaloEvent(mid(), '2', 'c-ch')));
    await channel.idle();
    const [first, second] = api.callsOf('sendMessage').map((c) => String(c.payload.text));
    expect(first).toContain('1. Đăng ký khai sinh\n2. Đăng ký khai sinh có yếu tố nước ngoài\n3. Đăng ký lại khai sinh');
    expect(first).toContain('Gõ 1, 2 hoặc 3 để chọn.');
    expect(answers.seen[1]).toMatchObject({ text: '2' });
    expect(answers.seen[1]!.action).toBeUndefined();
    expect(second).toContain('yếu tố nước ngoài');
  });

  it('turns a typed 👍 or 👎 into feedback and /tt into a command', async () => {
    await post(channel, wrapped(zaloEvent(mid(), '👍', 'c-fb')));
    await post(channel, wrapped(zaloEvent(mid(), ' 👎🏻 ', 'c-fb')));
    await post(channel, wrapped(zaloEvent(mid(), '/tt 1.001193', 'c-fb')));
    await channel.idle();
    expect(answers.seen.map((i) => i.action ?? i.command)).toEqual([
      { type: 'feedback', value: 'up' },
      { type: 'feedback', value: 'down' },
      { name: 'tt', args: '1.001193' },
    ]);
  });

  it('retries a 429 from the API with back-off and still delivers', async () => {
    api.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'quota exceeded' });
    await post(channel, wrapped(zaloEvent(mid(), 'xin chào', 'c-429')));
    await channel.idle();
    expect(api.callsOf('sendMessage')).toHaveLength(2);
    expect(waits.length).toBeGreaterThan(0);
  });

  it('rate-limits a fast user with one polite reply', async () => {
    const limited = makeChannel({ rateLimit: { limit: 2, windowMs: 60_000 } });
    for (let i = 0; i < 5; i++) await post(limited, wrapped(zaloEvent(mid(), `câu ${i}`, 'c-fast')));
    await limited.idle();
    expect(answers.seen).toHaveLength(2);
    expect(api.callsOf('sendMessage').map((c) => c.payload.text).filter((t) => t === zaloTexts.tooFast)).toHaveLength(1);
  });

  it('sends a polite message and logs the message id when answering fails, never the token', async () => {
    answers.respond(() => {
      throw new Error('boom');
    });
    const id = mid();
    await post(channel, wrapped(zaloEvent(id, 'xin chào', 'c-err')));
    await channel.idle();
    expect(api.callsOf('sendMessage')[0]!.payload.text).toBe(userMessages.internal);
    expect(log.records().find((r) => r.msg === 'zalo message failed')).toMatchObject({ messageId: id, err: { message: 'boom' } });
    expect(log.lines.join('')).not.toContain(TOKEN);
  });

  it('registers the webhook with its secret at start when PUBLIC_URL is set', async () => {
    const ch = createZaloChannel({ config: config({ PUBLIC_URL: 'https://motcua.example.vn' }), answers, db, logger: log.logger });
    await ch.start();
    expect(api.callsOf('getMe')).toHaveLength(1);
    expect(api.callsOf('setWebhook')[0]!.payload).toEqual({ url: 'https://motcua.example.vn/zalo/webhook', secret_token: SECRET });
    await ch.stop();
  });

  it('answers updates from getUpdates in polling mode and stops cleanly', async () => {
    const ch = createZaloChannel({ config: config({ ZALO_MODE: 'polling' }), answers, db, logger: log.logger, pollTimeoutSeconds: 1 });
    api.pushUpdate(zaloEvent(mid(), 'giờ làm việc', 'c-poll'));
    await ch.start();
    await api.waitFor('sendMessage', 1);
    expect(api.callsOf('deleteWebhook')).toHaveLength(1);
    expect(answers.seen[0]).toMatchObject({ chatId: 'c-poll', text: 'giờ làm việc' });
    // The webhook route refuses deliveries while polling.
    expect((await post(ch, wrapped(zaloEvent(mid(), 'x')))).status).toBe(401);
    await ch.stop();
  });

  it('lets background work send a reply through the sender', async () => {
    await channel.sender.send('c-bg', reply({ text: 'Hồ sơ đã có kết quả.' }));
    expect(channel.sender.channel).toBe('zalo');
    expect(api.callsOf('sendMessage')[0]!.payload).toEqual({ chat_id: 'c-bg', text: 'Hồ sơ đã có kết quả.' });
  });
});
