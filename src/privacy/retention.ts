/**
 * RETENTION_DAYS applied on a schedule: one prune over every per-chat table (per-chat.ts), at start-up and then every
 * few hours, in `serve`. Several workers may each run it: the statements are idempotent deletes by time.
 */
import type { Queryable } from '../db/db.js';
import type { Logger } from '../logger.js';
import { perChatTables, pruneExpired, type PerChatTable } from './per-chat.js';

export interface RetentionOptions {
  db: Queryable;
  days: number;
  logger: Logger;
  /** Default 6 hours. */
  intervalMs?: number;
  clock?: () => Date;
  tables?: readonly PerChatTable[];
}

export interface RetentionScheduler {
  /** Prunes now; returns rows affected per table. Never throws (a failure is logged and retried next time). */
  runOnce(): Promise<Record<string, number> | undefined>;
  start(): void;
  stop(): Promise<void>;
}

export function createRetentionScheduler(o: RetentionOptions): RetentionScheduler {
  const clock = o.clock ?? (() => new Date());
  const log = o.logger.child({ component: 'retention' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const runOnce = async () => {
    try {
      const pruned = await pruneExpired(o.db, clock(), o.days, o.tables ?? perChatTables);
      if (Object.values(pruned).some((n) => n > 0)) log.info({ days: o.days, pruned }, 'old per-chat data pruned');
      return pruned;
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'retention prune failed; retrying at the next run');
      return undefined;
    }
  };
  return {
    runOnce,
    start() {
      if (timer) return;
      running = runOnce();
      timer = setInterval(() => void (running = runOnce()), o.intervalMs ?? 6 * 3600_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
