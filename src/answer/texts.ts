/** Fixed Vietnamese texts of the answer core, in one place. */
import type { CentreInfo } from '../core/types.js';

export type { CentreInfo } from '../core/types.js';

export function contactLine(c: CentreInfo): string {
  const bits = [c.name];
  if (c.hotline) bits.push(`đường dây nóng ${c.hotline}`);
  if (c.address) bits.push(`địa chỉ ${c.address}`);
  if (c.hours) bits.push(`giờ làm việc: ${c.hours}`);
  if (!c.hotline && c.website) bits.push(`trang thông tin ${c.website}`);
  return bits.join(', ');
}

export const texts = {
  greeting: (c: CentreInfo) =>
    `Xin chào anh/chị! Tôi là trợ lý tra cứu thủ tục hành chính của ${c.name}.\n\n` +
    'Anh/chị có thể hỏi: cần giấy tờ gì, mất bao lâu, lệ phí bao nhiêu, nộp ở đâu, nộp online được không — ví dụ "làm giấy khai sinh cho con cần những gì?". ' +
    'Để tra cứu hồ sơ đã nộp, gửi mã hồ sơ in trên giấy hẹn.\n\n' +
    'Riêng tư: tôi không bao giờ hỏi mật khẩu, mã OTP hay ảnh giấy tờ tùy thân. Câu hỏi được lưu ở dạng đã che số điện thoại, số giấy tờ để cải thiện dịch vụ; gửi /xoadulieu để xóa dữ liệu của anh/chị.',
  help: () =>
    'Tôi có thể giúp:\n' +
    '- Tra cứu thủ tục: hỏi bằng lời thường, ví dụ "đăng ký kết hôn cần gì", "lệ phí cấp lại giấy phép lái xe".\n' +
    '- Xem đầy đủ một thủ tục: /tt <mã hoặc tên thủ tục>, ví dụ /tt 1.001193.\n' +
    '- Tra cứu hồ sơ: /hoso <mã hồ sơ>; theo dõi hồ sơ: /theodoi <mã hồ sơ>; hủy theo dõi: /huytheodoi.\n' +
    '- Góp ý: /gopy <nội dung>.\n' +
    '- Xóa dữ liệu trợ lý đã lưu về anh/chị: /xoadulieu.\n\n' +
    'Khi có nhiều thủ tục gần giống, tôi sẽ đưa danh sách để anh/chị gõ số chọn.',
  thanks: () => 'Cảm ơn anh/chị! Nếu cần tra cứu thêm thủ tục nào, anh/chị cứ hỏi nhé.',
  feedbackUp: () => 'Cảm ơn anh/chị đã phản hồi! Chúc anh/chị làm thủ tục thuận lợi.',
  feedbackDown: (c: CentreInfo) =>
    'Xin lỗi vì câu trả lời chưa đúng ý anh/chị. Phản hồi đã được ghi lại để Trung tâm rà soát. ' +
    `Anh/chị có thể hỏi lại cụ thể hơn (tên thủ tục, việc cần làm), hoặc liên hệ ${contactLine(c)}.`,
  emergency: () =>
    'Nếu đang có tình huống khẩn cấp, hãy gọi ngay:\n' +
    '- 113: Công an (an ninh, trật tự)\n' +
    '- 114: Cứu hỏa, cứu nạn, cứu hộ\n' +
    '- 115: Cấp cứu y tế\n\n' +
    'Các số này gọi miễn phí, kể cả từ điện thoại hết tiền. Tôi chỉ là trợ lý tra cứu thủ tục hành chính, không thể điều động lực lượng cứu hộ.',
  empty: () => 'Anh/chị vui lòng nhập câu hỏi về thủ tục hành chính, ví dụ "làm căn cước cho con cần gì?".',
  unresolved: (c: CentreInfo) =>
    'Xin lỗi, tôi chưa tìm được thủ tục phù hợp chắc chắn với câu hỏi của anh/chị, nên không muốn trả lời sai.\n\n' +
    'Anh/chị có thể: viết lại ngắn gọn tên việc cần làm (ví dụ "đăng ký thường trú", "cấp lại sổ đỏ bị mất"), ' +
    `hoặc liên hệ ${contactLine(c)} để cán bộ hướng dẫn. Câu hỏi đã được ghi lại để Trung tâm bổ sung thông tin.` +
    (c.provincePortal ? `\n\nDanh mục thủ tục và nộp hồ sơ trực tuyến của tỉnh: ${c.provincePortal}` : ''),
  clarify: () => 'Câu hỏi của anh/chị có thể liên quan đến một trong các thủ tục sau. Anh/chị gõ số để chọn:',
  twoThings: () => 'Câu hỏi của anh/chị nhắc tới hai việc, mỗi việc là một thủ tục riêng. Anh/chị gõ số để xem từng thủ tục:',
  clarifyNone: () => 'Nếu không có thủ tục nào đúng, anh/chị viết thêm việc cần làm (ví dụ "cấp lại … bị mất"), tôi sẽ tìm lại.',
  noChoices: () => 'Hiện không có danh sách nào để chọn. Anh/chị vui lòng gửi câu hỏi về thủ tục cần làm.',
  badChoice: (n: number) => `Danh sách chỉ có ${n} lựa chọn. Anh/chị gõ số từ 1 đến ${n}.`,
  noContext: () => 'Anh/chị muốn xem thêm về thủ tục nào? Vui lòng gửi tên thủ tục hoặc câu hỏi cụ thể.',
  ttUsage: () => 'Cách dùng: /tt <mã hoặc tên thủ tục>, ví dụ /tt 1.001193 hoặc /tt đăng ký khai sinh.',
  ttNotFound: (q: string) => `Không tìm thấy thủ tục "${q}". Anh/chị thử gõ mã thủ tục (ví dụ 1.001193) hoặc tên khác.`,
  gopyUsage: () => 'Cách dùng: /gopy <nội dung góp ý>. Góp ý được gửi ẩn danh tới Trung tâm.',
  gopyThanks: () => 'Cảm ơn anh/chị đã góp ý! Nội dung đã được chuyển tới Trung tâm.',
  eraseAsk: () =>
    'Anh/chị muốn xóa dữ liệu trợ lý đã lưu về cuộc trò chuyện này (câu hỏi đã gửi, các lần tra cứu hồ sơ, hồ sơ đang theo dõi, phiên trò chuyện)? Việc xóa không hoàn tác được.\n\nGõ "đồng ý" để xóa; gửi bất kỳ nội dung nào khác để hủy.',
  eraseDone: (what: string) =>
    `Đã xóa dữ liệu của anh/chị: ${what}. Số liệu thống kê chung (không kèm nội dung câu hỏi, không gắn với anh/chị) vẫn được giữ.`,
  eraseNothing: () => 'Trợ lý không còn lưu dữ liệu nào của anh/chị trong cuộc trò chuyện này.',
  eraseCancelled: () => 'Đã hủy yêu cầu xóa dữ liệu. Dữ liệu của anh/chị vẫn được giữ như cũ.',
  eraseOff: (c: CentreInfo) => `Chức năng xóa dữ liệu chưa được bật ở đây. Anh/chị vui lòng liên hệ ${contactLine(c)}.`,
  dossierOff: (c: CentreInfo) =>
    `Chức năng tra cứu hồ sơ chưa được bật. ${c.dossierLookup ? `Anh/chị có thể tra cứu tại ${c.dossierLookup} hoặc` : 'Anh/chị vui lòng'} liên hệ ${contactLine(c)}.`,
  handoffOffer: () => 'Anh/chị cũng có thể gặp cán bộ của Trung tâm ngay trong cuộc trò chuyện này: gõ /canbo hoặc bấm "Gặp cán bộ".',
  dossierUsage: () => 'Anh/chị vui lòng gửi mã hồ sơ in trên giấy tiếp nhận/hẹn trả kết quả, ví dụ /hoso H37.12-20260105-0001.',
  otherLevel: (levels: string, code: string) => `Thủ tục này cũng được thực hiện ở ${levels} (mã ${code}).`,
  noOtherLevel: (levels: string) => `Theo nguồn, thủ tục này được thực hiện ở ${levels}; tôi không tìm thấy bản ở cấp anh/chị hỏi.`,
};
