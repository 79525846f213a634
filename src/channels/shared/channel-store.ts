/**
 * Database state every channel needs: "have we handled this delivery already?" and "is this user sending too fast?".
 * Kept in the database (migration 006_channels) so that several worker processes and restarts agree.
 * Used by the Telegram and Zalo channels.
 */
import type { Queryable } from '../../db/db.js';
import type { ChannelName } from '../types.js';

export interface RateLimit {
  /** Messages allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateVerdict {
  allowed: boolean;
  /** true on the first refused message of a window: the one that deserves a polite reply (later ones stay silent). */
  firstRefusal: boolean;
}

export interface ChannelStore {
  /** Records a delivery; true the first time this (channel, id) is seen, false for every repeat. */
  claim(channel: ChannelName, updateId: string): Promise<boolean>;
  /** Counts one message for the (hashed) user and says whether it is within the limit. */
  hit(channel: ChannelName, userKey: string, limit: RateLimit): Promise<RateVerdict>;
  /**
   * claim + hit in one round trip (the hot path of every delivery): `fresh` false means a repeat (nothing counted);
   * without a userKey no rate limit applies.
   */
  admit(channel: ChannelName, updateId: string, userKey: string | undefined, limit: RateLimit): Promise<{ fresh: boolean } & RateVerdict>;
  /** Forgets deliveries older than `olderThanMs` (platforms stop repeating after a day). Returns rows deleted. */
  prune(olderThanMs: number): Promise<number>;
}

export function createChannelStore(db: Queryable, clock: () => Date = () => new Date()): ChannelStore {
  return {
    async claim(channel, updateId) {
      const rows = await db.query(
        `INSERT INTO channel_updates (channel, update_id, received_at) VALUES ($1, $2, $3)
         ON CONFLICT (channel, update_id) DO NOTHING RETURNING 1 AS claimed`,
        [channel, updateId, clock()],
      );
      return rows.length === 1;
    },
    async hit(channel, userKey, { limit, windowMs }) {
      const now = clock();
      const windowFloor = new Date(now.getTime() - windowMs);
      // One atomic upsert: a new window starts when the stored one is older than windowMs.
      const rows = await db.query<{ hits: number }>(
        `INSERT INTO channel_rate_limits AS r (channel, user_key, window_start, hits) VALUES ($1, $2, $3, 1)
         ON CONFLICT (channel, user_key) DO UPDATE SET
           hits = CASE WHEN r.window_start <= $4 THEN 1 ELSE r.hits + 1 END,
           window_start = CASE WHEN r.window_start <= $4 THEN $3 ELSE r.window_start END
         RETURNING hits`,
        [channel, userKey, now, windowFloor],
      );
      const hits = Number(rows[0]?.hits ?? 1);
      return { allowed: hits <= limit, firstRefusal: hits === limit + 1 };
    },
    async admit(channel, updateId, userKey, { limit, windowMs }) {
      const now = clock();
      const rows = await db.query<{ claimed: number | string; hits: number | null }>(
        `WITH claimed AS (
           INSERT INTO channel_updates (channel, update_id, received_at) VALUES ($1, $2, $3)
           ON CONFLICT (channel, update_id) DO NOTHING RETURNING 1
         ), counted AS (
           INSERT INTO channel_rate_limits AS r (channel, user_key, window_start, hits)
           SELECT $1, $4, $3, 1 WHERE $4::text IS NOT NULL AND EXISTS (SELECT 1 FROM claimed)
           ON CONFLICT (channel, user_key) DO UPDATE SET
             hits = CASE WHEN r.window_start <= $5 THEN 1 ELSE r.hits + 1 END,
             window_start = CASE WHEN r.window_start <= $5 THEN $3 ELSE r.window_start END
           RETURNING hits
         )
         SELECT (SELECT count(*) FROM claimed) AS claimed, (SELECT hits FROM counted) AS hits`,
        [channel, updateId, now, userKey ?? null, new Date(now.getTime() - windowMs)],
      );
      const fresh = Number(rows[0]?.claimed ?? 0) === 1;
      const hits = rows[0]?.hits === null || rows[0]?.hits === undefined ? 0 : Number(rows[0].hits);
      return { fresh, allowed: hits <= limit, firstRefusal: hits === limit + 1 };
    },
    async prune(olderThanMs) {
      const rows = await db.query(`DELETE FROM channel_updates WHERE received_at < $1 RETURNING 1`, [
        new Date(clock().getTime() - olderThanMs),
      ]);
      return rows.length;
    },
  };
}
