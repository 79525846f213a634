import { procedureSchema, type Procedure } from '../../src/catalog/schema.js';

/** A procedure with a fee and a deadline, worded like the national portal's records. */
export const marriage: Procedure = procedureSchema.parse({
  code: '1.000894',
  name: 'Đăng ký kết hôn',
  field: 'Hộ tịch',
  levels: ['xa'],
  agency: 'Ủy ban nhân dân cấp xã',
  submitAt: 'Trung tâm Phục vụ hành chính công',
  channels: [
    {
      mode: 'truc_tiep',
      deadline: { text: '05 ngày làm việc', workingDays: 5 },
      fee: { text: 'Lệ phí: 30.000 đồng/trường hợp; miễn lệ phí cho hộ nghèo', amountsVnd: [30000] },
    },
    {
      mode: 'truc_tuyen',
      deadline: { text: '3 ngày làm việc', workingDays: 3 },
      fee: { text: 'Lệ phí: 30.000 đồng/trường hợp', amountsVnd: [30000] },
    },
  ],
  documents: [
    { name: 'Tờ khai đăng ký kết hôn', copies: 1, form: 'ban_chinh', template: 'Mẫu TP/HT-2020-KH' },
    { name: 'Giấy xác nhận tình trạng hôn nhân', copies: 1, form: 'ban_chinh', case: 'Người không thường trú tại xã' },
    { name: 'Văn bản ủy quyền', copies: 1, form: 'ban_chinh', case: 'Ủy quyền nộp hồ sơ' },
  ],
  steps: ['Nộp hồ sơ tại Trung tâm Phục vụ hành chính công.', 'Nhận Giấy chứng nhận kết hôn sau 15 giờ.'],
  result: 'Giấy chứng nhận kết hôn',
  legalBasis: [{ code: '123/2015/NĐ-CP', title: 'Nghị định quy định chi tiết Luật Hộ tịch' }],
  decision: '163/QĐ-BTP',
  sourceUrl: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/aaaa-1111',
  updatedAt: '2026-11-25',
});

export const marriageGrounded = [
  'Thủ tục Đăng ký kết hôn:',
  '• Giấy tờ cần nộp: Tờ khai đăng ký kết hôn (1 bản chính, Mẫu TP/HT-2020-KH); Giấy xác nhận tình trạng hôn nhân (1 bản chính) nếu không thường trú tại xã.',
  '• Thời hạn: nộp trực tiếp 05 ngày làm việc; nộp trực tuyến 3 ngày làm việc.',
  '• Lệ phí: 30.000 đồng/trường hợp; miễn lệ phí cho hộ nghèo.',
  'Nguồn: Đăng ký kết hôn, mã 1.000894, https://dichvucong.gov.vn/thu-tuc-hanh-chinh/aaaa-1111 (cập nhật 25/11/2026).',
].join('\n');

export const faithfulRephrase = [
  'Dạ, để đăng ký kết hôn, anh/chị chuẩn bị Tờ khai đăng ký kết hôn (1 bản chính, theo Mẫu TP/HT-2020-KH) và, nếu không thường trú tại xã, Giấy xác nhận tình trạng hôn nhân (1 bản chính).',
  'Hồ sơ được giải quyết trong 05 ngày làm việc nếu nộp trực tiếp, hoặc 3 ngày làm việc nếu nộp trực tuyến. Lệ phí là 30.000 đồng/trường hợp (miễn lệ phí cho hộ nghèo).',
  'Nguồn: Đăng ký kết hôn, mã 1.000894, https://dichvucong.gov.vn/thu-tuc-hanh-chinh/aaaa-1111 (cập nhật 25/11/2026).',
].join('\n');
