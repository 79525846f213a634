/** A scripted AnswerService for web chat tests: a question about "khai sinh" asks to choose; choice 2 answers with a citation. */
import type { Incoming, Reply } from '../../../src/channels/types.js';
import { reply } from '../helpers/fake-answers.js';

export const citedUrl = 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2.000528';

export function scriptedReply(i: Incoming): Reply {
  if (i.action?.type === 'choice') {
    return reply({
      text: `Thủ tục đăng ký khai sinh có yếu tố nước ngoài (mục ${i.action.index}, mã ${i.action.code}).\n\nHồ sơ gồm:\n- Tờ khai đăng ký khai sinh\n- Giấy chứng sinh`,
      citations: [{ code: '2.000528', name: 'Đăng ký khai sinh có yếu tố nước ngoài', url: citedUrl, asOf: '2026-10-01' }],
      feedback: true,
    });
  }
  if (i.action?.type === 'feedback') return reply({ outcome: 'feedback', text: 'Cảm ơn anh/chị đã phản hồi!' });
  if (/khai sinh/i.test(i.text)) {
    return reply({
      outcome: 'clarify',
      text: 'Câu hỏi của anh/chị có thể liên quan đến một trong các thủ tục sau. Anh/chị gõ số để chọn:\n1. Đăng ký khai sinh (Cấp xã)\n2. Đăng ký khai sinh có yếu tố nước ngoài',
      choices: [
        { index: 1, code: '1.001193', name: 'Đăng ký khai sinh', level: 'Cấp xã' },
        { index: 2, code: '2.000528', name: 'Đăng ký khai sinh có yếu tố nước ngoài' },
      ],
    });
  }
  return reply({ outcome: 'unresolved', text: 'Xin lỗi, tôi chưa tìm thấy thủ tục phù hợp.' });
}
