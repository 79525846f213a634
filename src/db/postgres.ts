import pg from 'pg';
import { AppError } from '../errors.js';
import type { Db, Queryable } from './db.js';

const INT8 = 20;
const NUMERIC = 1700;

export interface PostgresDbOptions {
  connectionString: string;
  max?: number;
  /** Called for pool-level errors (a dropped idle client); the pool recovers by itself. */
  onError?: (err: Error) => void;
}

/** A pg.Pool behind the Db interface. int8 and numeric come back as numbers, like PGlite. */
export function createPostgresDb(options: PostgresDbOptions): Db & { pool: pg.Pool } {
  const typeParsers = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    types: typeParsers as pg.CustomTypesConfig,
  });
  pool.on('error', (err) => options.onError?.(err));
  const wrapErr = (cause: unknown): never => {
    const code = (cause as { code?: string }).code;
    // Connection-level failures become db:unavailable; SQL errors keep their own identity.
    if (
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'ECONNRESET' ||
      code === '57P01' ||
      code === '57P03' ||
      (cause instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(cause.message))
    ) {
      throw new AppError('db:unavailable', { cause });
    }
    throw cause;
  };
  return {
    kind: 'postgres',
    pool,
    async query<T>(sql: string, params: readonly unknown[] = []) {
      try {
        const res = await pool.query(sql, params as unknown[]);
        return res.rows as T[];
      } catch (e) {
        return wrapErr(e);
      }
    },
    async exec(sql) {
      try {
        await pool.query(sql);
      } catch (e) {
        wrapErr(e);
      }
    },
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        return wrapErr(e);
      }
      const tx: Queryable = {
        async query<T>(sql: string, params: readonly unknown[] = []) {
          const res = await client.query(sql, params as unknown[]);
          return res.rows as T[];
        },
      };
      try {
        await client.query('BEGIN');
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await pool.end();
    },
  };
}
