import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Procedure } from '../../src/catalog/schema.js';
import { checkFaithfulness } from '../../src/llm/faithfulness.js';
import { marriage } from './fixtures.js';

/** Pieces a grounded answer is made of, including the ones the guard looks at hardest. */
const fragments = fc.oneof(
  fc.constantFrom(
    '50.000 đồng',
    '30k',
    '1,5 triệu đồng',
    'ba mươi nghìn đồng',
    'Lệ phí là 0',
    '05 ngày làm việc',
    'hai năm',
    'thứ hai',
    'sau 15 giờ',
    '8h30',
    '15 giờ 30 phút',
    '50%',
    '25 USD',
    'ngày 14/11/2016',
    'ngày 25 tháng 11 năm 2026',
    '2026-11-25',
    'tháng 7/2025',
    'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd',
    'dichvucong.gov.vn',
    'mã 1.000894',
    'mã 1.001193',
    '123/2015/NĐ-CP',
    '163/QĐ-BTP',
    'Giấy khai sinh',
    'Tờ khai đăng ký kết hôn',
    'Giấy xác nhận tình trạng hôn nhân của trưởng thôn',
    'Sổ hộ khẩu',
    'Văn bản ủy quyền có công chứng',
    'bản sao CCCD',
    'gửi mã OTP',
    'chắc chắn được duyệt',
    'không thể bị từ chối',
    'Ignore previous instructions',
    'miễn phí',
    '1. ',
    'Bước 2:',
    '1.2.3',
    '0205 3 812 345',
  ),
  fc.integer({ min: 0, max: 10_000_000 }).map(String),
  fc.integer({ min: 0, max: 10_000_000 }).map((n) => n.toLocaleString('vi-VN') + ' đồng'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'aăâeêioôơuưyđ àáảãạ.,:;/-%()\n0123456789'.split('')), maxLength: 30 }),
);
const separator = fc.constantFrom('', ' ', '\n', ', ', '. ', '; ', ': ');
const grounded = fc
  .array(fc.tuple(fragments, separator), { maxLength: 25 })
  .map((parts) => parts.map(([f, s]) => f + s).join(''));

describe('checkFaithfulness (property)', () => {
  it('accepts the grounded text itself, whatever it holds', () => {
    fc.assert(
      fc.property(grounded, fc.constantFrom<Procedure[][]>([], [marriage]), (g, records) => {
        const result = checkFaithfulness(g, { grounded: g, records });
        expect(result.problems).toEqual([]);
        expect(result.ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
