import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readProvinceListFile } from '../../src/catalog/province-list.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { readCatalogVersion } from '../../src/catalog/version.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher } from '../../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';
import type { Procedure } from '../../src/catalog/schema.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/province/${name}`, import.meta.url));

const curated: Procedure = {
  code: '9.800002',
  name: 'Cấp giấy phép nuôi ong mật, ong khoái',
  aliases: [],
  field: 'Chăn nuôi',
  levels: [],
  channels: [{ mode: 'truc_tiep', fee: { text: '20.000 đồng' } }],
  documents: [],
  steps: [],
  conditions: [],
  legalBasis: [],
  origin: 'knowledge',
  notes: [],
};

describe.each(dbBackends)('catalog lifecycle across two imports ($backend)', ({ backend }) => {
  let db: TestDb;
  const embedder = createLocalEmbedder('hash');
  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => db?.close());

  it('retires what the new export no longer has, records field-level changes, and leaves retired procedures out of search', async () => {
    const repo = createCatalogRepository(db);
    const first = await repo.startImport('province', 'list-a.csv');
    await repo.upsertProcedures(readProvinceListFile(fixture('list-a.csv')).procedures, { source: 'province', importId: first });
    await syncIndex(db, embedder);
    const searcher = createSearcher({ db, embedder });
    await searcher.refresh();
    expect((await searcher.search('xác nhận trồng cây cảnh mẫu', { top: 1 })).results[0]?.code).toBe('9.800003');
    const v0 = await readCatalogVersion(db);

    const second = await repo.startImport('province', 'list-b.csv');
    const b = readProvinceListFile(fixture('list-b.csv')).procedures;
    expect(await repo.upsertProcedures(b, { source: 'province', importId: second })).toEqual({ imported: 0, updated: 1, unchanged: 1 });
    expect(await repo.retireMissing('province', b.map((p) => p.code), { importId: second })).toEqual({ retired: 2, dropped: 0 });
    expect(await readCatalogVersion(db)).toBeGreaterThan(v0);

    const gone = (await repo.getProcedure('9.800003'))!;
    expect(gone.retiredAt).toBeInstanceOf(Date);
    expect(gone.procedure.name).toBe('Xác nhận trồng cây cảnh mẫu');
    expect((await repo.history('9.800003')).map((h) => h.kind)).toEqual(['retired', 'added']);
    expect(await repo.stats()).toMatchObject({ procedures: 2, retired: 2 });
    expect((await repo.findByName('xác nhận trồng cây cảnh mẫu')).map((m) => m.code)).not.toContain('9.800003');

    const [changed] = await repo.history('9.800002');
    expect(changed?.kind).toBe('updated');
    expect(changed?.fields.map((f) => f.field)).toEqual(['decision', 'province']);
    expect(changed?.fields[0]).toEqual({ field: 'decision', before: '2/QĐ-UBND', after: '5/QĐ-UBND' });

    await syncIndex(db, embedder);
    await searcher.refresh();
    const hits = (await searcher.search('xác nhận trồng cây cảnh mẫu', { top: 5 })).results.map((h) => h.code);
    expect(hits).not.toContain('9.800003');
    const [chunks] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks WHERE code = '9.800003'`);
    expect(chunks?.n).toBe(0);
  });

  it('a re-import that lists a retired procedure again restores it', async () => {
    const repo = createCatalogRepository(db);
    await repo.upsertProcedures(readProvinceListFile(fixture('list-a.csv')).procedures, { source: 'province' });
    const back = (await repo.getProcedure('9.800003'))!;
    expect(back.retiredAt).toBeUndefined();
    expect((await repo.history('9.800003'))[0]?.kind).toBe('restored');
  });

  it('a procedure another source still has is not retired when one source drops it', async () => {
    const repo = createCatalogRepository(db);
    await repo.upsertProcedures([curated], { source: 'knowledge' });
    expect(await repo.retireMissing('province', ['9.900001'])).toMatchObject({ dropped: 1 });
    const kept = (await repo.getProcedure('9.800002'))!;
    expect(kept.retiredAt).toBeUndefined();
    expect(kept.procedure.province).toBeUndefined();
    expect(kept.procedure.channels[0]?.fee?.text).toBe('20.000 đồng');
    expect((await repo.history('9.800002'))[0]).toMatchObject({ kind: 'source_dropped', source: 'province' });
  });
});
