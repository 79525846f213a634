import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/db.js';
import { hashId, isIdHash, type Logger } from '../logger.js';
import type { InteractionRecord, InteractionRecorder } from './types.js';
import { redactPersonal } from './redact.js';

export interface InteractionRecorderDeps {
  db: Db;
  /** DATA_DIR: the spool file lives in DATA_DIR/analytics/. */
  dataDir: string;
  logger: Logger;
}

export interface InteractionRecorderOptions {
  /** Rows per INSERT. */
  batchSize?: number;
  /** How long a database write may take before the batch is spooled instead. */
  writeTimeoutMs?: number;
  /** While the database is down, how often the spool replay is retried. */
  retryMs?: number;
}

export interface RecorderStats {
  /** Records written to the database (directly or by replay). */
  written: number;
  /** Records appended to the spool file. */
  spooled: number;
  /** Records waiting in memory. */
  pending: number;
  /** false after a failed write until a replay succeeds. */
  dbUp: boolean;
}

export interface InteractionRecorderHandle extends InteractionRecorder {
  /** Writes the spool file into the database now; returns how many records reached the database meanwhile. Never throws. */
  replay(): Promise<number>;
  stats(): RecorderStats;
  /** Stops the retry timer after a final flush. */
  close(): Promise<void>;
}

/** A record as queued, spooled and inserted: redacted, with the id that makes replays idempotent. */
interface Row {
  id: string;
  at: string;
  channel: string;
  chatHash: string;
  text: string;
  aspects: string[];
  outcome: string;
  code: string | null;
  candidates: { code: string; score: number }[];
  latencyMs: number;
  feedback: 'up' | 'down' | null;
  comment: string | null;
}

