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
