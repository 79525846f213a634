import { describe, expect, it } from 'vitest';
import { detectDossierCode, isPlausibleDossierCode, normalizeDossierCode } from '../../src/dossier/code.js';
import { maskName } from '../../src/dossier/mask.js';

describe('detectDossierCode', () => {
  it.each([
    ['Cho tôi hỏi hồ sơ H37.30-20261116-0004 đến đâu rồi ạ', 'H37.30-20261116-0004'],
    ['  h37.30 - 20261116 - 0004  ', 'H37.30-20261116-0004'],
    ['mã hồ sơ: 000.00.21.H37-240315-0012 nhé', '000.00.21.H37-240315-0012'],
    ['G09.20-20260609-0092637', 'G09.20-20260609-0092637'],
    ['hồ sơ số h37-261120-1234?', 'H37-261120-1234'],
  ])('finds and normalises the code in %j', (text, code) => {
    expect(detectDossierCode(text)).toBe(code);
  });

  it.each([
    'thủ tục 1.001193 cần giấy tờ gì',
    'gọi cho tôi số 0912-345-678 nhé',
    'số điện thoại 0912 345 678',
    'hẹn ngày 2026-11-20',
    '+84-912-345678',
    'CCCD 001203004567',
    'ngày 20/11/2026 tôi nộp hồ sơ',
    'H37.30-20261399-0001',
  ])('does not fire on %j', (text) => {
    expect(detectDossierCode(text)).toBeUndefined();
  });
});

describe('normalizeDossierCode / isPlausibleDossierCode', () => {
  it('trims, upper-cases and drops spaces', () => {
    expect(normalizeDossierCode(' h37.30 -2026 1116-0004 ')).toBe('H37.30-20261116-0004');
  });
  it('accepts loose codes and rejects junk', () => {
    expect(isPlausibleDossierCode('H37.30-20261116-0004')).toBe(true);
    expect(isPlausibleDossierCode('ABC123456')).toBe(true);
    expect(isPlausibleDossierCode('XIN-CHAO')).toBe(false);
    expect(isPlausibleDossierCode('12')).toBe(false);
    expect(isPlausibleDossierCode("1' OR '1'='1")).toBe(false);
  });
});

describe('maskName', () => {
  it('keeps only initials', () => {
    expect(maskName('Nguyễn Văn An')).toBe('N*** V*** A*');
    expect(maskName('  đinh   thị hoa ')).toBe('Đ*** T*** H*');
    expect(maskName('Y Moan')).toBe('Y*** M*');
    expect(maskName('')).toBe('(không rõ)');
  });
  it('never contains a whole word of the name', () => {
    const masked = maskName('Lăng Văn Hùng');
    for (const w of ['Lăng', 'Văn', 'Hùng']) expect(masked).not.toContain(w);
  });
});
