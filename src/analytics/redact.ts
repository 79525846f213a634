/**
 * Removes personal numbers from text before it is stored for managers. Applied by the answer core and again inside the
 * recorder (defence in depth), so it must be idempotent and must never throw.
 *
 * What goes: e-mail addresses, dossier codes (mã hồ sơ, e.g. H37.12-20260105-0001), bank-card-like numbers,
 * Vietnamese phone numbers (0…, +84…, with spaces, dots or dashes), CCCD (12 digits) and CMND (9 digits).
 * What stays: procedure codes (1.001193), money (50.000 đồng, 1.500.000đ), dates, years, short counts.
 */

export const redactionTokens = {
  phone: '[SĐT]',
  id: '[CCCD]',
  email: '[EMAIL]',
  dossier: '[MÃ HỒ SƠ]',
  card: '[SỐ THẺ]',
} as const;

// Digits are never glued to a match: a 12-digit CCCD must not be read as a phone plus two digits.
const NOT_DIGIT_BEFORE = '(?<![0-9])';
const NOT_DIGIT_AFTER = '(?![0-9])';
// A following currency word means money, whatever the digits look like.
const NOT_MONEY_AFTER = '(?!\\s?(?:đ|đồng|dong|vnđ|vnd|₫)(?![\\p{L}]))';

const EMAIL = /[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.[\p{L}]{2,}/giu;

// Mã hồ sơ from the one-stop systems: agency prefix (letters, digits, dots, e.g. H37.12 or 000.00.12.H37), a date,
// a sequence number.
const DOSSIER = new RegExp(
  `(?<![\\p{L}0-9])(?:[0-9]{1,4}\\.){0,5}[\\p{L}]{1,4}[0-9]{0,4}(?:\\.[0-9]{1,4}){0,3}-[0-9]{6,8}-[0-9]{3,8}${NOT_DIGIT_AFTER}`,
  'giu',
);

// 13–19 digits, contiguous or in groups of 4 (card numbers, long bank account numbers).
const CARD = new RegExp(
  `${NOT_DIGIT_BEFORE}(?:[0-9]{4}[ -]){3}[0-9]{1,7}${NOT_DIGIT_AFTER}|${NOT_DIGIT_BEFORE}[0-9]{13,19}${NOT_DIGIT_AFTER}`,
  'gu',
);

// Mobile 0[35789]x xxx xxxx and landline 02xx xxx xxxx, with optional separators; +84 / 84 instead of the 0.
const SEP = '[ .-]?';
const PHONE = new RegExp(
  `(?<![0-9.,])(?:\\+84${SEP}|\\(\\+84\\)${SEP}|84${SEP}|0)` +
    `(?:[35789](?:${SEP}[0-9]){8}|2(?:${SEP}[0-9]){9})${NOT_DIGIT_AFTER}(?![.,][0-9])${NOT_MONEY_AFTER}`,
  'gu',
);

// Bare 12-digit CCCD or 9-digit CMND (also written in groups: 001 090 012 345).
const ID_NUMBER = new RegExp(
  `(?<![0-9.,])(?:[0-9]{12}|[0-9]{3}[ .][0-9]{3}[ .][0-9]{3}[ .][0-9]{3}|[0-9]{9}|[0-9]{3} [0-9]{3} [0-9]{3})` +
    `${NOT_DIGIT_AFTER}(?![.,][0-9])${NOT_MONEY_AFTER}`,
  'gu',
);

// Every shape the dossier detector (src/dossier/code.ts) accepts, so that whatever the bot would look up is also what
// it removes: an agency part with a letter (up to six dot-separated parts of 1-12 letters/digits), a 6- or 8-digit
// date and a 4-7 digit sequence, dashes with or without spaces around them, any letter case.
const DOSSIER_DETECTED = new RegExp(
  `(?<![\\p{L}\\p{N}.])(?=[A-Z0-9.]*[A-Z])[A-Z0-9]{1,12}(?:\\.[A-Z0-9]{1,12}){0,5}\\s*-\\s*(?:[0-9]{8}|[0-9]{6})\\s*-\\s*[0-9]{4,7}(?![\\p{L}\\p{N}])`,
  'giu',
);

/** Longer input is cut to this many characters first, so redaction time stays bounded whatever a client sends. */
export const MAX_REDACT_INPUT = 8000;

/** Returns `text` with personal numbers replaced by tokens ([SĐT], [CCCD], [EMAIL], [MÃ HỒ SƠ], [SỐ THẺ]). */
export function redactPersonal(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return typeof text === 'string' ? text : '';
  return text
    .slice(0, MAX_REDACT_INPUT)
    .replace(EMAIL, redactionTokens.email)
    .replace(DOSSIER_DETECTED, redactionTokens.dossier)
    .replace(DOSSIER, redactionTokens.dossier)
    .replace(CARD, redactionTokens.card)
    .replace(PHONE, redactionTokens.phone)
    .replace(ID_NUMBER, redactionTokens.id);
}
