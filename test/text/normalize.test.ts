import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  accentKey,
  bigrams,
  foldText,
  foldedTokens,
  hasDiacritics,
  normalizeText,
  stripDiacritics,
  syllables,
} from '../../src/text/normalize.js';
import { analyzeText } from '../../src/text/analyze.js';

// Vietnamese-heavy strings: letters with every tone/vowel mark, decomposed forms, spaces, punctuation, odd code points.
const viChars = fc.constantFrom(
  ...'aăâeêioôơuưyđAĂÂĐàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ '.split(''),
  '\u0301', '\u0300', '\u0323', '\u0309', '\u0303', '\u200b', '\ud800', '\n', '\t', '?', ',', '1', 'Đ', 'İ', 'ß',
);
const viString = fc.array(viChars, { maxLength: 60 }).map((a) => a.join(''));
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), viString);

describe('normalizeText / foldText properties', () => {
  it('never throws and always returns a string, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.anything()), (x) => {
        expect(typeof normalizeText(x)).toBe('string');
        expect(typeof foldText(x)).toBe('string');
        expect(Array.isArray(syllables(x))).toBe(true);
        expect(typeof stripDiacritics(x)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const n = normalizeText(s);
        expect(normalizeText(n)).toBe(n);
        const f = foldText(s);
        expect(foldText(f)).toBe(f);
      }),
      { numRuns: 1000 },
    );
  });

  it('folded text carries no diacritics and equals folding the normalised text', () => {
    fc.assert(
      fc.property(viString, (s) => {
        const f = foldText(s);
        expect(hasDiacritics(f)).toBe(false);
        expect(foldText(normalizeText(s))).toBe(f);
      }),
    );
  });

  it('analyzeText never throws', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fc.anything()), (x) => {
        const a = analyzeText(x);
        expect(a.normalized).toBe(normalizeText(x));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Vietnamese normalisation', () => {
  it('composes decomposed input (NFD) to the same form as precomposed', () => {
    const nfc = 'Đăng ký khai sinh';
    expect(normalizeText(nfc.normalize('NFD'))).toBe(normalizeText(nfc));
    expect(normalizeText('  ĐĂNG   KÝ\tKẾT HÔN ')).toBe('đăng ký kết hôn');
  });

  it('folds diacritics and đ to plain letters', () => {
    expect(foldText('Giấy chứng nhận quyền sử dụng đất')).toBe('giay chung nhan quyen su dung dat');
    expect(foldText('ĐỔI BẰNG LÁI')).toBe('doi bang lai');
  });

  it('keeps typed accents as a second channel that ignores where the tone mark sits', () => {
    expect(accentKey('hòa')).toBe(accentKey('hoà'));
    expect(accentKey('thủy')).toBe(accentKey('thuỷ'));
    expect(accentKey('bán')).not.toBe(accentKey('bàn'));
    expect(accentKey('sổ')).not.toBe(accentKey('số'));
  });

  it('splits syllables and builds bigrams', () => {
    const t = foldedTokens('Cấp lại giấy phép, lái xe!');
    expect(t).toEqual(['cap', 'lai', 'giay', 'phep', 'lai', 'xe']);
    expect(bigrams(['giay', 'phep', 'lai'])).toEqual(['giay_phep', 'phep_lai']);
  });

  it('tells text typed with accents from text typed without', () => {
    expect(hasDiacritics('làm sổ đỏ')).toBe(true);
    expect(hasDiacritics('lam so do')).toBe(false);
    expect(hasDiacritics('đi')).toBe(true);
  });
});
