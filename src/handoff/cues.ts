/**
 * Reading a message for the handoff: does it ask for a person, does it end the conversation with an officer. The cues
 * are language data (knowledge/language.yaml, intents `handoff` and `handoffEnd`), matched by the language layer.
 */
import { hasDiacritics, syllables } from '../text/normalize.js';
import { stripFraming } from '../text/analyze.js';
import { defaultLanguage, hasPhrase, isWholePhrase, type Language } from '../text/language.js';

/** Longer messages are stories: "hôm qua tôi đến gặp cán bộ nhưng…" tells what happened, it does not ask. */
const MAX_REQUEST_SYLLABLES = 14;

/** Whether a short message asks to talk to an officer ("tôi muốn gặp cán bộ", "cho tôi hỏi nhân viên"). */
export function asksForPerson(text: string, language: Language = defaultLanguage()): boolean {
  const sy = syllables(text);
  return sy.length > 0 && sy.length <= MAX_REQUEST_SYLLABLES && hasPhrase(language.intents.handoff, sy, hasDiacritics(text));
}

/** Whether the whole message (greetings, particles aside) ends the conversation with an officer ("kết thúc ạ"). */
export function endsHandoff(text: string, language: Language = defaultLanguage()): boolean {
  const accented = hasDiacritics(text);
  const sy = syllables(text);
  if (isWholePhrase(language.intents.handoffEnd, sy, accented)) return true;
  return isWholePhrase(language.intents.handoffEnd, stripFraming(sy, accented, language), accented);
}
