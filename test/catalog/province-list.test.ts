import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseProvinceCsv, readProvinceListFile, toCompactList, fromCompactList } from '../../src/catalog/province-list.js';
import { createCatalogRepository, stableStringify } from '../../src/catalog/repository.js';
import { readKnowledgeProcedures } from '../../src/catalog/knowledge.js';
import { ensureCatalog } from '../../src/catalog/ensure.js';
import { composeAnswer } from '../../src/answer/compose.js';
import { renderProcedureText } from '../../src/catalog/render-text.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher } from '../../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';
import { defaultLexicon } from '../../src/text/lexicon.js';
import { createLogger } from '../../src/logger.js';
import type { Procedure } from '../../src/catalog/schema.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/province/${name}`, import.meta.url));
const knowledgeDir = fileURLToPath(new URL('../../knowledge', import.meta.url));
const sharedCsv = fileURLToPath(new URL('../../../shared/langson/procedures-2025-04.csv', import.meta.url));

const detailed: Procedure = {
  code: '9.900001',
  name: 'Cấp giấy phép thử nghiệm dịch vụ mẫu',
  aliases: [],
  field: 'Thử nghiệm',
  levels: ['tinh'],
  channels: [{ mode: 'truc_tiep', deadline: { text: '10 ngày làm việc' }, fee: { text: '50.000 đồng' } }],
  documents: [{ name: 'Đơn đề nghị cấp giấy phép thử nghiệm' }],
  steps: [],
  conditions: [],
  legalBasis: [],
  origin: 'knowledge',
  notes: [],
};

describe('the province list file', () => {
  it('reads the messy rows: test rows, rows without a national code and rows with an unknown level are reported and skipped', () => {
    const r = readProvinceListFile(fixture('list-a.csv'));
    expect(r.rows).toBe(9);
    expect(r.skipped.map((s) => [s.row, s.reason])).toEqual([
      ['1', 'test_row'],
      ['2', 'test_row'],
      ['3', 'no_national_code'],
      ['7', 'bad_row'],
    ]);
    expect(r.procedures.map((p) => p.code)).toEqual(['9.800002', '9.800003', '9.800005', '9.900001']);
  });

  it('keeps quoted commas and line breaks, drops the department prefix of the field, and joins one code published at two levels', () => {
    const byCode = new Map(readProvinceListFile(fixture('list-a.csv')).procedures.map((p) => [p.code, p]));
    const bee = byCode.get('9.800002')!;
    expect(bee).toMatchObject({ name: 'Cấp giấy phép nuôi ong mật, ong khoái', field: 'Chăn nuôi', origin: 'province', decision: '2/QĐ-UBND' });
    expect(bee.province?.pages).toEqual([{ localCode: '9.800002.000.00.00.H99', online: 'mot_phan', url: 'http://dvc.example.test/tt?maThuTuc=4' }]);
    const tree = byCode.get('9.800003')!;
    expect(tree.name).toBe('Xác nhận trồng cây cảnh mẫu');
    expect(tree.levels).toEqual(['xa']);
    expect(tree.province?.pages.map((g) => [g.level, g.online])).toEqual([
      ['huyen', 'muc_2'],
      ['xa', 'toan_trinh'],
    ]);
    const odd = byCode.get('9.800005')!;
    expect(odd.name).toBe('Thông báo "mẫu" về hai dòng');
    expect(odd.sourceUrl).toBeUndefined();
  });

  it('refuses a file that is not the province list, naming it', () => {
    expect(() => parseProvinceCsv('a,b\n1,2\n', 'x.csv')).toThrow(/x\.csv: expected the province list columns/);
  });

  it('gives the same procedures from our compact form as from the CSV, dated by the list', () => {
    const fromCsv = readProvinceListFile(fixture('list-a.csv'), { listedAt: '2025-04-24' }).procedures;
    expect(fromCsv[0]?.updatedAt).toBe('2025-04-24');
    expect(composeAnswer(fromCsv[0]!, [])).toContain('(thông tin cập nhật ngày 24/04/2025)');
    const compact = toCompactList(fromCsv, { province: 'Lạng Sơn', listedAt: '2025-04-24', pageUrl: 'http://dvc.example.test/tt?maThuTuc={id}' });
    expect(fromCompactList(compact).map(stableStringify)).toEqual(fromCsv.map(stableStringify));
  });

  it.skipIf(!existsSync(sharedCsv))('ships every procedure of the Lạng Sơn list, generated from the export', () => {
    const csv = readProvinceListFile(sharedCsv, { listedAt: '2025-04-24' });
    const shipped = readProvinceListFile(`${knowledgeDir}/province/langson-2025-04.json`);
    expect(shipped.procedures.length).toBe(1714);
    expect(shipped.procedures.map(stableStringify)).toEqual(csv.procedures.map(stableStringify));
    expect(csv.skipped.filter((s) => s.reason === 'test_row').length).toBe(2);
  });
});

