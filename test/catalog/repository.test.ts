import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbBackends, createTestDb, type TestDb } from '../helpers/db.js';
import { createCatalogRepository, mergeProcedures, type CatalogRepository } from '../../src/catalog/repository.js';
import { procedureSchema, type Procedure, type ProcedureInput } from '../../src/catalog/schema.js';
import { ensureCatalog } from '../../src/catalog/ensure.js';
import { createLogger } from '../../src/logger.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const proc = (input: ProcedureInput): Procedure => procedureSchema.parse(input);

const curated = proc({
  code: '1.000001',
  name: 'Đăng ký mẫu',
  aliases: ['làm giấy mẫu'],
  field: 'Hộ tịch',
  agency: 'UBND cấp xã',
  channels: [{ mode: 'truc_tiep', deadline: { text: '1 ngày làm việc', workingDays: 1 }, fee: { text: 'Miễn lệ phí', free: true } }],
  documents: [{ name: 'Tờ khai', copies: 1, form: 'ban_chinh' }],
  steps: ['Nộp hồ sơ', 'Nhận kết quả'],
  result: 'Giấy mẫu',
  notes: ['Không cần sổ hộ khẩu'],
});

const imported = proc({
  code: '1.000001',
  name: 'Thủ tục đăng ký mẫu',
  field: 'Hộ tịch (cổng)',
  origin: 'dvc',
  levels: ['xa'],
  agency: 'Ủy ban Nhân dân xã, phường, thị trấn.',
  audience: 'Công dân Việt Nam',
  channels: [
    { mode: 'truc_tiep', deadline: { text: '1' } },
    { mode: 'truc_tuyen', deadline: { text: '1' }, fee: { text: 'Miễn phí', free: true } },
  ],
  documents: [{ name: 'Tờ khai theo mẫu', copies: 1, form: 'ban_chinh' }, { name: 'Giấy tờ khác', copies: 1 }],
  steps: ['Bước 1: nộp', 'Bước 2: nhận'],
  conditions: ['Điều kiện từ cổng'],
  legalBasis: [{ code: '123/2015/NĐ-CP', title: 'Nghị định hướng dẫn' }],
  decision: '163/QĐ-BTP',
  sourceUrl: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x',
  raw: { documents: 'Tên giấy tờ... nguyên văn' },
});

const other = proc({ code: '2.000002', name: 'Cấp phép xây dựng nhà ở riêng lẻ', aliases: ['xin giấy phép xây nhà'], field: 'Xây dựng' });

