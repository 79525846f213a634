import { describe, expect, it } from 'vitest';
import { findImplausibleValues, isAmountStatedIn } from '../../src/catalog/check-dvc.js';
import { procedureSchema, type ProcedureInput } from '../../src/catalog/schema.js';

const procedure = (extra: Partial<ProcedureInput>) =>
  procedureSchema.parse({ code: '9.900100', name: 'Thủ tục thử nghiệm', field: 'Thử nghiệm', origin: 'dvc', ...extra });

describe('plausibility of an imported record', () => {
  it('finds an amount however the source writes it', () => {
    expect(isAmountStatedIn(150000, 'Lệ phí 150.000 đồng/lần')).toBe(true);
    expect(isAmountStatedIn(150000, 'Trực tiếp150,000 Việt Nam Đồng')).toBe(true);
    expect(isAmountStatedIn(150000, 'mức thu 150000đ')).toBe(true);
    expect(isAmountStatedIn(4000000, 'mức thu: 04 triệu đồng/giấy phép')).toBe(true);
    expect(isAmountStatedIn(2500000, 'mức thu 2,5 triệu đồng')).toBe(true);
    expect(isAmountStatedIn(35, 'Trực tuyến35 USD')).toBe(true);
    // A unit-less deadline glued to the fee cell: "1" then "150,000".
    expect(isAmountStatedIn(150000, 'Trực tiếp1150,000 VNĐ')).toBe(true);
  });

  it('does not find an amount that is only part of a larger number or a date', () => {
    expect(isAmountStatedIn(150000, 'Lệ phí 1.150.000 đồng')).toBe(false);
    expect(isAmountStatedIn(2031, 'ngày 15/03/20311')).toBe(false);
    expect(isAmountStatedIn(150000, 'Lệ phí 15.000 đồng')).toBe(false);
  });

  it('flags a copy count over 20, a deadline without a unit and a fee the source does not state', () => {
    const p = procedure({
      documents: [
        { name: 'Tờ khai theo Thông tư ngày 15/03/', copies: 20311 },
        { name: 'Bản sao giấy tờ tùy thân', copies: 2 },
      ],
      channels: [
        { mode: 'truc_tiep', deadline: { text: '7' }, fee: { text: '150.000 đồng', amountsVnd: [150000] } },
        { mode: 'truc_tuyen', deadline: { text: '5 Ngày làm việc', workingDays: 5 }, fee: { text: 'x', amountsVnd: [250000] } },
      ],
    });
    const source = 'Trực tiếp7150.000 đồngTrực tuyến5 Ngày làm việc ... ngày 15/03/20311 bản chính';
    expect(findImplausibleValues(p, source)).toEqual([
      { code: '9.900100', kind: 'copies_over_20', value: 'Tờ khai theo Thông tư ngày 15/03/: 20311' },
      { code: '9.900100', kind: 'deadline_without_unit', value: 'truc_tiep: 7' },
      { code: '9.900100', kind: 'fee_not_in_source', value: 'truc_tuyen: 250000' },
    ]);
  });
});
