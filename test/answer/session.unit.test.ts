import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { createSessionStore, type ChatSession } from '../../src/answer/session.js';

// The session store against a scripted database: it answers the store's three statements from a map and records
// every call, so these tests see what the store sends (how many reads, which parameters, in which order) and what it
// makes of the rows it gets back. test/answer/session.test.ts runs the same store against a real PGlite.

type StoredRow = {
  chat_key: string;
  last_code: string | null;
  last_aspects: unknown;
  last_choices: unknown;
  last_question: string | null;
  last_outcome: string | null;
  pending: string | null;
  updated_at: string | Date;
};

interface Call {
  sql: string;
  params: readonly unknown[];
}

function scriptedDb(kind: Db['kind'] = 'pglite') {
  const rows = new Map<string, StoredRow>();
  const calls: Call[] = [];
  let failNext = 0;
  const db: Db = {
    kind,
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      calls.push({ sql, params });
      if (failNext > 0) {
        failNext--;
        throw new Error('database unavailable');
      }
      if (sql.startsWith('SELECT')) {
        const keys = params[0] as string[];
        return keys.flatMap((k) => (rows.has(k) ? [{ ...rows.get(k)! }] : [])) as T[];
      }
      if (sql.trimStart().startsWith('INSERT')) {
        const [k, c, a, ch, q, o, t, p] = params as string[][];
        k!.forEach((key, i) => {
          rows.set(key, {
            chat_key: key,
            last_code: c![i] ?? null,
            last_aspects: JSON.parse(a![i]!),
            last_choices: JSON.parse(ch![i]!),
            last_question: q![i] ?? null,
            last_outcome: o![i] ?? null,
            updated_at: t![i]!,
            pending: p![i] ?? null,
          });
        });
        return [];
      }
      if (sql.startsWith('DELETE')) {
        rows.delete(params[0] as string);
        return [];
      }
      throw new Error(`unexpected statement: ${sql}`);
    },
    exec: async () => {},
    transaction: async (fn) => fn(db),
    ping: async () => true,
    close: async () => {},
  };
  const reads = () => calls.filter((c) => c.sql.startsWith('SELECT'));
  const writes = () => calls.filter((c) => c.sql.trimStart().startsWith('INSERT'));
  return { db, rows, calls, reads, writes, failOnce: () => void failNext++ };
}

const t0 = new Date('2026-12-01T02:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const minute = 60_000;
const question: Omit<ChatSession, 'updatedAt'> = {
  lastCode: '2.000123',
  lastAspects: ['documents', 'fee'],
  lastChoices: [{ index: 1, code: '2.000123', name: 'Đăng ký khai sinh' }],
  lastQuestion: 'khai sinh cần giấy tờ gì',
  lastOutcome: 'answered',
};

describe('session store: timeout', () => {
  it('a session lasts exactly timeoutMinutes after its last write, not a millisecond more', async () => {
    const { db } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 15 });
    await store.set('tg:1', question, t0);
    expect(await store.get('tg:1', at(15 * minute))).toMatchObject({ lastCode: '2.000123', updatedAt: t0 });
    expect(await store.get('tg:1', at(15 * minute + 1))).toBeUndefined();
    // Read from the database rather than the cache, the same limit holds.
    const fresh = createSessionStore(db, { timeoutMinutes: 15, cacheSize: 0 });
    expect(await fresh.get('tg:1', at(15 * minute))).toBeDefined();
    expect(await fresh.get('tg:1', at(15 * minute + 1))).toBeUndefined();
  });

  it('a new write starts the timeout again', async () => {
    const { db } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 1 });
    await store.set('tg:1', question, t0);
    await store.set('tg:1', { ...question, lastCode: '2.000999' }, at(50_000));
    expect(await store.get('tg:1', at(100_000))).toMatchObject({ lastCode: '2.000999', updatedAt: at(50_000) });
  });
});

