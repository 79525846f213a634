import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSql } from 'pgvector';
import { createTestDb, dbBackends, testDatabaseUrl, type TestDb } from '../helpers/db.js';
import { loadMigrations, migrate, splitSql } from '../../src/db/migrate.js';
import { createPgliteDb } from '../../src/db/pglite.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function schemaOf(db: TestDb) {
  const columns = await db.query<{ t: string; c: string; type: string; nullable: string }>(
    `SELECT table_name AS t, column_name AS c, data_type AS type, is_nullable AS nullable
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
  );
  const indexes = await db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`,
  );
  return { columns, indexes };
}

// Unit vectors in 4 dimensions; the expected cosine order is computed in JS.
const vectors: [string, number[]][] = [
  ['a', [1, 0, 0, 0]],
  ['b', [0.9, 0.1, 0, 0]],
  ['c', [0.5, 0.5, 0.5, 0]],
  ['d', [0, 1, 0, 0]],
  ['e', [0, 0, 0, 1]],
  ['f', [-1, 0, 0, 0]],
];
const probe = [0.8, 0.3, 0.1, 0];
const cos = (x: number[], y: number[]) => {
  const dot = x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
  return dot / (Math.hypot(...x) * Math.hypot(...y));
};
const expectedOrder = [...vectors].sort((p, q) => cos(q[1], probe) - cos(p[1], probe)).map(([id]) => id);

async function vectorOrder(db: TestDb) {
  await db.exec('CREATE TABLE IF NOT EXISTS vec_probe (id text PRIMARY KEY, v vector(4))');
  await db.query('DELETE FROM vec_probe');
  for (const [id, v] of vectors) await db.query('INSERT INTO vec_probe VALUES ($1, $2::vector)', [id, toSql(v)]);
  const rows = await db.query<{ id: string }>('SELECT id FROM vec_probe ORDER BY v <=> $1::vector', [toSql(probe)]);
  await db.exec('DROP TABLE vec_probe');
  return rows.map((r) => r.id);
}

describe.each(dbBackends)('database on $backend', ({ backend }) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('records every migration and re-running applies nothing', async () => {
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(loadMigrations().map((m) => m.name));
    expect(await migrate(db)).toEqual([]);
  });

  it('orders vectors by cosine distance as computed in JS', async () => {
    expect(await vectorOrder(db)).toEqual(expectedOrder);
  });

  it('rolls back a failed transaction', async () => {
    await db.exec('CREATE TABLE tx_probe (n int)');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_probe');
    expect(rows[0]?.n).toBe(0);
    await db.exec('DROP TABLE tx_probe');
  });

  it('returns int8 and numeric as numbers', async () => {
    const [row] = await db.query<{ n: unknown; x: unknown }>('SELECT count(*) AS n, 2.5::numeric AS x FROM schema_migrations');
    expect(typeof row?.n).toBe('number');
    expect(row?.x).toBe(2.5);
  });

  it('returns a vector column as an array of numbers (pgvector parser)', async () => {
    const [row] = await db.query<{ v: unknown }>('SELECT $1::vector AS v', [toSql([0.5, -0.25, 3])]);
    expect(row?.v).toEqual([0.5, -0.25, 3]);
  });
});

