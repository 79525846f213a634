import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseDataFile, readDataFile } from './data-file.js';
import { syllables, type Syllable } from './normalize.js';

/**
 * The phrase data of the Vietnamese language layer (knowledge/language.yaml): greetings, addressees and closings
 * stripped at a message's edges, question framing and cost/time phrases removed anywhere, stop words, aspect cues and
 * intent cues. Everything that reads a message matches these lists through `findPhrase`/`hasPhrase`, so no module
 * keeps its own copy of a list.
 */

export const aspectNames = ['documents', 'deadline', 'fee', 'where', 'steps', 'conditions', 'result', 'legal', 'online'] as const;
export type Aspect = (typeof aspectNames)[number];

const intentNames = [
  'emergency',
  'procedureWords',
  'greeting',
  'thanks',
  'help',
  'feedbackNegative',
  'feedbackPositive',
  'more',
  'followStart',
  'choicePrefix',
  'question',
  'follow',
  'unfollow',
  'handoff',
  'handoffEnd',
] as const;
export type IntentName = (typeof intentNames)[number];

const phraseList = z.array(z.string().trim().min(1)).min(1);
const wordList = z.string().transform((s) => s.split(/\s+/).filter(Boolean));

const languageFileSchema = z.object({
  greetings: phraseList,
  addressees: phraseList,
  closings: phraseList,
  asking: phraseList,
  askOnly: phraseList,
  particles: phraseList,
  actions: phraseList,
  coordinators: phraseList,
  stopWords: z.object({ accented: wordList, folded: wordList }),
  choiceWords: z.record(z.string().regex(/^[1-9]$/, 'a number from 1 to 9'), phraseList).default({}),
  aspects: z.object(Object.fromEntries(aspectNames.map((a) => [a, phraseList])) as Record<Aspect, typeof phraseList>),
  intents: z.object(Object.fromEntries(intentNames.map((a) => [a, phraseList])) as Record<IntentName, typeof phraseList>),
});

/** Gap marker inside a phrase: up to GAP syllables of anything. */
const GAP = 6;

interface CompiledPhrase {
  text: string;
  /** Runs of syllables separated by gaps; parts[0] is never empty. */
  parts: Syllable[][];
  length: number;
}

/** Phrases indexed by their first folded syllable, longest first. */
export interface PhraseSet {
  byFirst: Map<string, CompiledPhrase[]>;
  size: number;
}

export interface PhraseMatch {
  phrase: string;
  start: number;
  /** Exclusive. */
  end: number;
}

export interface Language {
  greetings: PhraseSet;
  addressees: PhraseSet;
  closings: PhraseSet;
  asking: PhraseSet;
  askOnly: PhraseSet;
  particles: PhraseSet;
  actions: PhraseSet;
  coordinators: PhraseSet;
  stopAccented: ReadonlySet<string>;
  stopFolded: ReadonlySet<string>;
  /** Numbers said in words when choosing ("thứ hai" → 2), each number's phrases. */
  choiceWords: ReadonlyMap<number, PhraseSet>;
  aspects: Record<Aspect, PhraseSet>;
  intents: Record<IntentName, PhraseSet>;
}

/** Compiles a phrase list; "…" in a phrase is a gap of up to six syllables. */
export function compilePhrases(list: readonly string[]): PhraseSet {
  const byFirst = new Map<string, CompiledPhrase[]>();
  let size = 0;
  for (const text of list) {
    const parts = text.split(/…|\.\.\./).map((p) => syllables(p)).filter((p) => p.length);
    if (!parts.length) continue;
    const key = parts[0]![0]!.folded;
    const entry = { text, parts, length: parts.reduce((n, p) => n + p.length, 0) };
    const bucket = byFirst.get(key) ?? [];
    bucket.push(entry);
    byFirst.set(key, bucket);
    size++;
  }
  for (const bucket of byFirst.values()) bucket.sort((a, b) => b.length - a.length);
  return { byFirst, size };
}

/** A typed accent must agree ("chạy" is not "cháy"); an untyped one is unknown and accepted. */
export function sameSyllable(q: Syllable, t: Syllable, accented: boolean): boolean {
  return q.folded === t.folded && (!accented || !q.marked || q.accented === t.accented);
}

