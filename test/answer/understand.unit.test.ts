import { describe, expect, it } from 'vitest';
import { aspects, detectAspects, detectFollowIntent, understand } from '../../src/answer/understand.js';

// Unit tests of the intent reader, one rule at a time and at the edges of its limits (how many words a reaction may
// have, how many stray words besides its cue). Every message was written for this file, with and without accents.
// The cue lists themselves are reviewed data (knowledge/language.yaml); these tests pin what the reader does with them.

const kind = (text: string, hasContext = true) => understand(text, hasContext).kind;

describe('understand: empty messages and the thumbs', () => {
  it.each(['', '   ', '\n\t'])('%j is empty, with nothing detected', (text) => {
    expect(understand(text, true)).toEqual({ kind: 'empty', aspects: [], followUp: false, folded: '', topic: [], dossierIntent: undefined });
  });

  it('invisible characters alone (zero-width space, soft hyphen) are empty too', () => {
    expect(understand('\u200B', true).kind).toBe('empty');
    expect(understand(' \u200B\u00AD ', true).kind).toBe('empty');
  });

  it('punctuation alone is not empty: it is a question with no topic', () => {
    expect(understand('?!', true)).toMatchObject({ kind: 'question', topic: [], aspects: [] });
  });

  it('a thumb up or down alone is feedback, with spaces around it too', () => {
    expect(kind('👍')).toBe('feedback_up');
    expect(kind('  👍 ')).toBe('feedback_up');
    expect(kind('👎')).toBe('feedback_down');
    expect(kind(' 👎\n')).toBe('feedback_down');
    // A thumb inside a sentence is not the whole reaction.
    expect(kind('👍 lệ phí bao nhiêu')).toBe('question');
  });
});

describe('understand: emergencies', () => {
  it.each(['cứu với', 'cuu voi', 'nhà tôi đang bốc cháy', 'có người ngất ở cổng phường', 'dang bi cuop o cho'])('%j is an emergency', (text) => {
    expect(understand(text).kind).toBe('emergency');
    expect(understand(text, true).kind).toBe('emergency');
  });

  it('an emergency word beside a procedure word is a question about the procedure', () => {
    expect(kind('cháy nhà rồi, giấy tờ bị mất hết thì làm sao')).toBe('question');
    expect(kind('có người bị tai nạn lao động, xin trợ cấp thế nào')).toBe('question');
    expect(kind('co nguoi bi tai nan, xin tro cap')).toBe('question');
  });

  it('an emergency comes before a choice, a greeting or feedback', () => {
    expect(kind('chào, cứu với')).toBe('emergency');
    expect(kind('sai rồi, cứu tôi')).toBe('emergency');
  });

  it('an accent the citizen typed must agree with the cue ("chạy" is not "cháy")', () => {
    expect(kind('cháy nhà')).toBe('emergency');
    expect(kind('chay nha')).toBe('emergency');
    expect(kind('chạy nhà')).toBe('question');
  });
});

describe('understand: a choice among the last options', () => {
  it.each([
    ['1', 1],
    ['9', 9],
    ['số 4', 4],
    ['so 4', 4],
    ['chọn 6', 6],
    ['lựa chọn 2', 2],
    ['mục 7 ạ', 7],
    ['thủ tục số 3', 3],
    ['cái 5 nhé', 5],
  ] as const)('%j is choice %i', (text, n) => {
    expect(understand(text, true)).toMatchObject({ kind: 'choice', choice: n });
  });

  it.each(['0', '10', '07', 'số 0', 'tôi muốn 2', '2 bản', 'chọn 2 3', 'x2'])('%j is not a choice', (text) => {
    const u = understand(text, true);
    expect(u.kind).not.toBe('choice');
    expect(u.choice).toBeUndefined();
  });
});

describe('understand: "xem thêm" and its kin ask for the whole record only as the whole message', () => {
  it.each(['xem thêm', 'xem them', 'tiếp', 'tiep tuc', 'xem đầy đủ'])('%j → more', (text) => {
    expect(kind(text)).toBe('more');
  });
  it.each(['xem thêm lệ phí', 'tiếp theo là gì', 'giấy tờ đầy đủ gồm những gì'])('%j → not more', (text) => {
    expect(kind(text)).not.toBe('more');
  });
});

