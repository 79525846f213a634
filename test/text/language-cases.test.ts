/**
 * The phrase matching of the language layer, case by case: accents, gaps, longest matches, phrases ending at a point,
 * variant actions, coordinated questions, and loading the data. Examples written for this test, in natural Vietnamese
 * typed with and without diacritics; the phrase lists are the shipped knowledge/language.yaml or small lists made here.
 */
import { describe, expect, it } from 'vitest';
import {
  actionsDisagree,
  actionsIn,
  compilePhrases,
  coordinatedQuestions,
  defaultLanguage,
  defaultLanguagePath,
  findPhrases,
  hasPhrase,
  isWholePhrase,
  loadLanguage,
  matchAt,
  matchEndingAt,
  parseLanguage,
  phraseMask,
  sameSyllable,
} from '../../src/text/language.js';
import { hasDiacritics, syllables } from '../../src/text/normalize.js';

const sy = (t: string) => syllables(t);
const acc = (t: string) => hasDiacritics(t);
const one = (t: string) => syllables(t)[0]!;

describe('sameSyllable', () => {
  it('different letters never agree, whatever the accents', () => {
    expect(sameSyllable(one('phí'), one('phía'), true)).toBe(false);
    expect(sameSyllable(one('phi'), one('phía'), false)).toBe(false);
  });

  it('a typed accent must agree when the text is read with accents', () => {
    expect(sameSyllable(one('cháy'), one('cháy'), true)).toBe(true);
    expect(sameSyllable(one('chạy'), one('cháy'), true)).toBe(false);
    // Read without accents (the message had none), any tone agrees.
    expect(sameSyllable(one('chạy'), one('cháy'), false)).toBe(true);
  });

  it('a syllable typed without its accent is accepted for any tone', () => {
    expect(sameSyllable(one('chay'), one('cháy'), true)).toBe(true);
    expect(sameSyllable(one('ho'), one('hộ'), true)).toBe(true);
  });

  it('hoà and hòa (two tone placements) are the same syllable', () => {
    expect(sameSyllable(one('hoà'), one('hòa'), true)).toBe(true);
  });
});

describe('compilePhrases', () => {
  it('indexes by the first folded syllable and counts the phrases it kept', () => {
    const set = compilePhrases(['Đăng ký', 'đổi', 'cảm ơn']);
    expect(set.size).toBe(3);
    expect([...set.byFirst.keys()].sort()).toEqual(['cam', 'dang', 'doi']);
  });

  it('skips phrases with no syllable (a lone gap, punctuation)', () => {
    const set = compilePhrases(['…', '...', '?!', 'lệ phí']);
    expect(set.size).toBe(1);
    expect([...set.byFirst.keys()]).toEqual(['le']);
  });

  it('a leading gap is dropped: the phrase starts at its first syllable', () => {
    const set = compilePhrases(['… không']);
    expect(set.size).toBe(1);
    expect(findPhrases(set, sy('được không'), true)).toEqual([{ phrase: '… không', start: 1, end: 2 }]);
  });

  it('"..." is a gap as "…" is', () => {
    const set = compilePhrases(['có thể ... không']);
    expect(hasPhrase(set, sy('có thể nộp bản sao không'), true)).toBe(true);
    expect(hasPhrase(set, sy('có thể nộp bản sao'), true)).toBe(false);
  });

  it('keeps each bucket longest first, counting the syllables of every part of a gapped phrase', () => {
    const set = compilePhrases(['cảm ơn', 'cảm ơn … nhiều', 'cảm ơn bạn nhiều nhé', 'cảm ơn nhiều']);
    expect(set.byFirst.get('cam')!.map((p) => p.text)).toEqual(['cảm ơn bạn nhiều nhé', 'cảm ơn … nhiều', 'cảm ơn nhiều', 'cảm ơn']);
    expect(set.byFirst.get('cam')!.map((p) => p.length)).toEqual([5, 3, 3, 2]);
  });
});

