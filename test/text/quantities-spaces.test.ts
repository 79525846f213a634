/**
 * Thousands written with ordinary spaces ("1 000 000 đồng"), as Vietnamese texts and LLM rephrasings often do: read as
 * one number, as with dots or no-break spaces. Before, only no-break spaces joined the groups and "1 000 000 đồng" was
 * read as the bare numbers 1 and 0 and zero đồng. Examples written for this test.
 */
import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../src/text/quantities.js';

const read = (text: string) => extractFacts(text).quantityList.map((q) => `${q.unit}:${q.value}:${q.raw}`);

describe('thousands separated by ordinary spaces', () => {
  it('is one number with its unit, as with dots', () => {
    expect(read('Lệ phí 1 000 000 đồng')).toEqual(['money:1000000:1 000 000 đồng']);
    expect(read('lệ phí 1.000.000 đồng')).toEqual(['money:1000000:1.000.000 đồng']);
    expect(read('phí 12 500 đồng/lần')).toEqual(['money:12500:12 500 đồng']);
    expect(read('nộp 2 bản và 150 000 đồng')).toEqual(['copies:2:2 bản', 'money:150000:150 000 đồng']);
    expect(extractFacts('Lệ phí 1 000 000 đồng').quantities).toEqual(extractFacts('Lệ phí 1.000.000 đồng').quantities);
  });

  it('every number seen includes the whole and its groups, never NaN', () => {
    expect([...extractFacts('phí 50 000 đồng').values].sort((a, b) => a - b)).toEqual([0, 50, 50000]);
  });

  it('groups must be three digits after one to three: other runs stay separate numbers', () => {
    expect(read('năm 2023 có 100 hồ sơ')).toEqual(['bare:2023:2023', 'bare:100:100']);
    expect(read('trong 3 ngày, 15 ngày')).toEqual(['day:3:3 ngày', 'day:15:15 ngày']);
    expect(read('phí 2 100.000 đồng')).toEqual(['money:2:2', 'money:100000:100.000 đồng']);
  });

  it('a phone number written in groups stays a run of numbers', () => {
    expect(read('gọi 0912 345 678')).toEqual(['bare:912:0912', 'bare:345:345', 'bare:678:678']);
    expect(read('hotline 1900 561 563')).toEqual(['bare:1900:1900', 'bare:561:561', 'bare:563:563']);
  });
});
