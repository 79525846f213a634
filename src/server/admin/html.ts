/** Escaping and small formatting helpers for the admin pages. Every interpolated value goes through `esc`. */

export function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const dateTime = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('vi-VN', { timeZone: 'UTC', day: '2-digit', month: '2-digit' });

/** "05/11/2026 15:00" in Vietnam time. */
export const fmtDateTime = (iso: string) => dateTime.format(new Date(iso));
/** "05/11" for a YYYY-MM-DD bucket start. */
export const fmtDay = (ymd: string) => dateOnly.format(new Date(`${ymd}T00:00:00Z`));
export const fmtPct = (x: number) => `${(x * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
export const fmtNum = (x: number) => x.toLocaleString('vi-VN');

/** Vietnamese names of the aspects the answer core detects. */
export const aspectLabels: Record<string, string> = {
  documents: 'Hồ sơ, giấy tờ',
  deadline: 'Thời hạn giải quyết',
  fee: 'Phí, lệ phí',
  where: 'Nơi nộp, cơ quan',
  agency: 'Cơ quan thực hiện',
  steps: 'Trình tự thực hiện',
  conditions: 'Điều kiện',
  result: 'Kết quả',
  legal: 'Căn cứ pháp lý',
  legal_basis: 'Căn cứ pháp lý',
  online: 'Nộp trực tuyến',
  general: 'Chung (không rõ khía cạnh)',
};
export const aspectLabel = (a: string) => aspectLabels[a] ?? a;
