import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldText, normalizeText } from '../../src/text/normalize.js';
import { analyzeText } from '../../src/text/analyze.js';
import { hostileMessages } from './hostile-messages.js';
import { isWellFormed } from './helpers.js';

/**
 * Adds to test/text/normalize.test.ts (never throws, idempotent on short strings): the analysis of a normal form is
 * the same analysis (what analyzeText promises for `normalized`/`folded`), outputs are always well-formed UTF-16, and
 * the hostile corpus and very long inputs (emoji floods, 200,000 characters) pass without throwing.
 */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(...hostileMessages),
  fc.array(fc.constantFrom('\u0000', '\uD800', '\uDC00', '😀', '\u0301', 'Đ', 'đ', ' ', '\n', 'ǅ', 'ﬀ', 'İ', '\u200b', 'a'), { maxLength: 300 }).map((a) => a.join('')),
);

describe('normaliser and analysis under hostile input (properties)', () => {
  it('analysing the normal form gives the same analysis', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const a = analyzeText(s);
        const again = analyzeText(a.normalized);
        expect(again.normalized).toBe(a.normalized);
        expect(again.folded).toBe(a.folded);
        expect(again.tokens).toEqual(a.tokens);
        expect(again.bigrams).toEqual(a.bigrams);
        expect(again.accented).toBe(a.accented);
      }),
      { numRuns: 500 },
    );
  });

  it('always yields well-formed strings (no lone surrogate reaches the index or the database)', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const a = analyzeText(s);
        for (const out of [normalizeText(s), foldText(s), a.normalized, a.folded, ...a.tokens, ...a.bigrams]) expect(isWellFormed(out)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('handles very long inputs without throwing', () => {
    const huge = [
      '😀'.repeat(5000),
      'làm giấy khai sinh cần gì '.repeat(8000),
      '\u0301'.repeat(50_000),
      'a\u0000'.repeat(100_000),
      '\uD800'.repeat(50_000),
      'Đ'.repeat(200_000),
    ];
    for (const s of huge) {
      const a = analyzeText(s);
      expect(typeof a.folded).toBe('string');
      expect(foldText(a.folded)).toBe(a.folded);
      expect(normalizeText(a.normalized)).toBe(a.normalized);
    }
  }, 30_000);
});
