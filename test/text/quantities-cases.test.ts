/**
 * More of what the faithfulness guard relies on in extractFacts: each unit, money multipliers, the guards against
 * impossible dates and times, and what is masked so that it is not read twice. Examples written for this test.
 */
import { describe, expect, it } from 'vitest';
import { canonUrl, describeQuantity, extractFacts, lower, parseNumber } from '../../src/text/quantities.js';

const read = (text: string) => extractFacts(text).quantityList.map((q) => `${q.unit}:${q.value}:${q.raw}`);
const facts = (text: string) => {
  const f = extractFacts(text);
  return { dates: [...f.dates], times: [...f.times], codes: [...f.procedureCodes], refs: [...f.legalRefs], urls: [...f.urls], domains: [...f.domains], values: [...f.values] };
};

describe('quantities in digits', () => {
  it.each([
    ['phí 2 triệu 500 nghìn đồng', 'money:2500000:2 triệu 500 nghìn đồng'],
    ['phí 2 triệu 500k', 'money:2500000:2 triệu 500k'],
    ['khoảng 1,5 triệu', 'money:1500000:1,5 triệu'],
    ['3 tỷ đồng', 'money:3000000000:3 tỷ đồng'],
    ['chỉ 300k thôi', 'money:300000:300k'],
    ['50 nghìn vnđ', 'money:50000:50 nghìn vnđ'],
    ['20 usd', 'usd:20:20 usd'],
    ['15 đô la mỹ', 'usd:15:15 đô la mỹ'],
    ['mất 7 ngày làm việc', 'workday:7:7 ngày làm việc'],
    ['đợi 7 ngày', 'day:7:7 ngày'],
    ['2 tuần', 'week:2:2 tuần'],
    ['1 năm', 'year:1:1 năm'],
    ['3 giờ', 'hour:3:3 giờ'],
    ['3h', 'hour:3:3h'],
    ['45 phút', 'minute:45:45 phút'],
    ['giảm 10%', 'percent:10:10%'],
    ['5 phần trăm', 'percent:5:5 phần trăm'],
    ['nộp 2 bản', 'copies:2:2 bản'],
    ['1\u00a0000 đồng', 'money:1000:1\u00a0000 đồng'],
    ['75.000 ₫', 'money:75000:75.000 ₫'],
  ])('%s', (text, expected) => {
    expect(read(text)).toEqual([expected]);
  });

  it('a bare number after phí, giá or tiền is money; elsewhere it stays bare', () => {
    expect(read('giá là 30.000')).toEqual(['money:30000:30.000']);
    expect(read('tiền: 5000')).toEqual(['money:5000:5000']);
    expect(read('lệ phí 100')).toEqual(['money:100:100']);
    expect(read('mã 42 nhé')).toEqual(['bare:42:42']);
    // More than twenty characters before the number are not looked at.
    expect(read('phí của thủ tục này theo quy định là khoảng 100')).toEqual(['bare:100:100']);
  });

  it('a number that is not one number is checked part by part', () => {
    expect(read('số 1.2.3 kìa')).toEqual(['bare:1:1', 'bare:2:2', 'bare:3:3']);
  });

  it('list markers at the start of a line are layout, a number with a dot inside a line is not', () => {
    expect(read('- 1. Tờ khai')).toEqual([]);
    expect(read('* 2) giấy')).toEqual([]);
    expect(read('ghi chú\n 3. Ảnh')).toEqual([]);
    expect(read('mục 3. còn lại')).toEqual(['bare:3:3']);
    expect(read('3.x')).toEqual(['bare:3:3']);
  });
});

describe('quantities in words', () => {
  it.each([
    ['hai mươi lăm ngày', 'day:25:hai mươi lăm ngày'],
    ['hai mươi mốt ngày', 'day:21:hai mươi mốt ngày'],
    ['một trăm linh năm nghìn đồng', 'money:105000:một trăm linh năm nghìn đồng'],
    ['ba trăm nghìn', 'money:300000:ba trăm nghìn'],
    ['trăm nghìn', undefined],
    ['năm mươi phần trăm', 'percent:50:năm mươi phần trăm'],
    ['hai tuần', 'week:2:hai tuần'],
    ['mười tháng', 'month:10:mười tháng'],
    ['mười hai bản', 'copies:12:mười hai bản'],
    ['hai tiếng', 'hour:2:hai tiếng'],
    ['hai năm', 'year:2:hai năm'],
    ['một triệu hai trăm nghìn đồng', 'money:1200000:một triệu hai trăm nghìn đồng'],
    ['một tỷ đồng', 'money:1000000000:một tỷ đồng'],
    ['ba triệu', 'money:3000000:ba triệu'],
  ])('%s', (text, expected) => {
    expect(read(text)).toEqual(expected ? [expected] : []);
  });

  it('number words are numbers only before a unit, and not after "thứ"', () => {
    expect(read('năm h sau')).toEqual([]);
    expect(read('chín mươi k')).toEqual([]);
    expect(read('hai tr')).toEqual([]);
    expect(read('thứ hai tuần sau')).toEqual([]);
    expect(read('tư ngày')).toEqual([]);
    expect(read('ba mẹ đi')).toEqual([]);
    // Two digits in a row do not make one number: the longest run that does is read.
    expect(read('bốn bốn ngày')).toEqual(['day:4:bốn ngày']);
  });

  it('what was read in words is not read again as digits', () => {
    expect(read('hai ngày, 3 bản')).toEqual(['day:2:hai ngày', 'copies:3:3 bản']);
    const f = extractFacts('phí hai mươi nghìn đồng');
    expect([...f.quantities]).toEqual(['money:20000']);
    expect([...f.values]).toEqual([20000]);
  });
});