describe('matchAt and findPhrases', () => {
  const set = compilePhrases(['thủ tục', 'tục lệ', 'lệ phí', 'có thể … không', 'có thể nộp … không']);

  it('nothing matches past the end of the text or at a position without a phrase', () => {
    expect(matchAt(set, sy('thủ tục'), 2, true)).toBeUndefined();
    expect(matchAt(set, sy('nộp thủ tục'), 0, true)).toBeUndefined();
    expect(matchAt(set, sy('thủ'), 0, true)).toBeUndefined();
  });

  it('a phrase may end exactly at the end of the text', () => {
    expect(matchAt(set, sy('nộp lệ phí'), 1, true)).toEqual({ phrase: 'lệ phí', start: 1, end: 3 });
    expect(hasPhrase(set, sy('hỏi về lệ phí'), true)).toBe(true);
  });

  it('finds matches left to right without overlap', () => {
    expect(findPhrases(set, sy('thủ tục lệ phí'), true)).toEqual([
      { phrase: 'thủ tục', start: 0, end: 2 },
      { phrase: 'lệ phí', start: 2, end: 4 },
    ]);
    expect(findPhrases(set, sy('hỏi thủ tục lệ làng'), true)).toEqual([{ phrase: 'thủ tục', start: 1, end: 3 }]);
    expect(findPhrases(set, sy('xin chào'), true)).toEqual([]);
  });

  it('of two phrases from one position, the one that reaches further wins', () => {
    expect(matchAt(set, sy('có thể nộp online không'), 0, true)).toEqual({ phrase: 'có thể nộp … không', start: 0, end: 5 });
    expect(matchAt(set, sy('có thể làm online không'), 0, true)).toEqual({ phrase: 'có thể … không', start: 0, end: 5 });
  });

  it('a gapped phrase that reaches further beats one with more syllables', () => {
    const two = compilePhrases(['có thể nộp online', 'có thể … không']);
    expect(matchAt(two, sy('có thể nộp online không'), 0, true)).toEqual({ phrase: 'có thể … không', start: 0, end: 5 });
  });

  it('of two phrases reaching equally far, the longer one (the first in its bucket) is named', () => {
    const twins = compilePhrases(['có thể … không', 'có thể nộp không']);
    expect(matchAt(twins, sy('có thể nộp không'), 0, true)?.phrase).toBe('có thể nộp không');
  });

  it('a gap may be empty, and takes the fewest syllables that let the phrase match', () => {
    expect(matchAt(set, sy('có thể không'), 0, true)).toEqual({ phrase: 'có thể … không', start: 0, end: 3 });
    expect(matchAt(set, sy('có thể làm không, không thì thôi'), 0, true)?.end).toBe(4);
  });

  it('a gap holds at most six syllables', () => {
    const six = 'có thể nộp hồ sơ qua bưu điện không';
    const seven = 'có thể nộp hồ sơ qua đường bưu điện không';
    expect(matchAt(compilePhrases(['có thể … không']), sy(six), 0, true)?.end).toBe(9);
    expect(matchAt(compilePhrases(['có thể … không']), sy(seven), 0, true)).toBeUndefined();
  });

  it('the part after a gap must be there in full', () => {
    const set2 = compilePhrases(['mong … giải đáp']);
    expect(hasPhrase(set2, sy('mong quý cơ quan giải'), true)).toBe(false);
    expect(hasPhrase(set2, sy('mong quý cơ quan giải đáp'), true)).toBe(true);
    expect(hasPhrase(set2, sy('mong quy co quan giai dap'), false)).toBe(true);
    // Typed accents after the gap must agree too.
    expect(hasPhrase(set2, sy('mong quý cơ quan giải đập'), true)).toBe(false);
  });

  it('accents on the text decide only when the text is read with accents', () => {
    const fire = compilePhrases(['nhà … đang cháy']);
    expect(hasPhrase(fire, sy('nhà tôi đang cháy'), true)).toBe(true);
    expect(hasPhrase(fire, sy('nhà máy đang chạy'), true)).toBe(false);
    expect(hasPhrase(fire, sy('nhà máy đang chạy'), false)).toBe(true);
  });
});

describe('phraseMask', () => {
  it('marks the syllables covered by a phrase of any set, and only those', () => {
    const fee = compilePhrases(['lệ phí']);
    const time = compilePhrases(['bao lâu']);
    expect([...phraseMask([fee, time], sy('lệ phí bao nhiêu và làm bao lâu'), true)]).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
    expect([...phraseMask([fee], sy('le phi bao nhieu'), false)]).toEqual([1, 1, 0, 0]);
    expect([...phraseMask([], sy('lệ phí'), true)]).toEqual([0, 0]);
  });
});

