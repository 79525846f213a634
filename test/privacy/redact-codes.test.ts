/**
 * Redaction covers every dossier-code shape the detector accepts (what the bot would look up is what it removes
 * before storing, logging, searching or embedding), dossier codes are masked in logs, and long input is cut before it
 * is redacted.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectDossierCode } from '../../src/dossier/code.js';
import { MAX_REDACT_INPUT, redactPersonal, redactionTokens } from '../../src/analytics/redact.js';
import { maskDossierCode } from '../../src/dossier/mask.js';

describe('dossier codes in redaction', () => {
  it.each([
    ['agency with a dot', 'H37.30-20261116-0004'],
    ['national agency (four parts)', '000.00.21.H37-20260105-0001'],
    ['six parts, the most the detector takes', 'A1.B2.C3.D4.E5.F6-20260105-1234'],
    ['letters only agency', 'SOTNMT-20260105-000123'],
    ['a 12-character agency part', 'ABCDEFGHIJ12-20260105-1234'],
    ['six-digit date', 'G09.20-260105-12345'],
    ['seven-digit sequence', 'H37.12-20260105-1234567'],
    ['four-digit sequence', 'H37-20260105-1234'],
    ['spaces around the dashes', 'H37.30 - 20261116 - 0004'],
    ['lower case', 'h37.30-20261116-0004'],
    ['a line break around a dash', 'H37.30-\n20261116-0004'],
  ])('%s: %s', (_label, code) => {
    const text = `Hồ sơ ${code} của tôi đến đâu rồi?`;
    expect(detectDossierCode(text)).toBeDefined();
    const red = redactPersonal(text);
    expect(red).toContain(redactionTokens.dossier);
    expect(detectDossierCode(red)).toBeUndefined();
    expect(red).not.toMatch(/\d{4}/);
  });

  it('leaves nothing the detector would find, for any code it accepts (property)', () => {
    const part = fc.stringMatching(/^[A-Z0-9]{1,12}$/);
    const agency = fc
      .tuple(fc.array(part, { minLength: 1, maxLength: 6 }), fc.constantFrom(...'ABCDEFGHKLMNPQRSTUVXYZ'))
      .map(([parts, letter]) => {
        const p = [...parts];
        p[0] = (letter + p[0]!).slice(0, 12);
        return p.join('.');
      });
    const date = fc.oneof(
      fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([y, m, d]) => `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`),
      fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, '0')).join('')),
    );
    const seq = fc.stringMatching(/^[0-9]{4,7}$/);
    const dash = fc.constantFrom('-', ' - ', '- ', ' -');
    const lower = fc.boolean();
    fc.assert(
      fc.property(agency, date, seq, dash, dash, lower, fc.constantFrom('mã ', 'Hồ sơ: ', '', 'tra giúp '), (a, d, s, d1, d2, lo, before) => {
        const code = `${a}${d1}${d}${d2}${s}`;
        const text = `${before}${lo ? code.toLowerCase() : code} nhé`;
        fc.pre(detectDossierCode(text) !== undefined);
        expect(detectDossierCode(redactPersonal(text))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('keeps procedure codes, money and dates', () => {
    const text = 'Thủ tục 1.001193 lệ phí 50.000 đồng, hẹn ngày 05/01/2026';
    expect(redactPersonal(text)).toBe(text);
  });

  it('cuts long input before redacting, and still redacts what it keeps', () => {
    const long = `số của tôi 0912345678 ${'a'.repeat(MAX_REDACT_INPUT * 3)}`;
    const red = redactPersonal(long);
    expect(red.length).toBeLessThanOrEqual(MAX_REDACT_INPUT);
    expect(red).toContain(redactionTokens.phone);
    expect(red).not.toContain('0912345678');
  });

  it('masks codes in logs to the agency part and the last two characters', () => {
    expect(maskDossierCode('H37.12-20260105-0001')).toBe('H37.12-…01');
    expect(maskDossierCode('ABCD')).toBe('…');
    expect(maskDossierCode('X7Y8Z9012345')).toBe('…45');
  });
});
