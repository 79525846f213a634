/**
 * Folding and token sets for grouping questions, from the one language layer (src/text): the same folding, framing and
 * stop words the search reads a question with.
 */

import { foldText } from '../text/normalize.js';
import { analyzeText } from '../text/analyze.js';
import { emptyLexicon } from '../text/lexicon.js';

/** The folded text (see src/text), punctuation to spaces, single spaces. Redaction tokens collapse to one word each. */
export function questionKey(text: string): string {
  return foldText(text.normalize('NFC').replace(/\[(SĐT|CCCD|EMAIL|MÃ HỒ SƠ|SỐ THẺ)\]/gu, (_, t: string) => ` _${t.replace(/\s/g, '')}_ `))
    .replace(/[^\p{L}\p{N}_.]+/gu, ' ')
    .replace(/(?<![0-9])\.|\.(?![0-9])/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words that matter for "is this the same question": folded, framing and function words dropped. */
export function keyTokens(text: string): Set<string> {
  const key = questionKey(text);
  const kept = analyzeText(key, emptyLexicon).tokens;
  return new Set(kept.length ? kept : key.split(' ').filter(Boolean));
}

/** |A ∩ B| / |A ∪ B|; two empty sets are not similar. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}
