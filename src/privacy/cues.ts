/**
 * The privacy cues of knowledge/language.yaml (`privacy:`): a whole message asking to delete the chat's data, and the
 * answers that confirm it. Matched with the language layer's phrase matching (accents optional, as elsewhere).
 */
import { z } from 'zod';
import { parseDataFile, readDataFile } from '../text/data-file.js';
import { compilePhrases, defaultLanguagePath, isWholePhrase, type PhraseSet } from '../text/language.js';
import { hasDiacritics, syllables } from '../text/normalize.js';

const phraseList = z.array(z.string().trim().min(1)).min(1);
const schema = z.object({ privacy: z.object({ erase: phraseList, confirm: phraseList }) });

export interface PrivacyCues {
  /** The whole message asks to delete the chat's data ("xóa dữ liệu của tôi"). */
  isEraseRequest(text: string): boolean;
  /** The whole message confirms ("đồng ý", "có"). */
  isConfirmation(text: string): boolean;
}

function parsePrivacyCues(yamlText: string, source = 'language'): PrivacyCues {
  const data = parseDataFile(schema, yamlText, source);
  const erase = compilePhrases(data.privacy.erase);
  const confirm = compilePhrases(data.privacy.confirm);
  const whole = (set: PhraseSet, text: string) => {
    const sy = syllables(text);
    return sy.length > 0 && isWholePhrase(set, sy, hasDiacritics(text));
  };
  return {
    isEraseRequest: (text) => whole(erase, text),
    isConfirmation: (text) => whole(confirm, text),
  };
}

let cached: PrivacyCues | undefined;
/** The shipped cues, read once (a broken file throws at first use, i.e. at start-up). */
export function defaultPrivacyCues(): PrivacyCues {
  cached ??= parsePrivacyCues(readDataFile(defaultLanguagePath), defaultLanguagePath);
  return cached;
}
