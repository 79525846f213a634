import { describe, expect, it } from 'vitest';
import { findUngroundedFacts } from '../../scripts/eval/grounding.js';
import { composeAnswer } from '../../src/answer/compose.js';
import { dvcRecordToProcedure } from '../../src/catalog/import-dvc.js';
import { dvcSourceText } from '../../src/catalog/source-text.js';

// A portal record in the crawled shape, written for this test.
const record = {
  ma_thu_tuc: '9.900300',
  ten_thu_tuc: 'Cấp giấy phép thử nghiệm',
  linh_vuc: 'Thử nghiệm',
  cap_thuc_hien: 'Cấp tỉnh',
  co_quan_thuc_hien: 'Sở Thử nghiệm',
  cach_thuc_thuc_hien:
    'Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việc150,000 Đồng(Lệ phí 150.000 đồng/giấy phép)' +
    'Trực tuyến5 Ngày làm việcMiễn phí',
  thanh_phan_ho_so:
    'Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị cấp giấy phép theo Mẫu số 14 ban hành ngày 15/03/20311 bản chính' +
    'Bản sao giấy tờ chứng minh nơi cư trú1 bản chính,1 bản sao',
};
const p = dvcRecordToProcedure(record);
const source = dvcSourceText(record);
const answer = composeAnswer(p, ['documents', 'deadline', 'fee']);

describe('grounding of an answer in the cited record source', () => {
  it('finds nothing to report in an answer composed from the record', () => {
    expect(answer).toContain('Đơn đề nghị cấp giấy phép theo Mẫu số 14 ban hành ngày 15/03/2031 — 1 bản chính');
    expect(answer).toContain('1 bản chính, 1 bản sao');
    expect(findUngroundedFacts(answer, p, source)).toEqual([]);
  });

  it('catches a number the source does not state', () => {
    const changed = answer.replace('7 Ngày làm việc', '9 Ngày làm việc');
    expect(findUngroundedFacts(changed, p, source)).toContainEqual({ kind: 'number', value: '9' });
  });

  it('catches a count our parse summed from a year run into the count cell, even when the parse agrees with the answer', () => {
    // The source says "…15/03/2031" then "1 bản chính"; a parse that took 20311 for the count and added the copy
    // holds 20312, and the answer agrees with that parse. Only the source can tell.
    const misread = structuredClone(p);
    misread.documents[0] = { name: misread.documents[0]!.name.replace(/2031$/, ''), copies: 20312 };
    const shown = composeAnswer(misread, ['documents']);
    expect(shown).toContain('15/03/ — 20312 bản');
    expect(findUngroundedFacts(shown, misread, source)).toContainEqual({ kind: 'number', value: '20312' });
  });

  it('catches an invented document, also one that is in the parsed record but named nowhere in the source', () => {
    const invented = answer.replace('3. ', '3. ').replace(/\n2\. [^\n]*/, '\n2. Giấy xác nhận tình trạng thử nghiệm — 1 bản chính');
    expect(findUngroundedFacts(invented, p, source)).toContainEqual({ kind: 'document', value: 'Giấy xác nhận tình trạng thử nghiệm' });
    const padded = structuredClone(p);
    padded.documents.push({ name: 'Ảnh chân dung cỡ 4x6', copies: 2 });
    const shown = composeAnswer(padded, ['documents']);
    expect(findUngroundedFacts(shown, padded, source)).toContainEqual({ kind: 'document', value: 'Ảnh chân dung cỡ 4x6' });
  });

  it('catches a deadline or a fee given to the wrong submission mode', () => {
    const swapped = answer
      .replace('- Trực tiếp: 7 Ngày làm việc', '- Trực tiếp: 5 Ngày làm việc')
      .replace('- Trực tuyến: Miễn phí', '- Trực tuyến: 150,000 Đồng (Lệ phí 150.000 đồng/giấy phép)');
    expect(swapped).not.toBe(answer);
    const problems = findUngroundedFacts(swapped, p, source);
    expect(problems).toContainEqual({ kind: 'deadline', value: '- Trực tiếp: 5 Ngày làm việc' });
    expect(problems).toContainEqual({ kind: 'fee', value: '- Trực tuyến: 150,000 Đồng (Lệ phí 150.000 đồng/giấy phép)' });
  });

  it('reports a line it cannot read in a checked section instead of skipping it', () => {
    const odd = answer.replace('Phí, lệ phí:\n', 'Phí, lệ phí:\nmọi hình thức đều 150.000 đồng\n');
    expect(findUngroundedFacts(odd, p, source)).toContainEqual({ kind: 'unparsed', value: 'mọi hình thức đều 150.000 đồng' });
    const oddDoc = answer.replace('Thành phần hồ sơ:\n', 'Thành phần hồ sơ:\n* Giấy tờ thêm\n');
    expect(findUngroundedFacts(oddDoc, p, source)).toContainEqual({ kind: 'unparsed', value: '* Giấy tờ thêm' });
  });

  it('reads the two numbers of a unit-less deadline glued to the fee cell as written in the source', () => {
    const glued = {
      ...record,
      ma_thu_tuc: '9.900302',
      cach_thuc_thuc_hien: 'Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp1150,000 VNĐ(Lệ phí 150.000 đồng/lần)',
    };
    const q = dvcRecordToProcedure(glued);
    const text = composeAnswer(q, ['deadline', 'fee']);
    expect(text).toContain('- Trực tiếp: 150,000 VNĐ');
    expect(findUngroundedFacts(text, q, dvcSourceText(glued))).toEqual([]);
  });

  it('checks a curated procedure against its own YAML text', () => {
    const yaml = "code: '9.900301'\nname: Thủ tục tuyển chọn\nchannels:\n- mode: truc_tiep\n  deadline:\n    text: 3 ngày làm việc\n    workingDays: 3\n";
    const curated = { ...p, code: '9.900301', name: 'Thủ tục tuyển chọn', documents: [], channels: [{ mode: 'truc_tiep' as const, deadline: { text: '3 ngày làm việc', workingDays: 3 } }] };
    const text = composeAnswer(curated, ['deadline']);
    expect(findUngroundedFacts(text, curated, yaml)).toEqual([]);
    expect(findUngroundedFacts(text.replace('3 ngày', '4 ngày'), curated, yaml).map((x) => x.kind)).toEqual(['deadline', 'number']);
  });
});
