import { syllables, type Syllable } from '../text/normalize.js';
import { analyzeText, isStopSyllable, type TextAnalysis } from '../text/analyze.js';
import type { Lexicon } from '../text/lexicon.js';

/**
 * Index terms, in four channels:
 *   "giay"            folded syllable          (matches typed with or without accents)
 *   "giay_phep"       folded syllable bigram   (Vietnamese words are mostly two syllables)
 *   "~giây2"          accented syllable        (only used when the question was typed with accents)
 *   "~giây2_phep2"    accented bigram
 */

export interface WeightedTerm {
  term: string;
  weight: number;
}

/** Channel weights for query terms. */
export const channelWeights = { unigram: 1, bigram: 1.3, accentedUnigram: 0.4, accentedBigram: 0.5, expansion: 0.6 };

function pushTerms(sy: readonly Syllable[], accented: boolean, out: (t: string, channel: keyof typeof channelWeights) => void) {
  const stop = sy.map((s) => isStopSyllable(s, accented));
  for (let i = 0; i < sy.length; i++) {
    const s = sy[i]!;
    if (!stop[i]) {
      out(s.folded, 'unigram');
      if (accented) out('~' + s.accented, 'accentedUnigram');
    }
    if (i + 1 < sy.length && !(stop[i] && stop[i + 1])) {
      const n = sy[i + 1]!;
      out(s.folded + '_' + n.folded, 'bigram');
      if (accented) out('~' + s.accented + '_' + n.accented, 'accentedBigram');
    }
  }
}

/** Term frequencies of a document text (catalog text is always accented). */
export function documentTerms(text: string): Map<string, number> {
  const tf = new Map<string, number>();
  pushTerms(syllables(text), true, (t) => tf.set(t, (tf.get(t) ?? 0) + 1));
  return tf;
}

/** Number of unigram positions, the length used by BM25 normalisation. */
export function documentLength(tf: Map<string, number>): number {
  let n = 0;
  for (const [t, c] of tf) if (!t.includes('_') && !t.startsWith('~')) n += c;
  return n;
}

/** Weighted query terms from an analysis: the filler-free text plus lexicon expansions at a lower weight. */
export function queryTerms(a: TextAnalysis): WeightedTerm[] {
  const w = new Map<string, number>();
  const add = (scale: number) => (t: string, ch: keyof typeof channelWeights) => {
    // Repeated terms in long questions count sublinearly.
    const prev = w.get(t);
    const inc = channelWeights[ch] * scale;
    w.set(t, prev === undefined ? inc : prev + inc * 0.3);
  };
  pushTerms(a.syllables, a.accented, add(1));
  const seen = new Set<string>();
  for (const e of a.expansions) {
    for (const phrase of e.to) {
      if (seen.has(phrase)) continue;
      seen.add(phrase);
      // Catalog wording is accented: use both channels only when the question was, so folded queries stay comparable.
      pushTerms(syllables(phrase), a.accented, add(channelWeights.expansion));
    }
  }
  return [...w].map(([term, weight]) => ({ term, weight }));
}

// A sentence that asks something: ends with "?" or carries a Vietnamese question word (folded).
const ASKING = /\?|\b(khong|gi|nao|the nao|ra sao|bao lau|bao nhieu|o dau|duoc khong|hay khong|chua|lam sao)\b/;

/**
 * Splits a message into sentences and weighs the ones that ask something above the story around them: citizens'
 * stories mention procedures they are not asking about. With one sentence (or none asking) every term counts fully.
 */
export function focusedQueryTerms(text: string, lexicon: Lexicon | undefined, storyWeight: number, whole?: TextAnalysis): WeightedTerm[] {
  const parts = text.split(/(?<=[.?!;\n])\s+/u).filter((x) => x.trim());
  const all = () => queryTerms(whole ?? analyzeText(text, lexicon));
  if (parts.length < 2 || storyWeight >= 1) return all();
  const analyses = parts.map((p) => analyzeText(p, lexicon));
  const asks = analyses.map((a) => ASKING.test(a.folded));
  if (!asks.some(Boolean)) return all();
  const out = new Map<string, number>();
  analyses.forEach((a, i) => {
    const scale = asks[i] ? 1 : storyWeight;
    for (const { term, weight } of queryTerms(a)) {
      const prev = out.get(term);
      out.set(term, prev === undefined ? weight * scale : Math.max(prev, weight * scale) + 0.3 * Math.min(prev, weight * scale));
    }
  });
  return [...out].map(([term, weight]) => ({ term, weight }));
}
