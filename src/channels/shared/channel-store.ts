/**
 * Database state every channel needs: "have we handled this delivery already?" and "is this user sending too fast?".
 * Kept in the database (migration 006_channels) so that several worker processes and restarts agree.
 * Used by the Telegram and Zalo channels.
 */
import type { Queryable } from '../../db/db.js';
import type { ChannelName } from '../types.js';
import { batchesInFlight, groupCommit } from '../../db/group-commit.js';

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
   * claim + hit in one step (the hot path of every delivery), batched with concurrent calls into one statement:
   * `fresh` false means a repeat (nothing counted); without a userKey no rate limit applies.
   */
  admit(channel: ChannelName, updateId: string, userKey: string | undefined, limit: RateLimit): Promise<{ fresh: boolean } & RateVerdict>;
  /** Forgets deliveries older than `olderThanMs` (platforms stop repeating after a day). Returns rows deleted. */
  prune(olderThanMs: number): Promise<number>;
}

interface Admission {
  channel: ChannelName;
  updateId: string;
  userKey: string | undefined;
  limit: RateLimit;
}

/**
 * Claims a batch of deliveries and counts the fresh ones per user, in one statement per rate-limit window (in
 * practice one): repeats inside the batch or already stored are not fresh and not counted; a user with k fresh
 * deliveries in the batch gets k hits, numbered in arrival order, so each caller learns whether its own message is
 * within the limit exactly as if they had come one by one. Rows are inserted in key order so that two workers'
 * batches take row locks in the same order.
 */
async function admitMany(db: Queryable, now: Date, items: readonly Admission[]): Promise<({ fresh: boolean } & RateVerdict)[]> {
  const out: ({ fresh: boolean } & RateVerdict)[] = new Array(items.length);
  const byWindow = new Map<number, number[]>();
  items.forEach((it, i) => {
    const list = byWindow.get(it.limit.windowMs);
    if (list) list.push(i);
    else byWindow.set(it.limit.windowMs, [i]);
  });
  for (const [windowMs, idx] of byWindow) {
    const rows = await db.query<{ n: number | string | null; channel: string | null; user_key: string | null; hits: number | null }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS i(channel, update_id, user_key, n)
       ), claimed AS (
         INSERT INTO channel_updates (channel, update_id, received_at)
         SELECT DISTINCT channel, update_id, $4::timestamptz FROM input ORDER BY channel, update_id
         ON CONFLICT (channel, update_id) DO NOTHING
         RETURNING channel, update_id
       ), fresh AS (
         SELECT DISTINCT ON (i.channel, i.update_id) i.* FROM input i
         JOIN claimed c ON c.channel = i.channel AND c.update_id = i.update_id
         ORDER BY i.channel, i.update_id, i.n
       ), counted AS (
         INSERT INTO channel_rate_limits AS r (channel, user_key, window_start, hits)
         SELECT channel, user_key, $4::timestamptz, count(*)::int FROM fresh WHERE user_key IS NOT NULL
         GROUP BY channel, user_key ORDER BY channel, user_key
         ON CONFLICT (channel, user_key) DO UPDATE SET
           hits = CASE WHEN r.window_start <= $5::timestamptz THEN EXCLUDED.hits ELSE r.hits + EXCLUDED.hits END,
           window_start = CASE WHEN r.window_start <= $5::timestamptz THEN EXCLUDED.window_start ELSE r.window_start END
         RETURNING channel, user_key, hits
       )
       SELECT n, NULL AS channel, NULL AS user_key, NULL::int AS hits FROM fresh
       UNION ALL SELECT NULL, channel, user_key, hits FROM counted`,
      [
        idx.map((i) => items[i]!.channel),
        idx.map((i) => items[i]!.updateId),
        idx.map((i) => items[i]!.userKey ?? null),
        now.toISOString(),
        new Date(now.getTime() - windowMs).toISOString(),
      ],
    );
    const fresh = new Set<number>();
    const finalHits = new Map<string, number>();
    for (const r of rows) {
      if (r.n !== null) fresh.add(idx[Number(r.n) - 1]!);
      else finalHits.set(JSON.stringify([r.channel, r.user_key]), Number(r.hits));
    }
    // Fresh deliveries per user in arrival order: the last of k has the stored count, the first that minus k - 1.
    const perUser = new Map<string, number[]>();
    for (const i of idx) {
      const it = items[i]!;
      if (!fresh.has(i) || it.userKey === undefined) continue;
      const key = JSON.stringify([it.channel, it.userKey]);
      const list = perUser.get(key);
      if (list) list.push(i);
      else perUser.set(key, [i]);
    }
    for (const i of idx) out[i] = { fresh: fresh.has(i), allowed: true, firstRefusal: false };
    for (const [key, list] of perUser) {
      const last = finalHits.get(key) ?? list.length;
      list.forEach((i, rank) => {
        const hits = last - list.length + rank + 1;
        const { limit } = items[i]!.limit;
        out[i] = { fresh: true, allowed: hits <= limit, firstRefusal: hits === limit + 1 };
      });
    }
  }
  return out;
}

export function createChannelStore(db: Queryable, clock: () => Date = () => new Date()): ChannelStore {
  // Concurrent deliveries share one statement (group commit): under load a webhook worker claims many at once.
  const admitBatched = groupCommit<Admission, { fresh: boolean } & RateVerdict>((items) => admitMany(db, clock(), items), {
    parallel: batchesInFlight(db),
  });
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
    admit(channel, updateId, userKey, limit) {
      return admitBatched({ channel, updateId, userKey, limit });
    },
    async prune(olderThanMs) {
      const rows = await db.query(`DELETE FROM channel_updates WHERE received_at < $1 RETURNING 1`, [
        new Date(clock().getTime() - olderThanMs),
      ]);
      return rows.length;
    },
  };
}
