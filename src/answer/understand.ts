/**
 * Reads one citizen message: what is asked (aspects, often several), and what kind of message it is (a question, a
 * greeting, thanks, feedback, a numbered choice, an emergency, a dossier lookup). Pure and synchronous.
 *
 * Every cue comes from the language layer's data (knowledge/language.yaml). A cue alone does not decide the kind:
 * the rest of the message must agree. "sai rồi" is feedback; "giấy khai sinh ghi sai tên" names a topic and is a
 * question. An emergency is something happening now, not a word that looks like one once accents are gone.
 */
import { foldText, hasDiacritics, syllables, type Syllable } from '../text/normalize.js';
import { isStopSyllable, stripFraming } from '../text/analyze.js';
import {
  aspectNames,
  defaultLanguage,
  hasPhrase,
  findPhrases,
  isPhraseSequence,
  matchEndingAt,
  isWholePhrase,
  matchAt,
  phraseMask,
  type Aspect,
  type Language,
  type PhraseSet,
} from '../text/language.js';

export { aspectNames as aspects, type Aspect } from '../text/language.js';

export type MessageKind =
  | 'emergency'
  | 'greeting'
  | 'thanks'
  | 'help'
  | 'feedback_up'
  | 'feedback_down'
  | 'choice'
  | 'more'
  | 'question'
  | 'empty';

export interface Understanding {
  kind: MessageKind;
  aspects: Aspect[];
  /** 1-based choice number when the message is just "1", "số 2", "chọn 3". */
  choice?: number;
  /** A level the citizen switches to ("thế còn ở cấp xã?"). */
  level?: 'tinh' | 'xa' | 'trung_uong';
  /** Short message that only makes sense against the previous procedure ("còn lệ phí thì sao?"). */
  followUp: boolean;
  /** The folded text (lower case, no diacritics, đ→d), for matching. */
  folded: string;
  /**
   * Folded words that name what the message is about: framing, function words and every cue (aspect, feedback,
   * follow-up) removed. Empty for "còn lệ phí thì sao?"; "hộ kinh doanh" for "hộ kinh doanh đăng ký ở đâu".
   */
  topic: string[];
  /** "theo dõi hồ sơ …" / "ngừng theo dõi …": what to do with a dossier code in the same message. */
  dossierIntent?: 'follow' | 'unfollow';
}

const levelWords: Record<string, Understanding['level']> = { xa: 'xa', tinh: 'tinh', 'trung uong': 'trung_uong' };

/** Aspects asked in a message (any order, several at once). */
export function detectAspects(text: string, language: Language = defaultLanguage()): Aspect[] {
  return aspectsOf(syllables(text), hasDiacritics(text), language);
}

function aspectsOf(sy: readonly Syllable[], accented: boolean, language: Language): Aspect[] {
  return aspectNames.filter((a) => hasPhrase(language.aspects[a], sy, accented));
}

/** Whether the message asks to follow or to stop following a dossier (the code itself is found by the dossier module). */
export function detectFollowIntent(text: string, language: Language = defaultLanguage()): 'follow' | 'unfollow' | undefined {
  const sy = syllables(text);
  const accented = hasDiacritics(text);
  if (hasPhrase(language.intents.unfollow, sy, accented)) return 'unfollow';
  if (hasPhrase(language.intents.follow, sy, accented)) return 'follow';
  return undefined;
}

/** Classifies a message. `hasContext` says whether the chat has a recent answer to follow up on or react to. */
export function understand(text: string, hasContext = false, language: Language = defaultLanguage()): Understanding {
  const L = language;
  const folded = foldText(text);
  const all = syllables(text);
  const accented = hasDiacritics(text);
  const aspects = aspectsOf(all, accented, L);
  const core = stripFraming(all, accented, L);
  const cueSets = [...aspectNames.map((a) => L.aspects[a]), L.intents.feedbackNegative, L.intents.feedbackPositive, L.intents.followStart, L.intents.thanks, L.intents.greeting, L.intents.help, L.intents.more, L.intents.question, L.intents.follow, L.intents.unfollow];
  const cue = phraseMask(cueSets, core, accented);
  const topical = (i: number) => !cue[i] && !isStopSyllable(core[i]!, accented, L);
  const topic = core.filter((_, i) => topical(i)).map((s) => s.folded);
  const dossierIntent = detectFollowIntent(text, L);
  const base = { aspects, followUp: false, folded, topic, dossierIntent };
  const trimmed = text.trim();
  if (!folded.trim() && !/[👍👎]/u.test(trimmed)) return { ...base, kind: 'empty' };

  if (hasPhrase(L.intents.emergency, all, accented) && !hasPhrase(L.intents.procedureWords, all, accented)) return { ...base, kind: 'emergency' };

  // A number alone, or after words of choosing ("số 2", "chọn 3", "tôi chọn số 4"), is a choice among the last options;
  // so is a number in words after them ("cái thứ hai", "chọn cái đầu tiên").
  const last = core[core.length - 1];
  if (last && /^[1-9]$/.test(last.folded) && (core.length === 1 || isPhraseSequence(L.intents.choicePrefix, core.slice(0, -1), accented))) {
    return { ...base, kind: 'choice', choice: Number(last.folded) };
  }
  for (const [n, words] of L.choiceWords) {
    const start = matchEndingAt(words, core, core.length, accented);
    if (start > 0 && isPhraseSequence(L.intents.choicePrefix, core.slice(0, start), accented)) return { ...base, kind: 'choice', choice: n };
  }
  if (trimmed === '👍') return { ...base, kind: 'feedback_up' };
  if (trimmed === '👎') return { ...base, kind: 'feedback_down' };
  if (isWholePhrase(L.intents.more, core, accented)) return { ...base, kind: 'more' };

  const words = all.length;
  const short = (n: number) => words <= n && aspects.length === 0;
  // Reactions name no topic of their own: at most one stray word besides the cue, and not right after it — a word
  // there is what is wrong ("sai tên con tôi", "không đúng ngày sinh"): a mistake on a paper, not on the answer.
  const objectAfterCue = () => findPhrases(L.intents.feedbackNegative, core, accented).some((m) => m.end < core.length && topical(m.end));
  if (short(8) && topic.length <= 1 && hasPhrase(L.intents.feedbackNegative, all, accented) && !objectAfterCue()) return { ...base, kind: 'feedback_down' };
  const startsWith = (set: PhraseSet) => Boolean(matchAt(set, all, 0, accented));
  if (short(10) && topic.length <= 2 && startsWith(L.intents.thanks)) {
    return { ...base, kind: hasPhrase(L.intents.feedbackPositive, all, accented) ? 'feedback_up' : 'thanks' };
  }
  if (short(6) && topic.length <= 1 && hasPhrase(L.intents.feedbackPositive, all, accented)) return { ...base, kind: 'feedback_up' };
  if (short(6) && topic.length <= 1 && startsWith(L.intents.greeting)) return { ...base, kind: 'greeting' };
  if (words <= 8 && topic.length <= 1 && startsWith(L.intents.help)) return { ...base, kind: 'help' };

  const levelWord = /\bcap (xa|tinh|trung uong)\b/.exec(folded)?.[1];
  const level = levelWord ? levelWords[levelWord] : undefined;

  // A short message that starts like a follow-up, or asks only aspects, refers to the last procedure; whether it
  // names another one instead is decided against that procedure (the service knows it).
  const followUp = hasContext && words <= 12 && (startsWith(L.intents.followStart) || aspects.length > 0 || Boolean(level));
  return { ...base, kind: 'question', level, followUp };
}
