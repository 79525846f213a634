import { syllables, type Syllable } from '../text/normalize.js';
import { analyzeText, isStopSyllable, type TextAnalysis } from '../text/analyze.js';
import type { Lexicon } from '../text/lexicon.js';
import { defaultLanguage, hasPhrase, phraseMask } from '../text/language.js';

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
const channelWeights = { unigram: 1, bigram: 1.3, accentedUnigram: 0.4, accentedBigram: 0.5, expansion: 0.6 };

function pushTerms(
  sy: readonly Syllable[],
  accented: boolean,
  out: (t: string, channel: keyof typeof channelWeights, scale: number) => void,
  scaleAt: (i: number) => number = () => 1,
) {
  const stop = sy.map((s) => isStopSyllable(s, accented));
  for (let i = 0; i < sy.length; i++) {
    const s = sy[i]!;
    if (!stop[i]) {
      out(s.folded, 'unigram', scaleAt(i));
      if (accented) out('~' + s.accented, 'accentedUnigram', scaleAt(i));
    }
    if (i + 1 < sy.length && !(stop[i] && stop[i + 1])) {
      const n = sy[i + 1]!;
      const scale = Math.min(scaleAt(i), scaleAt(i + 1));
      out(s.folded + '_' + n.folded, 'bigram', scale);
      if (accented) out('~' + s.accented + '_' + n.accented, 'accentedBigram', scale);
    }
  }
}

/**
 * Weight of the words of aspect cues ("giấy tờ", "lệ phí", "bao lâu") in a question: they say what is asked about the
 * procedure, not which one it is, so a procedure whose name happens to contain them must not win on them.
 */
const aspectCueWeight = 0.3;

function aspectCueMask(a: TextAnalysis): Uint8Array {
  return phraseMask(Object.values(defaultLanguage().aspects), a.syllables, a.accented);
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
function queryTerms(a: TextAnalysis): WeightedTerm[] {
  const w = new Map<string, number>();
  const add = (scale: number) => (t: string, ch: keyof typeof channelWeights, at: number) => {
    // Repeated terms in long questions count sublinearly.
    const prev = w.get(t);
    const inc = channelWeights[ch] * scale * at;
    w.set(t, prev === undefined ? inc : prev + inc * 0.3);
  };
  const cue = aspectCueMask(a);
  pushTerms(a.syllables, a.accented, add(1), (i) => (cue[i] ? aspectCueWeight : 1));
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

/** A sentence that asks something: it has a "?" or a question word (knowledge/language.yaml, intents.question). */
function asks(sentence: string, a: TextAnalysis): boolean {
  return sentence.includes('?') || hasPhrase(defaultLanguage().intents.question, syllables(a.normalized), a.accented);
}

/** The message's sentences (split after . ? ! ; or a line break). */
function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.?!;\n])\s+/u).filter((x) => x.trim());
}

/**
 * Content words of the sentences that ask (all of them when the message is one sentence or none asks): what the
 * citizen names as wanted, without the story around it.
 */
export function askingTokens(text: string, lexicon: Lexicon | undefined, whole?: TextAnalysis): string[] {
  const parts = sentencesOf(text);
  const all = () => topicTokens(whole ?? analyzeText(text, lexicon));
  if (parts.length < 2) return all();
  const asking = parts.map((p) => [p, analyzeText(p, lexicon)] as const).filter(([p, a]) => asks(p, a));
  return asking.length ? asking.flatMap(([, a]) => topicTokens(a)) : all();
}

/** Content words that name the topic: function words, question words and aspect cues ("lệ phí", "ở đâu", "online") left out. */
function topicTokens(a: TextAnalysis): string[] {
  const L = defaultLanguage();
  const cue = phraseMask([...Object.values(L.aspects), L.intents.question], a.syllables, a.accented);
  return a.syllables.filter((s, i) => !cue[i] && !isStopSyllable(s, a.accented, L)).map((s) => s.folded);
}

/**
 * Splits a message into sentences and weighs the ones that ask something above the story around them: citizens'
 * stories mention procedures they are not asking about. With one sentence (or none asking) every term counts fully.
 */
export function focusedQueryTerms(text: string, lexicon: Lexicon | undefined, storyWeight: number, whole?: TextAnalysis): WeightedTerm[] {
  const parts = sentencesOf(text);
  const all = () => queryTerms(whole ?? analyzeText(text, lexicon));
  if (parts.length < 2 || storyWeight >= 1) return all();
  const analyses = parts.map((p) => analyzeText(p, lexicon));
  const asking = analyses.map((a, i) => asks(parts[i]!, a));
  if (!asking.some(Boolean)) return all();
  const out = new Map<string, number>();
  analyses.forEach((a, i) => {
    const scale = asking[i] ? 1 : storyWeight;
    for (const { term, weight } of queryTerms(a)) {
      const prev = out.get(term);
      out.set(term, prev === undefined ? weight * scale : Math.max(prev, weight * scale) + 0.3 * Math.min(prev, weight * scale));
    }
  });
  return [...out].map(([term, weight]) => ({ term, weight }));
}