describe('understand: negative feedback', () => {
  it.each(['sai rồi', 'sai roi', 'nhầm rồi', 'không liên quan', 'khong lien quan', 'trả lời sai'])('%j → feedback_down', (text) => {
    expect(kind(text)).toBe('feedback_down');
  });

  it('holds up to eight words; a ninth makes it a question', () => {
    expect(kind('không đúng, không phải cái này, sai rồi')).toBe('feedback_down');
    expect(kind('khong dung, khong phai cai nay, sai roi')).toBe('feedback_down');
    expect(kind('không đúng, không phải cái này, sai rồi mà')).toBe('question');
    expect(kind('khong dung, khong phai cai nay, sai roi ma')).toBe('question');
  });

  it('allows one stray word besides the cue, not two', () => {
    expect(understand('bot sai rồi', true)).toMatchObject({ kind: 'feedback_down', topic: ['bot'] });
    expect(understand('sai bét rồi', true)).toMatchObject({ kind: 'feedback_down', topic: [] });
    expect(understand('sai ngày sinh', true)).toMatchObject({ kind: 'question', topic: ['ngay', 'sinh'] });
    expect(kind('trả lời sai, tôi hỏi thủ tục khác')).toBe('question');
  });

  it('is no reaction when the message asks an aspect', () => {
    expect(understand('sai rồi, lệ phí bao nhiêu', true)).toMatchObject({ kind: 'question', aspects: ['fee'], topic: [] });
    expect(kind('sai rồi, nộp ở đâu')).toBe('question');
  });
});

describe('understand: thanks', () => {
  it.each(['cảm ơn', 'cam on', 'cảm ơn bạn nhiều', 'thanks', 'tks ad'])('%j → thanks', (text) => {
    expect(kind(text)).toBe('thanks');
  });

  it('with praise in it, thanks is positive feedback', () => {
    expect(kind('cảm ơn, hữu ích lắm')).toBe('feedback_up');
    expect(kind('cam on, dung roi')).toBe('feedback_up');
  });

  it('must open the message', () => {
    expect(kind('tôi cảm ơn')).toBe('question');
    expect(kind('toi cam on')).toBe('question');
  });

  it('holds up to ten words; an eleventh makes it a question', () => {
    expect(kind('cảm ơn bạn nhiều lắm, tôi hiểu rồi nhé ạ')).toBe('thanks');
    expect(kind('cam on ban nhieu lam, toi hieu roi nhe a')).toBe('thanks');
    expect(kind('cảm ơn bạn nhiều lắm, tôi đã hiểu rồi nhé ạ')).toBe('question');
  });

  it('allows two stray words, not three, and no aspect', () => {
    expect(understand('cảm ơn chị Lan Hương', true)).toMatchObject({ kind: 'thanks', topic: ['lan', 'huong'] });
    expect(understand('cảm ơn chị Lan Hương Giang', true)).toMatchObject({ kind: 'question', topic: ['lan', 'huong', 'giang'] });
    expect(kind('cảm ơn, còn lệ phí?')).toBe('question');
  });
});

describe('understand: positive feedback', () => {
  it.each(['đúng rồi', 'dung roi', 'chính xác', 'hay quá', 'hữu ích thật'])('%j → feedback_up', (text) => {
    expect(kind(text)).toBe('feedback_up');
  });

  it('holds up to six words; a seventh makes it a question', () => {
    expect(kind('đúng rồi, hay quá, rất tốt')).toBe('feedback_up');
    expect(kind('dung roi hay qua rat tot')).toBe('feedback_up');
    expect(kind('đúng rồi, hay quá, rất tốt ạ')).toBe('question');
  });

  it('allows one stray word, not two, and no aspect', () => {
    expect(kind('tốt quá trời luôn')).toBe('feedback_up');
    expect(kind('đúng rồi anh Nam')).toBe('question');
    expect(kind('đúng rồi, lệ phí bao nhiêu')).toBe('question');
  });
});

