import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  dvcRecordToProcedure,
  parseChannels,
  parseDocuments,
  parseLegalBasis,
  parseResult,
  readDvcDirectory,
  readDvcFile,
  vndAmountsIn,
} from '../../src/catalog/import-dvc.js';
import { isAppError } from '../../src/errors.js';
import type { Procedure } from '../../src/catalog/schema.js';

const fixtures = fileURLToPath(new URL('../fixtures/dvc/', import.meta.url));
const load = (rel: string): Procedure => {
  const r = readDvcFile(join(fixtures, rel));
  if ('error' in r) throw new Error(r.error);
  return r.procedure;
};

describe('national portal record → Procedure', () => {
  it('reads each submission mode with its own deadline unit and fee currency', () => {
    const p = load('bo-thu-nghiem/9.900001.json');
    expect(p.origin).toBe('dvc');
    expect(p.channels.map((c) => c.mode)).toEqual(['truc_tuyen', 'buu_chinh', 'truc_tiep']);
    const [online, post, desk] = p.channels;
    expect(online?.deadline).toEqual({ text: '5 Ngày làm việc', workingDays: 5 });
    expect(online?.fee?.amountsUsd).toEqual([25]);
    expect(online?.note).toBe('Nộp qua Cổng Dịch vụ công quốc gia.');
    expect(post?.deadline).toEqual({ text: '10 Ngày', days: 10 });
    expect(post?.fee).toEqual({ text: 'Miễn phí', free: true });
    expect(desk?.deadline).toEqual({ text: '3 Giờ', hours: 3 });
    expect(desk?.fee?.amountsVnd).toEqual([50000]);
    // A description starting "Trực tiếp:" is not mistaken for another mode.
    expect(desk?.note).toBe('Trực tiếp: nộp tại Bộ phận Một cửa.');
  });

  it('separates deadline digits glued to the fee when the unit was lost, using the amount in the note', () => {
    const p = load('bo-thu-nghiem/9.900002.json');
    const [online, post, desk] = p.channels;
    expect(online?.deadline).toEqual({ text: '1' });
    expect(online?.fee?.free).toBe(true);
    expect(post?.deadline?.text).toBe('1');
    expect(post?.fee?.amountsVnd).toEqual([100000]);
    expect(desk?.deadline?.text).toBe('1');
    expect(desk?.fee?.text.startsWith('100,000 VNĐ')).toBe(true);
    expect(desk?.fee?.amountsVnd).toEqual([100000]);
  });

  it('keeps a unit-less deadline as text only, unless the mode description states the same number with a unit', () => {
    const p = load('bo-thu-nghiem/9.900005.json');
    const [desk, online] = p.channels;
    expect(desk?.deadline).toEqual({ text: '7' });
    expect(online?.deadline).toEqual({ text: '02 ngày làm việc', workingDays: 2 });
    expect(online?.fee).toBeUndefined();
  });

  it('takes a lost unit from a time-limit phrase in the steps, never from a date', () => {
    const [desk, online] = load('bo-thu-nghiem/9.900006.json').channels;
    expect(desk?.deadline).toEqual({ text: '03 ngày làm việc', workingDays: 3 });
    // "ngày 01 tháng 6 năm 2099" is a date, not "01 tháng".
    expect(online?.deadline).toEqual({ text: '1' });
  });

  it('does not call a fee free when the note leaves the amount to the provincial council', () => {
    const [desk] = load('bo-thu-nghiem/9.900005.json').channels;
    expect(desk?.fee?.free).toBeUndefined();
    expect(desk?.fee?.decidedLocally).toBe(true);
  });

  it('turns "Không có thông tin" and empty fields into empty values', () => {
    const p = load('bo-thu-nghiem/9.900002.json');
    expect(p.steps).toEqual([]);
    expect(p.conditions).toEqual([]);
    expect(p.legalBasis).toEqual([]);
    expect(p.agency).toBeUndefined();
    expect(p.result).toBeUndefined();
    expect(p.decision).toBeUndefined();
    expect(p.raw?.steps).toBeUndefined();
  });

  it('reads documents with copies, original/copy form, templates, groups and the section they belong to', () => {
    const docs = load('bo-thu-nghiem/9.900001.json').documents;
    expect(docs[0]).toEqual({
      name: 'Đơn đề nghị cấp giấy phép theo Mẫu số 01',
      copies: 1,
      form: 'ban_chinh',
      template: 'Mẫu số 01.docx',
    });
    expect(docs[1]).toMatchObject({ copies: 1, form: 'ban_sao_chung_thuc' });
    const contract = docs.find((d) => d.name.startsWith('Hợp đồng lao động'));
    expect(contract).toMatchObject({ copies: 2, originals: 1, duplicates: 1, group: 'Chứng cứ chứng minh năng lực gồm' });
    expect(docs.find((d) => d.name.startsWith('Bằng cấp'))).toMatchObject({ copies: 2, form: 'ban_sao' });
    expect(docs.find((d) => d.name.startsWith('Thẻ Căn cước'))).toMatchObject({ form: 'xuat_trinh' });
    expect(docs.find((d) => d.name.startsWith('Thẻ Căn cước'))?.case).toBeUndefined();
  });

  it('gives the papers after a "Trường hợp ...:" line that case, up to the end of the section', () => {
    const docs = load('bo-thu-nghiem/9.900001.json').documents;
    expect(docs.filter((d) => d.case === 'Trường hợp người nộp là người nước ngoài').map((d) => d.name)).toEqual([
      'Hộ chiếu còn thời hạn',
      'Giấy phép lao động',
    ]);
    expect(docs.find((d) => d.name.startsWith('Trường hợp ủy quyền'))?.case).toBeUndefined();
    expect(docs.some((d) => d.name.startsWith('Trường hợp người nộp là người nước ngoài'))).toBe(false);
  });

  it('attaches nested case sections ("- Trường hợp ...:") to their documents', () => {
    const docs = load('bo-thu-nghiem/9.900002.json').documents;
    expect(docs.map((d) => [d.name, d.case])).toEqual([
      ['Thông báo thay đổi tên', 'Trường hợp thay đổi tên'],
      ['Thông báo thay đổi địa chỉ', 'Trường hợp thay đổi địa chỉ'],
      ['Giấy tờ chứng minh địa chỉ mới', 'Trường hợp thay đổi địa chỉ'],
    ]);
  });

  it('reads the count cell as its last digit when the name before it ends in a number', () => {
    // A name ending in a date, a form number or a decree number runs into the one-digit count cell.
    const table =
      'Tên giấy tờMẫu đơn, tờ khaiSố lượng' +
      'Tờ khai theo mẫu ban hành kèm theo Thông tư số 07/2031/TT-BXX ngày 15/03/20311 bản chính,1 bản sao' +
      'Bản kê khai theo Mẫu số 141 bản chính' +
      'Văn bản cam kết quy định tại Nghị định 2172 bản sao' +
      'Báo cáo lập theo Luật Thử nghiệm năm 20300 bản chính,1 bản sao' +
      'Phiếu đăng ký theo mẫu BM.TN.30.051 bản chính' +
      'Sơ đồ khu vực tỷ lệ 1:5.0001 bản chính';
    expect(parseDocuments(table).map((d) => [d.name, d.originals ?? 0, d.duplicates ?? 0, d.copies])).toEqual([
      ['Tờ khai theo mẫu ban hành kèm theo Thông tư số 07/2031/TT-BXX ngày 15/03/2031', 1, 1, 2],
      ['Bản kê khai theo Mẫu số 14', 0, 0, 1],
      ['Văn bản cam kết quy định tại Nghị định 217', 0, 0, 2],
      ['Báo cáo lập theo Luật Thử nghiệm năm 2030', 0, 0, 1],
      ['Phiếu đăng ký theo mẫu BM.TN.30.05', 0, 0, 1],
      ['Sơ đồ khu vực tỷ lệ 1:5.000', 0, 0, 1],
    ]);
  });

  it('does not take a zero-padded count written inside a name for the count cell', () => {
    const table =
      'Tên giấy tờMẫu đơn, tờ khaiSố lượng' +
      'Tờ khai hàng hóa gửi kèm: 02 bản chính;1 bản chính' +
      'Văn bản đề nghị (01 bản chính)0 bản chính,1 bản sao';
    expect(parseDocuments(table).map((d) => [d.name, d.copies])).toEqual([
      ['Tờ khai hàng hóa gửi kèm: 02 bản chính', 1],
      ['Văn bản đề nghị (01 bản chính)', 1],
    ]);
  });

  it('splits legal references into code and title, ignoring codes quoted inside a title', () => {
    expect(load('bo-thu-nghiem/9.900001.json').legalBasis).toEqual([
      { code: '12/2099/QH99', title: 'Luật Thử nghiệm mẫu' },
      {
        code: '34/2099/NĐ-CP',
        title: 'Nghị định số 34/2099/NĐ-CP ngày 01/01/2099 của Chính phủ quy định chi tiết Luật Thử nghiệm mẫu',
      },
      { code: '56/2099/TT-BTC', title: 'Thông tư quy định mức thu lệ phí thử nghiệm' },
    ]);
    expect(parseLegalBasis('Tên văn bản pháp lýMã văn bảnLuật Mẫu59/2099/QH14Thông tư số 68/2099/TT-BTC về biểu mẫu68/2099/TT-BTC')).toEqual([
      { code: '59/2099/QH14', title: 'Luật Mẫu' },
      { code: '68/2099/TT-BTC', title: 'Thông tư số 68/2099/TT-BTC về biểu mẫu' },
    ]);
  });

  it('keeps a title\'s year apart from the code glued to it, and reads dotted resolution numbers', () => {
    expect(
      parseLegalBasis(
        'Tên văn bản pháp lýMã văn bảnLuật Thử nghiệm năm 203004/2030/QH19' +
          'Nghị quyết về thử nghiệm thủ tụcNghị quyết số 71.5/2031/NQ-CP',
      ),
    ).toEqual([
      { code: '04/2030/QH19', title: 'Luật Thử nghiệm năm 2030' },
      { code: '71.5/2031/NQ-CP', title: 'Nghị quyết về thử nghiệm thủ tục' },
    ]);
  });

  it('does not cut a form file name at the dot inside a number', () => {
    const [doc] = parseDocuments('Tên giấy tờMẫu đơn, tờ khaiSố lượngBáo cáo kết quả thử nghiệm (nếu có)mẫu số 2- 1.009999.docx1 bản chính');
    expect(doc?.name).toBe('Báo cáo kết quả thử nghiệm (nếu có)mẫu số 2- 1.009999.docx');
    expect(doc?.template).toBeUndefined();
  });

  it('cuts the portal UI text from the result and lists every result', () => {
    const p = load('bo-thu-nghiem/9.900001.json');
    expect(p.result).toBe('Giấy phép thử nghiệm; Văn bản từ chối cấp giấy phép');
    expect(parseResult('Mã: KQ.G99.000001Từ khóaKhông có thông tin')).toBeUndefined();
  });

  it('reads levels, steps, conditions and keeps the original texts in raw', () => {
    const p = load('bo-thu-nghiem/9.900001.json');
    expect(p.levels).toEqual(['trung_uong', 'tinh', 'xa']);
    expect(p.steps).toEqual(['Bước 1: Tổ chức, cá nhân nộp hồ sơ.', 'Bước 2: Cơ quan tiếp nhận kiểm tra hồ sơ.', 'Bước 3: Trả kết quả.']);
    expect(p.conditions).toEqual(['Có ít nhất 02 nhân viên kỹ thuật.', 'Có địa điểm hoạt động hợp pháp.']);
    expect(p.raw?.channels).toContain('Trực tuyến5 Ngày làm việc25 USD');
    expect(p.raw?.documents).toContain('* Giấy tờ phải nộp:');
    expect(p.agency).toBe('Sở Thử nghiệm');
  });

  it('reads VND amounts written in several ways', () => {
    expect(vndAmountsIn('Lệ phí : 50.000 Đồng; cấp lại 400.000đ/hộ chiếu; phí 5 triệu đồng; 20.000 vnđ /tờ khai')).toEqual([
      50000, 400000, 5000000, 20000,
    ]);
    expect(vndAmountsIn('áp dụng từ ngày 01/7/2025 đến hết ngày 31/12/2026')).toEqual([]);
  });

  it('returns no channels for an empty table and keeps a mode with no information as a bare mode', () => {
    expect(parseChannels('Không có thông tin')).toEqual([]);
    expect(parseChannels('Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinKhông có thông tin')).toEqual([
      { mode: 'truc_tiep' },
    ]);
  });

  it('returns no documents for an empty field', () => {
    expect(parseDocuments('')).toEqual([]);
  });

  it('rejects a record without a code, naming the field', () => {
    try {
      dvcRecordToProcedure({ ten_thu_tuc: 'Bản ghi thiếu mã' });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'catalog:invalid')).toBe(true);
      expect((e as Error).message).toMatch(/ma_thu_tuc/);
    }
  });

  it('reports broken files with file and reason and reads the rest', () => {
    const { procedures, errors } = readDvcDirectory(fixtures);
    expect(procedures.map((p) => p.code).sort()).toEqual(['9.900001', '9.900002', '9.900005', '9.900006']);
    expect(errors).toHaveLength(2);
    expect(errors.find((e) => e.file.endsWith('9.900003.json'))?.message).toMatch(/not valid JSON/);
    expect(errors.find((e) => e.file.endsWith('9.900004.json'))?.message).toMatch(/ma_thu_tuc/);
  });
});