describe.each(dbBackends)('catalog repository on $backend', ({ backend }) => {
  let db: TestDb;
  let repo: CatalogRepository;
  beforeEach(async () => {
    db = await createTestDb(backend);
    repo = createCatalogRepository(db);
  });
  afterEach(async () => {
    await db.close();
  });

  const updatedAt = async (code: string) =>
    (await db.query<{ updated_at: string }>(`SELECT updated_at::text FROM procedures WHERE code = $1`, [code]))[0]?.updated_at;

  it('imports new codes, then reports unchanged data as unchanged without touching updated_at', async () => {
    expect(await repo.upsertProcedures([imported, other], { source: 'dvc' })).toEqual({ imported: 2, updated: 0, unchanged: 0 });
    const before = await updatedAt('1.000001');
    const hash = (await repo.getProcedure('1.000001'))?.contentHash;
    await new Promise((r) => setTimeout(r, 20));
    expect(await repo.upsertProcedures([structuredClone(imported), other], { source: 'dvc' })).toEqual({
      imported: 0,
      updated: 0,
      unchanged: 2,
    });
    expect(await updatedAt('1.000001')).toBe(before);
    expect((await repo.getProcedure('1.000001'))?.contentHash).toBe(hash);
  });

  it('updates a changed record and its content hash', async () => {
    await repo.upsertProcedures([other], { source: 'knowledge' });
    const before = await repo.getProcedure('2.000002');
    const changed = { ...other, result: 'Giấy phép xây dựng' };
    expect(await repo.upsertProcedures([changed], { source: 'knowledge' })).toEqual({ imported: 0, updated: 1, unchanged: 0 });
    const after = await repo.getProcedure('2.000002');
    expect(after?.procedure.result).toBe('Giấy phép xây dựng');
    expect(after?.contentHash).not.toBe(before?.contentHash);
  });

  for (const order of [['knowledge', 'dvc'], ['dvc', 'knowledge']] as const) {
    it(`keeps curated fields and fills gaps from the portal when imported ${order.join(' then ')}`, async () => {
      for (const source of order) {
        await repo.upsertProcedures([source === 'knowledge' ? curated : imported], { source });
      }
      const entry = await repo.getProcedure('1.000001');
      const p = entry!.procedure;
      expect(entry?.origin).toBe('knowledge');
      expect(entry?.sources).toEqual({ knowledge: true, dvc: true, province: false });
      // curated, whole
      expect(p.name).toBe('Đăng ký mẫu');
      expect(p.field).toBe('Hộ tịch');
      expect(p.aliases).toEqual(['làm giấy mẫu']);
      expect(p.agency).toBe('UBND cấp xã');
      expect(p.channels).toEqual(curated.channels);
      expect(p.documents).toEqual(curated.documents);
      expect(p.steps).toEqual(curated.steps);
      expect(p.result).toBe('Giấy mẫu');
      expect(p.notes).toEqual(['Không cần sổ hộ khẩu']);
      // gaps filled from the portal
      expect(p.levels).toEqual(['xa']);
      expect(p.audience).toBe('Công dân Việt Nam');
      expect(p.conditions).toEqual(['Điều kiện từ cổng']);
      expect(p.legalBasis).toEqual(imported.legalBasis);
      expect(p.decision).toBe('163/QĐ-BTP');
      expect(p.sourceUrl).toBe(imported.sourceUrl);
      expect(p.raw?.documents).toBe('Tên giấy tờ... nguyên văn');
      expect(p.origin).toBe('knowledge');
      // the row's name and field follow the served record
      const [row] = await db.query<{ name: string; field: string }>(`SELECT name, field FROM procedures WHERE code = '1.000001'`);
      expect(row).toEqual({ name: 'Đăng ký mẫu', field: 'Hộ tịch' });
    });
  }

  it('gives the same served record and hash in both import orders', async () => {
    await repo.upsertProcedures([curated], { source: 'knowledge' });
    await repo.upsertProcedures([imported], { source: 'dvc' });
    const a = await repo.getProcedure('1.000001');
    const db2 = await createTestDb(backend);
    try {
      const repo2 = createCatalogRepository(db2);
      await repo2.upsertProcedures([imported], { source: 'dvc' });
      await repo2.upsertProcedures([curated], { source: 'knowledge' });
      const b = await repo2.getProcedure('1.000001');
      expect(b?.contentHash).toBe(a?.contentHash);
      expect(b?.procedure).toEqual(a?.procedure);
    } finally {
      await db2.close();
    }
  });

  it('re-importing the portal record unchanged over a curated one changes nothing', async () => {
    await repo.upsertProcedures([imported], { source: 'dvc' });
    await repo.upsertProcedures([curated], { source: 'knowledge' });
    const before = await updatedAt('1.000001');
    expect(await repo.upsertProcedures([imported], { source: 'dvc' })).toEqual({ imported: 0, updated: 0, unchanged: 1 });
    expect(await repo.upsertProcedures([curated], { source: 'knowledge' })).toEqual({ imported: 0, updated: 0, unchanged: 1 });
    expect(await updatedAt('1.000001')).toBe(before);
  });

  it('finds procedures by name or alias ignoring diacritics, and lists codes', async () => {
    await repo.upsertProcedures([curated, other], { source: 'knowledge' });
    expect((await repo.findByName('cap phep xay dung'))[0]?.code).toBe('2.000002');
    expect((await repo.findByName('xin giấy phép xây nhà'))[0]?.code).toBe('2.000002');
    expect((await repo.findByName('làm giấy mẫu'))[0]?.code).toBe('1.000001');
    expect(await repo.findByName('hoàn toàn không liên quan')).toEqual([]);
    expect(await repo.listCodes()).toEqual(['1.000001', '2.000002']);
    expect(await repo.getProcedure('9.999999')).toBeUndefined();
  });

  it('counts procedures, fields, and the chunks of the retrieval index', async () => {
    await repo.upsertProcedures([curated, other], { source: 'knowledge' });
    // Migration 003 creates the chunks table, so the count is always the table's (the "no table yet" branch of
    // stats() only serves a database migrated before 003).
    expect((await db.query<{ t: string | null }>(`SELECT to_regclass('chunks')::text AS t`))[0]?.t).toBe('chunks');
    const base = { procedures: 2, detailed: 2, listedOnly: 0, detailedAndListed: 0, retired: 0, fields: 2 };
    const chunkCount = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks`))[0]!.n;
    const before = await chunkCount();
    expect(await repo.stats()).toEqual({ ...base, chunks: before });
    await db.query(
      `INSERT INTO chunks (code, kind, name, body, lexemes, embedder, content_hash) VALUES ($1, 'x', 'x', 'x', 'x', 'test', 'h'), ($1, 'y', 'y', 'y', 'y', 'test', 'h')`,
      [curated.code],
    );
    expect(await repo.stats()).toEqual({ ...base, chunks: before + 2 });
  });

  it('seeds an empty catalog from knowledge/ once, skipping invalid records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-ensure-'));
    writeFileSync(
      join(dir, 'a.yaml'),
      'procedures:\n  - code: "1.000001"\n    name: Thủ tục một\n    field: Hộ tịch\n  - code: "bad code!"\n    name: Hỏng\n    field: Hộ tịch\n',
    );
    const logger = createLogger({ level: 'silent' });
    const first = await ensureCatalog(db, { knowledgeDir: dir, logger });
    expect(first).toMatchObject({ seeded: true, imported: 1 });
    expect(first.problems[0]).toMatchObject({ record: 'bad code!', field: 'code' });
    const second = await ensureCatalog(db, { knowledgeDir: dir, logger });
    expect(second).toMatchObject({ seeded: false, imported: 0 });
  });
});

describe('mergeProcedures', () => {
  it('returns the only record when one source is missing', () => {
    expect(mergeProcedures(undefined, imported)).toBe(imported);
    expect(mergeProcedures(curated, undefined)).toBe(curated);
  });
});
