/** What the citizen reads about the handoff, in one place. */
import { contactLine, type CentreInfo } from '../answer/texts.js';
import { formatStart, type Availability } from './hours.js';

const when = (a: Availability) =>
  a.now
    ? 'Cán bộ đang trong giờ làm việc và sẽ trả lời anh/chị sớm nhất có thể.'
    : a.from
      ? `Hiện ngoài giờ làm việc của Trung tâm; cán bộ sẽ trả lời từ ${formatStart(a.from)}.`
      : 'Hiện ngoài giờ làm việc của Trung tâm; cán bộ sẽ trả lời khi Trung tâm làm việc trở lại.';

export const handoffTexts = {
  opened: (a: Availability) =>
    'Tôi đã chuyển cuộc trò chuyện tới cán bộ của Trung tâm. Cán bộ sẽ trả lời ngay tại đây, trong cuộc trò chuyện này.\n\n' +
    `${when(a)}\n\n` +
    'Trong lúc chờ, anh/chị cứ nhắn nội dung cần hỏi. Gõ "kết thúc" hoặc /bot để quay lại trợ lý tự động. ' +
    'Vui lòng không gửi mật khẩu, mã OTP. Nếu khẩn cấp, gọi 113, 114 hoặc 115.',
  alreadyOpen: (a: Availability) => `Anh/chị đang chờ cán bộ trả lời trong cuộc trò chuyện này. ${when(a)}`,
  fromStaff: (text: string) => `Cán bộ Trung tâm:\n${text}`,
  closedByStaff: () =>
    'Cán bộ đã kết thúc cuộc trò chuyện. Từ bây giờ trợ lý tự động trả lời anh/chị như trước.\n\n' +
    'Anh/chị thấy cán bộ hỗ trợ có hữu ích không?',
  closedByCitizen: () =>
    'Đã kết thúc cuộc trò chuyện với cán bộ. Từ bây giờ trợ lý tự động trả lời anh/chị như trước.\n\n' +
    'Anh/chị thấy cán bộ hỗ trợ có hữu ích không?',
  ratedUp: () => 'Cảm ơn anh/chị đã đánh giá! Anh/chị cần tra cứu thủ tục nào cứ hỏi tôi nhé.',
  ratedDown: (c: CentreInfo) =>
    `Cảm ơn anh/chị đã cho biết. Ý kiến đã được ghi lại để Trung tâm cải thiện. Anh/chị cũng có thể liên hệ ${contactLine(c)}.`,
  notInHandoff: () => 'Anh/chị đang trò chuyện với trợ lý tự động. Gõ câu hỏi về thủ tục, hoặc /canbo để gặp cán bộ.',
  /** To the officers' group: no personal data, only where to answer. */
  staffLine: (id: number, channel: string, inboxUrl: string) => `Có yêu cầu gặp cán bộ mới #${id} (${channelLabel(channel)}). Trả lời tại: ${inboxUrl}`,
  /** How a button press shows in the officer's view of the conversation. */
  pressed: (what: string) => `(bấm nút: ${what})`,
};

export function channelLabel(channel: string): string {
  return ({ telegram: 'Telegram', zalo: 'Zalo', 'zalo-oa': 'Zalo OA', zalo_oa: 'Zalo OA', web: 'Web' } as Record<string, string>)[channel] ?? channel;
}
