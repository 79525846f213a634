import { describe, expect, it } from 'vitest';
import { renderProcedureText, describeCopies } from '../../src/catalog/render-text.js';
import { procedureSchema } from '../../src/catalog/schema.js';

const p = procedureSchema.parse({
  code: '1.000001',
  name: 'Đăng ký mẫu',
  aliases: ['làm giấy mẫu'],
  field: 'Hộ tịch',
  levels: ['xa'],
  agency: 'UBND cấp xã',
  submitAt: 'Bộ phận Một cửa',
  channels: [
    { mode: 'truc_tiep', deadline: { text: '1' }, fee: { text: 'Miễn lệ phí', free: true } },
    { mode: 'truc_tuyen', deadline: { text: '3 ngày làm việc', workingDays: 3 } },
  ],
  documents: [
    { name: 'Giấy ủy quyền', copies: 1, form: 'ban_chinh', case: 'Trường hợp ủy quyền' },
    { name: 'Tờ khai', copies: 1, form: 'ban_chinh', template: 'Mẫu TK01' },
    { name: 'Giấy tờ tùy thân', form: 'xuat_trinh' },
    { name: 'Hợp đồng', copies: 2, originals: 1, duplicates: 1 },
  ],
  steps: ['Nộp hồ sơ', 'Nhận kết quả'],
  result: 'Giấy mẫu',
  legalBasis: [{ code: '123/2015/NĐ-CP', title: 'Nghị định hướng dẫn' }],
  raw: { conditions: 'Điều kiện nguyên văn từ cổng' },
  decision: '163/QĐ-BTP',
});

describe('renderProcedureText', () => {
  const text = renderProcedureText(p, { updatedAt: new Date('2026-11-20T10:00:00Z') });

  it('prints the sections in the order staff read them', () => {
    const order = ['THÀNH PHẦN HỒ SƠ', 'THỜI HẠN VÀ PHÍ, LỆ PHÍ', 'CƠ QUAN THỰC HIỆN / NƠI NỘP', 'TRÌNH TỰ THỰC HIỆN', 'ĐIỀU KIỆN', 'KẾT QUẢ', 'CĂN CỨ PHÁP LÝ'];
    const at = order.map((h) => text.indexOf(h));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('lists papers for everyone before case sections, with copies, form and template', () => {
    expect(text).toMatch(/ {2}1\. Tờ khai — 1 bản chính\n {5}Mẫu: Mẫu TK01/);
    expect(text).toContain('Giấy tờ tùy thân — xuất trình bản chính');
    expect(text).toContain('Hợp đồng — 1 bản chính, 1 bản sao');
    expect(text.indexOf('Tờ khai')).toBeLessThan(text.indexOf('Trường hợp ủy quyền:'));
  });

  it('flags a deadline whose unit the source lost, and says when the fee is unknown', () => {
    expect(text).toContain('Trực tiếp: thời hạn 1 (nguồn không ghi đơn vị); phí, lệ phí: Miễn lệ phí');
    expect(text).toContain('Trực tuyến: thời hạn 3 ngày làm việc; phí, lệ phí: không có thông tin');
  });

  it('falls back to the original text when a section has no structured form', () => {
    expect(text).toContain('(nguyên văn từ nguồn)\n  Điều kiện nguyên văn từ cổng');
    expect(renderProcedureText(p, { rawFallback: false })).not.toContain('ĐIỀU KIỆN');
  });

  it('ends with the decision, the source and the update date', () => {
    expect(text).toContain('Quyết định công bố: 163/QĐ-BTP');
    expect(text).toContain('Nguồn: danh mục của Trung tâm');
    expect(text.trim().endsWith('Cập nhật: 2026-11-20')).toBe(true);
  });

  it('describes copies without inventing a count', () => {
    expect(describeCopies({ name: 'x' })).toBe('');
    expect(describeCopies({ name: 'x', copies: 2, form: 'ban_sao_chung_thuc' })).toBe('2 bản sao chứng thực');
  });
});
