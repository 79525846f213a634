/**
 * How a citizen's message is read for retrieval, case by case: which words are function words, what framing is removed
 * at the edges and inside, and what analyzeText returns (tokens, bigrams, lexicon expansions and notes). Examples
 * written for this test, typed with and without diacritics.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzeText, isStopSyllable, stripFraming } from '../../src/text/analyze.js';
import { parseLanguage } from '../../src/text/language.js';
import { parseLexicon } from '../../src/text/lexicon.js';
import { hasDiacritics, syllables } from '../../src/text/normalize.js';

const one = (t: string) => syllables(t)[0]!;
/** What stripFraming keeps of a message, read with accents when it has them. */
const kept = (t: string) => stripFraming(syllables(t), hasDiacritics(t)).map((s) => s.text).join(' ');
const noLexicon = { entries: [], byFirst: new Map() };

describe('isStopSyllable', () => {
  it('function words are stop words, typed with or without accents', () => {
    expect(isStopSyllable(one('của'), true)).toBe(true);
    expect(isStopSyllable(one('cua'), false)).toBe(true);
    expect(isStopSyllable(one('không'), true)).toBe(true);
    expect(isStopSyllable(one('khong'), false)).toBe(true);
  });

  it('topic words are not', () => {
    expect(isStopSyllable(one('khai'), true)).toBe(false);
    expect(isStopSyllable(one('hộ'), true)).toBe(false);
    expect(isStopSyllable(one('chiếu'), false)).toBe(false);
  });

  it('an accented word is judged by its accents: "ở" and "bà" are function words, "bá" and "cán" are not', () => {
    expect(isStopSyllable(one('ở'), true)).toBe(true);
    expect(isStopSyllable(one('bà'), true)).toBe(true);
    expect(isStopSyllable(one('bá'), true)).toBe(false);
    // "can" without accents may be "cần" (a function word here); "cán" typed with its accent is not.
    expect(isStopSyllable(one('cán'), true)).toBe(false);
    expect(isStopSyllable(one('can'), false)).toBe(true);
  });

  it('a message read without accents uses the folded list, where ambiguous words are left out', () => {
    // "o" may be "ở" or "ô", "ba" may be "bà" or "ba" (three): kept as words.
    expect(isStopSyllable(one('o'), false)).toBe(false);
    expect(isStopSyllable(one('ba'), false)).toBe(false);
    // The accents of a syllable are not read when the message as a whole is read without them.
    expect(isStopSyllable(one('bà'), false)).toBe(false);
    expect(isStopSyllable(one('cán'), false)).toBe(true);
  });

  it('an unaccented syllable in an accented message is judged by the folded list', () => {
    expect(isStopSyllable(one('cua'), true)).toBe(true);
    expect(isStopSyllable(one('nhung'), true)).toBe(true);
    expect(isStopSyllable(one('giay'), true)).toBe(false);
  });

  it('a long number (a year, a code) is never a stop word, even in a language that lists it', () => {
    const L = parseLanguage(languageWithStops('2024 12345 12 là', 'la 2024 12345 12 b12345 12345b'));
    expect(isStopSyllable(one('12345'), false, L)).toBe(false);
    // Letters with the digits make it a word, judged by the list.
    expect(isStopSyllable(one('b12345'), false, L)).toBe(true);
    expect(isStopSyllable(one('12345b'), false, L)).toBe(true);
    expect(isStopSyllable(one('12'), false, L)).toBe(true);
    expect(isStopSyllable(one('2024'), false, L)).toBe(true);
    expect(isStopSyllable(one('là'), true, L)).toBe(true);
    expect(isStopSyllable(one('của'), true, L)).toBe(false);
  });
});

