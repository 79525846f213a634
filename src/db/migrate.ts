import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import type { Db } from './db.js';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
}

export function loadMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * Applies pending migrations in filename order, each in its own transaction, recorded in schema_migrations.
 * An advisory lock makes concurrent starters (several workers on one PostgreSQL) wait instead of racing.
 * Returns the names applied by this call.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  // Under the same lock as the migrations: two starters creating the table at once would collide in pg_type.
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(727274)`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
  });
  const applied: string[] = [];
  for (const m of migrations) {
    try {
      const done = await db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(727274)`);
        const seen = await tx.query(`SELECT 1 FROM schema_migrations WHERE name = $1`, [m.name]);
        if (seen.length) return false;
        for (const stmt of splitSql(m.sql)) await tx.query(stmt);
        await tx.query(`INSERT INTO schema_migrations (name) VALUES ($1)`, [m.name]);
        return true;
      });
      if (done) applied.push(m.name);
    } catch (cause) {
      throw new AppError('db:migration_failed', { message: `migration ${m.name} failed`, cause });
    }
  }
  return applied;
}

/** Splits a migration file into statements on semicolons at line ends, outside dollar-quoted bodies. */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let buf = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (!inDollar && trimmed.startsWith('--')) continue;
    const dollars = (line.match(/\$\$/g) ?? []).length;
    if (dollars % 2 === 1) inDollar = !inDollar;
    buf += line + '\n';
    if (!inDollar && trimmed.endsWith(';')) {
      const s = buf.trim().replace(/;$/, '').trim();
      if (s) out.push(s);
      buf = '';
    }
  }
  const rest = buf.trim().replace(/;$/, '').trim();
  if (rest) out.push(rest);
  return out;
}