function runAt(sy: readonly Syllable[], i: number, run: readonly Syllable[], accented: boolean): boolean {
  if (i + run.length > sy.length) return false;
  for (let k = 0; k < run.length; k++) if (!sameSyllable(sy[i + k]!, run[k]!, accented)) return false;
  return true;
}

/** End (exclusive) of the phrase matched at position i, or -1. Gaps take the fewest syllables that let it match. */
function phraseAt(sy: readonly Syllable[], i: number, p: CompiledPhrase, accented: boolean): number {
  if (!runAt(sy, i, p.parts[0]!, accented)) return -1;
  let end = i + p.parts[0]!.length;
  for (let k = 1; k < p.parts.length; k++) {
    const run = p.parts[k]!;
    let found = -1;
    for (let j = end; j <= Math.min(sy.length - run.length, end + GAP); j++) {
      if (runAt(sy, j, run, accented)) {
        found = j;
        break;
      }
    }
    if (found < 0) return -1;
    end = found + run.length;
  }
  return end;
}

/** The longest phrase of the set starting at position i. */
export function matchAt(set: PhraseSet, sy: readonly Syllable[], i: number, accented: boolean): PhraseMatch | undefined {
  const s = sy[i];
  if (!s) return undefined;
  let best: PhraseMatch | undefined;
  for (const p of set.byFirst.get(s.folded) ?? []) {
    const end = phraseAt(sy, i, p, accented);
    if (end > 0 && (!best || end > best.end)) best = { phrase: p.text, start: i, end };
  }
  return best;
}

/** Non-overlapping matches, left to right, longest at each position. */
export function findPhrases(set: PhraseSet, sy: readonly Syllable[], accented: boolean): PhraseMatch[] {
  const out: PhraseMatch[] = [];
  let i = 0;
  while (i < sy.length) {
    const m = matchAt(set, sy, i, accented);
    if (m) {
      out.push(m);
      i = m.end;
    } else i++;
  }
  return out;
}

/** Marks the syllables covered by a phrase of any of the sets (1), for removing or weighing them. */
export function phraseMask(sets: readonly PhraseSet[], sy: readonly Syllable[], accented: boolean): Uint8Array {
  const mask = new Uint8Array(sy.length);
  for (const set of sets) for (const m of findPhrases(set, sy, accented)) mask.fill(1, m.start, m.end);
  return mask;
}

export function hasPhrase(set: PhraseSet, sy: readonly Syllable[], accented: boolean): boolean {
  for (let i = 0; i < sy.length; i++) if (matchAt(set, sy, i, accented)) return true;
  return false;
}

/** true when the whole sequence is one phrase of the set. */
export function isWholePhrase(set: PhraseSet, sy: readonly Syllable[], accented: boolean): boolean {
  return sy.length > 0 && matchAt(set, sy, 0, accented)?.end === sy.length;
}

/**
 * Whether the syllables are phrases of the set one after another and nothing else ("tôi chọn số" from "tôi", "chọn",
 * "số"); isWholePhrase is the one-phrase case.
 */
export function isPhraseSequence(set: PhraseSet, sy: readonly Syllable[], accented: boolean): boolean {
  const reached = new Set<number>([0]);
  for (let i = 0; i < sy.length; i++) {
    if (!reached.has(i)) continue;
    for (const p of set.byFirst.get(sy[i]!.folded) ?? []) {
      const end = phraseAt(sy, i, p, accented);
      if (end > i) reached.add(end);
    }
  }
  return sy.length > 0 && reached.has(sy.length);
}

/** The start of a phrase of the set that ends exactly at `end`, the longest such; -1 when none. */
export function matchEndingAt(set: PhraseSet, sy: readonly Syllable[], end: number, accented: boolean): number {
  for (let i = Math.max(0, end - 16); i < end; i++) {
    const m = matchAt(set, sy, i, accented);
    if (m && m.end === end) return i;
    // A shorter phrase from the same start may end there too.
    for (const p of set.byFirst.get(sy[i]!.folded) ?? []) if (phraseAt(sy, i, p, accented) === end) return i;
  }
  return -1;
}

/** The variant actions named in a syllable sequence ("cấp lại", "xóa"), folded, in order of appearance. */
export function actionsIn(sy: readonly Syllable[], accented: boolean, language: Language = defaultLanguage()): string[] {
  return findPhrases(language.actions, sy, accented).map((m) => sy.slice(m.start, m.end).map((x) => x.folded).join(' '));
}

