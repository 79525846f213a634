import { describe, expect, it } from 'vitest';
import { dvcSourceText, knowledgeSourceTexts } from '../../src/catalog/source-text.js';

describe('source texts of catalog records', () => {
  it('keeps every string field of a portal record, cleaned, but not the run-together page copy', () => {
    const text = dvcSourceText({
      ma_thu_tuc: '9.900200',
      ten_thu_tuc: 'Thủ tục\u00a0thử   nghiệm',
      cach_thuc_thuc_hien: 'Trực tiếp5 Ngày làm việcMiễn phí',
      so_trang: 3,
      raw_text: 'Mã thủ tục9.900200Số quyết định12/QĐ-XX',
    });
    expect(text).toBe('9.900200\nThủ tục thử nghiệm\nTrực tiếp5 Ngày làm việcMiễn phí');
  });

  it('gives each curated procedure its own YAML text, not its neighbours in the same file', () => {
    const yaml = [
      'procedures:',
      "- code: '9.900201'",
      '  name: Thủ tục một',
      '  channels:',
      '  - mode: truc_tiep',
      '    deadline: { text: 3 ngày làm việc, workingDays: 3 }',
      "- code: '9.900202'",
      '  name: Thủ tục hai',
      '',
    ].join('\n');
    const texts = knowledgeSourceTexts(yaml);
    expect([...texts.keys()]).toEqual(['9.900201', '9.900202']);
    expect(texts.get('9.900201')).toContain('3 ngày làm việc');
    expect(texts.get('9.900202')).toContain('Thủ tục hai');
    expect(texts.get('9.900202')).not.toContain('Thủ tục một');
    expect(knowledgeSourceTexts("code: '9.900203'\nname: Một thủ tục\n").get('9.900203')).toContain('Một thủ tục');
  });
});
