/**
 * Database fixtures for tests. `dbBackends` lists PGlite always and PostgreSQL when DATABASE_URL is set, so a suite
 * written as `describe.each(dbBackends)(...)` runs on both. Each `createTestDb` gives a fresh, migrated database:
 * an in-memory PGlite in the state of a migrated template, or a new database on the PostgreSQL server (dropped on
 * close).
 *
 * PGlite instances are reused within a test process: cloning the template costs about a second (a new WebAssembly
 * instance loading a dump), emptying a used one a few milliseconds. A closed test database goes back to a small pool;
 * the next one handed out is first put back into the template's state (session reset, every table emptied and
 * sequences restarted, the template's seeded rows written back) and checked against the template's schema
 * fingerprint: one whose schema a test changed, or that no longer answers, is closed and a new clone made instead.
 * The handle a test closed stays closed (its queries fail as a closed PGlite's do).
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

type Lite = Db & { pglite: PGlite };

interface Template {
  db: Lite;
  /** Schema fingerprint (see FINGERPRINT_SQL). */
  fingerprint: string;
  /** Tables the migrations leave rows in, with those rows, written back on reset. */
  seeded: { table: string; rows: unknown[] }[];
  /** Every other table of the public schema, emptied on reset. */
  emptied: string[];
}

/** Everything a test could change about the schema: columns, indexes, constraints, triggers, functions, views, extensions. */
const FINGERPRINT_SQL = `
  SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) AS fp FROM (
    SELECT 'c:' || table_name || '.' || column_name || ':' || data_type || ':' || coalesce(column_default, '') || ':' || is_nullable AS x
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'i:' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'k:' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT 't:' || tgname || ':' || tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'f:' || proname || ':' || md5(prosrc) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT 'v:' || viewname || ':' || md5(definition) FROM pg_views WHERE schemaname = 'public'
    UNION ALL SELECT 'e:' || extname || ':' || extversion FROM pg_extension
  ) s`;

async function fingerprintOf(db: Db): Promise<string> {
  const [row] = await db.query<{ fp: string }>(FINGERPRINT_SQL);
  return row!.fp;
}

let template: Promise<Template> | undefined;

async function pgliteTemplate(): Promise<Template> {
  template ??= (async () => {
    const db = await createPgliteDb();
    await migrate(db);
    const tables = await db.query<{ t: string }>(`SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    const seeded: Template['seeded'] = [];
    const emptied: string[] = [];
    for (const { t } of tables) {
      const rows = await db.query<{ r: unknown }>(`SELECT row_to_json(x) AS r FROM ${t} x`);
      if (rows.length) seeded.push({ table: t, rows: rows.map((r) => r.r) });
      else emptied.push(t);
    }
    return { db, fingerprint: await fingerprintOf(db), seeded, emptied };
  })();
  return template;
}

/** Released PGlite instances, reset when handed out again. */
const idle: Lite[] = [];
const MAX_IDLE = 2;

/** Puts a used instance back into the template's state; false when it cannot be (closed, or its schema changed). */
async function resetToTemplate(db: Lite, t: Template): Promise<boolean> {
  try {
    if (db.pglite.closed) return false;
    await db.exec('DISCARD ALL');
    if ((await fingerprintOf(db)) !== t.fingerprint) return false;
    const all = [...t.emptied, ...t.seeded.map((s) => s.table)];
    await db.exec(`TRUNCATE ${all.join(', ')} RESTART IDENTITY CASCADE`);
    for (const s of t.seeded) {
      await db.query(`INSERT INTO ${s.table} SELECT * FROM json_populate_recordset(NULL::${s.table}, $1::json)`, [JSON.stringify(s.rows)]);
    }
    return true;
  } catch {
    return false;
  }
}

async function pooledPglite(): Promise<TestDb> {
  const t = await pgliteTemplate();
  let inner: Lite | undefined;
  while (!inner && idle.length) {
    const candidate = idle.pop()!;
    if (await resetToTemplate(candidate, t)) inner = candidate;
    else await candidate.close().catch(() => undefined);
  }
  inner ??= await clonePgliteDb(t.db);
  const db = inner;
  let closed = false;
  const open = () => {
    if (closed) throw new Error('PGlite is closed');
  };
  return {
    kind: 'pglite',
    async query(sql, params) {
      open();
      return db.query(sql, params);
    },
    async exec(sql) {
      open();
      return db.exec(sql);
    },
    async transaction(fn) {
      open();
      return db.transaction(fn);
    },
    async ping() {
      return !closed && db.ping();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (idle.length < MAX_IDLE) idle.push(db);
      else await db.close();
    },
  };
}

export interface TestDb extends Db {
  /** Connection string of the per-test PostgreSQL database (postgres backend only). */
  url?: string;
}

export async function createTestDb(backend: BackendName = 'pglite', options: { migrate?: boolean } = {}): Promise<TestDb> {
  const doMigrate = options.migrate ?? true;
  if (backend === 'pglite') {
    if (!doMigrate) return createPgliteDb();
    return pooledPglite();
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
