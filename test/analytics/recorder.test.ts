import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db.js';
import { createLogger } from '../../src/logger.js';
import { createInteractionRecorder } from '../../src/analytics/recorder.js';
import type { InteractionRecord } from '../../src/analytics/types.js';
import { AppError } from '../../src/errors.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';

const logger = createLogger({ level: 'silent' });

function rec(i: number, over: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    at: new Date(Date.UTC(2026, 10, 1, 8, 0, i)),
    channel: 'telegram',
    chatHash: 'abcdef0123456789',
    text: `câu hỏi số ${i}`,
    aspects: ['documents'],
    outcome: 'answered',
    code: '1.001193',
    candidates: [{ code: '1.001193', score: 0.9 }],
    latencyMs: 12,
    ...over,
  };
}

/** A Db whose writes fail while `down` is true, like a database that went away. */
function flaky(db: Db) {
  const state = { down: false, calls: 0, failures: 0, commitThenFail: false };
  const wrapped: Db = {
    kind: db.kind,
    async query<T>(sql: string, params?: readonly unknown[]) {
      state.calls++;
      if (state.down) {
        state.failures++;
        throw new AppError('db:unavailable', { message: 'connection refused (test)' });
      }
      const rows = await db.query<T>(sql, params);
      if (state.commitThenFail && /INSERT INTO interactions/.test(sql)) {
        state.failures++;
        throw new AppError('db:unavailable', { message: 'connection reset after commit (test)' });
      }
      return rows;
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    ping: async () => !state.down && (await db.ping()),
    close: () => db.close(),
  };
  return { db: wrapped, state };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function counts(db: Db) {
  const [r] = await db.query<{ n: number; ids: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT record_id)::int AS ids FROM interactions`,
  );
  return r!;
}

describe.each(dbBackends)('interaction recorder on $backend', ({ backend }) => {
  let db: TestDb;
  let dataDir: string;
  beforeEach(async () => {
    db = await createTestDb(backend);
    dataDir = await mkdtemp(join(tmpdir(), 'motcua-rec-'));
  });
  afterEach(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes records in the background with every field, redacted', async () => {
    const r = createInteractionRecorder({ db, dataDir, logger });
    r.record(
      rec(1, {
        text: 'tôi là 0912345678, cccd 001090012345, hồ sơ H37.12-20260105-0001',
        comment: 'gửi về a.b@gmail.com',
        feedback: 'down',
        candidates: [
          { code: '1.001193', score: 0.81234567 },
          { code: '2.000986', score: 0.4 },
        ],
      }),
    );
    await r.close();
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM interactions`);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.text).toBe('tôi là [SĐT], cccd [CCCD], hồ sơ [MÃ HỒ SƠ]');
    expect(row.comment).toBe('gửi về [EMAIL]');
    expect(row.feedback).toBe('down');
    expect(row.channel).toBe('telegram');
    expect(row.aspects).toEqual(['documents']);
    expect(row.candidates).toEqual([
      { code: '1.001193', score: 0.8123 },
      { code: '2.000986', score: 0.4 },
    ]);
    expect(new Date(row.at as string).toISOString()).toBe('2026-11-01T08:00:01.000Z');
  });

  it('hashes a chat id that was passed raw', async () => {
    const r = createInteractionRecorder({ db, dataDir, logger });
    r.record(rec(1, { chatHash: '123456789' }));
    await r.close();
    const [row] = await db.query<{ chat_hash: string }>(`SELECT chat_hash FROM interactions`);
    expect(row!.chat_hash).not.toContain('123456789');
    expect(row!.chat_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('returns from record() at once even when the database hangs, and spools after the write timeout', async () => {
    const hanging: Db = { ...db, kind: db.kind, query: () => new Promise(() => undefined), ping: async () => false };
    const r = createInteractionRecorder({ db: hanging, dataDir, logger }, { writeTimeoutMs: 50, retryMs: 60_000 });
    for (let i = 0; i < 100; i++) r.record(rec(i));
    // Nothing was awaited: every record is still queued when record() has returned.
    expect(r.stats()).toMatchObject({ pending: 100, written: 0 });
    await r.close();
    expect(r.stats().spooled).toBe(100);
    const spool = await readFile(join(dataDir, 'analytics', 'interactions.spool.jsonl'), 'utf8');
    expect(spool.trim().split('\n')).toHaveLength(100);
  });

  it('loses nothing and duplicates nothing when the database goes away mid-run', async () => {
    const { db: f, state } = flaky(db);
    const r = createInteractionRecorder({ db: f, dataDir, logger }, { batchSize: 7, retryMs: 20 });
    const N = 300;
    for (let i = 0; i < N; i++) {
      if (i === 60) state.down = true;
      if (i === 200) state.down = false;
      r.record(rec(i));
      if (i % 10 === 0) await sleep(2);
      // At least one write while the database is away, however the timers ran on a busy machine.
      if (i === 130) await r.flush();
    }
    await r.flush();
    await r.close();
    expect(state.failures).toBeGreaterThan(0);
    expect(r.stats().spooled).toBeGreaterThan(0);
    expect(await counts(db)).toEqual({ n: N, ids: N });
    const left = await readdir(join(dataDir, 'analytics'));
    expect(left).toEqual([]);
  });

  it('loses and duplicates nothing over random outages (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ down: fc.boolean(), records: fc.integer({ min: 0, max: 12 }), flush: fc.boolean() }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 9 }),
        async (steps, batchSize) => {
          // What hashId returns (64 hex characters), so toRow keeps it as it is.
          const chat = randomBytes(32).toString('hex');
          const dir = await mkdtemp(join(tmpdir(), 'motcua-rec-p-'));
          const { db: f, state } = flaky(db);
          const r = createInteractionRecorder({ db: f, dataDir: dir, logger }, { batchSize, retryMs: 5 });
          let n = 0;
          for (const step of steps) {
            state.down = step.down;
            for (let i = 0; i < step.records; i++) r.record(rec(n++, { chatHash: chat }));
            if (step.flush) await r.flush();
            else await sleep(1);
          }
          state.down = false;
          await r.close();
          await rm(dir, { recursive: true, force: true });
          const [row] = await db.query<{ n: number; ids: number }>(
            `SELECT count(*)::int AS n, count(DISTINCT record_id)::int AS ids FROM interactions WHERE chat_hash = $1`,
            [chat],
          );
          expect(row).toEqual({ n, ids: n });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('keeps spooling while the database stays down, and replays when it is back', async () => {
    const { db: f, state } = flaky(db);
    const r = createInteractionRecorder({ db: f, dataDir, logger }, { retryMs: 60_000 });
    state.down = true;
    for (let i = 0; i < 40; i++) r.record(rec(i));
    await r.flush();
    expect((await counts(db)).n).toBe(0);
    expect(r.stats()).toMatchObject({ spooled: 40, dbUp: false });
    state.down = false;
    await r.flush();
    expect(await counts(db)).toEqual({ n: 40, ids: 40 });
    expect(r.stats().dbUp).toBe(true);
    await r.close();
  });

  it('does not duplicate a batch whose write committed but reported failure', async () => {
    const { db: f, state } = flaky(db);
    const r = createInteractionRecorder({ db: f, dataDir, logger }, { batchSize: 10, retryMs: 60_000 });
    state.commitThenFail = true;
    for (let i = 0; i < 25; i++) r.record(rec(i));
    await r.flush();
    // The fault fired: a write reached the table and was still reported as failed.
    expect(state.failures).toBeGreaterThan(0);
    expect((await counts(db)).n).toBeGreaterThan(0);
    state.commitThenFail = false;
    await r.flush();
    expect(await counts(db)).toEqual({ n: 25, ids: 25 });
    await r.close();
  });

  it('spools when the table itself fails (a real SQL error) and replays after it is back', async () => {
    const r = createInteractionRecorder({ db, dataDir, logger }, { batchSize: 5, retryMs: 60_000 });
    for (let i = 0; i < 10; i++) r.record(rec(i));
    await r.flush();
    await db.query(`ALTER TABLE interactions RENAME TO interactions_away`);
    for (let i = 10; i < 30; i++) r.record(rec(i));
    await r.flush();
    expect(r.stats().dbUp).toBe(false);
    await db.query(`ALTER TABLE interactions_away RENAME TO interactions`);
    for (let i = 30; i < 35; i++) r.record(rec(i));
    await r.flush();
    await r.flush();
    expect(await counts(db)).toEqual({ n: 35, ids: 35 });
    await r.close();
  });

  it('replays a spool left by an earlier process at start-up, skipping a torn last line', async () => {
    const { db: f, state } = flaky(db);
    state.down = true;
    const first = createInteractionRecorder({ db: f, dataDir, logger }, { retryMs: 60_000 });
    for (let i = 0; i < 12; i++) first.record(rec(i));
    await first.close();
    expect(state.failures).toBeGreaterThan(0);
    expect((await counts(db)).n).toBe(0);
    await writeFile(join(dataDir, 'analytics', 'interactions.spool.jsonl'), '{"id":"torn', { flag: 'a' });

    const second = createInteractionRecorder({ db, dataDir, logger });
    await second.flush();
    expect(await counts(db)).toEqual({ n: 12, ids: 12 });
    await second.close();
  });

  it('never throws from record(), even for a malformed record', () => {
    const r = createInteractionRecorder({ db, dataDir, logger });
    expect(() => r.record(null as unknown as InteractionRecord)).not.toThrow();
    expect(() => r.record({ ...rec(1), at: new Date('x'), latencyMs: Number.NaN, candidates: undefined as never })).not.toThrow();
    return r.close();
  });
});

describe('interaction recorder without a writable spool directory', () => {
  it('keeps records in memory when both the database and the disk fail, and writes them once the database is back', async () => {
    const db = await createTestDb('pglite');
    const dir = await mkdtemp(join(tmpdir(), 'motcua-rec-'));
    // A file where the spool directory should be: mkdir fails.
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'analytics'), 'not a directory');
    const { db: f, state } = flaky(db);
    state.down = true;
    const r = createInteractionRecorder({ db: f, dataDir: dir, logger }, { retryMs: 60_000 });
    for (let i = 0; i < 5; i++) r.record(rec(i));
    await r.flush();
    expect(state.failures).toBeGreaterThan(0);
    expect(r.stats().pending).toBe(5);
    state.down = false;
    await rm(join(dir, 'analytics'));
    await r.flush();
    await r.flush();
    expect(await counts(db)).toEqual({ n: 5, ids: 5 });
    await r.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('recorder health probe', () => {
  it('reports ok while writing and not ok while spooling', async () => {
    const { recorderHealthProbe } = await import('../../src/analytics/recorder.js');
    const db = await createTestDb('pglite');
    const dir = await mkdtemp(join(tmpdir(), 'motcua-rec-'));
    const { db: f, state } = flaky(db);
    const r = createInteractionRecorder({ db: f, dataDir: dir, logger }, { retryMs: 60_000 });
    const probe = recorderHealthProbe(r);
    r.record(rec(1));
    await r.flush();
    expect(await probe.check()).toMatchObject({ ok: true, written: 1 });
    state.down = true;
    r.record(rec(2));
    await r.flush();
    expect(await probe.check()).toMatchObject({ ok: false, spooled: 1 });
    state.down = false;
    await r.close();
    expect(await probe.check()).toMatchObject({ ok: true, written: 2 });
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
});
