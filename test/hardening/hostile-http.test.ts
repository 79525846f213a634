import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.js';
import { userMessages } from '../../src/errors.js';
import { telegramTexts } from '../../src/channels/telegram/bot.js';
import { TELEGRAM_MAX_TEXT } from '../../src/channels/telegram/render.js';
import { ZALO_MAX_TEXT } from '../../src/channels/zalo/render.js';
import { MAX_BODY_BYTES } from '../../src/server/app.js';
import type { Reply } from '../../src/channels/types.js';
import { hostileMessages } from './hostile-messages.js';
import { isWellFormed, startStack, telegramHtmlProblem, telegramText, until, zaloText, type Stack } from './helpers.js';

/**
 * Hundreds of hostile messages through the real HTTP surfaces of `startServer` (real answer core over the shipped
 * catalog on PGlite; Telegram and Zalo webhooks answering through fake peers): every one gets a sensible reply, none
 * a 5xx, and the bad bodies get 400/413 with a JSON reason.
 */
describe('hostile input through the HTTP surfaces', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ db: await createTestDb() });
    // Start-up imports and indexes the shipped catalog with the province's list (1,785 procedures).
  }, 120_000);
  afterAll(async () => stack?.close());

  it(`answers ${hostileMessages.length} hostile messages on /api/chat, never with a 5xx or an error reply`, async () => {
    const problems: string[] = [];
    for (const [i, text] of hostileMessages.entries()) {
      const res = await stack.chat(`web-hostile-${i}`, text);
      const body = (await res.json()) as Reply & { error?: string; message?: string };
      if (text.length > 4000) {
        // Longer than the web page lets anyone type (maxlength 2000): refused with a reason, not a crash.
        if (res.status !== 400 || !/text/.test(body.message ?? '')) problems.push(`#${i}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        continue;
      }
      if (res.status !== 200) problems.push(`#${i}: status ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      else if (body.outcome === 'error' || typeof body.text !== 'string' || !body.text.trim()) {
        problems.push(`#${i} ${JSON.stringify(text.slice(0, 40))}: ${body.outcome} ${JSON.stringify(body.text?.slice(0, 120))}`);
      } else if (!isWellFormed(body.text)) problems.push(`#${i}: reply holds a lone surrogate`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it(`answers ${hostileMessages.length} hostile Telegram updates with valid HTML within 4096 characters`, async () => {
    const firstChat = 700_000;
    for (const [i, text] of hostileMessages.entries()) {
      const res = await stack.postTelegram(telegramText(900_000 + i, firstChat + i, text));
      expect(res.status, `update #${i}`).toBe(200);
    }
    const chatsAnswered = () => new Set(stack.telegram.callsOf('sendMessage').map((c) => Number(c.payload.chat_id)));
    await until(() => chatsAnswered().size >= hostileMessages.length, 'every hostile Telegram chat to be answered', 40_000);
    const problems: string[] = [];
    for (const call of stack.telegram.callsOf('sendMessage')) {
      const i = Number(call.payload.chat_id) - firstChat;
      const text = String(call.payload.text);
      if (text === telegramTexts.failed) problems.push(`#${i}: failure notice`);
      if (!text.trim() || text.length > TELEGRAM_MAX_TEXT) problems.push(`#${i}: length ${text.length}`);
      const html = telegramHtmlProblem(text);
      if (html) problems.push(`#${i}: ${html}`);
      if (!isWellFormed(text)) problems.push(`#${i} ${JSON.stringify(hostileMessages[i]?.slice(0, 30))}: lone surrogate sent to Telegram`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it(`answers ${hostileMessages.length} hostile Zalo messages in plain text within 2000 characters`, async () => {
    let expected = 0;
    for (const [i, text] of hostileMessages.entries()) {
      const res = await stack.postZalo(zaloText(`hm-${i}`, `zchat-${i}`, text));
      // The Zalo event schema caps text at 10,000 characters (code points): longer may be refused at the edge.
      if (res.status === 200) expected++;
      else expect([i, res.status]).toEqual([i, text.length > 10_000 ? 400 : 200]);
    }
    expect(expected).toBeGreaterThan(hostileMessages.length - 5);
    const chatsAnswered = () => new Set(stack.zalo.callsOf('sendMessage').map((c) => String(c.payload.chat_id)));
    await until(() => chatsAnswered().size >= expected, 'every hostile Zalo chat to be answered', 40_000);
    const problems: string[] = [];
    for (const call of stack.zalo.callsOf('sendMessage')) {
      const chat = String(call.payload.chat_id);
      const text = String(call.payload.text);
      if (text === userMessages.internal) problems.push(`${chat}: failure notice`);
      if (!text.trim() || text.length > ZALO_MAX_TEXT) problems.push(`${chat}: length ${text.length}`);
      if (!isWellFormed(text)) problems.push(`${chat}: lone surrogate sent to Zalo`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  const big = 'x'.repeat(MAX_BODY_BYTES + 1024);
  const endpoints = [
    { name: '/api/chat', post: (b: unknown) => stack.post('/api/chat', b), ok: { chatId: 'w', text: big } },
    { name: '/telegram/webhook', post: (b: unknown) => stack.postTelegram(b), ok: telegramText(1, 1, big) },
    { name: '/zalo/webhook', post: (b: unknown) => stack.postZalo(b), ok: zaloText('big', 'big', big) },
  ];

  it.each(endpoints.map((e) => [e.name, e] as const))('%s refuses bodies over 64 KB with 413', async (_n, e) => {
    const res = await e.post(e.ok);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'http:too_large' });
    // Also when the size is not announced (chunked upload).
    const chunked = await fetch(stack.base + e.name, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': 'tg-hook-secret-Qm7rT2vX',
        'x-bot-api-secret-token': 'zalo-hook-secret-Hk29sLw0',
      },
      body: new ReadableStream({
        start(ctrl) {
          for (let i = 0; i < 80; i++) ctrl.enqueue(new TextEncoder().encode('x'.repeat(1024)));
          ctrl.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  const malformed = ['{"chatId":', '', '{', 'nul', '{"a":1}}', '\u0000', '[1,2', '\uD800'];
  it.each(endpoints.map((e) => [e.name, e] as const))('%s refuses malformed JSON with 400 and a reason', async (_n, e) => {
    for (const raw of malformed) {
      const res = await e.post(raw);
      expect(res.status, JSON.stringify(raw)).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.stringMatching(/^http:(bad_json|validation)$/), message: expect.any(String) });
    }
  });

  const wrongTypes: Record<string, unknown[]> = {
    '/api/chat': [
      null, [], 'text', 42, true,
      { chatId: 1, text: 'x' },
      { chatId: 'a', text: 5 },
      { chatId: 'a', text: null },
      { chatId: '', text: 'x' },
      { chatId: 'x'.repeat(129), text: 'x' },
      { chatId: { $ne: 1 }, text: 'x' },
      { chatId: 'a', text: ['x'] },
      { chatId: 'a', text: 'x', action: { type: 'choice', index: '1' } },
      { chatId: 'a', text: 'x', action: { type: 'choice', index: 1e9 } },
      { chatId: 'a', text: 'x', action: { type: 'feedback', value: 'sideways' } },
      { chatId: 'a', text: 'x', action: { type: 'drop_tables' } },
    ],
    '/telegram/webhook': [null, [], 'x', 1, {}, { update_id: 'x' }, { update_id: -1 }, { update_id: 1.5 }, { update_id: null }],
    '/zalo/webhook': [
      null, [], 'x', {},
      { ok: true, result: {} },
      { event_name: 'message.text.received', message: {} },
      { event_name: 'message.text.received', message: { message_id: 'm', from: { id: 'u' }, chat: { id: 'c' }, text: 5 } },
      { event_name: '', message: { message_id: 'm', from: { id: 'u' }, chat: { id: 'c' } } },
      { event_name: 'message.text.received', message: { message_id: 'm', from: { id: null }, chat: { id: 'c' } } },
    ],
  };
  it.each(endpoints.map((e) => [e.name, e] as const))('%s refuses JSON with wrong types with 400 naming the field', async (name, e) => {
    for (const body of wrongTypes[name]!) {
      const res = await e.post(JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'http:validation', message: expect.any(String) });
    }
  });

  it('survives Telegram updates of odd shapes that pass the edge schema, and stays healthy', async () => {
    const odd = [
      { update_id: 990_001, message: 'not an object' },
      { update_id: 990_002, message: { chat: null } },
      { update_id: 990_003, message: { message_id: 1, date: 0, chat: { id: 'abc', type: 'private' }, text: 42 } },
      { update_id: 990_004, callback_query: { id: 'q', from: { id: 990_004, is_bot: false, first_name: 'x' }, data: 'c:99:' + 'x'.repeat(500) } },
      { update_id: 990_005, edited_message: { message_id: 1, date: 0, chat: { id: 990_005, type: 'private' }, text: 'sửa' } },
      { update_id: 990_006, inline_query: { id: 'i', from: { id: 1, is_bot: false, first_name: 'x' }, query: '<b>', offset: '' } },
      { update_id: 990_007, message: { message_id: 1, date: 0, chat: { id: 990_007, type: 'private' }, from: { id: 990_007, is_bot: false, first_name: 'x' }, text: '/tt' } },
    ];
    for (const u of odd) expect((await stack.postTelegram(u)).status, JSON.stringify(u)).toBeLessThan(500);
    const bad = await stack.postTelegram({ update_id: 1 }, 'wrong-secret');
    expect(bad.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    const health = await fetch(stack.base + '/health');
    expect(health.status).toBe(200);
    // The web chat still answers normally afterwards.
    const res = await stack.chat('web-after', 'làm giấy khai sinh cần gì');
    expect(((await res.json()) as Reply).outcome).toBe('answered');
  });
});
