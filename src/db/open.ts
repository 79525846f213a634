import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Db } from './db.js';
import { createPgliteDb } from './pglite.js';
import { createPostgresDb } from './postgres.js';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite in DATA_DIR/pglite. */
export async function openDb(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>, logger?: Logger): Promise<Db> {
  if (config.DATABASE_URL) {
    return createPostgresDb({
      connectionString: config.DATABASE_URL,
      onError: (err) => logger?.warn({ err: err.message }, 'postgres pool error'),
    });
  }
  return createPgliteDb({
    dataDir: join(config.DATA_DIR, 'pglite'),
    onInit: ({ helper, ms, peakRssMb, reason }) =>
      helper
        ? logger?.info({ ms: Math.round(ms), helperPeakRssMb: peakRssMb && Math.round(peakRssMb) }, 'embedded database created (helper process)')
        : logger?.warn({ reason }, 'embedded database created in the server process: the helper process failed'),
  });
}
