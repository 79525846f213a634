/** A throw-away database on the PostgreSQL server at DATABASE_URL, for one benchmark run. */
import pg from 'pg';
import { createPostgresDb } from '../../src/db/postgres.js';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/db.js';

export interface BenchDatabase {
  url: string;
  /** Migrated; close it before drop(). */
  db: Db;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** null (with the reason) when the server is unreachable or has no vector extension. */
export async function createBenchDatabase(serverUrl: string, suffix = ''): Promise<BenchDatabase | { skipped: string }> {
  const name = `motcua_bench_${process.pid}${suffix ? `_${suffix}` : ''}`;
  try {
    const hasVector = await admin(serverUrl, async (c) => {
      const ext = await c.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
      if (!ext.rowCount) return false;
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
      return true;
    });
    if (!hasVector) return { skipped: 'the PostgreSQL server has no "vector" extension (scripts/setup-postgres.sh)' };
  } catch (err) {
    return { skipped: `PostgreSQL not reachable: ${(err as Error).message}` };
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = createPostgresDb({ connectionString: url });
  await migrate(db);
  return {
    url,
    db,
    drop: () => admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
