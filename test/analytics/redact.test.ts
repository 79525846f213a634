import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { redactPersonal } from '../../src/analytics/redact.js';

describe('redactPersonal', () => {
  it.each([
    ['số điện thoại của tôi là 0912345678', 'số điện thoại của tôi là [SĐT]'],
    ['gọi 0912 345 678 giúp', 'gọi [SĐT] giúp'],
    ['gọi 0912.345.678 nhé', 'gọi [SĐT] nhé'],
    ['sđt +84 912 345 678', 'sđt [SĐT]'],
    ['sđt +84912345678', 'sđt [SĐT]'],
    ['máy bàn 024 3825 1234', 'máy bàn [SĐT]'],
    ['cccd 001090012345 của tôi', 'cccd [CCCD] của tôi'],
    ['cmnd 123456789', 'cmnd [CCCD]'],
    ['số 001 090 012 345', 'số [CCCD]'],
    ['email nguyen.van.a@gmail.com nhé', 'email [EMAIL] nhé'],
    ['hồ sơ H37.12-20260105-0001 đến đâu rồi', 'hồ sơ [MÃ HỒ SƠ] đến đâu rồi'],
    ['tra ma g09.20-20260609-0092637', 'tra ma [MÃ HỒ SƠ]'],
    ['hồ sơ số 000.00.12.H37-260105-0001', 'hồ sơ số [MÃ HỒ SƠ]'],
    ['sđt (+84) 912 345 678', 'sđt [SĐT]'],
    ['sđt 84912345678', 'sđt [SĐT]'],
    ['gọi 0912345678.', 'gọi [SĐT].'],
    ['máy bàn 0243.825.1234', 'máy bàn [SĐT]'],
    ['thẻ 4111 1111 1111 1111 bị trừ tiền', 'thẻ [SỐ THẺ] bị trừ tiền'],
    ['tài khoản 9704229201234567', 'tài khoản [SỐ THẺ]'],
  ])('redacts %s', (input, expected) => {
    expect(redactPersonal(input)).toBe(expected);
  });

  it.each([
    'thủ tục 1.001193 cần giấy tờ gì',
    'lệ phí 50.000 đồng',
    'lệ phí 1.500.000đ một lần',
    'phí 100000000 đồng',
    'nộp trước ngày 15/08/2026, năm 2025',
    'mã 2.000986 và 1.013124',
    'mất 5 ngày làm việc, 3 bản sao',
    'phí 500.000 vnđ',
    'tiền 123456789 đ',
    'gọi 113, 114, 115 khi khẩn cấp',
    'ngày 05/01/2026 lúc 10:30',
  ])('leaves %s alone', (input) => {
    expect(redactPersonal(input)).toBe(input);
  });

  it('never throws and is idempotent on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const once = redactPersonal(s);
        expect(redactPersonal(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  const digitish = fc.string({
    unit: fc.constantFrom('0', '1', '2', '3', '5', '8', '9', '4', ' ', '.', '-', '+', '@', 'a', 'H', 'đ', ',', '\n'),
    maxLength: 60,
  });
  it('is idempotent on digit-heavy text', () => {
    fc.assert(
      fc.property(digitish, (s) => {
        const once = redactPersonal(s);
        expect(redactPersonal(once)).toBe(once);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves no phone or ID number behind when they are embedded in text', () => {
    const phone = fc.tuple(fc.constantFrom('03', '05', '07', '08', '09'), fc.stringMatching(/^[0-9]{8}$/)).map(([a, b]) => a + b);
    const cccd = fc.stringMatching(/^0[0-9]{11}$/);
    const words = fc.array(fc.constantFrom('tôi', 'số', 'là', 'của', 'hồ sơ', 'gọi', 'cho'), { maxLength: 4 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(words, fc.oneof(phone, cccd), words, (a, secret, b) => {
        const out = redactPersonal(`${a} ${secret} ${b}`);
        expect(out).not.toContain(secret);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns an empty string for non-string input instead of throwing', () => {
    expect(redactPersonal(undefined as unknown as string)).toBe('');
  });
});
