import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher } from '../../src/retrieval/searcher.js';
import { createHashEmbedder } from '../../src/retrieval/hash-embedder.js';
import { stripDiacritics } from '../../src/text/normalize.js';
import type { Embedder } from '../../src/retrieval/types.js';
import { fixtureProcedures, withChange } from './fixtures.js';

/** Wraps an embedder and records how many texts it was asked to embed. */
function countingEmbedder(inner: Embedder): Embedder & { texts: number } {
  const e = {
    id: inner.id,
    dimensions: inner.dimensions,
    texts: 0,
    async embed(texts: string[]) {
      e.texts += texts.length;
      return inner.embed(texts);
    },
  };
  return e;
}

describe.each(dbBackends)('retrieval on $backend', ({ backend }) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(backend);
    await createCatalogRepository(db).upsertProcedures(fixtureProcedures, { source: 'knowledge' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('indexes every procedure once, then re-indexes only what changed', async () => {
    const embedder = countingEmbedder(createHashEmbedder({ dimensions: 64 }));
    const first = await syncIndex(db, embedder);
    expect(first).toMatchObject({ added: fixtureProcedures.length, updated: 0, removed: 0, unchanged: 0 });
    const chunkRows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks`);
    expect(chunkRows[0]!.n).toBe(first.chunks);
    const embeddedFirst = embedder.texts;

    const again = await syncIndex(db, embedder);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: fixtureProcedures.length, chunks: 0 });
    expect(embedder.texts).toBe(embeddedFirst);

    const changed = withChange(fixtureProcedures[1]!, { result: 'Giấy chứng nhận kết hôn (bản điện tử)' });
    await createCatalogRepository(db).upsertProcedures([changed], { source: 'knowledge' });
    const third = await syncIndex(db, embedder);
    expect(third).toMatchObject({ added: 0, updated: 1, unchanged: fixtureProcedures.length - 1 });
    const body = await db.query<{ body: string }>(`SELECT body FROM chunks WHERE code = 'T.0002' AND kind = 'result'`);
    expect(body[0]!.body).toContain('bản điện tử');
  });

  it('re-indexes everything when the embedder changes, and forgets procedures that left the catalog', async () => {
    const other = createHashEmbedder({ dimensions: 32 });
    const r = await syncIndex(db, other);
    expect(r.updated).toBe(fixtureProcedures.length);
    await db.query(`DELETE FROM procedures WHERE code = 'T.0006'`);
    const after = await syncIndex(db, other);
    expect(after.removed).toBe(1);
    const left = await db.query(`SELECT 1 FROM chunks WHERE code = 'T.0006'`);
    expect(left).toHaveLength(0);
    await createCatalogRepository(db).upsertProcedures([fixtureProcedures[5]!], { source: 'knowledge' });
    expect((await syncIndex(db, other)).added).toBe(1);
  });

  describe('search', () => {
    const embedder = createHashEmbedder({ dimensions: 64 });
    let searcher: ReturnType<typeof createSearcher>;
    beforeAll(async () => {
      await syncIndex(db, embedder);
      searcher = createSearcher({ db, embedder });
      await searcher.refresh();
    });

    const cases: [string, string][] = [
      ['Cho em hỏi làm giấy khai sinh cho con mới sinh cần mang gì ạ?', 'T.0001'],
      ['Tôi 21 tuổi muốn lấy vợ thì cần điều kiện gì?', 'T.0002'],
      ['Tôi bị mất bằng lái xe, xin cấp lại như thế nào?', 'T.0003'],
      ['Thủ tục nhập hộ khẩu về nhà chồng', 'T.0004'],
      ['sổ đỏ bị rách muốn đổi sổ mới', 'T.0005'],
      ['Mở quán cà phê nhỏ thì phải đăng ký gì, lệ phí bao nhiêu?', 'T.0006'],
    ];
    it.each(cases)('finds the right procedure for "%s"', async (q, code) => {
      const r = await searcher.search(q, { top: 3 });
      expect(r.results[0]?.code).toBe(code);
    });

    it.each(cases)('still finds it typed without diacritics: "%s"', async (q, code) => {
      const r = await searcher.search(stripDiacritics(q), { top: 3 });
      expect(r.results[0]?.code).toBe(code);
    });

    it('folds the same procedure at two levels into one hit that names both codes', async () => {
      const r = await searcher.search('chứng thực bản sao từ bản chính', { top: 5 });
      const hits = r.results.filter((h) => h.name === 'Chứng thực bản sao từ bản chính');
      expect(hits).toHaveLength(1);
      expect([hits[0]!.code, ...(hits[0]!.sameAs ?? [])].sort()).toEqual(['T.0007', 'T.0008']);
      expect(hits[0]!.levels?.sort()).toEqual(['tinh', 'xa']);
    });

    it('folds names that differ only by their level qualifier, and does not count the twin as a rival', async () => {
      const r = await searcher.search('làm hộ chiếu phổ thông ở trong nước cần gì', { top: 5 });
      expect([r.results[0]!.code, ...(r.results[0]!.sameAs ?? [])].sort()).toEqual(['T.0009', 'T.0010']);
      expect(r.results.filter((h) => h.name.startsWith('Cấp hộ chiếu'))).toHaveLength(1);
      expect(r.confident).toBe(true);
    });

    it('is more confident about a clear question than about an unrelated one', async () => {
      const clear = await searcher.search('thủ tục đăng ký kết hôn');
      const unrelated = await searcher.search('giá vàng hôm nay bao nhiêu');
      expect(clear.confidence).toBeGreaterThan(unrelated.confidence);
      expect(clear.confident).toBe(true);
      expect(unrelated.confident).toBe(false);
    });

    it('restricts to the given codes and never returns more than top', async () => {
      const r = await searcher.search('đăng ký', { top: 2, codes: ['T.0002', 'T.0004', 'T.0006'] });
      expect(r.results.length).toBeLessThanOrEqual(2);
      for (const h of r.results) expect(['T.0002', 'T.0004', 'T.0006']).toContain(h.code);
    });

    it('answers empty and odd input without throwing', async () => {
      for (const q of ['', '   ', '???', '\u0301']) {
        const r = await searcher.search(q);
        expect(r.confident).toBe(false);
      }
    });
  });
});
