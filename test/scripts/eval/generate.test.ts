import { describe, expect, it } from 'vitest';
import { procedureSchema, type Procedure, type ProcedureInput } from '../../../src/catalog/schema.js';
import { generateQueries, nameWithoutLevel, queryKinds } from '../../../scripts/eval/generate.js';
import type { LexiconEntry } from '../../../src/text/lexicon.js';

// A small catalog of our own wording: every kind of query can be made from some procedure here.
const make = (p: Partial<ProcedureInput> & { code: string; name: string }): Procedure =>
  procedureSchema.parse({ field: 'Thử nghiệm', levels: ['tinh'], origin: 'dvc', ...p });

const catalog: Procedure[] = [
  make({
    code: 'G.0001',
    name: 'Cấp lại sổ bảo hiểm xã hội cho người lao động bị mất sổ (thực hiện tại cấp tỉnh)',
    result: 'Sổ bảo hiểm xã hội được cấp lại',
    documents: [{ name: '01 bản chính Đơn đề nghị cấp lại sổ bảo hiểm xã hội theo mẫu' }, { name: 'Ảnh chân dung' }],
  }),
  make({ code: 'G.0002', name: 'Cấp lại sổ bảo hiểm xã hội cho người lao động bị mất sổ (thực hiện tại cấp xã)', levels: ['xa'] }),
  make({
    code: 'G.0003',
    name: 'Thủ tục đổi giấy phép lái xe do ngành giao thông vận tải cấp',
    origin: 'knowledge',
    aliases: ['đổi bằng lái', 'đổi bằng lái xe hết hạn'],
    result: 'Giấy phép lái xe mới',
  }),
  make({ code: 'G.0004', name: 'Cấp giấy phép hoạt động của cơ sở dịch vụ ăn uống' }),
  make({ code: 'G.0005', name: 'Xác nhận hộ' }),
  make({ code: 'G.0006', name: 'Cấp' }),
];

// Everyday words of our own for the test catalog's names, as the lexicon writes them (terms → catalog wording).
const lexicon: LexiconEntry[] = [
  { terms: ['sổ bảo hiểm', 'sổ bh'], means: ['sổ bảo hiểm xã hội'] },
  { terms: ['bằng lái'], means: ['giấy phép lái xe'] },
];

describe('generated queries', () => {
  it('are the same for the same seed and differ for another', () => {
    const a = generateQueries(catalog, { seed: 7, count: 40, perProcedure: 8 });
    const b = generateQueries(catalog, { seed: 7, count: 40, perProcedure: 8 });
    const c = generateQueries(catalog, { seed: 8, count: 40, perProcedure: 8 });
    expect(b).toEqual(a);
    expect(c.map((x) => x.q)).not.toEqual(a.map((x) => x.q));
  });

  it('include every kind when the catalog allows it', () => {
    const qs = generateQueries(catalog, { seed: 3, count: 60, perProcedure: 10, lexicon });
    expect(new Set(qs.map((x) => x.kind))).toEqual(new Set(queryKinds));
  });

  it('never emit an empty query, whatever the seed', () => {
    for (let seed = 0; seed < 50; seed++) {
      for (const x of generateQueries(catalog, { seed, count: 30, perProcedure: 5 })) expect(x.q.trim().length).toBeGreaterThan(0);
    }
  });

  it('write the kinds as asked: no diacritics, abbreviations, no level qualifier', () => {
    const qs = generateQueries(catalog, { seed: 5, count: 48, perProcedure: 8 });
    for (const x of qs.filter((q) => q.kind === 'bare')) expect(x.q).toMatch(/^[\x20-\x7e]+$/);
    for (const x of qs.filter((q) => q.kind === 'abbrev')) expect(x.q).toMatch(/bhxh|gcn|dn|gplx/i);
    for (const x of qs) expect(x.q).not.toMatch(/thực hiện tại cấp/i);
  });

  it('say a name in everyday words by reading the lexicon backwards, and tell a story whenever they can', () => {
    const qs = generateQueries(catalog, { seed: 2, count: 60, perProcedure: 3, lexicon });
    const everyday = qs.filter((x) => x.kind === 'everyday');
    expect(everyday.length).toBeGreaterThan(0);
    for (const x of everyday) {
      expect(x.q).toMatch(/sổ bảo hiểm|sổ bh|bằng lái/);
      expect(x.q).not.toMatch(/sổ bảo hiểm xã hội|giấy phép lái xe/);
    }
    // Each procedure that can give a story gives one among its three queries.
    const byCode = new Map<string, string[]>();
    for (const x of qs) byCode.set(x.code, [...(byCode.get(x.code) ?? []), x.kind]);
    for (const code of ['G.0001', 'G.0003']) expect(byCode.get(code)).toContain('story');
    expect(generateQueries(catalog, { seed: 2, count: 60, perProcedure: 10 }).some((x) => x.kind === 'everyday')).toBe(false);
  });

  it('count the same procedure at another level as right', () => {
    const qs = generateQueries(catalog, { seed: 1, count: 48, perProcedure: 8 });
    const fromFirst = qs.find((x) => x.code === 'G.0001' || x.code === 'G.0002')!;
    expect([...fromFirst.right].sort()).toEqual(['G.0001', 'G.0002']);
  });

  it('drop the level qualifier and "Thủ tục" from a name', () => {
    expect(nameWithoutLevel('Cấp lại thẻ căn cước (thực hiện tại cấp trung ương)')).toBe('Cấp lại thẻ căn cước');
    expect(nameWithoutLevel('Thủ tục đổi giấy phép lái xe')).toBe('đổi giấy phép lái xe');
  });
});