describe('dates, times, codes, references and links', () => {
  it.each([
    ['2026-03-05', ['5-3-2026']],
    ['2026-13-05', []],
    ['2026-03-00', []],
    ['05/03/2026', ['5-3-2026']],
    ['5.3.2026', ['5-3-2026']],
    ['5-3-2026', ['5-3-2026']],
    ['32/01/2026', []],
    ['ngày 7 tháng 8', ['7-8-']],
    ['ngày 7 tháng 8/2026', ['7-8-2026']],
    ['ngày 7 tháng 8 năm 2026', ['7-8-2026']],
    ['ngày 7 tháng 13', []],
    ['ngày 0 tháng 3', []],
    ['ngày 7/8', ['7-8-']],
    ['ngày 7-8', ['7-8-']],
    ['ngày 40/8', []],
    ['tháng 9 năm 2025', ['-9-2025']],
    ['tháng 9/2025', ['-9-2025']],
    ['tháng 13/2025', []],
    ['tháng 0/2025', []],
  ])('%s', (text, dates) => {
    expect(facts(text).dates).toEqual(dates);
  });

  it('keeps the numbers of a date among the values, and a rejected date stays numbers', () => {
    expect(facts('2026-03-05').values).toEqual([2026, 3, 5]);
    expect(facts('32/01/2026').values).toEqual([32, 1, 2026]);
  });

  it.each([
    ['14:05', ['14:05']],
    ['24:00', ['24:00']],
    ['25:00', []],
    ['9 giờ 15 phút', ['9:15']],
    ['8h30', ['8:30']],
    ['8h59', ['8:59']],
    ['8h75', []],
  ])('time %s', (text, times) => {
    expect(facts(text).times).toEqual(times);
  });

  it('procedure codes and legal references, canonical', () => {
    expect(facts('mã 2.000123 và 12.000123').codes).toEqual(['2.000123']);
    expect(facts('Thông tư 01/2020/TT-BTC').refs).toEqual(['1/2020/TT-BTC']);
    expect(facts('quyết định 5/QĐ-UBND').refs).toEqual(['5/QD-UBND']);
    expect(facts('luật 12/2019/qh14').refs).toEqual(['12/2019/QH14']);
    expect(facts('số 007/2020/NĐ-CP').refs).toEqual(['7/2020/ND-CP']);
    expect(facts('Thông tư 01/2020/TT-BTC').values).toEqual([1, 2020]);
  });

  it('links and bare domains, canonical', () => {
    expect(facts('xem dichvucong.gov.vn/abc và www.abc.vn.').domains).toEqual(['dichvucong.gov.vn', 'abc.vn']);
    expect(facts('http://WWW.x.vn/a/b//').urls).toEqual(['https://x.vn/a/b']);
    expect(facts('(https://x.vn/a).').urls).toEqual(['https://x.vn/a']);
    expect(facts('email a@b.vn').domains).toEqual([]);
    expect(facts('https://x.vn/a 2 bản').values).toEqual([2]);
  });
});

describe('helpers', () => {
  it('parseNumber', () => {
    expect(parseNumber('1 000')).toBe(1000);
    expect(parseNumber('1\u202f000')).toBe(1000);
    expect(parseNumber('1.000')).toBe(1000);
    expect(parseNumber('1,000')).toBe(1000);
    expect(parseNumber('12.3')).toBe(12.3);
    expect(parseNumber('1.000,25')).toBe(1000.25);
    expect(parseNumber('1,000.5')).toBe(1000.5);
    expect(parseNumber('1234.567.8')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('12a')).toBeUndefined();
  });

  it('canonUrl, describeQuantity, lower', () => {
    expect(canonUrl('HTTP://www.A.vn/x/;')).toBe('https://a.vn/x');
    expect(canonUrl('https://a.vn/x')).toBe('https://a.vn/x');
    expect(describeQuantity({ unit: 'bare', value: 3, raw: '3' })).toBe('number 3');
    expect(describeQuantity({ unit: 'day', value: 3, raw: '3 ngày' })).toBe('3 ngày (day 3)');
    expect(lower('ĐĂNG KÝ')).toBe('đăng ký');
    expect(lower('Đa\u0300')).toBe('đà');
  });
});