const SPOOL_NAME = 'interactions.spool.jsonl';
const REPLAY_SUFFIX = '.replaying.jsonl';
const COLUMNS = 12;
/** Beyond this many records in memory (database and disk both failing) the oldest are dropped, with a log line. */
const MAX_QUEUE = 100_000;

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`database write took longer than ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

function toRow(r: InteractionRecord): Row {
  const at = r.at instanceof Date && !Number.isNaN(r.at.getTime()) ? r.at : new Date();
  // The caller is meant to pass hashId(chatId); anything else (e.g. a raw numeric chat id) is hashed here.
  const raw = String(r.chatHash);
  const chatHash = isIdHash(raw) ? raw : hashId(raw);
  const score = (s: unknown) => (typeof s === 'number' && Number.isFinite(s) ? Math.round(s * 1e4) / 1e4 : 0);
  return {
    id: randomUUID(),
    at: at.toISOString(),
    channel: String(r.channel),
    chatHash,
    text: redactPersonal(String(r.text ?? '')).slice(0, 2000),
    aspects: Array.isArray(r.aspects) ? r.aspects.map(String).slice(0, 20) : [],
    outcome: String(r.outcome),
    code: r.code ? String(r.code) : null,
    candidates: Array.isArray(r.candidates)
      ? r.candidates.slice(0, 10).map((c) => ({ code: String(c.code), score: score(c.score) }))
      : [],
    latencyMs: Number.isFinite(r.latencyMs) ? Math.max(0, Math.min(2_147_483_647, Math.round(r.latencyMs))) : 0,
    feedback: r.feedback === 'up' || r.feedback === 'down' ? r.feedback : null,
    comment: r.comment ? redactPersonal(String(r.comment)).slice(0, 2000) : null,
  };
}

async function insertRows(db: Db, rows: Row[]): Promise<void> {
  const params: unknown[] = [];
  const values = rows.map((r, i) => {
    params.push(
      r.id, r.at, r.channel, r.chatHash, r.text, JSON.stringify(r.aspects), r.outcome, r.code,
      JSON.stringify(r.candidates), r.latencyMs, r.feedback, r.comment,
    );
    const p = (k: number) => `$${i * COLUMNS + k}`;
    return `(${p(1)}, ${p(2)}::timestamptz, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::jsonb, ${p(7)}, ${p(8)}, ${p(9)}::jsonb, ${p(10)}::int, ${p(11)}, ${p(12)})`;
  });
  await db.query(
    `INSERT INTO interactions (record_id, at, channel, chat_hash, text, aspects, outcome, code, candidates, latency_ms, feedback, comment)
     VALUES ${values.join(', ')}
     ON CONFLICT (record_id) DO NOTHING`,
    params,
  );
}

function isRow(v: unknown): v is Row {
  const r = v as Row;
  return Boolean(r) && typeof r.id === 'string' && typeof r.at === 'string' && typeof r.outcome === 'string';
}

/**
 * Records interactions for the managers' report. `record()` returns at once and never throws: records are queued in
 * memory and written in small batches in the background. When a write fails (or hangs past writeTimeoutMs) the batch
 * is appended to DATA_DIR/analytics/interactions.spool.jsonl and later records go straight there until a replay
 * succeeds; replays run every retryMs, on flush(), and at start-up for a spool left by an earlier process. Each record
 * carries an id and inserts are ON CONFLICT DO NOTHING, so replaying a batch that did reach the database adds nothing.
 */
export function createInteractionRecorder(
  deps: InteractionRecorderDeps,
  options: InteractionRecorderOptions = {},
): InteractionRecorderHandle {
  const { db, logger } = deps;
  const batchSize = options.batchSize ?? 50;
  const writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
  const retryMs = options.retryMs ?? 15_000;
  const spoolDir = join(deps.dataDir, 'analytics');
  const spoolPath = join(spoolDir, SPOOL_NAME);
  const log = logger.child({ component: 'analytics-recorder' });

  const queue: Row[] = [];
  let dbUp = true;
  let spoolHasData = true; // unknown at start: the first replay looks
  let written = 0;
  let spooled = 0;
  let closed = false;
  // All database and file work runs one step at a time on this chain, so appends, renames and replays never interleave.
  let chain: Promise<void> = Promise.resolve();
  let drainScheduled = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const enqueueWork = (work: () => Promise<void>): Promise<void> => {
    chain = chain.then(work).catch((e: unknown) => log.error({ err: (e as Error)?.message }, 'analytics work failed'));
    return chain;
  };

  async function spool(rows: Row[]): Promise<void> {
    try {
      await mkdir(spoolDir, { recursive: true });
      await appendFile(spoolPath, rows.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8');
      spooled += rows.length;
      spoolHasData = true;
    } catch (e) {
      // Disk is the last resort; keep the rows in memory and try again on the next drain.
      queue.unshift(...rows);
      armRetry();
      log.error({ err: (e as Error).message, rows: rows.length }, 'analytics spool write failed; keeping records in memory');
      throw e;
    }
  }

  function markDown(e: unknown, rows: number) {
    if (dbUp) log.warn({ err: (e as Error)?.message, rows }, 'analytics write failed; spooling to disk until the database is back');
    dbUp = false;
    armRetry();
  }

  function armRetry() {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void enqueueWork(drainNow);
      void enqueueWork(replayNow);
    }, retryMs);
    retryTimer.unref();
  }

  async function drainNow(): Promise<void> {
    while (queue.length) {
      const batch = queue.splice(0, batchSize);
      if (!dbUp) {
        await spool(batch);
        continue;
      }
      try {
        await withTimeout(insertRows(db, batch), writeTimeoutMs);
        written += batch.length;
      } catch (e) {
        markDown(e, batch.length);
        await spool(batch);
      }
    }
  }

  /** Moves the spool aside, then inserts every file set aside (including ones left by a crash mid-replay). */
  async function replayNow(): Promise<void> {
    if (!spoolHasData) return;
    let files: string[];
    try {
      await mkdir(spoolDir, { recursive: true });
      try {
        await rename(spoolPath, join(spoolDir, `${Date.now()}-${randomUUID().slice(0, 8)}${REPLAY_SUFFIX}`));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      files = (await readdir(spoolDir)).filter((f) => f.endsWith(REPLAY_SUFFIX)).sort();
    } catch (e) {
      log.error({ err: (e as Error).message }, 'analytics spool not readable');
      armRetry();
      return;
    }
    for (const f of files) {
      const path = join(spoolDir, f);
      const rows: Row[] = [];
      for (const line of (await readFile(path, 'utf8')).split('\n')) {
        if (!line.trim()) continue;
        try {
          const v: unknown = JSON.parse(line);
          if (isRow(v)) rows.push(v);
        } catch {
          // A torn last line from a crash mid-append: the record was never acknowledged to anyone; skip it.
          log.warn({ file: f }, 'skipping an unreadable spool line');
        }
      }
      try {
        for (let i = 0; i < rows.length; i += batchSize) {
          const batch = rows.slice(i, i + batchSize);
          await withTimeout(insertRows(db, batch), writeTimeoutMs);
        }
      } catch (e) {
        // Rows already inserted from this file are skipped next time by ON CONFLICT.
        markDown(e, rows.length);
        return;
      }
      written += rows.length;
      await unlink(path);
      log.info({ rows: rows.length }, 'analytics spool replayed');
    }
    spoolHasData = false;
    dbUp = true;
  }

  function scheduleDrain() {
    if (drainScheduled) return;
    drainScheduled = true;
    setImmediate(() => {
      drainScheduled = false;
      void enqueueWork(drainNow);
    });
  }

  // A spool left by an earlier run is replayed in the background as soon as the database answers.
  void enqueueWork(replayNow);

  const handle: InteractionRecorderHandle = {
    record(r) {
      try {
        queue.push(toRow(r));
        if (queue.length > MAX_QUEUE) {
          const dropped = queue.splice(0, queue.length - MAX_QUEUE).length;
          log.error({ dropped }, 'analytics queue full: database and spool both failing; oldest records dropped');
        }
        scheduleDrain();
      } catch (e) {
        log.error({ err: (e as Error)?.message }, 'analytics record dropped: could not be prepared');
      }
    },
    async flush() {
      await enqueueWork(drainNow);
      if (dbUp) await enqueueWork(replayNow);
      else await enqueueWork(async () => {
        // Probe once: a flush after the database came back should not wait for the retry timer.
        if (await db.ping().catch(() => false)) await replayNow();
      });
    },
    async replay() {
      const before = written;
      await enqueueWork(replayNow);
      return written - before;
    },
    stats: () => ({ written, spooled, pending: queue.length, dbUp }),
    async close() {
      await handle.flush();
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
  return handle;
}

/**
 * A /health component for the recorder (structurally a server HealthProbe): ok while writes reach the database; a
 * spooling recorder reports ok: false with its counts, without failing /health itself.
 */
export function recorderHealthProbe(recorder: Pick<InteractionRecorderHandle, 'stats'>) {
  return {
    name: 'analytics',
    async check() {
      const s = recorder.stats();
      return { ok: s.dbUp, ...s };
    },
  };
}
