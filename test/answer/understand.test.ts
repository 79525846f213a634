import { describe, expect, it } from 'vitest';
import { detectAspects, detectFollowIntent, understand } from '../../src/answer/understand.js';
import { namesAnother } from '../../src/answer/service.js';
import { procedureSchema } from '../../src/catalog/schema.js';

// Every example here was written for this test; none comes from the evaluation questions.

describe('understand: a cue alone does not decide what a message is', () => {
  it('a short reaction is feedback; a message that names its own topic is a question', () => {
    expect(understand('sai rồi', true).kind).toBe('feedback_down');
    expect(understand('khong dung', true).kind).toBe('feedback_down');
    expect(understand('không phải thủ tục này', true).kind).toBe('feedback_down');
    expect(understand('giấy đăng ký kết hôn bị ghi sai quê quán của vợ', true).kind).toBe('question');
    expect(understand('hộ chiếu in sai ngày sinh thì làm sao', true).kind).toBe('question');
    // A word right after "sai" / "không đúng" is what is wrong, even in a message too short to name a procedure.
    expect(understand('sai tên con tôi', true).kind).toBe('question');
    expect(understand('khong dung ngay sinh', true).kind).toBe('question');
    expect(understand('sai rồi bạn ơi', true).kind).toBe('feedback_down');
    expect(understand('nhầm rồi, không phải', true).kind).toBe('feedback_down');
  });

  it('an emergency is something happening now, read with the accents the citizen typed', () => {
    expect(understand('nhà hàng xóm đang cháy to lắm').kind).toBe('emergency');
    expect(understand('cứu với, có người bị tai nạn ở ngã tư').kind).toBe('emergency');
    expect(understand('cong dich vu dang chay rat cham').kind).toBe('question');
    expect(understand('ứng dụng VNeID đang chạy chậm quá').kind).toBe('question');
    // Fire words in a question about a procedure are not an emergency.
    expect(understand('thủ tục thẩm duyệt phòng cháy chữa cháy cho nhà xưởng').kind).toBe('question');
  });

  it('"mất" next to money or time asks about cost or duration, and is not a topic word', () => {
    const cost = understand('đăng ký tạm trú có mất tiền không');
    expect(cost.aspects).toContain('fee');
    expect(cost.topic).not.toContain('mat');
    const time = understand('cap lai ho chieu mat bao lau');
    expect(time.aspects).toContain('deadline');
    expect(time.topic).not.toContain('mat');
    // Losing something stays a topic.
    expect(understand('tôi làm mất thẻ bảo hiểm y tế').topic).toContain('mat');
  });

  it('a number alone, or after a word of choosing, is a choice', () => {
    expect(understand('3')).toMatchObject({ kind: 'choice', choice: 3 });
    expect(understand('chọn 2')).toMatchObject({ kind: 'choice', choice: 2 });
    expect(understand('số 1 nhé')).toMatchObject({ kind: 'choice', choice: 1 });
    expect(understand('2 bản sao có được không').kind).toBe('question');
    // Several choosing words, and who chooses, before the number.
    expect(understand('chọn số 4')).toMatchObject({ kind: 'choice', choice: 4 });
    expect(understand('tôi chọn 2')).toMatchObject({ kind: 'choice', choice: 2 });
    expect(understand('em chon phuong an 3')).toMatchObject({ kind: 'choice', choice: 3 });
    expect(understand('cho tôi số 1 ạ')).toMatchObject({ kind: 'choice', choice: 1 });
    // A number after other words is not a choice.
    expect(understand('tôi có 2').kind).not.toBe('choice');
  });

  it('a number in words after a word of choosing is a choice; a number word alone or inside a sentence is not', () => {
    expect(understand('cái thứ hai')).toMatchObject({ kind: 'choice', choice: 2 });
    expect(understand('chọn cái đầu tiên ạ')).toMatchObject({ kind: 'choice', choice: 1 });
    expect(understand('số ba')).toMatchObject({ kind: 'choice', choice: 3 });
    expect(understand('em chon cai thu tu')).toMatchObject({ kind: 'choice', choice: 4 });
    expect(understand('thứ nhất')).toMatchObject({ kind: 'choice', choice: 1 });
    expect(understand('ba').kind).not.toBe('choice');
    expect(understand('thứ hai tôi đến nộp được không').kind).not.toBe('choice');
    expect(understand('tôi có hai con').kind).not.toBe('choice');
    expect(understand('con tôi học lớp 5').kind).not.toBe('choice');
  });

  it('greetings, thanks and help are whole messages, not words inside a question', () => {
    expect(understand('chào bạn').kind).toBe('greeting');
    expect(understand('xin chào, tôi cần làm lại thẻ căn cước').kind).toBe('question');
    expect(understand('cảm ơn nhé').kind).toBe('thanks');
    expect(understand('cảm ơn, vậy lệ phí bao nhiêu?', true).kind).toBe('question');
    expect(understand('bạn giúp được gì').kind).toBe('help');
  });

  it('"xem thêm" is a request for the whole record only when it is the whole message', () => {
    expect(understand('xem thêm').kind).toBe('more');
    expect(understand('chi tiết thủ tục nhận nuôi con nuôi').kind).toBe('question');
  });

  it('reads several aspects at once, with or without accents', () => {
    expect(detectAspects('cần giấy tờ gì, mất bao lâu và nộp ở đâu')).toEqual(['documents', 'deadline', 'where']);
    expect(detectAspects('can giay to gi, mat bao lau va nop o dau')).toEqual(['documents', 'deadline', 'where']);
    expect(detectAspects('có thể làm hộ cho bố mẹ không')).toContain('conditions');
  });

  it('a follow-up names no topic of its own; a new question does', () => {
    expect(understand('còn lệ phí thì sao?', true)).toMatchObject({ followUp: true, topic: [] });
    expect(understand('vậy nộp ở đâu', true).followUp).toBe(true);
    expect(understand('vậy nộp ở đâu', false).followUp).toBe(false);
    const marriage = procedureSchema.parse({ code: 'T.1', name: 'Đăng ký kết hôn', field: 'Hộ tịch' });
    expect(namesAnother(understand('mở cửa hàng tạp hóa đăng ký ở đâu', true).topic, marriage)).toBe(true);
    expect(namesAnother(understand('kết hôn thì nộp ở đâu', true).topic, marriage)).toBe(false);
    expect(namesAnother(understand('còn lệ phí?', true).topic, marriage)).toBe(false);
  });
});

describe('detectFollowIntent', () => {
  it.each([
    ['theo dõi hồ sơ AB12.34-20260101-0001 giúp tôi', 'follow'],
    ['theo doi ho so nay', 'follow'],
    ['ngừng theo dõi hồ sơ AB12.34-20260101-0001', 'unfollow'],
    ['dung theo doi nua', 'unfollow'],
    ['thôi theo dõi', 'unfollow'],
    ['hủy theo dõi', 'unfollow'],
    ['không theo dõi nữa', 'unfollow'],
  ] as const)('%j → %s', (text, intent) => {
    expect(detectFollowIntent(text)).toBe(intent);
  });
  it.each(['hồ sơ của tôi đến đâu rồi', 'theodolite', 'đăng ký kết hôn'])('%j → nothing', (text) => {
    expect(detectFollowIntent(text)).toBeUndefined();
  });
});