describe('session store: the cache', () => {
  it('on PGlite reads are cached by default: one statement for repeated reads, including "no session"', async () => {
    const { db, reads } = scriptedDb('pglite');
    const store = createSessionStore(db, { timeoutMinutes: 30 });
    expect(await store.get('zalo:7', t0)).toBeUndefined();
    expect(await store.get('zalo:7', t0)).toBeUndefined();
    expect(reads()).toHaveLength(1);
    await store.set('zalo:7', question, t0);
    expect(await store.get('zalo:7', t0)).toMatchObject({ lastQuestion: 'khai sinh cần giấy tờ gì' });
    expect(reads()).toHaveLength(1);
  });

  it('on PostgreSQL every read goes to the database by default (other workers may write)', async () => {
    const { db, reads, rows } = scriptedDb('postgres');
    const store = createSessionStore(db, { timeoutMinutes: 30 });
    await store.set('zalo:7', question, t0);
    expect(await store.get('zalo:7', t0)).toMatchObject({ lastCode: '2.000123' });
    rows.get('zalo:7')!.last_code = '2.000456';
    expect(await store.get('zalo:7', t0)).toMatchObject({ lastCode: '2.000456' });
    expect(reads()).toHaveLength(2);
  });

  it('an explicit cache size wins over the default, both ways', async () => {
    const pg = scriptedDb('postgres');
    const cachedPg = createSessionStore(pg.db, { timeoutMinutes: 30, cacheSize: 10 });
    await cachedPg.get('a', t0);
    await cachedPg.get('a', t0);
    expect(pg.reads()).toHaveLength(1);
    const lite = scriptedDb('pglite');
    const uncachedLite = createSessionStore(lite.db, { timeoutMinutes: 30, cacheSize: 0 });
    await uncachedLite.get('a', t0);
    await uncachedLite.get('a', t0);
    expect(lite.reads()).toHaveLength(2);
  });

  it('the cache keeps its own copy: changing the caller\'s arrays after set changes nothing', async () => {
    const { db } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30 });
    const mine = { ...question, lastAspects: [...question.lastAspects], lastChoices: [...question.lastChoices] };
    await store.set('tg:2', mine, t0);
    mine.lastAspects.push('where');
    mine.lastChoices.length = 0;
    const s = await store.get('tg:2', t0);
    expect(s?.lastAspects).toEqual(['documents', 'fee']);
    expect(s?.lastChoices).toEqual(question.lastChoices);
  });

  it('a failed write forgets the cached session, so the next read asks the database', async () => {
    const { db, reads, failOnce } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30 });
    await store.set('tg:3', question, t0);
    failOnce();
    await expect(store.set('tg:3', { ...question, lastCode: '9.999' }, at(1000))).rejects.toThrow('database unavailable');
    expect(reads()).toHaveLength(0);
    // The database still has the first write; the store says so instead of the write that failed.
    expect(await store.get('tg:3', at(2000))).toMatchObject({ lastCode: '2.000123', updatedAt: t0 });
    expect(reads()).toHaveLength(1);
  });

  it('a failed read is not cached as "no session"', async () => {
    const { db, reads, failOnce } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30 });
    await createSessionStore(db, { timeoutMinutes: 30 }).set('tg:4', question, t0);
    failOnce();
    await expect(store.get('tg:4', t0)).rejects.toThrow('database unavailable');
    expect(await store.get('tg:4', t0)).toMatchObject({ lastCode: '2.000123' });
    expect(reads()).toHaveLength(2);
  });
});

