import { bigrams, foldText, hasDiacritics, normalizeText, syllables, type Syllable } from './normalize.js';
import { defaultLexicon, matchLexicon, type Lexicon } from './lexicon.js';
import { Lru } from '../lru.js';

/**
 * Reads a citizen's message for retrieval: normalises it, drops chat filler ("cho tôi hỏi", "ạ", "luật sư ơi",
 * "xin cảm ơn"), finds everyday/outdated words from the lexicon and what they mean in catalog language, and collects
 * the lexicon's notes on outdated premises for the answer layer. Pure; never throws.
 */

// Polite framing and chat filler: removed as whole phrases (folded syllables). Accents are checked when typed.
const FILLER_PHRASES = [
  'cho tôi hỏi', 'cho em hỏi', 'cho mình hỏi', 'cho cháu hỏi', 'cho con hỏi', 'cho tớ hỏi', 'xin hỏi', 'xin được hỏi',
  'tôi muốn hỏi', 'em muốn hỏi', 'mình muốn hỏi', 'tôi xin hỏi', 'em xin hỏi', 'cho hỏi', 'hỏi chút',
  'xin chào', 'chào luật sư', 'thưa luật sư', 'kính gửi luật sư', 'luật sư ơi', 'gửi luật sư', 'luật sư cho tôi hỏi',
  'kính chào', 'kính gửi', 'chào anh chị', 'chào chị', 'chào anh', 'chào bạn', 'chào ad', 'ad ơi', 'admin ơi',
  'anh chị ơi', 'thưa anh chị', 'xin chân thành cảm ơn', 'chân thành cảm ơn', 'xin trân trọng cảm ơn', 'trân trọng cảm ơn',
  'xin cảm ơn', 'cảm ơn nhiều', 'cảm ơn', 'cám ơn', 'mong luật sư tư vấn', 'mong luật sư giải đáp', 'mong được tư vấn',
  'mong được giải đáp', 'mong nhận được phản hồi', 'rất mong nhận được', 'tư vấn giúp', 'giải đáp giúp', 'giúp tôi',
  'giúp em', 'giúp mình', 'câu hỏi như sau', 'cần tư vấn như sau', 'có câu hỏi', 'có câu hỏi cần tư vấn',
  'có thắc mắc', 'thắc mắc như sau', 'xin cảm ơn luật sư', 'luật sư', 'với ạ', 'được không ạ',
];
// Single syllables that carry no topic. Checked on the accented form when the text has accents, otherwise folded
// (only those unambiguous once folded).
const STOP_ACCENTED = new Set(
  (
    'ạ ơi ở nhé nha vậy thì là và của mà các những một cho với nếu khi đã đang sẽ bị hay hoặc rồi nào gì này đó kia ' +
    'tôi em mình chúng ta họ nó ông bà anh chị cháu con bạn ấy thế sao vì nên nhưng cũng vẫn còn chỉ rất lắm quá ' +
    'xin hỏi muốn cần phải được có không ko k dạ vâng ừ à ờ hả nhỉ luôn thôi đây đấy nay hiện'
  )
    .split(/\s+/)
    .map((w) => syllables(w)[0]!.accented),
);
const STOP_FOLDED = new Set(
  'a oi nhe nha vay thi la va cua ma cac nhung mot cho voi neu khi da dang se bi hay hoac roi nao gi nay do toi em minh chung ta ho no ay the sao vi nen cung van con chi rat lam qua xin hoi muon can phai duoc co khong ko k da vang thoi day'.split(
    ' ',
  ),
);

const fillerCompiled = FILLER_PHRASES.map((p) => syllables(p)).sort((a, b) => b.length - a.length);

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

/** true for a function word or pure chat particle. */
export function isStopSyllable(s: Syllable, accented: boolean): boolean {
  if (/^\d+$/.test(s.folded) && s.folded.length > 4) return false;
  return accented && s.marked ? STOP_ACCENTED.has(s.accented) : STOP_FOLDED.has(s.folded);
}

function sameSy(q: Syllable, f: Syllable, accented: boolean): boolean {
  return q.folded === f.folded && (!accented || !q.marked || q.accented === f.accented);
}

/** Removes filler phrases from a syllable sequence. */
export function removeFiller(sy: readonly Syllable[], accented: boolean): Syllable[] {
  const out: Syllable[] = [];
  let i = 0;
  outer: while (i < sy.length) {
    for (const f of fillerCompiled) {
      if (i + f.length > sy.length) continue;
      let ok = true;
      for (let k = 0; k < f.length && ok; k++) ok = sameSy(sy[i + k]!, f[k]!, accented);
      if (ok) {
        i += f.length;
        continue outer;
      }
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
  const content = removeFiller(all, accented);
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
