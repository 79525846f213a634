/**
 * The catalog version (table catalog_state, migration 011): bumped by every change to what is answered — imports,
 * retirements, staff corrections and notes — and polled by running workers, which then re-sync the index and reload
 * (runtime.ts). Polling one small row works the same on PostgreSQL (several workers, several hosts) and on PGlite.
 */
import type { Db, Queryable } from '../db/db.js';
import type { Logger } from '../logger.js';

/** Bumps the version inside the caller's transaction, so readers see the change and the new version together. */
export async function bumpCatalogVersion(tx: Queryable): Promise<void> {
  await tx.query(`UPDATE catalog_state SET version = version + 1, changed_at = now() WHERE id = 1`);
}

export async function readCatalogVersion(db: Queryable): Promise<number> {
  const [row] = await db.query<{ version: string | number }>(`SELECT version FROM catalog_state WHERE id = 1`);
  return Number(row?.version ?? 0);
}

export interface CatalogWatcherOptions {
  db: Db;
  logger: Logger;
  /** Called when the version moved since the last check; the version is taken as seen only when it resolves. */
  onChange: (version: number) => Promise<void>;
  /** How often to check (default 5 s). */
  intervalMs?: number;
}

export interface CatalogWatcher {
  /** Checks now; resolves true when a change was applied. Concurrent calls share one check. */
  check(): Promise<boolean>;
  /** Takes the current version as seen without reloading (after start-up, which already loaded it). */
  prime(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createCatalogWatcher(options: CatalogWatcherOptions): CatalogWatcher {
  let seen: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  const once = async (): Promise<boolean> => {
    const v = await readCatalogVersion(options.db);
    if (v === seen) return false;
    await options.onChange(v);
    seen = v;
    return true;
  };
  const check = () => {
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  };
  return {
    check,
    async prime() {
      seen = await readCatalogVersion(options.db);
    },
    start() {
      if (timer) return;
      timer = setInterval(() => {
        check().catch((err) => options.logger.warn({ err: { message: (err as Error).message } }, 'catalog reload failed; retrying at the next check'));
      }, options.intervalMs ?? 5000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
