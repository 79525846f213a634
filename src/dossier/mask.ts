/**
 * Masks a person's name: "Nguyễn Văn An" → "N*** V*** A*". Only initials survive, with a fixed number of stars (three
 * for family and middle names, one for the given name) so word lengths leak nothing either. A code holder can confirm
 * "this is my dossier" without learning a stranger's name.
 */
export function maskName(fullName: string): string {
  const words = fullName.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '(không rõ)';
  return words
    .map((w, i) => (Array.from(w)[0] ?? '').toLocaleUpperCase('vi') + (i === words.length - 1 ? '*' : '***'))
    .join(' ');
}

/**
 * Masks a dossier code for logs: a code is as good as a password for the dossier's status, so only the agency part and
 * the last two characters stay ("H37.12-20260105-0001" → "H37.12-…01"), enough to tell two log lines apart.
 */
export function maskDossierCode(code: string): string {
  const c = String(code ?? '');
  const dash = c.indexOf('-');
  const agency = dash > 0 && dash <= 24 ? c.slice(0, dash) : '';
  return c.length <= 4 ? '…' : `${agency}${agency ? '-' : ''}…${c.slice(-2)}`;
}