describe('stripFraming at the start of a message', () => {
  it('a greeting, with or without whom it addresses', () => {
    expect(kept('Xin chào, tôi cần đăng ký tạm trú')).toBe('tôi cần đăng ký tạm trú');
    expect(kept('chào anh, tôi cần đăng ký tạm trú')).toBe('tôi cần đăng ký tạm trú');
    expect(kept('chao ban, toi can dang ky tam tru')).toBe('toi can dang ky tam tru');
    expect(kept('Kính gửi quý cơ quan, tôi cần đăng ký tạm trú')).toBe('tôi cần đăng ký tạm trú');
  });

  it('a vocative "… ơi" and a particle after the greeting', () => {
    expect(kept('anh chị ơi, đăng ký tạm trú ở đâu')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('chào anh ạ, đăng ký tạm trú ở đâu')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('dạ thưa anh ạ, chị ơi cho em hỏi làm căn cước ở đâu')).toBe('làm căn cước ở đâu');
  });

  it('keeps peeling until nothing at the start frames the message', () => {
    expect(kept('Alo xin chào, đăng ký tạm trú ở đâu')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('anh ơi, chào anh, đăng ký tạm trú ở đâu')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('chào chị ạ, chị ơi đăng ký tạm trú ở đâu')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('Xin chào ạ, kính gửi quý cơ quan, đăng ký tạm trú ở đâu')).toBe('đăng ký tạm trú ở đâu');
  });

  it('an addressee without a greeting or "ơi" is a word of the question', () => {
    expect(kept('anh trai tôi muốn đăng ký kết hôn')).toBe('anh trai tôi muốn đăng ký kết hôn');
    expect(kept('bạn tôi bị mất căn cước')).toBe('bạn tôi bị mất căn cước');
  });

  it('a greeting word inside the message is left alone', () => {
    expect(kept('tôi muốn gửi lời chào')).toBe('tôi muốn gửi lời chào');
  });

  it('a message that is only framing keeps nothing', () => {
    expect(kept('xin chào')).toBe('');
    expect(kept('chào anh')).toBe('');
    expect(kept('thưa anh')).toBe('');
    expect(kept('anh ơi')).toBe('');
    expect(kept('ạ')).toBe('');
    expect(kept('cảm ơn')).toBe('');
    expect(kept('cảm ơn anh')).toBe('');
    expect(kept('cho hỏi')).toBe('');
  });
});

describe('stripFraming at the end of a message', () => {
  it('particles and closings, in any order, repeated', () => {
    expect(kept('đăng ký tạm trú ở đâu ạ')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('đăng ký tạm trú ở đâu, cảm ơn')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('đăng ký tạm trú ở đâu ạ, xin cảm ơn nhé')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('dang ky tam tru o dau a, cam on nhieu nha')).toBe('dang ky tam tru o dau');
  });

  it('an addressee at the end goes only with the closing before it', () => {
    expect(kept('đăng ký tạm trú ở đâu, cảm ơn luật sư')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('đăng ký tạm trú ở đâu, xin cảm ơn anh ạ')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('đăng ký tạm trú ở đâu ạ, cảm ơn luật sư')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('tôi muốn gửi hồ sơ cho luật sư')).toBe('tôi muốn gửi hồ sơ cho luật sư');
    expect(kept('đơn này nộp cho cán bộ')).toBe('đơn này nộp cho cán bộ');
  });

  it('question framing that runs on into the closing goes with it', () => {
    // "nhờ giải đáp" (asking) overlaps "giải đáp giúp" (closing): "nhờ" used to be left as a word of the question.
    expect(kept('làm căn cước ở đâu, nhờ giải đáp giúp')).toBe('làm căn cước ở đâu');
    expect(analyzeText('xin giay khai sinh o dau nho giai dap giup', noLexicon).tokens).toEqual(['giay', 'khai', 'sinh', 'o', 'dau']);
  });

  it('a closing word inside the message is left alone', () => {
    expect(kept('thủ tục hưởng chế độ trân trọng người có công')).toContain('trân trọng');
  });
});

