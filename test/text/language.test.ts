import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/text/analyze.js';
import { compilePhrases, coordinatedQuestions, defaultLanguage, findPhrases, hasPhrase, loadLanguage, parseLanguage } from '../../src/text/language.js';
import { syllables } from '../../src/text/normalize.js';
import { isAppError } from '../../src/errors.js';

// Examples written for this test; none comes from the evaluation questions.
const words = (t: string) => analyzeText(t).syllables.map((s) => s.text).join(' ');

describe('language layer: framing is removed at the edges of a message, never inside it', () => {
  it('greetings with whom they address go at the start, closings at the end', () => {
    expect(words('Kính gửi quý cơ quan, con tôi cần làm hộ chiếu. Trân trọng cảm ơn!')).toBe('con tôi cần làm hộ chiếu');
    expect(words('chào anh chị ạ, đăng ký tạm trú cần gì vậy, cảm ơn anh chị nhiều nhé')).toBe('đăng ký tạm trú cần gì vậy');
  });

  it('keeps a profession or a person named inside the question', () => {
    expect(words('điều kiện hành nghề luật sư là gì')).toContain('luật sư');
    expect(words('chị gái tôi muốn đổi tên cho con')).toContain('chị gái');
    expect(analyzeText('thu tuc cap chung chi hanh nghe luat su').tokens).toEqual(expect.arrayContaining(['luat', 'su']));
  });

  it('question framing and vocatives go wherever they are', () => {
    expect(words('em ơi cho tôi hỏi làm lại bằng lái ở đâu')).toBe('làm lại bằng lái ở đâu');
    expect(words('làm lại bằng lái ở đâu, xin cho biết')).toBe('làm lại bằng lái ở đâu');
  });

  it('a closing that asks for advice may name whom it asks', () => {
    expect(words('đất của ông tôi để lại chưa có sổ, mong quý cơ quan giải đáp')).toBe('đất của ông tôi để lại chưa có sổ');
  });
});

describe('phrase matching', () => {
  const set = compilePhrases(['đang cháy', 'có thể … không', 'phí']);
  const has = (t: string) => hasPhrase(set, syllables(t), /[^\x00-\x7f]/.test(t));

  it('a typed accent must agree; an untyped one is accepted', () => {
    expect(has('nhà đang cháy')).toBe(true);
    expect(has('máy đang chạy')).toBe(false);
    expect(has('may dang chay')).toBe(true);
  });

  it('a gap takes up to six syllables', () => {
    expect(has('có thể nộp qua bưu điện không')).toBe(true);
    expect(has('có thể nộp hồ sơ qua đường bưu điện được hay không')).toBe(false);
    expect(findPhrases(set, syllables('có thể làm không'), true)).toEqual([{ phrase: 'có thể … không', start: 0, end: 4 }]);
  });

  it('matches whole syllables only', () => {
    expect(has('phía trước')).toBe(false);
    expect(has('lệ phí')).toBe(true);
  });
});

describe('language data file', () => {
  it('the shipped file loads, every class is non-empty', () => {
    const L = loadLanguage();
    expect(L.greetings.size && L.closings.size && L.asking.size && L.stopFolded.size).toBeGreaterThan(0);
    expect(Object.values(L.aspects).every((s) => s.size > 0)).toBe(true);
    expect(defaultLanguage()).toBeDefined();
  });

  it('a broken file fails with the field that is wrong', () => {
    const err = (() => {
      try {
        parseLanguage('greetings: [chào]\naddressees: []\n', 'test.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(isAppError(err) && err.code).toBe('catalog:invalid');
    expect((err as Error).message).toMatch(/test\.yaml: addressees/);
    expect(() => parseLanguage(': :\n  - [', 'bad.yaml')).toThrow(/bad\.yaml: not valid YAML/);
  });
});

describe('coordinatedQuestions', () => {
  it('splits a short message joining two things into two questions that keep the rest', () => {
    expect(coordinatedQuestions('bị rơi mất hộ chiếu và thẻ bảo hiểm y tế')).toEqual(['bị rơi mất hộ chiếu', 'bị rơi mất thẻ bảo hiểm y tế']);
    expect(coordinatedQuestions('xin cấp lại sổ đỏ hoặc sổ hồng')).toEqual(['xin cấp lại sổ đỏ', 'xin cấp lại sổ hồng']);
  });

  it('leaves alone a message without a join, a join at an edge, and a long story', () => {
    expect(coordinatedQuestions('đăng ký tạm trú ở đâu')).toBeUndefined();
    expect(coordinatedQuestions('và lệ phí')).toBeUndefined();
    expect(coordinatedQuestions('năm ngoái tôi chuyển nhà về huyện bên cạnh sống cùng bố mẹ già, nay con tôi sắp vào lớp một nên tôi muốn hỏi làm thủ tục nhập học')).toBeUndefined();
  });
});

