/**
 * The database seam. Everything above this file speaks plain SQL with $1 parameters through `Db`; the same SQL runs
 * on the embedded PGlite (PostgreSQL 18 in WASM) and on a real PostgreSQL 15+ with pgvector.
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

/** Formats a JS number array as a pgvector literal; pass it as a parameter with `$n::vector`. */
export function toVectorLiteral(v: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    if (i) s += ',';
    const x = v[i] as number;
    s += Number.isFinite(x) ? String(Math.round(x * 1e6) / 1e6) : '0';
  }
  return s + ']';
}
