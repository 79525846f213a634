import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Transformer } from 'grammy';
import { createTelegramBot, telegramTexts } from '../../../src/channels/telegram/bot.js';
import { createChannelStore } from '../../../src/channels/shared/channel-store.js';
import { TELEGRAM_MAX_TEXT } from '../../../src/channels/telegram/render.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { fakeBotInfo } from '../../fakes/telegram-api.js';
import { captureLogger, createFakeAnswers, reply, type FakeAnswers } from '../helpers/fake-answers.js';
import { callbackUpdate, photoUpdate, textUpdate } from './updates.js';

interface Call {
  method: string;
  payload: Record<string, unknown>;
}

/** Records every Bot API call and answers it like Telegram would, without a network. */
function recorder() {
  const calls: Call[] = [];
  let nextId = 1;
  const transformer: Transformer = async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    const result =
      method === 'sendMessage'
        ? { message_id: nextId++, date: 0, chat: { id: Number((payload as { chat_id: number }).chat_id), type: 'private' }, text: '' }
        : true;
    return { ok: true, result } as never;
  };
  return { calls, transformer, of: (m: string) => calls.filter((c) => c.method === m) };
}

describe('Telegram bot (handleUpdate)', () => {
  let db: Db;
  let answers: FakeAnswers;
  let rec: ReturnType<typeof recorder>;
  let log: ReturnType<typeof captureLogger>;
  let updateId = 1;
  const bot = (limit = 100, typingAfterMs = 0) =>
    createTelegramBot({
      typingAfterMs,
      token: '123:abc',
      answers,
      store: createChannelStore(db),
      logger: log.logger,
      botInfo: fakeBotInfo,
      rateLimit: { limit, windowMs: 60_000 },
      transformers: [rec.transformer],
    });

  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db?.close());
  beforeEach(() => {
    answers = createFakeAnswers();
    rec = recorder();
    log = captureLogger();
  });

  it('hands a text message to the answer core and sends the escaped HTML answer with a typing indicator', async () => {
    answers.respond(() => reply({ text: 'Lệ phí <50.000 đồng> & miễn cho trẻ em' }));
    await bot().handleUpdate(textUpdate(updateId++, 'làm giấy khai sinh mất bao nhiêu tiền', 555));
    expect(answers.seen).toHaveLength(1);
    expect(answers.seen[0]).toMatchObject({ channel: 'telegram', chatId: '555', userRef: '555', text: 'làm giấy khai sinh mất bao nhiêu tiền' });
    expect(answers.seen[0]!.receivedAt).toBeInstanceOf(Date);
    expect(rec.of('sendChatAction')[0]!.payload).toMatchObject({ chat_id: 555, action: 'typing' });
    const sent = rec.of('sendMessage');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.payload).toMatchObject({ chat_id: '555', parse_mode: 'HTML', text: 'Lệ phí &lt;50.000 đồng&gt; &amp; miễn cho trẻ em' });
  });

  it('shows typing only when the answer is slow, and keeps it up while the core works', async () => {
    // Slow: the core answers only once "typing…" was sent (event-driven, whatever the machine's load).
    answers.respond(async () => {
      while (!rec.of('sendChatAction').length) await new Promise((r) => setTimeout(r, 5));
      return reply({ text: 'xong' });
    });
    await bot(100, 20).handleUpdate(textUpdate(updateId++, 'chậm'));
    expect(rec.of('sendChatAction')).toHaveLength(1);
    expect(rec.calls.map((c) => c.method)).toEqual(['sendChatAction', 'sendMessage']);
    // Fast: answered well within the threshold (one minute), no typing.
    answers.respond(() => reply({ text: 'nhanh' }));
    await bot(100, 60_000).handleUpdate(textUpdate(updateId++, 'nhanh'));
    expect(rec.of('sendChatAction')).toHaveLength(1);
    expect(rec.of('sendMessage')).toHaveLength(2);
  });

  it.each([
    ['/tt 1.001193', { name: 'tt', args: '1.001193' }],
    ['/tt   khai sinh  ', { name: 'tt', args: 'khai sinh' }],
    ['/hoso G09.20-20260609-0092637', { name: 'hoso', args: 'G09.20-20260609-0092637' }],
    ['/theodoi H37.1-260101-0001', { name: 'theodoi', args: 'H37.1-260101-0001' }],
    ['/huytheodoi', { name: 'huytheodoi', args: '' }],
    ['/gopy nên mở cửa thứ bảy', { name: 'gopy', args: 'nên mở cửa thứ bảy' }],
    ['/start', { name: 'start', args: '' }],
    ['/help@motcua_test_bot', { name: 'help', args: '' }],
  ])('passes %s to the core as a command', async (text, command) => {
    await bot().handleUpdate(textUpdate(updateId++, text));
    expect(answers.seen.at(-1)?.command).toEqual(command);
    expect(rec.of('sendMessage')).toHaveLength(1);
  });

  it('passes an unknown slash command as plain text', async () => {
    await bot().handleUpdate(textUpdate(updateId++, '/xyz abc'));
    expect(answers.seen.at(-1)).toMatchObject({ text: '/xyz abc' });
    expect(answers.seen.at(-1)?.command).toBeUndefined();
  });

  it('shows choices and feedback as an inline keyboard within 64-byte callback data', async () => {
    answers.respond(() =>
      reply({
        outcome: 'clarify',
        text: 'Anh/chị muốn hỏi thủ tục nào?',
        choices: [
          { index: 1, code: '1.001193', name: 'Đăng ký khai sinh', level: 'Cấp xã' },
          { index: 2, code: '2.000528', name: 'Đăng ký khai sinh có yếu tố nước ngoài '.repeat(5) },
        ],
        feedback: true,
      }),
    );
    await bot().handleUpdate(textUpdate(updateId++, 'khai sinh'));
    const markup = rec.of('sendMessage')[0]!.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    const buttons = markup.inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toEqual(['c:1:1.001193', 'c:2:2.000528', 'f:up', 'f:down']);
    expect(buttons[0]!.text).toBe('1. Đăng ký khai sinh (Cấp xã)');
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    expect(Array.from(buttons[1]!.text).length).toBeLessThanOrEqual(60);
  });

  it('turns a choice button into a choice action and always answers the callback', async () => {
    await bot().handleUpdate(callbackUpdate(updateId++, 'c:2:2.000528', 777));
    expect(rec.of('answerCallbackQuery')).toHaveLength(1);
    expect(answers.seen.at(-1)).toMatchObject({ chatId: '777', action: { type: 'choice', index: 2, code: '2.000528' } });
    expect(rec.of('sendMessage')[0]!.payload.chat_id).toBe('777');
  });

  it('turns 👍/👎 buttons into feedback actions', async () => {
    await bot().handleUpdate(callbackUpdate(updateId++, 'f:down'));
    expect(answers.seen.at(-1)?.action).toEqual({ type: 'feedback', value: 'down' });
    expect(rec.of('answerCallbackQuery')).toHaveLength(1);
  });

  it('answers a button it did not make with a notice and does not bother the core', async () => {
    await bot().handleUpdate(callbackUpdate(updateId++, 'something-else'));
    expect(answers.seen).toHaveLength(0);
    expect(rec.of('answerCallbackQuery')[0]!.payload).toMatchObject({ text: telegramTexts.staleButton });
  });

  it('tells the citizen it reads text only when a photo arrives', async () => {
    await bot().handleUpdate(photoUpdate(updateId++));
    expect(answers.seen).toHaveLength(0);
    expect(rec.of('sendMessage')[0]!.payload.text).toBe(telegramTexts.textOnly);
  });

  it('processes a repeated update_id once, also in a new bot on the same database (restart)', async () => {
    const id = updateId++;
    await bot().handleUpdate(textUpdate(id, 'xin chào'));
    await bot().handleUpdate(textUpdate(id, 'xin chào'));
    await bot().handleUpdate(textUpdate(id, 'xin chào'));
    expect(answers.seen).toHaveLength(1);
    expect(rec.of('sendMessage')).toHaveLength(1);
    expect(log.records().some((r) => r.msg === 'duplicate update dropped' && r.updateId === id)).toBe(true);
  });

  it('splits a long answer into messages of at most 4096 characters with the keyboard on the last', async () => {
    const paragraph = 'Thành phần hồ sơ gồm tờ khai & giấy tờ <bản sao>. '.repeat(30).trim();
    answers.respond(() => reply({ text: Array.from({ length: 12 }, () => paragraph).join('\n\n'), feedback: true }));
    await bot().handleUpdate(textUpdate(updateId++, 'hồ sơ gồm gì'));
    const sent = rec.of('sendMessage');
    expect(sent.length).toBeGreaterThan(1);
    for (const s of sent) expect((s.payload.text as string).length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(sent.slice(0, -1).every((s) => s.payload.reply_markup === undefined)).toBe(true);
    expect(sent.at(-1)!.payload.reply_markup).toBeDefined();
    // No paragraph is cut: every message is made of whole paragraphs.
    for (const s of sent) for (const p of (s.payload.text as string).split('\n\n')) expect(p).toBe(paragraph.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  it('limits a user who sends too fast, with one polite reply per window', async () => {
    const b = bot(2);
    for (let i = 0; i < 5; i++) await b.handleUpdate(textUpdate(updateId++, `câu ${i}`, 9090));
    expect(answers.seen).toHaveLength(2);
    const texts = rec.of('sendMessage').map((c) => c.payload.text);
    expect(texts.filter((t) => t === telegramTexts.tooFast)).toHaveLength(1);
    // Another user is not affected.
    await b.handleUpdate(textUpdate(updateId++, 'xin chào', 9191));
    expect(answers.seen).toHaveLength(3);
  });

  it('sends a polite message and logs the error with the update id when answering fails', async () => {
    answers.respond(() => {
      throw new Error('boom');
    });
    const id = updateId++;
    await bot().handleUpdate(textUpdate(id, 'xin chào', 3030));
    expect(rec.of('sendMessage').map((c) => c.payload)).toEqual([expect.objectContaining({ chat_id: '3030', text: telegramTexts.failed })]);
    const err = log.records().find((r) => r.msg === 'telegram update failed');
    expect(err).toMatchObject({ updateId: id, err: { message: 'boom' } });
    expect(log.lines.join('')).not.toContain('3030');
  });
});
