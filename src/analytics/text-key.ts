/**
 * Folding and token sets for grouping questions. Kept local to analytics: the keys only need to be stable between a
 * report's own rows, not identical to the retrieval normaliser.
 */

import { foldText } from '../text/normalize.js';

// Words that carry politeness or grammar rather than the question: "cho em hỏi", "ạ", "với ạ".
const FILLERS = new Set([
  'a', 'ah', 'ak', 'oi', 'nhe', 'nha', 'voi', 'cho', 'em', 'toi', 'minh', 'anh', 'chi', 'hoi', 'xin', 'vui', 'long',
  'la', 'thi', 'ma', 'cua', 've', 'nao', 'gi', 'sao', 'the', 'nhu', 'duoc', 'khong', 'k', 'ko', 'vay', 'ha', 'nhi',
  'can', 'lam', 'muon', 'hay', 'giup', 'o', 'tai', 'de', 'va', 'co', 'bi', 'da', 'dang', 'se',
]);

/** The folded text (see src/text), punctuation to spaces, single spaces. Redaction tokens collapse to one word each. */
export function questionKey(text: string): string {
  return foldText(text.normalize('NFC').replace(/\[(SĐT|CCCD|EMAIL|MÃ HỒ SƠ|SỐ THẺ)\]/gu, (_, t: string) => ` _${t.replace(/\s/g, '')}_ `))
    .replace(/[^\p{L}\p{N}_.]+/gu, ' ')
    .replace(/(?<![0-9])\.|\.(?![0-9])/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words that matter for "is this the same question": folded, fillers dropped. */
export function keyTokens(text: string): Set<string> {
  const words = questionKey(text).split(' ').filter(Boolean);
  const kept = words.filter((w) => !FILLERS.has(w));
  return new Set(kept.length ? kept : words);
}

/** |A ∩ B| / |A ∪ B|; two empty sets are not similar. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}
