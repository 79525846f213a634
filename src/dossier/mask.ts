/**
 * Masks a person's name word by word: "Nguyễn Văn An" → "N*** V*** A*". Only initials survive, so a code holder
 * can confirm "this is my dossier" without learning a stranger's name.
 */
export function maskName(fullName: string): string {
  const words = fullName.normalize('NFC').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '(không rõ)';
  return words
    .map((w) => {
      const chars = Array.from(w);
      const first = (chars[0] ?? '').toLocaleUpperCase('vi');
      return first + '*'.repeat(Math.min(3, Math.max(1, chars.length - 1)));
    })
    .join(' ');
}