describe('session store: delete', () => {
  it('removes the row and the cached session; the next read goes to the database and finds nothing', async () => {
    const { db, rows, calls, reads } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30 });
    await store.set('tg:5', question, t0);
    await store.set('tg:6', question, t0);
    expect(await store.get('tg:5', t0)).toBeDefined();
    await store.delete!('tg:5');
    expect(calls.filter((c) => c.sql.startsWith('DELETE'))).toEqual([{ sql: 'DELETE FROM chat_sessions WHERE chat_key = $1', params: ['tg:5'] }]);
    expect(rows.has('tg:5')).toBe(false);
    expect(await store.get('tg:5', t0)).toBeUndefined();
    expect(reads()).toHaveLength(1);
    // Other chats are untouched, still served from the cache.
    expect(await store.get('tg:6', t0)).toMatchObject({ lastCode: '2.000123' });
    expect(reads()).toHaveLength(1);
  });

  it('a read that lands while the row is being deleted does not bring the session back into the cache', async () => {
    const { db, rows } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30 });
    await store.set('tg:7', question, t0);
    const original = db.query.bind(db);
    let cachedMeanwhile: Promise<unknown> | undefined;
    db.query = async <T,>(sql: string, params?: readonly unknown[]) => {
      if (sql.startsWith('DELETE')) {
        // Another message of the same chat reads the session while the DELETE runs.
        cachedMeanwhile = store.get('tg:7', t0);
        await cachedMeanwhile;
      }
      return original<T>(sql, params);
    };
    await store.delete!('tg:7');
    expect(await cachedMeanwhile).toBeDefined();
    expect(rows.has('tg:7')).toBe(false);
    expect(await store.get('tg:7', t0)).toBeUndefined();
  });
});

describe('session store: what is read back from a row', () => {
  const row = (over: Partial<StoredRow>): StoredRow => ({
    chat_key: 'web:1',
    last_code: null,
    last_aspects: null,
    last_choices: null,
    last_question: null,
    last_outcome: null,
    pending: null,
    updated_at: '2026-12-01T02:00:00.000Z',
    ...over,
  });

  it('NULL columns become absent fields and empty lists; the time becomes a Date', async () => {
    const { db, rows } = scriptedDb();
    rows.set('web:1', row({}));
    const s = await createSessionStore(db, { timeoutMinutes: 30 }).get('web:1', t0);
    expect(s).toEqual({ lastCode: undefined, lastAspects: [], lastChoices: [], lastQuestion: undefined, lastOutcome: undefined, updatedAt: t0 });
    expect(s).not.toHaveProperty('pending');
    expect(s?.updatedAt).toBeInstanceOf(Date);
  });

  it('filled columns are read as they are', async () => {
    const { db, rows } = scriptedDb();
    rows.set(
      'web:1',
      row({
        last_code: '1.004',
        last_aspects: ['where'],
        last_choices: [{ index: 2, code: '1.004', name: 'Cấp đổi giấy phép lái xe' }],
        last_question: 'đổi bằng lái ở đâu',
        last_outcome: 'clarify',
        pending: 'erase',
        updated_at: new Date('2026-12-01T01:59:00Z'),
      }),
    );
    expect(await createSessionStore(db, { timeoutMinutes: 30 }).get('web:1', t0)).toEqual({
      lastCode: '1.004',
      lastAspects: ['where'],
      lastChoices: [{ index: 2, code: '1.004', name: 'Cấp đổi giấy phép lái xe' }],
      lastQuestion: 'đổi bằng lái ở đâu',
      lastOutcome: 'clarify',
      pending: 'erase',
      updatedAt: new Date('2026-12-01T01:59:00Z'),
    });
  });

  it('only "erase" is a pending question; anything else in the column is ignored', async () => {
    const { db, rows } = scriptedDb();
    rows.set('web:1', row({ pending: 'something-else' }));
    expect(await createSessionStore(db, { timeoutMinutes: 30 }).get('web:1', t0)).not.toHaveProperty('pending');
  });

  it('a pending deletion survives the round trip through the database', async () => {
    const { db, writes } = scriptedDb();
    await createSessionStore(db, { timeoutMinutes: 30 }).set('web:2', { ...question, pending: 'erase' }, t0);
    expect(writes()[0]!.params[7]).toEqual(['erase']);
    expect(await createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 }).get('web:2', t0)).toMatchObject({ pending: 'erase' });
  });
});

