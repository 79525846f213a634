import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, testDatabaseUrl, type TestDb } from './helpers/db.js';
import { parseConfig } from '../src/config.js';
import { createCore, type Core } from '../src/runtime.js';
import { captureLog } from './hardening/helpers.js';

// Several workers started together on one empty PostgreSQL (compose up, a rolling deploy) must not race each other
// through the catalog seed and the index sync.
describe.skipIf(!testDatabaseUrl)('createCore on real PostgreSQL', () => {
  const dirs: string[] = [];
  let db: TestDb | undefined;
  afterAll(async () => {
    await db?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('two cores starting at once on an empty database both start, and the index is built once', async () => {
    db = await createTestDb('postgres', { migrate: false });
    const config = () => {
      const dir = mkdtempSync(join(tmpdir(), 'motcua-core-'));
      dirs.push(dir);
      return parseConfig({ DATABASE_URL: db!.url, DATA_DIR: dir });
    };
    const { logger, lines } = captureLog('info');
    const started = await Promise.allSettled([createCore(config(), logger), createCore(config(), logger)]);
    const cores = started.filter((s): s is PromiseFulfilledResult<Core> => s.status === 'fulfilled').map((s) => s.value);
    try {
      expect(started.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
      const [p] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM procedures`);
      const [idx] = await db.query<{ n: number; chunks: number }>(
        `SELECT count(*)::int AS n, coalesce(sum(chunks), 0)::int AS chunks FROM retrieval_index`,
      );
      const [c] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks`);
      expect(p!.n).toBeGreaterThan(0);
      expect(idx!.n).toBe(p!.n);
      expect(c!.n).toBe(idx!.chunks);
      // Built once: one core indexed every procedure, the other found the index in place and synced nothing.
      const synced = lines.map((l) => JSON.parse(l) as { msg?: string; added?: number }).filter((l) => l.msg === 'retrieval index synced');
      expect(synced.map((l) => l.added)).toEqual([p!.n]);
      // Both answer from the same index.
      const hits = await Promise.all(cores.map((core) => core.searcher.search('đăng ký khai sinh', { top: 1 })));
      expect(hits[0]?.results[0]?.code).toBeDefined();
      expect(hits[1]?.results[0]?.code).toBe(hits[0]?.results[0]?.code);
    } finally {
      await Promise.all(cores.map((core) => core.close()));
    }
  }, 120_000);
});