describe('stripFraming inside a message', () => {
  it('question framing and cost/time phrases go wherever they stand', () => {
    expect(kept('đăng ký tạm trú, cho tôi hỏi, ở đâu')).toBe('đăng ký tạm trú ở đâu');
    expect(kept('xin hỏi đăng ký tạm trú có mất tiền không')).toBe('đăng ký tạm trú có không');
    expect(kept('lam ho chieu mat bao lau')).toBe('lam ho chieu');
  });

  it('a vocative goes wherever it stands, an addressee without "ơi" stays', () => {
    expect(kept('làm hộ chiếu anh ơi ở đâu')).toBe('làm hộ chiếu ở đâu');
    expect(kept('làm hộ chiếu ở đâu vậy anh ơi')).toBe('làm hộ chiếu ở đâu vậy');
    expect(kept('làm hộ chiếu cho anh ở đâu')).toBe('làm hộ chiếu cho anh ở đâu');
  });

  it('"mất" that is not about cost stays', () => {
    expect(kept('bị mất hộ chiếu thì làm sao')).toBe('bị mất hộ chiếu thì làm sao');
  });

  it('reads accents when the message has them: "chảo" is not "chào"', () => {
    expect(kept('chảo chống dính có cần giấy phép')).toBe('chảo chống dính có cần giấy phép');
    expect(kept('chao chong dinh co can giay phep')).toBe('chong dinh co can giay phep');
  });

  it('uses the language it is given', () => {
    const L = parseLanguage(languageWithStops('là', 'la'));
    const sy = syllables('kính chào quý cơ quan, cho hỏi gia hạn giấy phép ạ, trân trọng');
    expect(stripFraming(sy, true, L).map((s) => s.text).join(' ')).toBe('gia hạn giấy phép');
  });
});

describe('analyzeText', () => {
  it('normalises, folds and tells whether accents were typed', () => {
    const a = analyzeText('  Đăng  Ký Tạm Trú  ', noLexicon);
    expect(a.normalized).toBe('đăng ký tạm trú');
    expect(a.folded).toBe('dang ky tam tru');
    expect(a.accented).toBe(true);
    expect(analyzeText('Dang ky tam tru', noLexicon).accented).toBe(false);
  });

  it('tokens: the folded content words, without framing and function words', () => {
    const a = analyzeText('Chào anh, cho tôi hỏi con tôi muốn làm hộ chiếu ở đâu ạ', noLexicon);
    expect(a.syllables.map((s) => s.text)).toEqual(['con', 'tôi', 'muốn', 'làm', 'hộ', 'chiếu', 'ở', 'đâu']);
    expect(a.tokens).toEqual(['lam', 'ho', 'chieu', 'dau']);
  });

  it('bigrams: adjacent pairs of the content, except pairs of two function words', () => {
    const a = analyzeText('tôi muốn làm hộ chiếu ở đâu', noLexicon);
    expect(a.bigrams).toEqual(['muon_lam', 'lam_ho', 'ho_chieu', 'chieu_o', 'o_dau']);
    expect(analyzeText('cho hỏi', noLexicon).bigrams).toEqual([]);
    expect(analyzeText('hộ chiếu', noLexicon).bigrams).toEqual(['ho_chieu']);
  });

  it('expansions name the words as typed (normalised) and what they mean; notes are kept once, in order', () => {
    const lexicon = parseLexicon(
      [
        'entries:',
        '  - terms: [sổ hộ khẩu, hộ khẩu]',
        '    means: [cư trú, xác nhận thông tin cư trú]',
        '    note: Sổ hộ khẩu giấy không còn dùng.',
        '  - terms: [chứng minh thư, cmnd]',
        '    means: [căn cước]',
        '    note: CMND đã được thay bằng thẻ căn cước.',
        '  - terms: [sổ đỏ]',
        '    means: [giấy chứng nhận quyền sử dụng đất]',
      ].join('\n'),
      'test',
    );
    const a = analyzeText('Sổ  Hộ Khẩu mất rồi, CMND cũng mất, hộ khẩu làm lại thế nào? Cả sổ đỏ nữa', lexicon);
    expect(a.expansions).toEqual([
      { from: 'sổ hộ khẩu', to: ['cư trú', 'xác nhận thông tin cư trú'] },
      { from: 'cmnd', to: ['căn cước'] },
      { from: 'hộ khẩu', to: ['cư trú', 'xác nhận thông tin cư trú'] },
      { from: 'sổ đỏ', to: ['giấy chứng nhận quyền sử dụng đất'] },
    ]);
    expect(a.notes).toEqual(['Sổ hộ khẩu giấy không còn dùng.', 'CMND đã được thay bằng thẻ căn cước.']);
    expect(Object.isFrozen(a.expansions) && Object.isFrozen(a.expansions[0]) && Object.isFrozen(a.tokens) && Object.isFrozen(a.bigrams)).toBe(true);
    expect(Object.isFrozen(a.syllables)).toBe(true);
  });

  it('the lexicon is matched on the whole message, framing included', () => {
    const lexicon = parseLexicon('entries:\n  - terms: [cho hỏi]\n    means: [hỏi đáp]\n', 'test');
    const a = analyzeText('cho hỏi lệ phí', lexicon);
    expect(a.tokens).toEqual(['le', 'phi']);
    expect(a.expansions).toEqual([{ from: 'cho hỏi', to: ['hỏi đáp'] }]);
  });

  it('a message without lexicon words has none, and no notes', () => {
    const a = analyzeText('đăng ký khai sinh cho con', noLexicon);
    expect(a.expansions).toEqual([]);
    expect(a.notes).toEqual([]);
  });

  it('non-string input gives an empty analysis and is not kept', () => {
    const lexicon = parseLexicon('entries:\n  - terms: [sổ đỏ]\n    means: [đất]\n', 'test');
    const a = analyzeText(12345, lexicon);
    expect(a.normalized).toBe('12345');
    expect(a.tokens).toEqual(['12345']);
    expect(analyzeText(12345, lexicon)).not.toBe(a);
    expect(analyzeText(null, lexicon).syllables).toEqual([]);
  });

  it('the same text is read once per lexicon; another text is read anew', () => {
    const lexicon = parseLexicon('entries:\n  - terms: [sổ đỏ]\n    means: [đất]\n', 'test');
    const a = analyzeText('làm sổ đỏ', lexicon);
    expect(analyzeText('làm sổ đỏ', lexicon)).toBe(a);
    const b = analyzeText('làm sổ hồng', lexicon);
    expect(b).not.toBe(a);
    expect(b.expansions).toEqual([]);
    expect(analyzeText('làm sổ đỏ', lexicon)).toBe(a);
  });

  it('uses the shipped lexicon by default', () => {
    expect(analyzeText('sổ đỏ').expansions[0]!.to).toContain('giấy chứng nhận quyền sử dụng đất');
  });
});