describe.runIf(Boolean(testDatabaseUrl))('PostgreSQL before the vector type exists', () => {
  it('parses vectors on a connection first used before the migration created the type', async () => {
    // From template0: a test server's template1 may already hold the extension.
    const name = `motcua_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
    const url = new URL(testDatabaseUrl!);
    url.pathname = `/${name}`;
    const db = createPostgresDb({ connectionString: url.toString(), max: 1 });
    try {
      expect(await db.query(`SELECT to_regtype('vector') AS t`)).toEqual([{ t: null }]);
      await migrate(db);
      const [row] = await db.query<{ v: unknown }>('SELECT $1::vector AS v', [toSql([1, 2])]);
      expect(row?.v).toEqual([1, 2]);
    } finally {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe.runIf(Boolean(testDatabaseUrl))('PostgreSQL connection killed while checked out', () => {
  it('rejects the statement as db:unavailable, reports the error and throws nothing uncaught', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    const reported: Error[] = [];
    const db = createPostgresDb({ connectionString: testDatabaseUrl!, max: 2, onError: (e) => reported.push(e) });
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    try {
      // Each statement carries its own tag: a backend that was just terminated stays in pg_stat_activity for a
      // moment, and with one tag the second kill could end the first (already dead) backend and leave the second running.
      const newTag = () => `motcua_kill_${randomBytes(4).toString('hex')}`;
      const kill = async (tag: string) => {
        // Wait until the statement is running on the server, then end its backend as a restart would.
        for (let i = 0; i < 200; i++) {
          const { rows } = await admin.query(
            `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
            [`%${tag}%`],
          );
          if (rows.length > 0) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the statement never started');
      };
      // The expectations are attached before the kill, so a rejection that comes while kill() still polls is handled.
      const first = newTag();
      const running = expect(db.query(`SELECT pg_sleep(30) AS ${first}`)).rejects.toMatchObject({ code: 'db:unavailable' });
      await kill(first);
      await running;
      const second = newTag();
      const inTx = expect(db.transaction(async (tx) => tx.query(`SELECT pg_sleep(30) AS ${second}`))).rejects.toThrow(/terminat/i);
      await kill(second);
      await inTx;
      // Let the client's 'error' events (emitted after the rejection) run.
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      // Whichever of the two connections ended after its statement had already failed was reported, not thrown.
      expect(reported.length).toBeGreaterThanOrEqual(1);
      // The pool replaces the dead connections.
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await admin.end();
      await db.close();
    }
  });
});

describe.runIf(Boolean(testDatabaseUrl))('PGlite and PostgreSQL agree', () => {
  let lite: TestDb;
  let real: TestDb;
  beforeAll(async () => {
    [lite, real] = await Promise.all([createTestDb('pglite'), createTestDb('postgres')]);
  });
  afterAll(async () => {
    await Promise.all([lite?.close(), real?.close()]);
  });

  it('the same migrations give the same schema', async () => {
    const [a, b] = await Promise.all([schemaOf(lite), schemaOf(real)]);
    expect(a.columns.length).toBeGreaterThan(0);
    expect(b.columns).toEqual(a.columns);
    expect(b.indexes).toEqual(a.indexes);
  });

  it('a vector similarity query returns the same order', async () => {
    expect(await vectorOrder(real)).toEqual(await vectorOrder(lite));
  });
});

describe('splitSql', () => {
  it('keeps dollar-quoted bodies whole and drops comment lines', () => {
    const parts = splitSql(`-- c\nCREATE TABLE a (x int);\nDO $$ BEGIN\n PERFORM 1;\nEND $$;\nSELECT 1`);
    expect(parts).toEqual(['CREATE TABLE a (x int)', 'DO $$ BEGIN\n PERFORM 1;\nEND $$', 'SELECT 1']);
  });
});

describe('embedded database on disk', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'motcua-pgdisk-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates a new directory in a helper process, keeps data across opens, and creates nothing the second time', async () => {
    const dir = join(root, 'a', 'pglite');
    const inits: { helper: boolean; peakRssMb?: number }[] = [];
    const first = await createPgliteDb({ dataDir: dir, onInit: (x) => inits.push(x) });
    expect(inits).toHaveLength(1);
    expect(inits[0]!.helper).toBe(true);
    expect(process.platform !== 'linux' || (inits[0]!.peakRssMb ?? 0) > 0).toBe(true);
    await first.exec('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$là$$)');
    await first.close();
    // No temp directory is left beside it.
    expect(readdirSync(join(root, 'a'))).toEqual(['pglite']);
    const again = await createPgliteDb({ dataDir: dir, onInit: (x) => inits.push(x) });
    expect(await again.query('SELECT v FROM kept')).toEqual([{ v: 'là' }]);
    expect(await again.query(`SELECT extname FROM pg_extension WHERE extname = 'vector'`)).toHaveLength(1);
    // Opened with our settings (a smaller buffer pool than PostgreSQL's default 128MB).
    expect(await again.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '32MB' }]);
    await again.close();
    expect(inits).toHaveLength(1);
  }, 120_000);

  it('still creates it in this process when asked to', async () => {
    const inits: unknown[] = [];
    const db = await createPgliteDb({ dataDir: join(root, 'b'), initInHelper: false, onInit: (x) => inits.push(x) });
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.close();
    expect(inits).toEqual([]);
  }, 120_000);
});
