/**
 * How the province's mark reads in answers and staff pages: the link line, the online level in words, and the
 * source line of a listed-only procedure. Connecting words are ours; names, codes, decisions and links are the list's.
 */
import { onlineLevelLabels, type OnlineLevel, type Procedure, type ProvinceLevel } from './schema.js';

const levelWords: Record<ProvinceLevel, string> = { tinh: 'cấp tỉnh', huyen: 'cấp huyện (trước 7/2025)', xa: 'cấp xã' };

const onlineWords: Record<OnlineLevel, string> = {
  toan_trinh: 'nộp hồ sơ trực tuyến được, trực tuyến toàn trình',
  mot_phan: 'nộp hồ sơ trực tuyến được, trực tuyến một phần (có bước vẫn phải làm trực tiếp)',
  muc_2: 'chưa nộp trực tuyến được; trang thủ tục cung cấp thông tin và biểu mẫu (mức độ 2)',
  muc_1: 'chưa nộp trực tuyến được; trang thủ tục chỉ cung cấp thông tin (mức độ 1)',
};

/** "Nộp trực tuyến / xem tại Cổng DVC Lạng Sơn: <url>" (one line per level when the list has several pages). */
export function provinceLinkText(p: Procedure): string | undefined {
  const mark = p.province;
  const pages = (mark?.pages ?? []).filter((g) => g.url);
  if (!mark || !pages.length) return undefined;
  const head = `Nộp trực tuyến / xem tại Cổng DVC ${mark.province}`;
  if (pages.length === 1) return `${head}: ${pages[0]!.url}`;
  return `${head}:\n${pages.map((g) => `- ${g.level ? levelWords[g.level] : g.localCode}: ${g.url}`).join('\n')}`;
}

/** Whether and how the procedure can be done online, as the province lists it. */
export function provinceOnlineText(p: Procedure): string | undefined {
  const pages = p.province?.pages ?? [];
  if (!pages.length) return undefined;
  const levels = [...new Set(pages.map((g) => g.online))];
  if (levels.length === 1) return `Nộp trực tuyến: ${onlineWords[levels[0]!]}.`;
  return `Nộp trực tuyến:\n${pages.map((g) => `- ${g.level ? levelWords[g.level] : g.localCode}: ${onlineWords[g.online]}`).join('\n')}`;
}

/** "Toàn trình" etc., for staff pages. */
export const onlineLevelText = (p: Procedure): string =>
  [...new Set((p.province?.pages ?? []).map((g) => onlineLevelLabels[g.online]))].join(', ');

/** Only the province's list names it: no documents, deadlines or fees in the catalog. */
export const isListedOnly = (p: Procedure): boolean => p.origin === 'province';
