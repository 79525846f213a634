/**
 * The citizen-facing texts for dossiers: plain Vietnamese, paragraphs separated by blank lines, no full names.
 */
import { formatVnDate, vnDay, type WorkingCalendar } from './calendar.js';
import { maskName } from './mask.js';
import type { Dossier } from './provider.js';
import { statusInfo } from './status.js';

/** Where the dossier stands against its due date, in working days; undefined when that is not meaningful (3, 7, 8). */
function describeTimeliness(d: Dossier, now: Date, cal: WorkingCalendar): string | undefined {
  const info = statusInfo(d.status);
  if (info.completed) {
    const done = d.finishedAt ?? d.returnedAt;
    if (!done) return undefined;
    if (vnDay(done) <= vnDay(d.dueAt)) return 'Hồ sơ được giải quyết đúng hạn.';
    const late = cal.workingDaysBetween(d.dueAt, done);
    return late > 0
      ? `Hồ sơ được giải quyết trễ ${late} ngày làm việc so với ngày hẹn trả.`
      : 'Hồ sơ được giải quyết sau ngày hẹn trả.';
  }
  if (info.closed) return undefined;
  const today = vnDay(now);
  const due = vnDay(d.dueAt);
  if (today === due) return 'Hôm nay là ngày hẹn trả kết quả.';
  if (today < due) {
    const left = cal.workingDaysBetween(now, d.dueAt);
    return left > 0
      ? `Còn ${left} ngày làm việc đến ngày hẹn trả (đang trong hạn).`
      : 'Sắp đến ngày hẹn trả (đang trong hạn).';
  }
  const over = cal.workingDaysBetween(d.dueAt, now);
  const overText = over > 0 ? `Đã quá ngày hẹn trả ${over} ngày làm việc.` : 'Đã quá ngày hẹn trả.';
  if (d.status === 5 || d.status === 6) return overText;
  return (
    overText +
    ' Anh/chị có thể liên hệ Trung tâm (kèm mã hồ sơ) để hỏi lý do; khi hồ sơ quá hạn, cơ quan giải quyết phải gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.'
  );
}

/** The full answer to a lookup of a found dossier. */
export function composeDossierText(d: Dossier, now: Date, cal: WorkingCalendar): string {
  const info = statusInfo(d.status);
  const facts = [
    `Hồ sơ ${d.code}`,
    `Thủ tục: ${d.procedureName} (mã ${d.procedureCode})`,
    `Chủ hồ sơ: ${maskName(d.applicantName)}`,
    `Ngày tiếp nhận: ${formatVnDate(d.receivedAt)}`,
    `Ngày hẹn trả: ${formatVnDate(d.dueAt)}`,
    ...(d.finishedAt ? [`Ngày xử lý xong: ${formatVnDate(d.finishedAt)}`] : []),
    ...(d.returnedAt ? [`Ngày trả kết quả: ${formatVnDate(d.returnedAt)}`] : []),
    ...(d.unit ? [`Đơn vị xử lý: ${d.unit}`] : []),
  ];
  const timeliness = describeTimeliness(d, now, cal);
  const year = Number(vnDay(now).slice(0, 4));
  const caveat =
    timeliness && !info.completed && !cal.covers(year) ? ` (Số ngày làm việc chưa trừ ngày lễ năm ${year}.)` : '';
  const paragraphs = [
    facts.join('\n'),
    `Trạng thái: ${info.label}. ${info.meaning}` + (timeliness ? `\n${timeliness}${caveat}` : ''),
    `Việc anh/chị cần làm: ${info.nextStep}`,
  ];
  if (!info.closed) paragraphs.push(`Để nhận tin nhắn khi hồ sơ thay đổi trạng thái, gửi: /theodoi ${d.code}`);
  return paragraphs.join('\n\n');
}

/** The notification sent to a follower when a dossier's status changes. */
export function composeStatusChangeText(d: Dossier): string {
  const info = statusInfo(d.status);
  const paragraphs = [
    `Hồ sơ ${d.code} (${d.procedureName}) vừa chuyển sang trạng thái: ${info.label}.`,
    info.meaning,
    `Việc anh/chị cần làm: ${info.nextStep}`,
    info.closed
      ? 'Hồ sơ đã kết thúc nên hệ thống ngừng theo dõi hồ sơ này.'
      : `Gửi /huytheodoi ${d.code} nếu không muốn nhận tin về hồ sơ này nữa.`,
  ];
  return paragraphs.join('\n\n');
}

export function composeNotFoundText(code: string): string {
  return `Không tìm thấy hồ sơ có mã ${code}. Anh/chị vui lòng kiểm tra lại mã trên phiếu hẹn trả kết quả (hoặc tin nhắn/email xác nhận nộp hồ sơ) rồi gửi lại.`;
}

export const ASK_FOR_CODE_TEXT =
  'Anh/chị vui lòng gửi mã hồ sơ in trên phiếu hẹn trả kết quả, ví dụ: /hoso H37.30-20261116-0004';

export function composeThrottledText(reason: 'rate' | 'cooldown', retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return reason === 'cooldown'
    ? `Anh/chị đã tra nhiều mã hồ sơ không tồn tại liên tiếp. Để bảo vệ thông tin của người dân, việc tra cứu tạm dừng khoảng ${minutes} phút. Vui lòng kiểm tra kỹ mã trên phiếu hẹn rồi thử lại sau.`
    : `Anh/chị đã tra cứu hồ sơ nhiều lần trong thời gian ngắn. Vui lòng thử lại sau khoảng ${minutes} phút.`;
}
