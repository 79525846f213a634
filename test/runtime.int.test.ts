import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, testDatabaseUrl, type TestDb } from './helpers/db.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createCore, type Core } from '../src/runtime.js';

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
    const logger = createLogger({ level: 'silent' });
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
      // Both answer from the same index.
      const hits = await Promise.all(cores.map((core) => core.searcher.search('đăng ký khai sinh', { top: 1 })));
      expect(hits[0]?.results[0]?.code).toBeDefined();
      expect(hits[1]?.results[0]?.code).toBe(hits[0]?.results[0]?.code);
    } finally {
      await Promise.all(cores.map((core) => core.close()));
    }
  }, 120_000);
});