/**
 * Whether a question's actions and a procedure name's disagree: the question names variants none of which the name has,
 * or names none while the name is a variant. "đổi" agrees with "cấp đổi", "mất" with "trình báo mất".
 */
export function actionsDisagree(asked: readonly string[], named: readonly string[]): boolean {
  if (!asked.length) return named.length > 0;
  const agree = (a: string, n: string) => a === n || n.endsWith(' ' + a) || a.endsWith(' ' + n);
  return !asked.some((a) => named.some((n) => agree(a, n)));
}

/** Longest message (in syllables) read for two coordinated things; longer ones are stories, read as one question. */
const MAX_COORDINATED = 24;
/** At most this many syllables on either side of the coordinator are taken as one of the two things. */
const MAX_SIDE = 6;

/**
 * A short message that joins two things with a coordinator ("mất cả căn cước và bằng lái xe"), as two questions that
 * each keep the rest of the message: "mất cả căn cước" and "mất bằng lái xe". The sides are the words after the
 * coordinator (to the end, at most six) and one word (two syllables) before it. Undefined when there is no such join.
 */
export function coordinatedQuestions(text: string, language: Language = defaultLanguage()): [string, string] | undefined {
  const sy = syllables(text);
  if (sy.length > MAX_COORDINATED) return undefined;
  const accented = sy.some((x) => x.marked);
  const joins = findPhrases(language.coordinators, sy, accented).filter((m) => m.start > 0 && m.end < sy.length);
  const join = joins[joins.length - 1];
  if (!join) return undefined;
  const after = Math.min(MAX_SIDE, sy.length - join.end);
  // Before the join, the thing is taken as one word (most Vietnamese nouns are two syllables: "hộ chiếu", "căn cước"),
  // so that the words before it ("bị mất …") stay with the second question too.
  let before = Math.min(after, 2, join.start);
  // "cả A và B": "cả" belongs to the join, not to A.
  while (before > 0 && matchAt(language.coordinators, sy, join.start - before, accented)?.end === join.start - before + 1) before--;
  if (before < 1) return undefined;
  const words = (xs: readonly Syllable[]) => xs.map((x) => x.text).join(' ');
  const first = words([...sy.slice(0, join.start), ...sy.slice(join.end + after)]);
  const second = words([...sy.slice(0, join.start - before), ...sy.slice(join.end)]);
  return [first, second];
}

/** Builds the language from validated data. */
function compileLanguage(data: z.infer<typeof languageFileSchema>): Language {
  const accentedStops = new Set(data.stopWords.accented.map((w) => syllables(w)[0]?.accented).filter((w): w is string => Boolean(w)));
  return {
    greetings: compilePhrases(data.greetings),
    addressees: compilePhrases(data.addressees),
    closings: compilePhrases(data.closings),
    asking: compilePhrases(data.asking),
    askOnly: compilePhrases(data.askOnly),
    particles: compilePhrases(data.particles),
    actions: compilePhrases(data.actions),
    coordinators: compilePhrases(data.coordinators),
    stopAccented: accentedStops,
    stopFolded: new Set(data.stopWords.folded),
    choiceWords: new Map(Object.entries(data.choiceWords).map(([n, list]) => [Number(n), compilePhrases(list)])),
    aspects: Object.fromEntries(aspectNames.map((a) => [a, compilePhrases(data.aspects[a])])) as Record<Aspect, PhraseSet>,
    intents: Object.fromEntries(intentNames.map((a) => [a, compilePhrases(data.intents[a])])) as Record<IntentName, PhraseSet>,
  };
}

/** Parses language YAML; throws AppError('catalog:invalid') naming the source and the bad field. */
export function parseLanguage(yamlText: string, source = 'language'): Language {
  const data = parseDataFile(languageFileSchema, yamlText, source);
  return compileLanguage(data);
}

export const defaultLanguagePath = fileURLToPath(new URL('../../knowledge/language.yaml', import.meta.url));

export function loadLanguage(path = defaultLanguagePath): Language {
  return parseLanguage(readDataFile(path), path);
}

let cached: Language | undefined;
/** The shipped language data, read once on first use (a broken file throws here, at start-up). */
export function defaultLanguage(): Language {
  cached ??= loadLanguage();
  return cached;
}
