/**
 * Dossier codes vary by platform: an agency part (H37.30, 000.00.21.H37, G09.20), a date (6 or 8 digits) and a
 * sequence (4-7 digits), joined by dashes. We recognise them loosely and let the provider decide "not found".
 */

// The agency part must contain a letter, which keeps phone numbers (0912-345-678) and procedure codes (1.001193) out.
const CODE_IN_TEXT =
  /(?<![\p{L}\p{N}.])((?=[A-Z0-9.]*[A-Z])[A-Z0-9]{1,12}(?:\.[A-Z0-9]{1,12}){0,5})\s*-\s*(\d{8}|\d{6})\s*-\s*(\d{4,7})(?![\p{L}\p{N}])/u;

/** trim, upper case, no whitespace — the one form codes are stored, compared and sent in. */
export function normalizeDossierCode(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/g, '').toUpperCase();
}

function plausibleDate(d: string): boolean {
  const [y, m, day] = d.length === 8 ? [+d.slice(0, 4), +d.slice(4, 6), +d.slice(6, 8)] : [2000 + +d.slice(0, 2), +d.slice(2, 4), +d.slice(4, 6)];
  return y >= 2000 && y <= 2099 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

/**
 * Finds the first dossier code in free text and returns it normalised, or undefined. Does not fire on procedure
 * codes (1.001193), phone numbers or plain dates.
 */
export function detectDossierCode(text: string): string | undefined {
  const upper = text.normalize('NFC').toUpperCase();
  const re = new RegExp(CODE_IN_TEXT.source, 'gu');
  for (const m of upper.matchAll(re)) {
    const [, agency, date, seq] = m as unknown as [string, string, string, string];
    if (plausibleDate(date)) return `${agency}-${date}-${seq}`;
  }
  return undefined;
}

/**
 * Whether an explicitly given code (after /hoso) is worth sending to the centre: 6-40 characters of letters, digits,
 * dots, dashes, slashes and underscores, with at least one digit. Looser than detection on purpose.
 */
export function isPlausibleDossierCode(code: string): boolean {
  return /^[A-Z0-9][A-Z0-9._/-]{4,38}[A-Z0-9]$/.test(code) && /\d/.test(code);
}
