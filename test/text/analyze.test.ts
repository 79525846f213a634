import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/text/analyze.js';
import { loadLexicon, parseLexicon } from '../../src/text/lexicon.js';
import { isAppError } from '../../src/errors.js';

describe('analyzeText', () => {
  it('drops chat filler and politeness but keeps what is asked', () => {
    const a = analyzeText('Chào luật sư, cho tôi hỏi thủ tục đăng ký kết hôn cần giấy tờ gì ạ? Xin cảm ơn!');
    const words = a.syllables.map((s) => s.text).join(' ');
    expect(words).not.toMatch(/luật sư|cho tôi hỏi|cảm ơn|\bạ\b/);
    expect(words).toContain('đăng ký kết hôn');
    expect(a.tokens).toEqual(expect.arrayContaining(['dang', 'ky', 'ket', 'hon']));
    expect(a.bigrams).toContain('ket_hon');
  });

  it('maps everyday words to catalog language, with and without accents', () => {
    for (const q of ['làm sổ đỏ hết bao lâu', 'lam so do het bao lau']) {
      const a = analyzeText(q);
      expect(a.expansions.flatMap((e) => e.to).join(' ')).toContain('giấy chứng nhận quyền sử dụng đất');
    }
    expect(analyzeText('đổi bằng lái xe máy').expansions.flatMap((e) => e.to)).toContain('giấy phép lái xe');
  });

  it('does not treat a differently accented phrase as the lexicon word', () => {
    // "số đo" (a measurement) folds like "sổ đỏ" but the typed accents say otherwise.
    expect(analyzeText('số đo diện tích đất').expansions.map((e) => e.from)).not.toContain('số đo');
  });

  it('returns gentle notes for outdated premises', () => {
    expect(analyzeText('tôi muốn xin sổ hộ khẩu').notes.join(' ')).toMatch(/1\/1\/2023/);
    expect(analyzeText('làm lại CMND bị mất').notes.join(' ')).toMatch(/căn cước/);
    expect(analyzeText('nộp hồ sơ ở UBND huyện').notes.join(' ')).toMatch(/hai cấp/);
    expect(analyzeText('đăng ký khai sinh cho con').notes).toEqual([]);
  });

  it('marks whether the text was typed with accents', () => {
    expect(analyzeText('đăng ký tạm trú').accented).toBe(true);
    expect(analyzeText('dang ky tam tru').accented).toBe(false);
  });
});

describe('analyzeText reuse', () => {
  it('the same text with the same lexicon is analysed once: the frozen result is shared, not recomputed', () => {
    const lexicon = parseLexicon('entries:\n  - terms: [sổ hộ khẩu]\n    means: [cư trú]\n    note: Sổ hộ khẩu không còn dùng.\n', 'test');
    const q = 'sổ hộ khẩu mất thì làm sao';
    const a = analyzeText(q, lexicon);
    expect(analyzeText(q, lexicon)).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.notes) && Object.isFrozen(a.syllables[0])).toBe(true);
    expect(() => (a.notes as string[]).push('x')).toThrow(TypeError);
    // Another lexicon is another analysis.
    expect(analyzeText(q, { entries: [], byFirst: new Map() }).notes).toEqual([]);
    expect(a.notes).toEqual(['Sổ hộ khẩu không còn dùng.']);
    // Non-string input is analysed (never throws) but not kept.
    expect(analyzeText(undefined, lexicon).tokens).toEqual([]);
  });
});

describe('lexicon file', () => {
  it('the shipped lexicon is valid', () => {
    const lex = loadLexicon();
    expect(lex.entries.length).toBeGreaterThan(30);
  });

  it('a bad lexicon names the field that is wrong', () => {
    try {
      parseLexicon('entries:\n  - terms: [sổ đỏ]\n', 'bad.yaml');
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'catalog:invalid')).toBe(true);
      expect((e as Error).message).toMatch(/bad\.yaml: entries\.0\.means/);
    }
  });

  it('uses a custom lexicon when given one', () => {
    const lex = parseLexicon('entries:\n  - terms: [giấy xanh]\n    means: [giấy phép môi trường]\n');
    expect(analyzeText('xin giấy xanh', lex).expansions).toEqual([{ from: 'giấy xanh', to: ['giấy phép môi trường'] }]);
  });
});
