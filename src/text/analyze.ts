import { bigrams, foldText, hasDiacritics, normalizeText, syllables, type Syllable } from './normalize.js';
import { defaultLexicon, matchLexicon, type Lexicon } from './lexicon.js';
import { Lru } from '../lru.js';
import { defaultLanguage, matchAt, matchEndingAt, type Language } from './language.js';

/**
 * Reads a citizen's message for retrieval: normalises it, drops what frames it without naming a topic (greetings and
 * closings at its edges, "cho tôi hỏi", "anh chị ơi"; see stripFraming), finds everyday/outdated words from the
 * lexicon and what they mean in catalog language, and collects
 * the lexicon's notes on outdated premises for the answer layer. Pure; never throws.
 */

export interface Expansion {
  /** The words as found in the text (normalised). */
  from: string;
  /** What they mean in catalog language. */
  to: string[];
}

export interface TextAnalysis {
  /** NFC, lower case, whitespace collapsed. */
  normalized: string;
  /** `normalized` without diacritics, đ→d. */
  folded: string;
  /** true when the text was typed with diacritics (then accents are used as a second, sharper channel). */
  accented: boolean;
  /** The syllables left after removing filler, in order (with both channels). */
  syllables: Syllable[];
  /** Folded content tokens (filler and function words removed). */
  tokens: string[];
  /** Folded syllable bigrams over the filler-free sequence, skipping pairs of function words. */
  bigrams: string[];
  /** Lexicon hits: everyday words and their catalog wording. */
  expansions: Expansion[];
  /** Gentle corrections of outdated premises (sổ hộ khẩu, CMND, UBND huyện...), deduplicated, in order. */
  notes: string[];
}

/** true for a function word or pure chat particle (knowledge/language.yaml, stopWords). */
export function isStopSyllable(s: Syllable, accented: boolean, language: Language = defaultLanguage()): boolean {
  if (/^\d+$/.test(s.folded) && s.folded.length > 4) return false;
  return accented && s.marked ? language.stopAccented.has(s.accented) : language.stopFolded.has(s.folded);
}

/**
 * Removes what frames a message without naming its topic: greetings (and whom they address) at its start, closings
 * and particles at its end, question framing ("cho tôi hỏi"), cost/time phrases ("mất bao lâu") and vocatives
 * ("anh chị ơi") anywhere. Inside a message, greeting and addressee words are ordinary words ("hành nghề luật sư").
 */
export function stripFraming(sy: readonly Syllable[], accented: boolean, language: Language = defaultLanguage()): Syllable[] {
  let start = 0;
  let end = sy.length;
  const L = language;
  const vocativeAt = (i: number) => {
    const m = matchAt(L.addressees, sy, i, accented);
    return m && sy[m.end]?.folded === 'oi' ? m.end + 1 : -1;
  };
  for (let moved = true; moved && start < end; ) {
    moved = false;
    const g = matchAt(L.greetings, sy, start, accented);
    if (g && g.end <= end) {
      start = g.end;
      const a = matchAt(L.addressees, sy, start, accented);
      if (a && a.end <= end) start = a.end;
      moved = true;
    }
    const v = vocativeAt(start);
    if (v > 0 && v <= end) {
      start = v;
      moved = true;
    }
    const p = matchAt(L.particles, sy, start, accented);
    if (p && p.end <= end) {
      start = p.end;
      moved = true;
    }
  }
  for (let moved = true; moved && end > start; ) {
    moved = false;
    const p = matchEndingAt(L.particles, sy, end, accented);
    if (p >= start) {
      end = p;
      moved = true;
      continue;
    }
    const c = matchEndingAt(L.closings, sy, end, accented);
    if (c >= start) {
      end = c;
      moved = true;
      continue;
    }
    // "… cảm ơn luật sư": an addressee at the end only goes with the closing before it.
    const a = matchEndingAt(L.addressees, sy, end, accented);
    if (a > start) {
      const c2 = matchEndingAt(L.closings, sy, a, accented);
      if (c2 >= start) {
        end = c2;
        moved = true;
      }
    }
  }
  const out: Syllable[] = [];
  for (let i = start; i < end; ) {
    // A phrase may run on into the closing already cut ("nhờ giải đáp" + "giải đáp giúp"): all of it is framing.
    const m = matchAt(L.asking, sy, i, accented) ?? matchAt(L.askOnly, sy, i, accented);
    if (m) {
      i = m.end;
      continue;
    }
    const v = vocativeAt(i);
    if (v > 0 && v <= end) {
      i = v;
      continue;
    }
    out.push(sy[i]!);
    i++;
  }
  return out;
}

/** Recent analyses per lexicon: one message is analysed by the answer service (notes) and by the searcher. */
const recentAnalyses = new WeakMap<Lexicon, Lru<string, TextAnalysis>>();
const RECENT_ANALYSES = 64;

/**
 * Analyses one message. Promises: never throws (any input gives a result); `normalized`/`folded` are idempotent
 * normal forms; expansions and notes come only from the lexicon. The result is frozen: the same text analysed again
 * soon with the same lexicon returns the same object.
 */
export function analyzeText(text: unknown, lexicon: Lexicon = safeDefaultLexicon()): TextAnalysis {
  if (typeof text !== 'string') return analyzeUncached(text, lexicon);
  let recent = recentAnalyses.get(lexicon);
  if (!recent) recentAnalyses.set(lexicon, (recent = new Lru(RECENT_ANALYSES)));
  const hit = recent.get(text);
  if (hit) return hit;
  const a = analyzeUncached(text, lexicon);
  recent.set(text, a);
  return a;
}

function analyzeUncached(text: unknown, lexicon: Lexicon): TextAnalysis {
  const normalized = normalizeText(text);
  const folded = foldText(normalized);
  const accented = hasDiacritics(normalized);
  const all = syllables(normalized);
  const content = stripFraming(all, accented);
  const tokens: string[] = [];
  for (const s of content) if (!isStopSyllable(s, accented)) tokens.push(s.folded);
  const pairs: string[] = [];
  const bi = bigrams(content.map((s) => s.folded));
  for (let i = 0; i < bi.length; i++) {
    if (isStopSyllable(content[i]!, accented) && isStopSyllable(content[i + 1]!, accented)) continue;
    pairs.push(bi[i]!);
  }
  const expansions: Expansion[] = [];
  const notes: string[] = [];
  for (const m of matchLexicon(lexicon, all, accented)) {
    const entry = lexicon.entries[m.entry]!;
    expansions.push(Object.freeze({ from: all.slice(m.start, m.end).map((s) => s.text).join(' '), to: entry.means }));
    if (entry.note && !notes.includes(entry.note)) notes.push(entry.note);
  }
  for (const s of content) Object.freeze(s);
  return Object.freeze({
    normalized,
    folded,
    accented,
    syllables: Object.freeze(content),
    tokens: Object.freeze(tokens),
    bigrams: Object.freeze(pairs),
    expansions: Object.freeze(expansions),
    notes: Object.freeze(notes),
  }) as TextAnalysis;
}

function safeDefaultLexicon(): Lexicon {
  try {
    return defaultLexicon();
  } catch {
    // A broken lexicon file is reported by loadLexicon where it is loaded explicitly (startup, tests); analysis
    // itself must not fail a user's message.
    return { entries: [], byFirst: new Map() };
  }
}