describe('a broken shipped lexicon', () => {
  afterEach(() => {
    vi.doUnmock('../../src/text/lexicon.js');
    vi.resetModules();
  });

  it('does not fail a message: it is read without expansions', async () => {
    vi.resetModules();
    vi.doMock('../../src/text/lexicon.js', async (importOriginal) => ({
      ...(await importOriginal<typeof import('../../src/text/lexicon.js')>()),
      defaultLexicon: () => {
        throw new Error('lexicon.yaml: entries.0.means: Required');
      },
    }));
    const fresh = await import('../../src/text/analyze.js');
    const a = fresh.analyzeText('làm sổ đỏ mất bao lâu');
    expect(a.tokens).toEqual(['lam', 'so', 'do']);
    expect(a.expansions).toEqual([]);
    expect(a.notes).toEqual([]);
  });
});

/** A small complete language file with the given stop words. */
function languageWithStops(accented: string, folded: string): string {
  return [
    'greetings: [kính chào]',
    'addressees: [quý cơ quan]',
    'closings: [trân trọng]',
    'asking: [cho hỏi]',
    'askOnly: [mất bao lâu]',
    'particles: [ạ]',
    'actions: [gia hạn]',
    'coordinators: [và]',
    'stopWords:',
    `  accented: ${accented}`,
    `  folded: ${folded}`,
    'aspects:',
    ...['documents', 'deadline', 'fee', 'where', 'steps', 'conditions', 'result', 'legal', 'online'].map((a) => `  ${a}: [${a}]`),
    'intents:',
    ...['emergency', 'procedureWords', 'greeting', 'thanks', 'help', 'feedbackNegative', 'feedbackPositive', 'more', 'followStart', 'choicePrefix', 'question', 'follow', 'unfollow', 'handoff', 'handoffEnd'].map(
      (i) => `  ${i}: [${i}]`,
    ),
    '',
  ].join('\n');
}