describe.each(dbBackends)('the province list in the catalog ($backend)', ({ backend }) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => db?.close());

  it('marks a detailed procedure as listed, serves the others as listed-only, counts both, and changes nothing on a re-import', async () => {
    const repo = createCatalogRepository(db);
    await repo.upsertProcedures([detailed], { source: 'knowledge' });
    const list = readProvinceListFile(fixture('list-a.csv')).procedures;
    expect(await repo.upsertProcedures(list, { source: 'province' })).toEqual({ imported: 3, updated: 1, unchanged: 0 });
    expect(await repo.upsertProcedures(list, { source: 'province' })).toEqual({ imported: 0, updated: 0, unchanged: 4 });

    const d = (await repo.getProcedure('9.900001'))!;
    expect(d.listedOnly).toBe(false);
    expect(d.procedure.documents).toEqual(detailed.documents);
    expect(d.procedure.province?.pages[0]?.url).toBe('http://dvc.example.test/tt?maThuTuc=9');
    const l = (await repo.getProcedure('9.800002'))!;
    expect(l.listedOnly).toBe(true);
    expect(l.procedure.origin).toBe('province');
    expect(await repo.stats()).toMatchObject({ procedures: 4, detailed: 1, listedOnly: 3, detailedAndListed: 1, retired: 0 });
  });

  it('answers a listed-only procedure honestly: name, field, whether it can be done online, the link, and where documents and fees are', async () => {
    const p = (await createCatalogRepository(db).getProcedure('9.800002'))!.procedure;
    const text = composeAnswer(p, ['fee']);
    expect(text).toContain('Cấp giấy phép nuôi ong mật, ong khoái (mã 9.800002)');
    expect(text).toContain('Lĩnh vực: Chăn nuôi');
    expect(text).toContain('Nộp trực tuyến: nộp hồ sơ trực tuyến được, trực tuyến một phần');
    expect(text).toContain('Nộp trực tuyến / xem tại Cổng DVC Lạng Sơn: http://dvc.example.test/tt?maThuTuc=4');
    expect(text).toContain('phí và lệ phí của thủ tục này có trên trang thủ tục nêu trên');
    expect(text).not.toMatch(/đồng/);
    expect(text).toMatch(/Nguồn: danh mục thủ tục hành chính do tỉnh Lạng Sơn công bố, .*mã 9\.800002, công bố tại Quyết định 2\/QĐ-UBND/);
    expect(renderProcedureText(p)).toContain('Chỉ có trong danh mục của tỉnh');
  });

  it('adds the provincial link to a detailed answer without touching its facts', async () => {
    const p = (await createCatalogRepository(db).getProcedure('9.900001'))!.procedure;
    const text = composeAnswer(p, ['fee']);
    expect(text).toContain('- Trực tiếp: 50.000 đồng');
    expect(text).toContain('Nộp trực tuyến / xem tại Cổng DVC Lạng Sơn: http://dvc.example.test/tt?maThuTuc=9');
    expect(text).toContain('có trong danh mục do tỉnh Lạng Sơn công bố');
  });
});

describe('the shipped catalog with the Lạng Sơn list', () => {
  let db: TestDb;
  let search: (q: string) => Promise<{ code: string }[]>;
  const knowledge = readKnowledgeProcedures(`${knowledgeDir}/procedures`).procedures;

  beforeAll(async () => {
    db = await createTestDb('pglite');
    const seeded = await ensureCatalog(db, { knowledgeDir, logger: createLogger({ level: 'silent' }) });
    expect(seeded.seeded).toBe(true);
    const embedder = createLocalEmbedder('hash');
    await syncIndex(db, embedder);
    const searcher = createSearcher({ db, embedder, lexicon: defaultLexicon() });
    await searcher.refresh();
    search = async (q) => (await searcher.search(q, { top: 3 })).results;
  }, 180_000);
  afterAll(async () => db?.close());

  it('knows every listed procedure and every curated one after the first start', async () => {
    const s = await createCatalogRepository(db).stats();
    expect(s.detailed).toBe(knowledge.length);
    expect(s.procedures).toBeGreaterThan(1700);
    expect(s.listedOnly).toBe(s.procedures - knowledge.length);
  });

  it('ranks a curated procedure above listed-only ones when its own name is asked', async () => {
    const repo = createCatalogRepository(db);
    const outranked: string[] = [];
    for (const p of knowledge) {
      const [top] = await search(p.name);
      if (!top) continue;
      const e = await repo.getProcedure(top.code);
      if (e?.listedOnly) outranked.push(`${p.code} ${p.name} → ${top.code}`);
    }
    expect(outranked).toEqual([]);
  });

  it('finds a procedure only the province lists by its name', async () => {
    const [top] = await search('cấp điện mới từ lưới điện hạ áp');
    expect(top?.code).toBe('3.000001');
  });
});
