/**
 * Vietnamese text normalisation. Everything here is pure, synchronous, idempotent where it says so, and never throws:
 * any input (including non-strings, lone surrogates, decomposed or mixed-case text) yields a string.
 *
 * Two channels are kept for every syllable:
 * - `folded`: lower case, no diacritics, đ→d ("hòa" → "hoa"). Matches text typed with or without accents.
 * - `accented`: lower case with vowel marks (â ê ô ơ ư ă đ) kept and the tone written as a trailing digit
 *   ("hòa" and "hoà" → "hoa2", "thủy"/"thuỷ" → "thuy3"), so the two tone-placement conventions agree and a typed
 *   accent still tells "bán" from "bàn".
 */

// Tone marks in NFD: grave, acute, tilde, hook above, dot below (and the combining variants some keyboards emit).
const TONE_MARKS: Record<string, number> = {
  '\u0300': 1, // huyền
  '\u0301': 2, // sắc
  '\u0303': 3, // ngã
  '\u0309': 4, // hỏi
  '\u0323': 5, // nặng
  '\u0340': 1,
  '\u0341': 2,
};
// Numbering is arbitrary but fixed; digits are only compared with each other.

const COMBINING = /[\u0300-\u036f]/g;
const HAS_COMBINING = /[\u0300-\u036f]/;
const WORD = /[\p{L}\p{N}]+/gu;

function toStr(text: unknown): string {
  if (typeof text === 'string') return text;
  if (text === null || text === undefined) return '';
  try {
    return String(text);
  } catch {
    return '';
  }
}

/** Replaces lone surrogates so that normalize() and regexes with /u behave. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * NFC, lower case, whitespace collapsed and trimmed, zero-width characters removed. Idempotent; never throws.
 * Punctuation is kept (the answer layer may still want "?" or codes like "123/2015/NĐ-CP").
 */
export function normalizeText(text: unknown): string {
  let s = wellFormed(toStr(text));
  s = s.replace(/[\u200B-\u200D\uFEFF\u00AD]/g, '');
  // Lower-casing can (rarely) produce sequences that need recomposition, so NFC after it, then once more before.
  s = s.normalize('NFC').toLowerCase().normalize('NFC');
  return s.replace(/\s+/gu, ' ').trim();
}

/** Lower case, diacritics removed, đ→d, whitespace collapsed. Idempotent; never throws. */
export function foldText(text: unknown): string {
  return normalizeText(text)
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/đ/g, 'd')
    .normalize('NFC')
    // Removing a stray combining mark can expose whitespace ("\u0301 a" → " a"): collapse again to stay idempotent.
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * Lower case without diacritics, đ → d, with no other change: whitespace and punctuation stay where they were, so an
 * offset found in the folded text points at the same word of the lower-cased text (the faithfulness guard relies on
 * it). Use foldText for matching.
 */
export function foldInPlace(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

/** true when the text carries any Vietnamese diacritic (tone or vowel mark, or đ). */
export function hasDiacritics(text: unknown): boolean {
  const s = normalizeText(text);
  return /đ/.test(s) || HAS_COMBINING.test(s.normalize('NFD'));
}

/** The accented key of one lower-case NFC syllable: vowel marks kept, tone moved to a trailing digit. */
export function accentKey(syllable: string): string {
  const nfd = syllable.normalize('NFD');
  let tone = 0;
  let base = '';
  for (const ch of nfd) {
    const t = TONE_MARKS[ch];
    if (t !== undefined) tone = t;
    else base += ch;
  }
  base = base.normalize('NFC');
  return tone ? base + tone : base;
}

/** Folds one syllable (no normalisation of case or whitespace: callers pass normalized syllables). */
export function foldSyllable(syllable: string): string {
  return syllable.normalize('NFD').replace(COMBINING, '').replace(/đ/g, 'd').normalize('NFC');
}

export interface Syllable {
  /** As typed, normalised (lower case NFC). */
  text: string;
  /** No diacritics, đ→d. */
  folded: string;
  /** Vowel marks kept, tone as a trailing digit. */
  accented: string;
  /** true when the syllable as typed carries any diacritic. */
  marked: boolean;
}

/** Splits into syllables (runs of letters and digits) after normalisation. Never throws. */
export function syllables(text: unknown): Syllable[] {
  const s = normalizeText(text);
  const out: Syllable[] = [];
  for (const m of s.matchAll(WORD)) out.push(syllableOf(m[0]));
  return out;
}

// Catalog text has a small vocabulary of syllables; memoising their two keys makes indexing several times faster.
const memo = new Map<string, Syllable>();
function syllableOf(t: string): Syllable {
  let s = memo.get(t);
  if (!s) {
    if (memo.size > 200_000) memo.clear();
    const folded = foldSyllable(t);
    s = Object.freeze({ text: t, folded, accented: accentKey(t), marked: folded !== t });
    memo.set(t, s);
  }
  return s;
}

/** Folded syllable tokens. */
export function foldedTokens(text: unknown): string[] {
  return syllables(text).map((s) => s.folded);
}

/** Adjacent pairs joined with "_" ("giay_phep"): most Vietnamese words are two syllables. */
export function bigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) out.push(`${tokens[i]}_${tokens[i + 1]}`);
  return out;
}

/** Removes every diacritic but keeps case and punctuation: what a user typing without accents would send. */
export function stripDiacritics(text: unknown): string {
  return wellFormed(toStr(text))
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}
