/**
 * Database fixtures for tests. `dbBackends` lists PGlite always and PostgreSQL when DATABASE_URL is set, so a suite
 * written as `describe.each(dbBackends)(...)` runs on both. Each `createTestDb` gives a fresh, migrated database:
 * a clone of a migrated in-memory PGlite template, or a new database on the PostgreSQL server (dropped on close).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '../../src/db/db.js';
import { clonePgliteDb, createPgliteDb } from '../../src/db/pglite.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { migrate } from '../../src/db/migrate.js';

export type BackendName = 'pglite' | 'postgres';
export const testDatabaseUrl = process.env.DATABASE_URL || undefined;
export const dbBackends: { backend: BackendName }[] = [
  { backend: 'pglite' },
  ...(testDatabaseUrl ? [{ backend: 'postgres' as const }] : []),
];

let template: Promise<Db & { pglite: PGlite }> | undefined;

async function pgliteTemplate() {
  template ??= (async () => {
    const db = await createPgliteDb();
    await migrate(db);
    return db;
  })();
  return template;
}

export interface TestDb extends Db {
  /** Connection string of the per-test PostgreSQL database (postgres backend only). */
  url?: string;
}

export async function createTestDb(backend: BackendName = 'pglite', options: { migrate?: boolean } = {}): Promise<TestDb> {
  const doMigrate = options.migrate ?? true;
  if (backend === 'pglite') {
    if (!doMigrate) return createPgliteDb();
    return clonePgliteDb(await pgliteTemplate());
  }
  if (!testDatabaseUrl) throw new Error('DATABASE_URL is not set');
  const name = `motcua_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  const db = createPostgresDb({ connectionString: url.toString(), max: 5 });
  if (doMigrate) await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    url: url.toString(),
    async close() {
      await close();
      const a = new pg.Client({ connectionString: testDatabaseUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await a.end();
    },
  });
}
