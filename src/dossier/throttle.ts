/**
 * Lookup limits kept in the database, so every worker sharing one PostgreSQL enforces the same budget. Limits are kept
 * per key, and the key is something the sender cannot choose (the web client's address, the platform's user id — see
 * Incoming.limitKey): at most `limit` lookups per fixed window, and a cool-down after `notFoundLimit` "not found"
 * answers in a row. On top of that a global not-found budget: when more than `guessing.notFound` lookups found nothing
 * within `guessing.windowMs` — someone is guessing codes from many keys — every key gets the smaller
 * `guessing.limit` until the window moves on, and managers see it on the dashboard (guessingState).
 */
import type { Queryable } from '../db/db.js';

export interface ThrottleOptions {
  /** Lookups per window. Default 10. */
  limit?: number;
  /** Default 10 minutes. */
  windowMs?: number;
  /** Consecutive "not found" answers that start a cool-down. Default 5. */
  notFoundLimit?: number;
  /** Default 15 minutes. */
  cooldownMs?: number;
  /** The global not-found budget (defaults: 30 not-found per 10 minutes; then 2 lookups per key per window). */
  guessing?: { notFound?: number; windowMs?: number; limit?: number };
}

/** Whether codes are being guessed right now, for the dashboard. */
export interface GuessingState {
  active: boolean;
  /** "Not found" answers within the window. */
  notFound: number;
  threshold: number;
  windowMs: number;
}

export type ThrottleDecision =
  | { allowed: true }
  | { allowed: false; reason: 'rate' | 'cooldown'; retryAfterMs: number };

export interface LookupThrottle {
  /** Counts one lookup for the chat and says whether it may go ahead. */
  acquire(chatHash: string, now: Date): Promise<ThrottleDecision>;
  /** Feeds the answer back: "not found" extends the streak (and may start a cool-down), "found" resets it. */
  record(chatHash: string, result: 'found' | 'not_found', now: Date): Promise<void>;
  /** The global not-found budget's state (reads the dossier_lookups audit). */
  guessingState(now: Date): Promise<GuessingState>;
}

export function createLookupThrottle(db: Queryable, options: ThrottleOptions = {}): LookupThrottle {
  const limit = options.limit ?? 10;
  const windowMs = options.windowMs ?? 10 * 60_000;
  const notFoundLimit = options.notFoundLimit ?? 5;
  const cooldownMs = options.cooldownMs ?? 15 * 60_000;
  const guessNotFound = options.guessing?.notFound ?? 30;
  const guessWindowMs = options.guessing?.windowMs ?? 10 * 60_000;
  const guessLimit = options.guessing?.limit ?? 2;
  const ts = (d: Date | number) => new Date(d).toISOString();
  async function guessingState(now: Date): Promise<GuessingState> {
    const [r] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dossier_lookups WHERE result = 'not_found' AND at > $1::timestamptz`,
      [ts(now.getTime() - guessWindowMs)],
    );
    const notFound = Number(r?.n ?? 0);
    return { active: notFound >= guessNotFound, notFound, threshold: guessNotFound, windowMs: guessWindowMs };
  }
  return {
    guessingState,
    async acquire(chatHash, now) {
      const guessing = await guessingState(now);
      const allowedPerWindow = guessing.active ? Math.min(limit, guessLimit) : limit;
      // One statement, so concurrent workers cannot both read "9" and both go ahead.
      const [row] = await db.query<{ window_start: Date | string; window_count: number; cooldown_until: Date | string | null }>(
        `INSERT INTO dossier_throttle AS t (chat_hash, window_start, window_count, updated_at)
         VALUES ($1, $2::timestamptz, 1, $2::timestamptz)
         ON CONFLICT (chat_hash) DO UPDATE SET
           window_start = CASE WHEN t.window_start <= $3::timestamptz THEN $2::timestamptz ELSE t.window_start END,
           window_count = CASE WHEN t.window_start <= $3::timestamptz THEN 1 ELSE t.window_count + 1 END,
           updated_at = $2::timestamptz
         RETURNING window_start, window_count, cooldown_until`,
        [chatHash, ts(now), ts(now.getTime() - windowMs)],
      );
      if (!row) return { allowed: true };
      const cooldownUntil = row.cooldown_until ? new Date(row.cooldown_until).getTime() : 0;
      if (cooldownUntil > now.getTime()) {
        return { allowed: false, reason: 'cooldown', retryAfterMs: cooldownUntil - now.getTime() };
      }
      if (Number(row.window_count) > allowedPerWindow) {
        const windowEnd = new Date(row.window_start).getTime() + windowMs;
        return { allowed: false, reason: 'rate', retryAfterMs: Math.max(1000, windowEnd - now.getTime()) };
      }
      return { allowed: true };
    },
    async record(chatHash, result, now) {
      if (result === 'found') {
        await db.query(`UPDATE dossier_throttle SET not_found_streak = 0, updated_at = $2::timestamptz WHERE chat_hash = $1`, [
          chatHash,
          ts(now),
        ]);
        return;
      }
      await db.query(
        `UPDATE dossier_throttle SET
           cooldown_until = CASE WHEN not_found_streak + 1 >= $3 THEN $4::timestamptz ELSE cooldown_until END,
           not_found_streak = CASE WHEN not_found_streak + 1 >= $3 THEN 0 ELSE not_found_streak + 1 END,
           updated_at = $2::timestamptz
         WHERE chat_hash = $1`,
        [chatHash, ts(now), notFoundLimit, ts(now.getTime() + cooldownMs)],
      );
    },
  };
}

/** The dashboard's line while the global not-found budget is spent. */
export function guessingAlertText(g: GuessingState): string {
  const minutes = Math.round(g.windowMs / 60_000);
  return `Có dấu hiệu dò mã hồ sơ: ${g.notFound} lần tra cứu không tìm thấy hồ sơ trong ${minutes} phút qua (ngưỡng ${g.threshold}). Mọi lượt tra cứu đang bị giới hạn chặt hơn cho đến khi số lần này giảm xuống.`;
}
