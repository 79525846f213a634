// The test fixture itself: a PGlite handed out again after a test closed it must be indistinguishable from a new clone.
import { describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.js';

describe('createTestDb (PGlite pool)', () => {
  it('hands out a database in the migrated state after another test wrote to, and changed the session of, the one it reuses', async () => {
    const fresh = await createTestDb();
    const migrations = await fresh.query('SELECT * FROM schema_migrations ORDER BY 1');
    const state = await fresh.query('SELECT * FROM catalog_state');
    await fresh.close();

    const used = await createTestDb();
    await used.query(`INSERT INTO audit_log (actor, action) VALUES ('a', 'b')`);
    await used.exec(`DELETE FROM catalog_state; SET statement_timeout = 1234; CREATE TEMP TABLE scratch (x int)`);
    await used.close();
    await expect(used.query('SELECT 1')).rejects.toThrow(/closed/);

    const again = await createTestDb();
    expect(await again.query('SELECT * FROM schema_migrations ORDER BY 1')).toEqual(migrations);
    expect(await again.query('SELECT * FROM catalog_state')).toEqual(state);
    const [audit] = await again.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    expect(audit!.n).toBe(0);
    const [timeout] = await again.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(timeout!.statement_timeout).toBe('0');
    await expect(again.query('SELECT * FROM scratch')).rejects.toThrow();
    await again.close();
  });

  it('does not reuse a database whose schema a test changed', async () => {
    const a = await createTestDb();
    await a.exec('ALTER TABLE audit_log ADD COLUMN extra int');
    await a.close();
    const b = await createTestDb();
    const cols = await b.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'audit_log' AND column_name = 'extra'`);
    expect(cols).toEqual([]);
    await b.close();
  });

  it('restarts sequences, so ids start where a new database starts them', async () => {
    const ids: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const db = await createTestDb();
      const [row] = await db.query<{ v: string }>(`SELECT nextval('audit_log_id_seq')::text AS v`);
      ids.push(row!.v);
      await db.close();
    }
    expect(ids).toEqual(['1', '1']);
  });
});