describe('understand: greetings', () => {
  it.each(['chào', 'xin chào', 'chào bạn', 'chao ban', 'alo alo', 'a lô', 'xin chào bạn ơi', 'hello bot'])('%j → greeting', (text) => {
    expect(understand(text, false).kind).toBe('greeting');
  });

  it('must open the message, and name at most one thing of its own', () => {
    expect(kind('alo có ai không')).toBe('greeting');
    expect(kind('chào buổi sáng nhé')).toBe('question');
    expect(kind('bạn ơi xin chào')).not.toBe('greeting');
  });

  it('holds up to six words and no aspect', () => {
    expect(kind('xin chào bạn ơi, mình đây')).toBe('greeting');
    expect(kind('xin chao ban oi, minh day')).toBe('greeting');
    expect(kind('xin chào bạn ơi, mình đây nhé')).toBe('question');
    expect(kind('chào, lệ phí bao nhiêu')).toBe('question');
  });
});

describe('understand: help', () => {
  it.each(['help', 'trợ giúp', 'tro giup', 'bạn làm được những gì vậy', 'bot giúp được gì'])('%j → help', (text) => {
    expect(kind(text, false)).toBe('help');
  });

  it('may name an aspect (it asks about using the bot), but one stray word at most', () => {
    expect(understand('hướng dẫn sử dụng bot', true)).toMatchObject({ kind: 'help', aspects: ['steps'] });
    expect(kind('help hộ chiếu')).toBe('question');
  });

  it('holds up to eight words and must open the message', () => {
    expect(kind('bot giúp được gì cho tôi vậy ạ')).toBe('help');
    expect(kind('bot giúp được gì cho tôi vậy hả ạ')).toBe('question');
    expect(kind('giúp tôi với help')).toBe('question');
  });
});

describe('understand: the level a citizen switches to', () => {
  it.each([
    ['thế còn ở cấp xã?', 'xa'],
    ['con o cap xa thi sao', 'xa'],
    ['ở cấp tỉnh', 'tinh'],
    ['cap tinh', 'tinh'],
    ['còn cấp trung ương thì sao', 'trung_uong'],
  ] as const)('%j → %s', (text, level) => {
    expect(understand(text, true)).toMatchObject({ kind: 'question', level, followUp: true });
    expect(understand(text, false)).toMatchObject({ level, followUp: false });
  });

  it.each(['cấp lại hộ chiếu', 'thị xã Sơn Tây', 'cấp xãx', 'cấp tỉnhh', 'xã nào cấp'])('%j names no level', (text) => {
    expect(understand(text, true).level).toBeUndefined();
  });
});

describe('understand: follow-ups to the last answer', () => {
  it('a message that starts like a follow-up refers to the last procedure, when there is one', () => {
    expect(understand('còn hộ chiếu thì sao', true)).toMatchObject({ followUp: true, topic: ['ho', 'chieu'] });
    expect(understand('còn hộ chiếu thì sao', false).followUp).toBe(false);
    expect(understand('vay con ho chieu', true).followUp).toBe(true);
  });

  it('so does a message that asks only aspects, or only a level', () => {
    expect(understand('lệ phí bao nhiêu', true)).toMatchObject({ followUp: true, aspects: ['fee'], topic: [] });
    expect(understand('ở cấp tỉnh', true).followUp).toBe(true);
  });

  it('a message with none of these, or with the follow-up word later on, is a new question', () => {
    expect(understand('hộ chiếu', true).followUp).toBe(false);
    expect(understand('hộ chiếu vậy', true).followUp).toBe(false);
    expect(understand('làm hộ chiếu thì sao', true).followUp).toBe(false);
  });

  it('up to twelve words; longer messages are new questions', () => {
    expect(understand('còn lệ phí cấp lại thẻ căn cước cho con bao nhiêu', true).followUp).toBe(true);
    expect(understand('còn lệ phí cấp lại thẻ căn cước cho con tôi bao nhiêu', true).followUp).toBe(false);
    expect(understand('con le phi cap lai the can cuoc cho con bao nhieu', true).followUp).toBe(true);
    expect(understand('con le phi cap lai the can cuoc cho con toi bao nhieu', true).followUp).toBe(false);
  });

  it('is false without context whatever the message, and false for the other kinds', () => {
    expect(understand('còn lệ phí thì sao?').followUp).toBe(false);
    expect(understand('sai rồi', true).followUp).toBe(false);
    expect(understand('3', true).followUp).toBe(false);
  });
});

