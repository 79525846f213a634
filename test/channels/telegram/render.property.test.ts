import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { callbackDataFor, parseCallbackData, renderTelegram, TELEGRAM_MAX_TEXT } from '../../../src/channels/telegram/render.js';
import type { Reply } from '../../../src/channels/types.js';
import { telegramHtmlProblem } from './html-check.js';

function assertValidTelegramHtml(html: string) {
  const problem = telegramHtmlProblem(html);
  if (problem) throw new Error(problem);
}

const unescape = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

const nasty = fc.constantFrom('<', '>', '&', '"', '&amp;', '<b>', '</a>', '\n', '\n\n', ' ', 'đ', 'Hồ sơ:', '👍', '𝔘', 'x'.repeat(300), '\u0000');
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 50 })), { maxLength: 120 }).map((a) => a.join('')),
  fc.array(fc.string({ minLength: 1, maxLength: 6000 }), { maxLength: 4 }).map((a) => a.join('\n\n')),
);
const citation = fc.record({
  code: fc.string({ minLength: 1, maxLength: 40 }),
  name: fc.string({ maxLength: 300 }),
  url: fc.option(fc.oneof(fc.webUrl(), fc.constant('javascript:alert(1)'), fc.constant('https://x.vn/?a=1&b="<>"')), { nil: undefined }),
  asOf: fc.option(fc.constant('2026-11-01'), { nil: undefined }),
});
const choice = fc.record({
  index: fc.integer({ min: 1, max: 9 }),
  code: fc.string({ minLength: 1, maxLength: 40 }),
  name: fc.string({ maxLength: 200 }),
  level: fc.option(fc.constant('Cấp xã'), { nil: undefined }),
});
const replyArb: fc.Arbitrary<Reply> = fc.record({
  outcome: fc.constant('answered' as const),
  text,
  citations: fc.array(citation, { maxLength: 4 }),
  choices: fc.array(choice, { maxLength: 5 }),
  feedback: fc.boolean(),
});

describe('Telegram rendering (properties)', () => {
  it('always yields non-empty, valid, escaped HTML messages of at most 4096 characters', () => {
    fc.assert(
      fc.property(replyArb, (reply) => {
        const messages = renderTelegram(reply);
        expect(messages.length).toBeGreaterThan(0);
        for (const m of messages) {
          expect(m.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
          expect(unescape(m.text).trim().length).toBeGreaterThan(0);
          assertValidTelegramHtml(m.text);
        }
        // Buttons only on the last message, every callback_data within 64 bytes and readable back.
        expect(messages.slice(0, -1).every((m) => !m.keyboard)).toBe(true);
        for (const b of (messages.at(-1)!.keyboard ?? []).flat()) {
          expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
          expect(parseCallbackData(b.callback_data)).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every non-space character of the text, in order', () => {
    fc.assert(
      fc.property(text, (t) => {
        const out = renderTelegram({ outcome: 'answered', text: t, citations: [], choices: [], feedback: false });
        const visible = out.map((m) => unescape(m.text)).join('');
        expect(visible.replace(/\s+/g, '')).toBe(t.replace(/\s+/g, '') || '…');
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips callback data for choices and feedback', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.string({ minLength: 1, maxLength: 40 }), (index, code) => {
        const data = callbackDataFor({ type: 'choice', index, code });
        expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
        const back = parseCallbackData(data);
        expect(back).toMatchObject({ type: 'choice', index });
      }),
    );
    expect(parseCallbackData(callbackDataFor({ type: 'feedback', value: 'up' }))).toEqual({ type: 'feedback', value: 'up' });
  });
});
