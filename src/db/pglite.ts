import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { mkdirSync } from 'node:fs';
import { AppError } from '../errors.js';
import type { Db, Queryable } from './db.js';

// Same JS shapes as our pg.Pool setup: int8 and numeric become numbers.
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

export interface PgliteDbOptions {
  /** A directory for an on-disk database, or undefined / 'memory://' for an in-memory one. */
  dataDir?: string;
}

function wrap(pg: PGlite): Db {
  const asQueryable = (q: { query: PGlite['query'] }): Queryable => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      // Parsers per query: clones made with pglite.clone() do not inherit constructor options.
      const res = await q.query<T>(sql, params as unknown[], { parsers });
      return res.rows;
    },
  });
  const base = asQueryable(pg);
  return {
    kind: 'pglite',
    query: base.query,
    async exec(sql) {
      await pg.exec(sql);
    },
    async transaction(fn) {
      return pg.transaction((tx) => fn(asQueryable(tx as unknown as { query: PGlite['query'] })));
    },
    async ping() {
      try {
        await pg.query('select 1');
        return !pg.closed;
      } catch {
        return false;
      }
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}

/** Opens (or creates) an embedded PostgreSQL with pgvector. One process per data directory. */
export async function createPgliteDb(options: PgliteDbOptions = {}): Promise<Db & { pglite: PGlite }> {
  const dir = options.dataDir && options.dataDir !== 'memory://' ? options.dataDir : undefined;
  try {
    if (dir) mkdirSync(dir, { recursive: true });
    const pg = await PGlite.create(dir ?? 'memory://', { extensions: { vector }, parsers });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
    return Object.assign(wrap(pg), { pglite: pg });
  } catch (cause) {
    throw new AppError('db:unavailable', { message: `cannot open embedded database at ${dir ?? 'memory'}`, cause });
  }
}

/** A fast independent copy of an open in-memory database (used by tests to start from a migrated template). */
export async function clonePgliteDb(source: Db & { pglite: PGlite }): Promise<Db & { pglite: PGlite }> {
  const copy = (await source.pglite.clone()) as PGlite;
  return Object.assign(wrap(copy), { pglite: copy });
}
