/**
 * Per-chat lookup limits kept in the database, so every worker sharing one PostgreSQL enforces the same budget:
 * at most `limit` lookups per fixed window, and a cool-down after `notFoundLimit` "not found" answers in a row
 * (codes cannot be enumerated).
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
}

export type ThrottleDecision =
  | { allowed: true }
  | { allowed: false; reason: 'rate' | 'cooldown'; retryAfterMs: number };

export interface LookupThrottle {
  /** Counts one lookup for the chat and says whether it may go ahead. */
  acquire(chatHash: string, now: Date): Promise<ThrottleDecision>;
  /** Feeds the answer back: "not found" extends the streak (and may start a cool-down), "found" resets it. */
  record(chatHash: string, result: 'found' | 'not_found', now: Date): Promise<void>;
}

export function createLookupThrottle(db: Queryable, options: ThrottleOptions = {}): LookupThrottle {
  const limit = options.limit ?? 10;
  const windowMs = options.windowMs ?? 10 * 60_000;
  const notFoundLimit = options.notFoundLimit ?? 5;
  const cooldownMs = options.cooldownMs ?? 15 * 60_000;
  const ts = (d: Date | number) => new Date(d).toISOString();
  return {
    async acquire(chatHash, now) {
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
      if (Number(row.window_count) > limit) {
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
