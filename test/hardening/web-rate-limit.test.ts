import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createChatRateLimiter } from '../../src/server/rate-limit.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { userMessages } from '../../src/errors.js';
import type { AnswerService } from '../../src/channels/types.js';
import type { Db } from '../../src/db/db.js';
import { createTestDb } from '../helpers/db.js';
import { captureLog } from './helpers.js';

const answers: AnswerService = {
  handle: async (i) => ({ outcome: 'smalltalk', text: `ok ${i.text}`, citations: [], choices: [], feedback: false }),
};

describe('web chat rate limit (POST /api/chat)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db?.close());

  const ask = (app: ReturnType<typeof createApp>, chatId: string, text = 'hỏi') =>
    app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chatId, text }) });

  it('allows 20 messages a minute per chat, then answers 429 with a polite Vietnamese reply and Retry-After', async () => {
    let now = 1_000_000;
    const app = createApp({ db, logger: captureLog().logger, answers, chatRateLimit: createChatRateLimiter({ clock: () => now }) });
    for (let i = 0; i < 20; i++) expect((await ask(app, 'c1')).status).toBe(200);
    now += 10_000;
    const refused = await ask(app, 'c1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('50');
    // Shaped like a Reply, so a client can show it as the assistant's answer.
    expect(await refused.json()).toMatchObject({
      error: 'http:rate_limited',
      outcome: 'error',
      text: userMessages['http:rate_limited'],
      citations: [],
      choices: [],
      feedback: false,
    });
    // Another chat is not affected; the first one is served again once its window has passed.
    expect((await ask(app, 'c2')).status).toBe(200);
    now += 50_000;
    expect((await ask(app, 'c1')).status).toBe(200);
  });

  it('caps one address across rotating chat ids', async () => {
    const app = createApp({
      db,
      logger: captureLog().logger,
      answers,
      chatRateLimit: createChatRateLimiter({ perAddress: { limit: 30, windowMs: 60_000 } }),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await ask(app, `rot-${i}`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
  });

  it('keys on the real peer address of a listening server, and forgets the oldest keys beyond maxKeys', async () => {
    const limiter = createChatRateLimiter({ perChat: { limit: 1, windowMs: 60_000 }, maxKeys: 2 });
    const server: Listening = await listen(createApp({ db, logger: captureLog().logger, answers, chatRateLimit: limiter }), { port: 0, host: '127.0.0.1' });
    try {
      const post = (chatId: string) =>
        fetch(`http://127.0.0.1:${server.port}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chatId, text: 'x' }) });
      expect((await post('a')).status).toBe(200);
      expect((await post('a')).status).toBe(429);
      // X-Forwarded-For is not trusted: a spoofed header does not buy a new budget.
      const spoofed = await fetch(`http://127.0.0.1:${server.port}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({ chatId: 'a', text: 'x' }),
      });
      expect(spoofed.status).toBe(429);
    } finally {
      await server.close();
    }
    // Bounded memory: with room for two chats, a third pushes out the oldest, which then starts afresh.
    expect(limiter.hit('b', 'ip').allowed).toBe(true);
    expect(limiter.hit('c', 'ip').allowed).toBe(true);
    expect(limiter.hit('d', 'ip').allowed).toBe(true);
    expect(limiter.hit('b', 'ip').allowed).toBe(true);
  });

  it('can be turned off', async () => {
    const app = createApp({ db, logger: captureLog().logger, answers, chatRateLimit: false });
    for (let i = 0; i < 25; i++) expect((await ask(app, 'same')).status).toBe(200);
  });
});