describe('isWholePhrase', () => {
  const thanks = compilePhrases(['cảm ơn', 'cảm ơn nhiều']);

  it('is true only when one phrase covers the whole text', () => {
    expect(isWholePhrase(thanks, sy('cảm ơn'), true)).toBe(true);
    expect(isWholePhrase(thanks, sy('cam on nhieu'), false)).toBe(true);
    expect(isWholePhrase(thanks, sy('cảm ơn, cho hỏi thêm'), true)).toBe(false);
    expect(isWholePhrase(thanks, sy('vâng cảm ơn'), true)).toBe(false);
    expect(isWholePhrase(thanks, [], true)).toBe(false);
  });
});

describe('matchEndingAt', () => {
  const closings = compilePhrases(['cảm ơn', 'xin cảm ơn', 'cảm ơn nhiều']);

  it('the longest phrase ending exactly there: its start', () => {
    expect(matchEndingAt(closings, sy('hỏi vậy thôi xin cảm ơn'), 6, true)).toBe(3);
    expect(matchEndingAt(closings, sy('xin cam on'), 3, false)).toBe(0);
  });

  it('a shorter phrase from the same start ends there even when a longer one goes on', () => {
    // "cảm ơn nhiều" starts at 1 too, but ends at 4.
    expect(matchEndingAt(closings, sy('vâng cảm ơn nhiều'), 3, true)).toBe(1);
  });

  it('-1 when no phrase ends there', () => {
    expect(matchEndingAt(closings, sy("cảm ơn nhiều"), 2, true)).toBe(0);
    expect(matchEndingAt(closings, sy('cảm ơn anh'), 3, true)).toBe(-1);
    expect(matchEndingAt(closings, sy('đăng ký tạm trú'), 4, true)).toBe(-1);
    expect(matchEndingAt(closings, sy('cảm ơn'), 0, true)).toBe(-1);
  });

  it('looks back far enough in a long message', () => {
    const long = 'tôi đã hỏi nhiều nơi mà chưa ai trả lời rõ ràng về việc này nên xin cảm ơn';
    const s = sy(long);
    expect(matchEndingAt(closings, s, s.length, true)).toBe(s.length - 3);
  });
});

describe('actionsIn', () => {
  it('lists the variant actions named, folded, in order', () => {
    expect(actionsIn(sy('xin cấp lại giấy phép rồi gia hạn luôn'), true)).toEqual(['cap lai', 'gia han']);
    expect(actionsIn(sy('xoa dang ky thuong tru'), false)).toEqual(['xoa']);
    expect(actionsIn(sy('trình báo mất hộ chiếu'), true)).toEqual(['trinh bao mat']);
  });

  it('the plain forms are not variants', () => {
    expect(actionsIn(sy('đăng ký kết hôn'), true)).toEqual([]);
    expect(actionsIn(sy('cấp giấy phép lái xe'), true)).toEqual([]);
  });

  it('uses the language it is given', () => {
    const L = parseLanguage(languageYaml({ actions: '[làm lại]' }));
    expect(actionsIn(sy('làm lại bằng lái rồi gia hạn'), true, L)).toEqual(['lam lai']);
  });
});

describe('actionsDisagree', () => {
  it('a plain question disagrees only with a variant', () => {
    expect(actionsDisagree([], [])).toBe(false);
    expect(actionsDisagree([], ['cap lai'])).toBe(true);
  });

  it('a variant asked agrees with the same action or one that ends with it, either way round', () => {
    expect(actionsDisagree(['cap lai'], ['cap lai'])).toBe(false);
    expect(actionsDisagree(['doi'], ['cap doi'])).toBe(false);
    expect(actionsDisagree(['trinh bao mat'], ['mat'])).toBe(false);
    expect(actionsDisagree(['xoa', 'gia han'], ['thu hoi', 'gia han'])).toBe(false);
  });

  it('a variant asked disagrees with a plain name or another variant', () => {
    expect(actionsDisagree(['cap lai'], [])).toBe(true);
    expect(actionsDisagree(['xoa'], ['cap lai'])).toBe(true);
    expect(actionsDisagree(['gia han'], ['cap doi', 'thu hoi'])).toBe(true);
  });

  it('agreement is by whole words, not by letters at the end', () => {
    expect(actionsDisagree(['oi'], ['cap doi'])).toBe(true);
    expect(actionsDisagree(['cap doi'], ['oi'])).toBe(true);
    expect(actionsDisagree(['lai'], ['cap lai'])).toBe(false);
  });
});

