import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createApp } from '../../src/server/app.js';
import { createLogger } from '../../src/logger.js';
import type { AnswerService, Incoming } from '../../src/channels/types.js';
import type { Db } from '../../src/db/db.js';
import { createTestDb } from '../helpers/db.js';

function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level: 'info', destination: destination as never }), lines };
}

describe('HTTP app', () => {
  let db: Db;
  const seen: Incoming[] = [];
  const answers: AnswerService = {
    async handle(incoming) {
      seen.push(incoming);
      return { outcome: 'smalltalk', text: `echo ${incoming.text}`, citations: [], choices: [], feedback: false };
    },
  };
  const { logger, lines } = captureLogger();
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db?.close());
  const app = () => createApp({ db, logger, answers });

  it('reports health: only ok publicly, the database kind with the admin token', async () => {
    const res = await app().request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const token = 'health-admin-token-0123456789abcdef';
    const details = await createApp({ db, logger, answers, adminToken: token }).request('/health', { headers: { authorization: `Bearer ${token}` } });
    expect(details.status).toBe(200);
    expect(await details.json()).toMatchObject({ ok: true, db: { ok: true, kind: 'pglite' } });
  });

  it('answers a chat message through the answer service', async () => {
    const res = await app().request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatId: 'web-1', text: 'xin chào' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'smalltalk', text: 'echo xin chào', citations: [], choices: [], feedback: false });
    expect(seen.at(-1)).toMatchObject({ channel: 'web', chatId: 'web-1', text: 'xin chào' });
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await app().request('/api/chat', { method: 'POST', body: '{"chatId":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'http:bad_json' });
  });

  it('rejects invalid fields with 400 and a message naming them', async () => {
    const res = await app().request('/api/chat', { method: 'POST', body: JSON.stringify({ chatId: 5, text: 'x' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/chatId/);
  });

  it('rejects bodies over 64 KB with 413', async () => {
    const res = await app().request('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ chatId: 'x', text: 'a'.repeat(70_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
  });

  it('answers 503 on /health when the database is down', async () => {
    const down: Db = { ...db, kind: 'postgres', ping: async () => false };
    const res = await createApp({ db: down, logger, answers }).request('/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false });
  });

  it('logs requests with a request id', async () => {
    // Its own request (not one an earlier test happened to make), so the test runs alone or in any order.
    const res = await app().request('/api/chat', { method: 'POST', body: JSON.stringify({ chatId: 'web-log', text: 'xin chào' }), headers: { 'content-type': 'application/json' } });
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.path === '/api/chat' && l.reqId === id);
    expect(line).toBeDefined();
  });
});
