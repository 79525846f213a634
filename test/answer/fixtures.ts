import { procedureSchema, type Procedure } from '../../src/catalog/schema.js';
import type { SearchHit, Searcher } from '../../src/retrieval/types.js';
import { foldText as foldVi } from '../../src/text/normalize.js';

export const birth: Procedure = procedureSchema.parse({
  code: '9.000001',
  name: 'Đăng ký khai sinh',
  aliases: ['làm giấy khai sinh'],
  field: 'Hộ tịch',
  levels: ['xa'],
  agency: 'Ủy ban nhân dân cấp xã',
  channels: [
    { mode: 'truc_tiep', deadline: { text: '1 ngày làm việc', workingDays: 1 }, fee: { text: 'Miễn lệ phí', free: true } },
    { mode: 'truc_tuyen', deadline: { text: '1 ngày làm việc', workingDays: 1 }, fee: { text: 'Miễn lệ phí', free: true } },
  ],
  documents: [
    { name: 'Tờ khai đăng ký khai sinh', copies: 1, form: 'ban_chinh' },
    { name: 'Giấy chứng sinh', copies: 1, form: 'ban_chinh' },
    { name: 'Văn bản ủy quyền', copies: 1, form: 'ban_chinh', case: 'Ủy quyền người khác đi đăng ký' },
  ],
  steps: ['Nộp hồ sơ', 'Nhận kết quả'],
  result: 'Giấy khai sinh',
  sourceUrl: 'https://example.org/khai-sinh',
  updatedAt: '2026-11-25',
});

export const marriage: Procedure = procedureSchema.parse({
  code: '9.000002',
  name: 'Đăng ký kết hôn',
  aliases: ['làm giấy đăng ký kết hôn'],
  field: 'Hộ tịch',
  levels: ['xa'],
  channels: [{ mode: 'truc_tiep', deadline: { text: 'Ngay trong ngày', days: 0 }, fee: { text: 'Miễn lệ phí', free: true } }],
  documents: [{ name: 'Tờ khai đăng ký kết hôn', copies: 1, form: 'ban_chinh' }],
  conditions: ['Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi'],
});

export const passportProvince: Procedure = procedureSchema.parse({
  code: '9.000003',
  name: 'Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)',
  field: 'Quản lý xuất nhập cảnh',
  levels: ['tinh'],
  channels: [{ mode: 'truc_tiep', deadline: { text: '8 ngày làm việc', workingDays: 8 }, fee: { text: '200.000 đồng', amountsVnd: [200000] } }],
  documents: [{ name: 'Tờ khai đề nghị cấp hộ chiếu', copies: 1, form: 'ban_chinh' }],
});

export const passportCentral: Procedure = procedureSchema.parse({
  code: '9.000004',
  name: 'Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp trung ương)',
  field: 'Quản lý xuất nhập cảnh',
  levels: ['trung_uong'],
  channels: [{ mode: 'truc_tiep', deadline: { text: '8 ngày làm việc', workingDays: 8 }, fee: { text: '200.000 đồng', amountsVnd: [200000] } }],
  documents: [{ name: 'Tờ khai đề nghị cấp hộ chiếu', copies: 1, form: 'ban_chinh' }],
});

export const residenceA: Procedure = procedureSchema.parse({
  code: '9.000005',
  name: 'Đăng ký thường trú',
  field: 'Đăng ký, quản lý cư trú',
  levels: ['xa'],
  documents: [{ name: 'Tờ khai thay đổi thông tin cư trú', copies: 1, form: 'ban_chinh' }],
});
export const residenceB: Procedure = procedureSchema.parse({
  code: '9.000006',
  name: 'Đăng ký tạm trú',
  field: 'Đăng ký, quản lý cư trú',
  levels: ['xa'],
  documents: [{ name: 'Tờ khai thay đổi thông tin cư trú', copies: 1, form: 'ban_chinh' }],
});

export const all = [birth, marriage, passportProvince, passportCentral, residenceA, residenceB];

/**
 * A tiny keyword searcher standing in for the real retrieval: score = share of the procedure's name words found in
 * the question. Confident when the best share is high and clearly ahead.
 */
export function fakeSearcher(procedures = all): Searcher & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async search(question, options) {
      calls.push(question);
      const q = foldVi(question);
      const hits: SearchHit[] = procedures
        .map((p) => {
          const words = foldVi(`${p.name} ${p.aliases.join(' ')}`).split(/\W+/).filter((w) => w.length > 2);
          const nameWords = foldVi(p.name).replace(/\(.*\)/, '').split(/\W+/).filter((w) => w.length > 2);
          const hit = nameWords.filter((w) => q.includes(w)).length / Math.max(1, nameWords.length);
          const alias = words.filter((w) => q.includes(w)).length / Math.max(1, words.length);
          return { code: p.code, name: p.name, levels: p.levels, field: p.field, score: Math.max(hit, alias) };
        })
        .filter((h) => h.score > 0.3)
        .sort((a, b) => b.score - a.score)
        .slice(0, options?.top ?? 8);
      const top = hits[0]?.score ?? 0;
      const second = hits.find((h) => h.name.replace(/\(.*\)/, '') !== hits[0]?.name.replace(/\(.*\)/, ''))?.score ?? 0;
      return { results: hits, confident: top >= 0.99 && top - second > 0.2, confidence: top, ms: 0 };
    },
  };
}
