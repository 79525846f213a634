import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { topIndices } from '../../src/retrieval/searcher.js';

// The reference: every positive (allowed) score, stable-sorted best first, cut at k.
function reference(scores: Float64Array, k: number, allowed?: Uint8Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! > 0 && (!allowed || allowed[i])) idx.push(i);
  idx.sort((a, b) => scores[b]! - scores[a]!);
  return idx.slice(0, k);
}

describe('topIndices', () => {
  it('gives what a stable sort of all candidates gives, ties and zeros included', () => {
    // Few distinct values, so that ties are common.
    const score = fc.constantFrom(0, 0.5, 1, 1.5, 2, -1, Number.NaN);
    fc.assert(
      fc.property(fc.array(score, { maxLength: 200 }), fc.integer({ min: 1, max: 60 }), fc.option(fc.array(fc.boolean(), { minLength: 200, maxLength: 200 })), (xs, k, mask) => {
        const scores = Float64Array.from(xs);
        const allowed = mask ? Uint8Array.from(mask.map((b) => (b ? 1 : 0))) : undefined;
        expect(topIndices(scores, k, allowed)).toEqual(reference(scores, k, allowed));
      }),
      { numRuns: 500 },
    );
  });
});
