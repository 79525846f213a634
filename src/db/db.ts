/**
 * The database seam. Everything above this file speaks plain SQL with $1 parameters through `Db`; the same SQL runs
 * on the embedded PGlite (PostgreSQL 18 in WASM) and on a real PostgreSQL 15+ with pgvector. Both give rows the same
 * shapes: int8 and numeric as numbers, vector as number[] (the pgvector package's parser). A vector goes in as a
 * parameter written by the package's `toSql` with `$n::vector`.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs several statements separated by semicolons (no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs fn inside BEGIN/COMMIT; rolls back and rethrows when fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** true when a trivial query succeeds within a short time. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
