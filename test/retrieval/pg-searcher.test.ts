import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createHashEmbedder } from '../../src/retrieval/hash-embedder.js';
import { createPgSearcher, ensureHnswIndex } from '../../src/retrieval/pg-searcher.js';
import { fixtureProcedures } from './fixtures.js';

// The database-side searcher (for catalogs too large for memory; used by the at-scale bench): GIN tsvector + HNSW.
describe.each(dbBackends)('database-side search on $backend', ({ backend }) => {
  let db: TestDb;
  const embedder = createHashEmbedder({ dimensions: 64 });
  beforeAll(async () => {
    db = await createTestDb(backend);
    await createCatalogRepository(db).upsertProcedures(fixtureProcedures, { source: 'knowledge' });
    await syncIndex(db, embedder);
    await ensureHnswIndex(db, embedder);
    await ensureHnswIndex(db, embedder); // idempotent
  }, 60_000);
  afterAll(async () => db?.close());

  it('finds the procedure from both channels, with names, fields and levels from the catalog', async () => {
    const s = createPgSearcher({ db, embedder });
    const r = await s.search('thủ tục đăng ký kết hôn cần giấy tờ gì', { top: 3 });
    expect(r.results[0]).toMatchObject({ code: 'T.0002', name: 'Đăng ký kết hôn' });
    expect(r.results[0]!.score).toBeGreaterThan(0);
    expect(r.results.length).toBeLessThanOrEqual(3);
    const lai = await s.search('cap lai giay phep lai xe bi mat', { top: 1 });
    expect(lai.results.map((h) => h.code)).toEqual(['T.0003']);
  });

  it('restricts to the given codes, and copes with text that has no searchable words', async () => {
    const s = createPgSearcher({ db, embedder });
    const r = await s.search('đăng ký', { top: 5, codes: ['T.0004'] });
    expect(r.results.every((h) => h.code === 'T.0004')).toBe(true);
    const empty = await s.search('?!… 🙂', { top: 5 });
    expect(empty.results.length).toBeLessThanOrEqual(5);
    expect(empty.confident).toBe(false);
  });

  it('ranks with the in-memory searcher\'s configuration: channel weights and the confidence bar', async () => {
    const q = 'thủ tục đăng ký kết hôn cần giấy tờ gì';
    const both = await createPgSearcher({ db, embedder }).search(q, { top: 3 });
    // Without the vector channel, a name match still scores its full lexical share (1 of 1).
    const lexicalOnly = await createPgSearcher({ db, embedder, params: { vectorWeight: 0 } }).search(q, { top: 3 });
    expect(lexicalOnly.results[0]).toMatchObject({ code: 'T.0002', score: 1 });
    expect(both.results[0]!.score).toBeLessThanOrEqual(1);
    expect((await createPgSearcher({ db, embedder, params: { confidentAt: 1.01 } }).search(q)).confident).toBe(false);
    expect((await createPgSearcher({ db, embedder, params: { confidentAt: 0.01 } }).search(q)).confident).toBe(true);
  });

  it('many searches at once (both channels in flight together) give what they give one at a time', async () => {
    const s = createPgSearcher({ db, embedder });
    const qs = ['khai sinh cho con', 'đăng ký thường trú', 'thành lập hộ kinh doanh', 'chứng thực bản sao', 'cấp đổi sổ đỏ'];
    const alone: unknown[] = [];
    for (const q of qs) alone.push((await s.search(q, { top: 3 })).results);
    const together = await Promise.all(qs.map((q) => s.search(q, { top: 3 })));
    expect(together.map((r) => r.results)).toEqual(alone);
  });
});
