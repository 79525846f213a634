/** Keys for comparing procedure names: folded, and without the level a procedure is published at. */
import { foldText } from './normalize.js';

/** The folded text (see src/text) with punctuation other than dots turned into spaces: the key for name matching. */
export function nameKey(s: string): string {
  return foldText(s).replace(/[^a-z0-9.]+/g, ' ').trim();
}

/**
 * The name without its level qualifier ("(thực hiện tại cấp tỉnh)", "tại cấp xã") and a leading "Thủ tục", folded:
 * the national catalog publishes one procedure per level under such names (82 groups in the 2,642 portal records),
 * and a citizen asking about it means the procedure, whichever level then handles it.
 */
export function levelFreeName(name: string): string {
  return foldText(name)
    .replace(/\((thuc hien )?(tai )?cap [^)]*\)/g, '')
    .replace(/\b(thuc hien )?tai cap (tinh|xa|huyen|trung uong)\b/g, '')
    .replace(/^thu tuc\s+/, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
