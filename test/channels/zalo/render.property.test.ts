import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { choiceHint, renderZalo, ZALO_MAX_TEXT } from '../../../src/channels/zalo/render.js';
import type { Reply } from '../../../src/channels/types.js';

const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.array(fc.oneof(fc.constantFrom('\n', '\n\n', ' ', '👍', '𝔘', 'Hồ sơ:', 'x'.repeat(700)), fc.string({ maxLength: 60 })), { maxLength: 100 }).map((a) => a.join('')),
  fc.array(fc.string({ minLength: 1, maxLength: 5000 }), { maxLength: 4 }).map((a) => a.join('\n\n')),
);
const replyArb: fc.Arbitrary<Reply> = fc.record({
  outcome: fc.constant('answered' as const),
  text,
  citations: fc.array(fc.record({ code: fc.string({ minLength: 1, maxLength: 40 }), name: fc.string({ maxLength: 300 }), url: fc.option(fc.webUrl(), { nil: undefined }) }), { maxLength: 3 }),
  choices: fc.array(fc.record({ index: fc.integer({ min: 1, max: 9 }), code: fc.string({ minLength: 1, maxLength: 40 }), name: fc.string({ maxLength: 200 }) }), { maxLength: 5 }),
  feedback: fc.boolean(),
});

describe('Zalo rendering (properties)', () => {
  it('always yields non-empty plain-text messages of at most 2000 characters', () => {
    fc.assert(
      fc.property(replyArb, (reply) => {
        const messages = renderZalo(reply);
        expect(messages.length).toBeGreaterThan(0);
        for (const m of messages) {
          expect(m.length).toBeLessThanOrEqual(ZALO_MAX_TEXT);
          expect(m.trim().length).toBeGreaterThan(0);
        }
        const all = messages.join('\n\n');
        if (reply.feedback) expect(all).toContain('Gõ 👍 hoặc 👎');
        if (reply.choices.length) expect(all).toContain(choiceHint(reply.choices.length));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every non-space character of the text, in order', () => {
    fc.assert(
      fc.property(text, (t) => {
        const out = renderZalo({ outcome: 'answered', text: t, citations: [], choices: [], feedback: false });
        expect(out.join('').replace(/\s+/g, '')).toBe(t.replace(/\s+/g, '') || '…');
      }),
      { numRuns: 300 },
    );
  });

  it('words the choice hint for one, two and three choices', () => {
    expect(choiceHint(1)).toBe('Gõ 1 để chọn.');
    expect(choiceHint(2)).toBe('Gõ 1 hoặc 2 để chọn.');
    expect(choiceHint(3)).toBe('Gõ 1, 2 hoặc 3 để chọn.');
  });
});
