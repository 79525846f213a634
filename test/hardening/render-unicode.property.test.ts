import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderTelegram, TELEGRAM_MAX_TEXT } from '../../src/channels/telegram/render.js';
import { renderZalo, ZALO_MAX_TEXT } from '../../src/channels/zalo/render.js';
import type { Reply } from '../../src/channels/types.js';
import { isWellFormed, telegramHtmlProblem } from './helpers.js';

/**
 * Adds to test/channels/*\/render.property.test.ts (whose strings are mostly ASCII): full Unicode, astral characters
 * (emoji, flags, skin tones, math letters) in floods without spaces, control characters and markup characters. A
 * split must never halve a surrogate pair (Telegram and Zalo reject text that is not valid UTF-8).
 */
const astral = fc.constantFrom('😀', '👍🏽', '🇻🇳', '𝔘', '👨‍👩‍👧', '🀄', '\u{10FFFD}');
const markup = fc.constantFrom('<', '>', '&', '"', '&amp;', '<b>', '</a>', '\n', '\n\n', ' ', '\u0000', '\u0007', '\u001b[31m', '\u202e', '\u200b', 'đ', 'Hồ sơ:');
const unicodeText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.array(fc.oneof(astral, markup, fc.string({ unit: 'grapheme', maxLength: 20 })), { maxLength: 400 }).map((a) => a.join('')),
  // Floods: thousands of astral characters with no space or newline to split on.
  fc.tuple(astral, fc.integer({ min: 1000, max: 6000 }), fc.constantFrom('', 'a', '<', '&')).map(([c, n, head]) => head + c.repeat(n)),
  fc.array(fc.tuple(astral, fc.integer({ min: 1, max: 3000 })).map(([c, n]) => c.repeat(n)), { maxLength: 4 }).map((a) => a.join('\n\n')),
);
const reply = (text: string, extra: Partial<Reply> = {}): Reply => ({ outcome: 'answered', text, citations: [], choices: [], feedback: false, ...extra });
const visible = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('rendering full Unicode (properties)', () => {
  it('Telegram: valid, balanced, escaped HTML, ≤ 4096, never a halved surrogate pair, nothing lost', () => {
    fc.assert(
      fc.property(unicodeText, fc.boolean(), (text, feedback) => {
        const out = renderTelegram(reply(text, { feedback }));
        expect(out.length).toBeGreaterThan(0);
        for (const m of out) {
          expect(m.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
          expect(telegramHtmlProblem(m.text)).toBeUndefined();
          expect(isWellFormed(m.text)).toBe(true);
        }
        expect(out.map((m) => visible(m.text)).join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, '') || '…');
      }),
      { numRuns: 120 },
    );
  });

  it('Zalo: plain text ≤ 2000, never a halved surrogate pair, nothing lost', () => {
    fc.assert(
      fc.property(unicodeText, (text) => {
        const out = renderZalo(reply(text));
        for (const m of out) {
          expect(m.length).toBeLessThanOrEqual(ZALO_MAX_TEXT);
          expect(m.trim().length).toBeGreaterThan(0);
          expect(isWellFormed(m)).toBe(true);
        }
        expect(out.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, '') || '…');
      }),
      { numRuns: 300 },
    );
  });

  it('text with lone surrogates never throws and stays within the limits on both channels', () => {
    const lone = fc.string({ unit: 'binary', maxLength: 5000 });
    fc.assert(
      fc.property(lone, (text) => {
        for (const m of renderTelegram(reply(text))) {
          expect(m.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
          expect(telegramHtmlProblem(m.text)).toBeUndefined();
        }
        for (const m of renderZalo(reply(text))) expect(m.length).toBeLessThanOrEqual(ZALO_MAX_TEXT);
      }),
      { numRuns: 200 },
    );
  });
});