describe('coordinatedQuestions', () => {
  it('a one-syllable thing before the join is taken alone', () => {
    expect(coordinatedQuestions('mất sổ và thẻ')).toEqual(['mất sổ', 'mất thẻ']);
  });

  it('reads a message typed without accents', () => {
    expect(coordinatedQuestions('mat ho chieu va bang lai xe')).toEqual(['mat ho chieu', 'mat bang lai xe']);
  });

  it('a two-syllable join ("cùng với") goes whole', () => {
    expect(coordinatedQuestions('khai sinh cùng với thường trú')).toEqual(['khai sinh', 'thường trú']);
  });

  it('takes at most six syllables after the join; the rest stays with the first question', () => {
    expect(coordinatedQuestions('mất căn cước và bằng lái xe máy hạng A1 nữa')).toEqual([
      'mất căn cước nữa',
      'mất bằng lái xe máy hạng a1 nữa',
    ]);
  });

  it('the last join in the message is the one read', () => {
    expect(coordinatedQuestions('hộ chiếu với lệ phí của căn cước và thẻ bảo hiểm')).toEqual([
      'hộ chiếu với lệ phí của căn cước',
      'hộ chiếu với lệ phí của thẻ bảo hiểm',
    ]);
  });

  it('a join at the end of the message ("giúp tôi với") is not a join', () => {
    expect(coordinatedQuestions('làm lại hộ chiếu và căn cước giúp tôi với')).toEqual([
      'làm lại hộ chiếu',
      'làm lại căn cước giúp tôi với',
    ]);
    expect(coordinatedQuestions('làm hộ chiếu giúp tôi với')).toBeUndefined();
  });

  it('"cả" before the first thing belongs to the join', () => {
    expect(coordinatedQuestions('làm lại cả thẻ và sổ bảo hiểm')).toEqual(['làm lại cả thẻ', 'làm lại cả sổ bảo hiểm']);
    expect(coordinatedQuestions('mất cả và thẻ')).toBeUndefined();
  });

  it('a typed accent must agree: "cá" (fish) is not "cả"', () => {
    expect(coordinatedQuestions('giấy phép nuôi cá cảnh')).toBeUndefined();
    // One syllable typed with its accent is enough to read the message with accents.
    expect(coordinatedQuestions('xin giấy phép nuôi cá cảnh')).toBeUndefined();
    // Without accents it cannot be told apart, and is read as a join.
    expect(coordinatedQuestions('giay phep nuoi ca canh')).toEqual(['giay phep nuoi', 'giay phep canh']);
  });

  it('reads up to 24 syllables, not more', () => {
    const head = 'nhà tôi vừa chuyển về xã bên cạnh nên tôi cần làm lại'; // 13 syllables
    const q24 = `${head} hộ chiếu và thẻ bảo hiểm y tế cho hai con`; // 24
    expect(syllables(q24)).toHaveLength(24);
    expect(coordinatedQuestions(q24)?.[1]).toBe(`${head} thẻ bảo hiểm y tế cho hai con`);
    expect(coordinatedQuestions(`${q24} gái`)).toBeUndefined();
  });

  it('uses the coordinators of the language it is given', () => {
    const L = parseLanguage(languageYaml({ coordinators: '[hay là]' }));
    expect(coordinatedQuestions('đăng ký kết hôn hay là khai sinh', L)).toEqual(['đăng ký kết hôn', 'đăng ký khai sinh']);
    expect(coordinatedQuestions('đăng ký kết hôn và khai sinh', L)).toBeUndefined();
  });
});

