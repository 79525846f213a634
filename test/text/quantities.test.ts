import { describe, expect, it } from 'vitest';
import { extractFacts, parseNumber } from '../../src/text/quantities.js';

const quantities = (text: string) => extractFacts(text).quantityList.map((q) => `${q.unit}:${q.value}`);

describe('checkable facts in Vietnamese text', () => {
  it('reads numbers written the Vietnamese and the English way', () => {
    expect(parseNumber('50.000')).toBe(50000);
    expect(parseNumber('1.500.000,5')).toBe(1500000.5);
    expect(parseNumber('10,000')).toBe(10000);
    expect(parseNumber('1,5')).toBe(1.5);
    expect(parseNumber('1.2.3')).toBeUndefined();
  });

  it('gives each quantity its unit, in digits or in words', () => {
    expect(quantities('Lệ phí 75.000 đồng, trả trong 7 ngày làm việc.')).toEqual(['money:75000', 'workday:7']);
    expect(quantities('phí khoảng 1 triệu 200 nghìn')).toEqual(['money:1200000']);
    expect(quantities('mất chừng mười lăm ngày, phí hai mươi nghìn đồng')).toEqual(['day:15', 'money:20000']);
    expect(quantities('nộp 3 bản, 2 tháng sau')).toEqual(['copies:3', 'month:2']);
  });

  it('does not read a year, "thứ ba" or a list marker as a quantity', () => {
    expect(quantities('Năm nay anh ấy đi làm vào thứ ba')).toEqual([]);
    expect(quantities('1. Tờ khai\n2. Ảnh chân dung')).toEqual([]);
  });

  it('finds dates, times, procedure codes, legal references and links', () => {
    const f = extractFacts('Theo Nghị định 123/2015/NĐ-CP, hẹn ngày 5 tháng 9 năm 2026 lúc 8h30, thủ tục 1.001193, xem https://www.Example.gov.vn/tt/');
    expect([...f.dates]).toEqual(['5-9-2026']);
    expect([...f.times]).toEqual(['8:30']);
    expect([...f.procedureCodes]).toEqual(['1.001193']);
    expect([...f.legalRefs]).toEqual(['123/2015/ND-CP']);
    expect([...f.urls]).toEqual(['https://example.gov.vn/tt']);
  });
});