describe('understand: the topic and the folded text', () => {
  it('the folded text is lower case, without accents, đ as d', () => {
    expect(understand('Đăng Ký  Kết Hôn ở ĐÂU?').folded).toBe('dang ky ket hon o dau?');
  });

  it('cues of every kind and function words are not the topic', () => {
    expect(understand('giấy đăng ký kết hôn cần giấy tờ gì, nộp ở đâu').topic).toEqual(['giay', 'dang', 'ky', 'ket', 'hon']);
    expect(understand('cảm ơn, còn hộ chiếu thì sao', true).topic).toEqual(['ho', 'chieu']);
    expect(understand('sai rồi, tôi hỏi hộ chiếu', true).topic).toEqual(['ho', 'chieu']);
    expect(understand('theo dõi hồ sơ HS-123456 cho tôi').topic).toEqual(['hs', '123456']);
    expect(understand('xin chào, cho tôi hỏi thủ tục khai tử').topic).toEqual(['thu', 'tuc', 'khai', 'tu']);
  });

  it('a typed accent keeps a word from being read as a function word with another tone', () => {
    // "có" is a function word; "cỏ" (grass) is not.
    expect(understand('giấy phép cắt cỏ').topic).toContain('co');
    expect(understand('giấy phép có cắt').topic).not.toContain('co');
  });
});

describe('understand: what to do with a dossier', () => {
  it('carries the follow intent on every kind of message', () => {
    expect(understand('theo dõi hồ sơ HS-123456 giúp tôi').dossierIntent).toBe('follow');
    expect(understand('ngừng theo dõi hồ sơ HS-123456').dossierIntent).toBe('unfollow');
    expect(understand('huy theo doi').dossierIntent).toBe('unfollow');
    expect(understand('hồ sơ HS-123456 đến đâu rồi').dossierIntent).toBeUndefined();
  });
});

describe('detectFollowIntent', () => {
  it.each([
    ['theo dõi giúp tôi hồ sơ này', 'follow'],
    ['khi nào xong thì báo cho tôi', 'follow'],
    ['thong bao cho toi khi co ket qua', 'follow'],
    ['bỏ theo dõi hồ sơ đó đi', 'unfollow'],
    ['tat theo doi', 'unfollow'],
    ['tôi không theo dõi nữa', 'unfollow'],
  ] as const)('%j → %s', (text, intent) => {
    expect(detectFollowIntent(text)).toBe(intent);
  });

  it('stopping wins over following when both are said', () => {
    expect(detectFollowIntent('thôi, đừng báo cho tôi nữa, hủy theo dõi')).toBe('unfollow');
  });

  it.each(['', 'theo', 'dõi hồ sơ', 'báo cáo thuế'])('%j → nothing', (text) => {
    expect(detectFollowIntent(text)).toBeUndefined();
  });
});

describe('detectAspects', () => {
  it('lists aspects in the fixed order, whatever the order asked', () => {
    expect(aspects).toEqual(['documents', 'deadline', 'fee', 'where', 'steps', 'conditions', 'result', 'legal', 'online']);
    expect(detectAspects('nộp ở đâu, lệ phí bao nhiêu, cần giấy tờ gì')).toEqual(['documents', 'fee', 'where']);
    expect(detectAspects('nop o dau, le phi bao nhieu, can giay to gi')).toEqual(['documents', 'fee', 'where']);
  });

  it.each([
    ['căn cứ pháp lý là văn bản nào', ['legal']],
    ['trình tự các bước ra sao', ['steps']],
    ['nop qua mang duoc khong', ['conditions', 'online']],
    ['', []],
    ['xin chào', []],
  ] as const)('%j → %j', (text, expected) => {
    expect(detectAspects(text)).toEqual(expected);
  });

  it('understand reports the same aspects', () => {
    expect(understand('mất bao lâu, nộp ở đâu').aspects).toEqual(detectAspects('mất bao lâu, nộp ở đâu'));
  });
});
