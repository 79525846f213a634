import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../../src/answer/session.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';

describe.each(dbBackends)('chat sessions on $backend', ({ backend }) => {
  let db: TestDb;
  const t0 = new Date('2026-11-26T08:00:00Z');
  const later = (min: number) => new Date(t0.getTime() + min * 60_000);
  const session = { lastCode: '1.001193', lastAspects: ['fee' as const], lastChoices: [], lastQuestion: 'lệ phí?', lastOutcome: 'answered' as const };

  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    await db.query('DELETE FROM chat_sessions');
  });

  it.each([
    ['cached', 100],
    ['uncached', 0],
  ])('%s: stores, times out, and another store on the same database sees what was written', async (_label, cacheSize) => {
    const store = createSessionStore(db, { timeoutMinutes: 30, cacheSize });
    expect(await store.get('chat-a', t0)).toBeUndefined();
    await store.set('chat-a', session, t0);
    expect(await store.get('chat-a', later(10))).toMatchObject({ lastCode: '1.001193', lastAspects: ['fee'] });
    expect(await store.get('chat-a', later(31))).toBeUndefined();
    // Written through: a fresh store (another worker, or after a restart) reads it from the database.
    const other = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    expect((await other.get('chat-a', later(1)))?.lastQuestion).toBe('lệ phí?');
  });

  it('a cached "no session" becomes the new session once set, and old entries leave the cache', async () => {
    const store = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 2 });
    expect(await store.get('chat-b', t0)).toBeUndefined();
    await store.set('chat-b', session, t0);
    expect((await store.get('chat-b', t0))?.lastCode).toBe('1.001193');
    await store.set('chat-c', { ...session, lastCode: 'C' }, t0);
    await store.set('chat-d', { ...session, lastCode: 'D' }, t0);
    // chat-b left the cache (size 2): it is read back from the database, unchanged.
    await db.query(`UPDATE chat_sessions SET last_code = 'B2' WHERE chat_key = 'chat-b'`);
    expect((await store.get('chat-b', t0))?.lastCode).toBe('B2');
  });

  it('concurrent chats (written and read in shared statements) each keep exactly their own session', async () => {
    const writer = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    const tricky = ['"quoted" \\ back\\slash', "it's {braces}, [brackets]", 'NULL', '', 'phường Đông Kinh, TP. Lạng Sơn'];
    const sessions = Array.from({ length: 25 }, (_, i) => ({
      lastCode: i % 3 === 0 ? undefined : `1.00${i}`,
      lastAspects: i % 2 ? (['fee', 'deadline'] as const).slice() : [],
      lastChoices: [{ index: 1, code: `C${i}`, name: tricky[i % tricky.length]! }],
      lastQuestion: i % 4 === 0 ? undefined : tricky[i % tricky.length],
      lastOutcome: i % 5 === 0 ? undefined : ('clarify' as const),
    }));
    await Promise.all(sessions.map((x, i) => writer.set(`chat-many-${i}`, x, later(i))));
    const reader = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    const back = await Promise.all(sessions.map((_, i) => reader.get(`chat-many-${i}`, later(24))));
    back.forEach((b, i) => expect(b).toEqual({ ...sessions[i], updatedAt: later(i) }));
    // A chat written twice in one batch keeps the later write.
    await Promise.all([writer.set('chat-twice', { ...session, lastCode: 'first' }, t0), writer.set('chat-twice', { ...session, lastCode: 'second' }, t0)]);
    expect((await reader.get('chat-twice', t0))?.lastCode).toBe('second');
  });

  it('a failed write does not leave a cached session the database does not have', async () => {
    const failing = { ...db, query: async () => Promise.reject(new Error('db down')) } as unknown as TestDb;
    const store = createSessionStore(failing, { timeoutMinutes: 30, cacheSize: 10 });
    await expect(store.set('chat-e', session, t0)).rejects.toThrow('db down');
    await expect(store.get('chat-e', t0)).rejects.toThrow('db down');
  });
});
