import { describe, expect, it } from 'vitest';
import { checkFaithfulness } from '../../src/llm/faithfulness.js';
import { composeAnswer } from '../../src/answer/compose.js';
import type { Procedure } from '../../src/catalog/schema.js';

const record: Procedure = {
  code: '9.700001',
  name: 'Cấp phép thả đèn trời mẫu',
  aliases: [],
  field: 'Thử nghiệm',
  levels: ['xa'],
  channels: [{ mode: 'truc_tiep', deadline: { text: '3 ngày làm việc', workingDays: 3 }, fee: { text: 'Không thu phí', free: true } }],
  documents: [{ name: 'Tờ khai thả đèn trời' }],
  steps: [],
  conditions: [],
  legalBasis: [],
  origin: 'knowledge',
  notes: [],
};
const withNote: Procedure = { ...record, centreNote: { text: 'Nộp tại quầy số 7, tầng 2; lệ phí địa phương 15.000 đồng theo Nghị quyết 09/2099/NQ-HĐND.', date: '2026-12-01' } };

describe("the faithfulness guard and the centre's note", () => {
  it('accepts a rephrasing that repeats the note, which the answer shows apart from the facts', () => {
    const grounded = composeAnswer(withNote, ['where']);
    expect(grounded).toContain('Ghi chú của Trung tâm (01/12/2026): Nộp tại quầy số 7');
    const rephrased = `Thủ tục ${record.name} (mã 9.700001) nộp trực tiếp. Theo ghi chú của Trung tâm, anh/chị nộp tại quầy số 7, tầng 2; lệ phí địa phương 15.000 đồng theo Nghị quyết 09/2099/NQ-HĐND. ${grounded.split('\n\n').at(-1)}`;
    expect(checkFaithfulness(rephrased, { grounded, records: [withNote] }).problems).toEqual([]);
  });

  it('refuses the same figures when the procedure has no such note', () => {
    const grounded = composeAnswer(record, ['where']);
    const rephrased = `Thủ tục ${record.name} (mã 9.700001): anh/chị nộp tại quầy số 7, lệ phí 15.000 đồng theo Nghị quyết 09/2099/NQ-HĐND. ${grounded.split('\n\n').at(-1)}`;
    const r = checkFaithfulness(rephrased, { grounded, records: [record] });
    expect(r.ok).toBe(false);
    expect(r.kinds).toContain('number');
  });
});