describe('loading the language data', () => {
  it('the shipped data is read once', () => {
    expect(defaultLanguage()).toBe(defaultLanguage());
    expect(loadLanguage(defaultLanguagePath).greetings.size).toBe(defaultLanguage().greetings.size);
  });

  it('reads the choice words per number, and names the field of a key that is not a number from 1 to 9', () => {
    const L = parseLanguage(languageYaml({ choiceWords: '{"2": [hai, thứ hai]}' }));
    expect(isWholePhrase(L.choiceWords.get(2)!, sy('thứ hai'), acc('thứ hai'))).toBe(true);
    expect(L.choiceWords.get(1)).toBeUndefined();
    expect(parseLanguage(languageYaml({})).choiceWords.size).toBe(0);
    expect(() => parseLanguage(languageYaml({ choiceWords: '{"10": [mười]}' }), 'mine.yaml')).toThrow(/^mine\.yaml: choiceWords/);
  });

  it('compiles every class of the file', () => {
    const L = parseLanguage(languageYaml({}));
    const whole = (set: Parameters<typeof isWholePhrase>[0], t: string) => isWholePhrase(set, sy(t), acc(t));
    expect(whole(L.greetings, 'kính chào')).toBe(true);
    expect(whole(L.addressees, 'quý cơ quan')).toBe(true);
    expect(whole(L.closings, 'trân trọng')).toBe(true);
    expect(whole(L.asking, 'cho hỏi')).toBe(true);
    expect(whole(L.askOnly, 'mất bao lâu')).toBe(true);
    expect(whole(L.particles, 'nhé')).toBe(true);
    expect(whole(L.actions, 'gia hạn')).toBe(true);
    expect(whole(L.coordinators, 'hoặc')).toBe(true);
    expect(whole(L.aspects.fee, 'lệ phí')).toBe(true);
    expect(whole(L.aspects.where, 'ở đâu')).toBe(true);
    expect(whole(L.intents.thanks, 'cảm ơn')).toBe(true);
    expect(whole(L.intents.emergency, 'cháy nhà')).toBe(true);
    expect(whole(L.greetings, 'cảm ơn')).toBe(false);
    expect([...L.stopFolded].sort()).toEqual(['la', 'thi', 'va']);
    expect([...L.stopAccented].sort()).toEqual(['la1', 'thi1', 'va1', 'ơi']);
  });

  it('stop words are split on any run of spaces; a word without syllables is left out', () => {
    const yaml = languageYaml({}).replace('  accented: là thì và ơi', '  accented: "  là – thì\\n và  "').replace('  folded: la thi va', '  folded: " la  thi\\tva "');
    const L = parseLanguage(yaml);
    expect([...L.stopFolded].sort()).toEqual(['la', 'thi', 'va']);
    expect([...L.stopAccented].sort()).toEqual(['la1', 'thi1', 'va1']);
  });

  it('a bad file names the source, "language" by default', () => {
    expect(() => parseLanguage('greetings: [chào]\n')).toThrow(/^language: addressees/);
    expect(() => parseLanguage(languageYaml({ closings: '[]' }), 'mine.yaml')).toThrow(/^mine\.yaml: closings/);
  });

  it('a missing file names its path', () => {
    expect(() => loadLanguage('/nonexistent/language.yaml')).toThrow(/\/nonexistent\/language\.yaml: cannot read/);
  });
});

/** A small, complete language file; `over` replaces whole classes (YAML flow values). */
function languageYaml(over: Record<string, string>): string {
  const classes: Record<string, string> = {
    greetings: '[kính chào, xin chào]',
    addressees: '[quý cơ quan, anh]',
    closings: '[trân trọng, cảm ơn]',
    asking: '[cho hỏi]',
    askOnly: '[mất bao lâu]',
    particles: '[ạ, nhé]',
    actions: '[gia hạn, cấp lại]',
    coordinators: '[và, hoặc]',
    ...over,
  };
  const aspects = { documents: 'hồ sơ', deadline: 'bao lâu', fee: 'lệ phí', where: 'ở đâu', steps: 'các bước', conditions: 'điều kiện', result: 'kết quả', legal: 'căn cứ', online: 'trực tuyến' };
  const intents = [
    'emergency: [cháy nhà]',
    'procedureWords: [thủ tục]',
    'greeting: [xin chào]',
    'thanks: [cảm ơn]',
    'help: [trợ giúp]',
    'feedbackNegative: [sai rồi]',
    'feedbackPositive: [đúng rồi]',
    'more: [xem thêm]',
    'followStart: [còn]',
    'choicePrefix: [số]',
    'question: [không]',
    'follow: [theo dõi]',
    'unfollow: [bỏ theo dõi]',
    'handoff: [gặp cán bộ]',
    'handoffEnd: [kết thúc]',
  ];
  return [
    ...Object.entries(classes).map(([k, v]) => `${k}: ${v}`),
    'stopWords:',
    '  accented: là thì và ơi',
    '  folded: la thi va',
    'aspects:',
    ...Object.entries(aspects).map(([k, v]) => `  ${k}: [${v}]`),
    'intents:',
    ...intents.map((l) => `  ${l}`),
    '',
  ].join('\n');
}