describe('session store: statements shared by concurrent chats', () => {
  it('concurrent reads share one statement, each key asked once, each caller getting its own chat', async () => {
    const { db, rows, reads } = scriptedDb('postgres');
    const writer = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    await writer.set('b', { ...question, lastCode: 'B' }, t0);
    await writer.set('a', { ...question, lastCode: 'A' }, t0);
    expect(rows.size).toBe(2);
    const store = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    const got = await Promise.all(['a', 'missing', 'b', 'a'].map((k) => store.get(k, t0)));
    expect(got.map((s) => s?.lastCode)).toEqual(['A', undefined, 'B', 'A']);
    expect(reads()).toHaveLength(1);
    expect(reads()[0]!.params).toEqual([['a', 'missing', 'b']]);
  });

  it('concurrent writes share one statement: one row per chat (the last write wins), in key order', async () => {
    const { db, writes } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    await Promise.all([
      store.set('zalo:9', { lastAspects: [], lastChoices: [] }, at(1)),
      store.set('tg:1', { ...question, lastCode: 'first' }, at(2)),
      store.set('web:5', question, at(3)),
      store.set('tg:1', { ...question, lastCode: 'second', lastQuestion: undefined }, at(4)),
    ]);
    expect(writes()).toHaveLength(1);
    const [keys, codes, aspects, choices, questions, outcomes, times, pending] = writes()[0]!.params as unknown[][];
    expect(keys).toEqual(['tg:1', 'web:5', 'zalo:9']);
    expect(codes).toEqual(['second', '2.000123', null]);
    expect(aspects).toEqual(['["documents","fee"]', '["documents","fee"]', '[]']);
    expect(choices).toEqual([JSON.stringify(question.lastChoices), JSON.stringify(question.lastChoices), '[]']);
    expect(questions).toEqual([null, 'khai sinh cần giấy tờ gì', null]);
    expect(outcomes).toEqual(['answered', 'answered', null]);
    expect(times).toEqual([at(4).toISOString(), at(3).toISOString(), at(1).toISOString()]);
    expect(pending).toEqual([null, null, null]);
  });

  it('keys are ordered by code unit, whatever order they came in', async () => {
    const { db, writes } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    const keys = ['b', 'B', 'a', 'ab', 'A', 'đ', 'd'];
    await Promise.all(keys.map((k) => store.set(k, question, t0)));
    expect(writes()[0]!.params[0]).toEqual(['A', 'B', 'a', 'ab', 'b', 'd', 'đ']);
  });

  it('when a shared write fails, each chat is retried alone and only the bad one fails', async () => {
    const { db, rows, failOnce } = scriptedDb();
    const store = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    failOnce();
    const results = await Promise.allSettled([store.set('x', question, t0), store.set('y', question, t0)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect([...rows.keys()].sort()).toEqual(['x', 'y']);
  });
});

describe('session store: batches in flight', () => {
  // A database whose statements wait until released, to see how many the store has running at once.
  function heldDb(kind: Db['kind']) {
    const scripted = scriptedDb(kind);
    const held: (() => void)[] = [];
    const query = scripted.db.query.bind(scripted.db);
    scripted.db.query = async <T,>(sql: string, params?: readonly unknown[]) => {
      await new Promise<void>((resolve) => held.push(resolve));
      return query<T>(sql, params);
    };
    const settle = () => new Promise((r) => setTimeout(r, 20));
    return { ...scripted, held, settle };
  }

  it.each([
    ['postgres', 2],
    ['pglite', 1],
  ] as const)('on %s, %i statement(s) of a kind run at once; the next batch waits for a free slot', async (kind, n) => {
    const { db, held, settle } = heldDb(kind);
    const store = createSessionStore(db, { timeoutMinutes: 30, cacheSize: 0 });
    const reads: Promise<unknown>[] = [];
    for (const key of ['k1', 'k2', 'k3']) {
      reads.push(store.get(key, t0));
      await settle();
    }
    expect(held).toHaveLength(n);
    const writes: Promise<unknown>[] = [];
    for (const key of ['k1', 'k2', 'k3']) {
      writes.push(store.set(key, question, t0));
      await settle();
    }
    expect(held).toHaveLength(2 * n);
    // Releasing everything lets every call finish.
    while (held.length) {
      held.shift()!();
      await settle();
    }
    await Promise.all([...reads, ...writes]);
  });
});
