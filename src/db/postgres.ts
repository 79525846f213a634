import pg from 'pg';
import { registerTypes } from 'pgvector/pg';
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

/**
 * A pg.Pool behind the Db interface. int8 and numeric come back as numbers and vector as number[], like PGlite.
 * pgvector's registerTypes runs on each connection at its first checkout once the database has the vector type (a
 * database not migrated yet has none; such a connection is tried again at its next checkout). Not in the pool's
 * 'connect' event: that event does not wait, so the first query could be parsed before the type is registered.
 */
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
  const withVector = new WeakSet<pg.PoolClient>();
  // pg-pool listens for a client's 'error' only while it is idle. A connection that dies while checked out (the server
  // restarted mid-query) rejects its query and also emits 'error', which would be uncaught without this listener.
  const onLeasedError = (err: Error) => options.onError?.(err);
  function giveBack(client: pg.PoolClient, err?: Error): void {
    client.removeListener('error', onLeasedError);
    client.release(err);
  }
  async function checkout(): Promise<pg.PoolClient> {
    const client = await pool.connect();
    client.on('error', onLeasedError);
    if (withVector.has(client)) return client;
    try {
      const [row] = (await client.query<{ ok: boolean }>(`SELECT to_regtype('vector') IS NOT NULL AS ok`)).rows;
      if (row?.ok) {
        await registerTypes(client);
        withVector.add(client);
      }
      return client;
    } catch (e) {
      giveBack(client, e as Error);
      throw e;
    }
  }
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
  /** One statement on a pooled connection, released as pool.query releases it (a failed one is not reused). */
  async function runOnce<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    let client: pg.PoolClient;
    try {
      client = await checkout();
    } catch (e) {
      return wrapErr(e);
    }
    try {
      const res = await client.query(sql, params as unknown[]);
      giveBack(client);
      return res.rows as T[];
    } catch (e) {
      giveBack(client, e as Error);
      return wrapErr(e);
    }
  }
  return {
    kind: 'postgres',
    pool,
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return runOnce<T>(sql, params);
    },
    async exec(sql) {
      await runOnce(sql);
    },
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await checkout();
      } catch (e) {
        return wrapErr(e);
      }
      const tx: Queryable = {
        async query<T>(sql: string, params: readonly unknown[] = []) {
          const res = await client.query(sql, params as unknown[]);
          return res.rows as T[];
        },
      };
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        // A connection that cannot even roll back is not given back to the pool for reuse.
        await client.query('ROLLBACK').catch((rollbackErr: Error) => {
          broken = rollbackErr;
        });
        throw e;
      } finally {
        giveBack(client, broken);
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
