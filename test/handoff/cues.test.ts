/**
 * Asking for a person and ending the conversation with one, read from the language data (examples written for this
 * test, with and without accents).
 */
import { describe, expect, it } from 'vitest';
import { asksForPerson, endsHandoff } from '../../src/handoff/cues.js';

describe('asking for a person', () => {
  it.each([
    'Tôi muốn gặp cán bộ',
    'cho tôi hỏi nhân viên một chút',
    'có thể nói chuyện với người thật không',
    'chuyen cho can bo giup em',
    'em cần cán bộ hỗ trợ ạ',
    'kết nối với nhân viên trực giúp tôi',
    'Anh chị ơi cho em gặp trực tiếp cán bộ',
  ])('reads "%s" as a request for an officer', (text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  it.each([
    // A topic, not a request: officers as the subject of a procedure.
    'chế độ cán bộ nghỉ hưu',
    'cán bộ tư pháp xã ký giấy khai sinh mất mấy ngày',
    // Meeting someone else.
    'đi gặp người thân ở nước ngoài cần giấy tờ gì',
    // A long story that mentions meeting an officer is a question about what to do.
    'hôm trước tôi lên xã gặp cán bộ địa chính nhưng họ bảo hồ sơ thiếu bản đo đạc vậy giờ tôi phải bổ sung những gì',
    '',
  ])('does not read "%s" as one', (text) => {
    expect(asksForPerson(text)).toBe(false);
  });
});

describe('ending the conversation with an officer', () => {
  it.each(['kết thúc', 'Kết thúc ạ', 'ket thuc nhe', 'quay lại bot', 'thoát'])('"%s" ends it', (text) => {
    expect(endsHandoff(text)).toBe(true);
  });
  it.each(['khi nào hồ sơ kết thúc xử lý', 'chưa kết thúc được à', 'tôi muốn thoát khỏi hộ nghèo'])('"%s" is text for the officer', (text) => {
    expect(endsHandoff(text)).toBe(false);
  });
});
