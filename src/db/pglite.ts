import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { registerTypes } from 'pgvector/pg';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import type { Db, Queryable } from './db.js';

type Parsers = Record<number, (value: string) => unknown>;

// Same JS shapes as our pg.Pool setup: int8 and numeric become numbers (vector is added per database, withVector).
const baseParsers: Parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

/**
 * The parsers plus pgvector's own for the vector types, registered by the package's registerTypes as on a pg connection:
 * PGlite has no setTypeParser, so the registration fills the map passed with each query. The types' oids are this
 * database's (a clone keeps them).
 */
async function withVector(pg: PGlite): Promise<Parsers> {
  const parsers: Parsers = { ...baseParsers };
  await registerTypes({
    query: (sql: string, params: unknown[]) => pg.query(sql, params),
    setTypeParser: (oid: number, _format: 'text', parse: (value: string) => unknown) => {
      parsers[oid] = parse;
    },
  });
  return parsers;
}

export interface PgliteDbOptions {
  /** A directory for an on-disk database, or undefined / 'memory://' for an in-memory one. */
  dataDir?: string;
  /**
   * Create a new on-disk database in a helper process (default true). PGlite's initdb starts a second PostgreSQL
   * instance beside the first: done in this process it raises the peak RSS to ~850 MB and leaves ~500 MB resident for
   * good, against ~350 MB when an existing directory is opened. The helper takes that peak once and exits.
   */
  initInHelper?: boolean;
  /** Told how a new database was created: in the helper, or here after the helper failed (with its reason). */
  onInit?: (how: { helper: boolean; ms: number; peakRssMb?: number; reason?: string }) => void;
}

const initScript = fileURLToPath(new URL('./pglite-init.mjs', import.meta.url));

/**
 * PostgreSQL settings for the embedded database, on top of PGlite's own start parameters. shared_buffers 32MB instead
 * of PostgreSQL's 128MB: the catalog is read once at start (into the in-memory index and the procedure cache) and the
 * tables written per message are small, so the larger pool mostly kept pages that were read once — in WASM memory
 * that is never given back. Measured under the webhook bench: server peak RSS ~530-570 → ~450-490 MB, same
 * throughput; the first-start helper ~890 → ~790 MB.
 */
const PGLITE_SETTINGS: readonly string[] = ['-c', 'shared_buffers=32MB'];

/** True when dir is missing or empty: a new database would be created there. */
function isNewDataDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/**
 * Runs initdb for `dir` in a child node process, into a sibling temp directory renamed into place when complete, so
 * that an interrupted first start leaves no half-made database behind. Resolves with the child's peak RSS (Linux).
 */
function initInChild(dir: string): Promise<{ peakRssMb?: number }> {
  const tmp = join(dirname(dir), `.${basename(dir)}-init-${process.pid}-${Date.now()}`);
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [initScript, tmp, ...PGLITE_SETTINGS], { timeout: 180_000, env: { PATH: process.env.PATH ?? '' } }, (err, stdout, stderr) => {
      if (err) {
        rmSync(tmp, { recursive: true, force: true });
        reject(new Error(`${err.message.split('\n')[0]}${stderr ? `: ${stderr.trim().slice(0, 300)}` : ''}`));
        return;
      }
      try {
        rmSync(dir, { recursive: true, force: true }); // empty by isNewDataDir
        renameSync(tmp, dir);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        reject(e);
        return;
      }
      const kb = /peak (\d+)/.exec(stdout)?.[1];
      resolve({ peakRssMb: kb ? Number(kb) / 1024 : undefined });
    });
    child.stdin?.end();
  });
}

function wrap(pg: PGlite, parsers: Parsers): Db {
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
    if (dir && options.initInHelper !== false && isNewDataDir(dir)) {
      mkdirSync(dirname(dir), { recursive: true });
      const t0 = performance.now();
      try {
        const { peakRssMb } = await initInChild(dir);
        options.onInit?.({ helper: true, ms: performance.now() - t0, peakRssMb });
      } catch (err) {
        // No child processes here (or the helper broke): create it in this process, as PGlite does by default.
        options.onInit?.({ helper: false, ms: performance.now() - t0, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    if (dir) mkdirSync(dir, { recursive: true });
    const pg = await PGlite.create(dir ?? 'memory://', {
      extensions: { vector },
      parsers: baseParsers,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS],
    });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
    return Object.assign(wrap(pg, await withVector(pg)), { pglite: pg });
  } catch (cause) {
    throw new AppError('db:unavailable', { message: `cannot open embedded database at ${dir ?? 'memory'}`, cause });
  }
}

/** A fast independent copy of an open in-memory database (used by tests to start from a migrated template). */
export async function clonePgliteDb(source: Db & { pglite: PGlite }): Promise<Db & { pglite: PGlite }> {
  const copy = (await source.pglite.clone()) as PGlite;
  return Object.assign(wrap(copy, await withVector(copy)), { pglite: copy });
}
