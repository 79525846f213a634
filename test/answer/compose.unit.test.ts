/**
 * What a citizen reads for one procedure: the sections per asked aspect (papers, time, fee, where, online, steps,
 * conditions, result, legal basis), their order and wording, the cut of long lists, the "what next" line, the
 * centre's note and the source line. Records are built by hand, so these run without a catalog or a database
 * (they are part of the mutation run, scripts/vitest.mutation.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { procedureSchema, type Procedure, type ProcedureInput } from '../../src/catalog/schema.js';
import { centreNoteText, citationOf, citationText, composeAnswer, levelText } from '../../src/answer/compose.js';

const NAME = 'Cấp giấy phép nuôi ong';
const CODE = '2.000517';

function make(extra: Partial<ProcedureInput> = {}): Procedure {
  return procedureSchema.parse({ code: CODE, name: NAME, field: 'Chăn nuôi', ...extra });
}

/** The answer's blocks, in the order the citizen reads them. */
const blocks = (text: string): string[] => text.split('\n\n');

const plainSource = `Nguồn: thủ tục "${NAME}", mã ${CODE}.`;

/** A record with every structured fact filled in. */
const full = make({
  levels: ['xa'],
  agency: 'Ủy ban nhân dân xã',
  submitAt: 'Bộ phận một cửa của xã',
  channels: [
    { mode: 'truc_tiep', deadline: { text: '3 ngày làm việc' }, fee: { text: '50.000 đồng' } },
    { mode: 'truc_tuyen', deadline: { text: '3 ngày làm việc' }, fee: { text: '25.000 đồng' } },
    { mode: 'buu_chinh', deadline: { text: '5 ngày làm việc' } },
  ],
  documents: [
    { name: 'Đơn đề nghị cấp giấy phép', copies: 1, form: 'ban_chinh', template: 'Mẫu số 01' },
    { name: 'Căn cước', form: 'xuat_trinh' },
  ],
  steps: ['Nộp hồ sơ tại bộ phận một cửa', 'Cán bộ kiểm tra hồ sơ', 'Nhận giấy phép'],
  conditions: ['Có địa điểm đặt thùng ong', 'Cách khu dân cư ít nhất 100 m'],
  result: 'Giấy phép nuôi ong',
  legalBasis: [{ code: '15/2025/NĐ-CP', title: 'Nghị định về chăn nuôi côn trùng' }, { title: 'Luật Chăn nuôi' }],
  decision: '12/QĐ-BNN',
  sourceUrl: 'https://dichvucong.example.vn/thu-tuc/2000517',
  updatedAt: '2026-11-05',
});

const header = `${NAME} (mã ${CODE} — Cấp xã)`;
const docsBlock =
  'Thành phần hồ sơ:\n1. Đơn đề nghị cấp giấy phép — 1 bản chính; mẫu: Mẫu số 01\n2. Căn cước — xuất trình bản chính';
const deadlineBlock = 'Thời hạn giải quyết:\n- Trực tiếp, Trực tuyến: 3 ngày làm việc\n- Dịch vụ bưu chính: 5 ngày làm việc';
const feeBlock = 'Phí, lệ phí:\n- Trực tiếp: 50.000 đồng\n- Trực tuyến: 25.000 đồng';
const whereBlock = 'Cơ quan thực hiện: Ủy ban nhân dân xã\nNơi nộp hồ sơ: Bộ phận một cửa của xã\nCấp thực hiện: Cấp xã';
const onlineBlock =
  'Nộp trực tuyến: có — trên Cổng Dịch vụ công quốc gia hoặc Cổng dịch vụ công của tỉnh (thời hạn 3 ngày làm việc; phí, lệ phí: 25.000 đồng).';
const stepsBlock = 'Trình tự thực hiện:\n1. Nộp hồ sơ tại bộ phận một cửa\n2. Cán bộ kiểm tra hồ sơ\n3. Nhận giấy phép';
const conditionsBlock = 'Điều kiện:\n- Có địa điểm đặt thùng ong\n- Cách khu dân cư ít nhất 100 m';
const judgedByAgency = 'Việc có đủ điều kiện hay không do cơ quan giải quyết xem xét trên hồ sơ cụ thể.';
const legalBlock = 'Căn cứ pháp lý:\n- 15/2025/NĐ-CP: Nghị định về chăn nuôi côn trùng\n- Luật Chăn nuôi';
const fullSource =
  `Nguồn: thủ tục "${NAME}", mã ${CODE}, công bố tại Quyết định 12/QĐ-BNN — ` +
  'https://dichvucong.example.vn/thu-tuc/2000517 (thông tin cập nhật ngày 05/11/2026).';
const notRecorded = (what: string) =>
  `Nguồn chưa ghi ${what} cho thủ tục này; anh/chị vui lòng hỏi trực tiếp bộ phận một cửa để được hướng dẫn.`;

describe('composeAnswer: the overview (nothing particular asked)', () => {
  it('shows papers, time, fee and where, then what to do next and the source', () => {
    expect(blocks(composeAnswer(full, []))).toEqual([
      header,
      docsBlock,
      deadlineBlock,
      feeBlock,
      whereBlock,
      'Tiếp theo: chuẩn bị đủ giấy tờ trên rồi nộp tại nơi đã nêu; gõ "các bước" hoặc "nộp online được không" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('does not list what the source lacks when the citizen asked nothing in particular', () => {
    const sparse = make({ documents: [{ name: 'Đơn đề nghị' }] });
    const text = composeAnswer(sparse, []);
    expect(text).not.toContain('Nguồn chưa ghi');
    expect(blocks(text)).toEqual([
      `${NAME} (mã ${CODE})`,
      'Thành phần hồ sơ:\n1. Đơn đề nghị',
      'Tiếp theo: chuẩn bị đủ giấy tờ trên rồi hỏi bộ phận một cửa về nơi nộp; gõ "các bước" hoặc "nộp online được không" để hỏi tiếp về thủ tục này.',
      plainSource,
    ]);
  });

  it('never refers to a place "already stated" when the source states none (asked or not)', () => {
    const sparse = make({ documents: [{ name: 'Đơn đề nghị' }] });
    expect(blocks(composeAnswer(sparse, ['documents', 'where'])).slice(1, 4)).toEqual([
      'Thành phần hồ sơ:\n1. Đơn đề nghị',
      notRecorded('nơi nộp'),
      'Tiếp theo: chuẩn bị đủ giấy tờ trên rồi hỏi bộ phận một cửa về nơi nộp; gõ "lệ phí", "mất bao lâu" hoặc "các bước" để hỏi tiếp về thủ tục này.',
    ]);
    expect(composeAnswer(sparse, [], { full: true })).not.toContain('nơi đã nêu');
  });
});

describe('composeAnswer: one aspect asked', () => {
  it('fee: only the fee per mode, and offers papers, time and steps next', () => {
    expect(blocks(composeAnswer(full, ['fee']))).toEqual([
      header,
      feeBlock,
      'Tiếp theo: gõ "cần giấy tờ gì", "mất bao lâu" hoặc "các bước" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('deadline: modes with the same time share a line, in the order the source lists them', () => {
    expect(blocks(composeAnswer(full, ['deadline']))).toEqual([
      header,
      deadlineBlock,
      'Tiếp theo: gõ "cần giấy tờ gì", "lệ phí" hoặc "các bước" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('documents: the papers, and since the place was not shown, how to ask for it', () => {
    expect(blocks(composeAnswer(full, ['documents']))).toEqual([
      header,
      docsBlock,
      'Tiếp theo: chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp; gõ "lệ phí", "mất bao lâu" hoặc "các bước" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('where: agency, place and level, each on its own line', () => {
    expect(blocks(composeAnswer(full, ['where']))[1]).toBe(whereBlock);
    expect(blocks(composeAnswer(make({ submitAt: 'Bộ phận một cửa' }), ['where']))[1]).toBe('Nơi nộp hồ sơ: Bộ phận một cửa');
    expect(blocks(composeAnswer(make({ agency: 'Sở Nông nghiệp' }), ['where']))[1]).toBe('Cơ quan thực hiện: Sở Nông nghiệp');
  });

  it('where: says so when the source names no agency, place or level', () => {
    expect(blocks(composeAnswer(make(), ['where']))).toEqual([
      `${NAME} (mã ${CODE})`,
      notRecorded('nơi nộp'),
      'Tiếp theo: gõ "cần giấy tờ gì", "lệ phí" hoặc "mất bao lâu" để hỏi tiếp về thủ tục này.',
      plainSource,
    ]);
  });

  it('steps: numbered, and offers papers, fee and time next', () => {
    expect(blocks(composeAnswer(full, ['steps']))).toEqual([
      header,
      stepsBlock,
      'Tiếp theo: gõ "cần giấy tờ gì", "lệ phí" hoặc "mất bao lâu" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('conditions: listed, followed by the reminder that the agency decides', () => {
    expect(blocks(composeAnswer(full, ['conditions']))).toEqual([
      header,
      conditionsBlock,
      judgedByAgency,
      'Tiếp theo: gõ "cần giấy tờ gì", "lệ phí" hoặc "mất bao lâu" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('conditions: when the source has none, says so and gives no reminder about them', () => {
    const text = composeAnswer(make(), ['conditions']);
    expect(blocks(text)[1]).toBe(notRecorded('điều kiện'));
    expect(text).not.toContain(judgedByAgency);
    expect(text).not.toContain('Điều kiện:');
  });

  it('conditions: the source text kept as-is is shown as one item', () => {
    const p = make({ raw: { conditions: '  Người nuôi phải có chuồng trại phù hợp.  ' } });
    expect(blocks(composeAnswer(p, ['conditions'])).slice(1, 3)).toEqual([
      'Điều kiện:\n- Người nuôi phải có chuồng trại phù hợp.',
      judgedByAgency,
    ]);
  });

  it('result: what the citizen receives, or that the source does not say', () => {
    expect(blocks(composeAnswer(full, ['result']))[1]).toBe('Kết quả: Giấy phép nuôi ong');
    expect(blocks(composeAnswer(make(), ['result']))[1]).toBe(notRecorded('kết quả'));
  });

  it('legal basis: number then title, or the title alone', () => {
    expect(blocks(composeAnswer(full, ['legal']))[1]).toBe(legalBlock);
  });

  it('legal basis: the source text kept as-is, trimmed', () => {
    const p = make({ raw: { legalBasis: '\n Luật Chăn nuôi năm 2018 \n' } });
    expect(blocks(composeAnswer(p, ['legal']))[1]).toBe('Căn cứ pháp lý (nguyên văn từ nguồn):\nLuật Chăn nuôi năm 2018');
    expect(blocks(composeAnswer(make(), ['legal']))[1]).toBe(notRecorded('căn cứ pháp lý'));
  });
});

describe('composeAnswer: online submission', () => {
  it('yes, with the online time and fee when the source gives them', () => {
    expect(blocks(composeAnswer(full, ['online']))).toEqual([
      header,
      onlineBlock,
      'Tiếp theo: gõ "cần giấy tờ gì", "lệ phí" hoặc "mất bao lâu" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('yes, with only what the source gives for the online mode', () => {
    const feeOnly = make({ channels: [{ mode: 'truc_tuyen', fee: { text: 'Miễn phí' } }] });
    expect(blocks(composeAnswer(feeOnly, ['online']))[1]).toBe(
      'Nộp trực tuyến: có — trên Cổng Dịch vụ công quốc gia hoặc Cổng dịch vụ công của tỉnh (phí, lệ phí: Miễn phí).',
    );
    const timeOnly = make({ channels: [{ mode: 'truc_tuyen', deadline: { text: '2 ngày' } }] });
    expect(blocks(composeAnswer(timeOnly, ['online']))[1]).toBe(
      'Nộp trực tuyến: có — trên Cổng Dịch vụ công quốc gia hoặc Cổng dịch vụ công của tỉnh (thời hạn 2 ngày).',
    );
    const bare = make({ channels: [{ mode: 'truc_tiep' }, { mode: 'truc_tuyen' }] });
    expect(blocks(composeAnswer(bare, ['online']))[1]).toBe(
      'Nộp trực tuyến: có — trên Cổng Dịch vụ công quốc gia hoặc Cổng dịch vụ công của tỉnh.',
    );
  });

  it('names the only modes the source lists when online is not one of them', () => {
    const p = make({ channels: [{ mode: 'truc_tiep' }, { mode: 'buu_chinh' }] });
    expect(blocks(composeAnswer(p, ['online']))[1]).toBe('Nộp trực tuyến: nguồn chỉ ghi các hình thức trực tiếp, dịch vụ bưu chính.');
  });

  it('says the source records no online mode when it lists no mode at all', () => {
    const text = composeAnswer(make(), ['online']);
    expect(blocks(text)[1]).toBe('Nộp trực tuyến: nguồn chưa ghi hình thức nộp trực tuyến cho thủ tục này.');
    expect(text).not.toContain('Nguồn chưa ghi');
  });
});

describe('composeAnswer: several aspects asked', () => {
  it('keeps the order the citizen asked in and offers only what was not shown', () => {
    expect(blocks(composeAnswer(full, ['fee', 'documents', 'where']))).toEqual([
      header,
      feeBlock,
      docsBlock,
      whereBlock,
      'Tiếp theo: chuẩn bị đủ giấy tờ trên rồi nộp tại nơi đã nêu; gõ "mất bao lâu", "các bước" hoặc "nộp online được không" để hỏi tiếp về thủ tục này.',
      fullSource,
    ]);
  });

  it('offers a single follow-up without "hoặc"', () => {
    expect(blocks(composeAnswer(full, ['documents', 'fee', 'deadline', 'steps'])).at(-2)).toBe(
      'Tiếp theo: chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp; gõ "nộp online được không" để hỏi tiếp về thủ tục này.',
    );
  });

  it('offers nothing more once everything that could be offered was shown', () => {
    expect(blocks(composeAnswer(full, ['online', 'steps', 'documents', 'fee', 'deadline'])).slice(-2)).toEqual([
      'Tiếp theo: chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp.',
      fullSource,
    ]);
    expect(blocks(composeAnswer(full, ['online', 'steps', 'fee', 'deadline'])).at(-2)).toBe(
      'Tiếp theo: gõ "cần giấy tờ gì" để hỏi tiếp về thủ tục này.',
    );
  });

  it('lists every missing aspect in one sentence, in the order asked', () => {
    expect(blocks(composeAnswer(make({ levels: ['tinh'] }), ['result', 'fee', 'deadline', 'steps', 'where']))).toEqual([
      `${NAME} (mã ${CODE} — Cấp tỉnh)`,
      'Cấp thực hiện: Cấp tỉnh',
      notRecorded('kết quả, phí, lệ phí, thời hạn giải quyết, trình tự thực hiện'),
      'Tiếp theo: gõ "cần giấy tờ gì" hoặc "nộp online được không" để hỏi tiếp về thủ tục này.',
      plainSource,
    ]);
  });

  it('shows the same section once when it answers two aspects, or the same aspect twice', () => {
    const p = make({ raw: { channels: '  Thời hạn: 5 ngày. Lệ phí: 10.000 đồng.  ' } });
    const rawBlock = 'Thời hạn, phí và lệ phí (nguyên văn từ nguồn):\nThời hạn: 5 ngày. Lệ phí: 10.000 đồng.';
    expect(blocks(composeAnswer(p, ['deadline', 'fee']))).toEqual([
      `${NAME} (mã ${CODE})`,
      rawBlock,
      'Tiếp theo: gõ "cần giấy tờ gì", "các bước" hoặc "nộp online được không" để hỏi tiếp về thủ tục này.',
      plainSource,
    ]);
    expect(blocks(composeAnswer(p, ['fee']))[1]).toBe(rawBlock);
    expect(blocks(composeAnswer(full, ['fee', 'fee'])).filter((b) => b === feeBlock)).toHaveLength(1);
  });

  it('says both time and fee are missing when the source has neither', () => {
    expect(blocks(composeAnswer(make(), ['deadline', 'fee']))[1]).toBe(notRecorded('thời hạn giải quyết, phí, lệ phí'));
  });

  it('skips modes without the asked fact', () => {
    const p = make({ channels: [{ mode: 'truc_tiep', fee: { text: '10.000 đồng' } }, { mode: 'truc_tuyen' }] });
    expect(blocks(composeAnswer(p, ['fee']))[1]).toBe('Phí, lệ phí:\n- Trực tiếp: 10.000 đồng');
    expect(blocks(composeAnswer(p, ['deadline']))[1]).toBe(notRecorded('thời hạn giải quyết'));
  });
});

describe('composeAnswer: papers', () => {
  it('words each paper as the source counts it', () => {
    const p = make({
      documents: [
        { name: 'Bản khai', copies: 3, originals: 2, duplicates: 1 },
        { name: 'Giấy xác nhận', copies: 1, originals: 1, form: 'ban_chinh' },
        { name: 'Ảnh', copies: 2 },
        { name: 'Sổ hộ tịch', copies: 2, form: 'ban_sao_chung_thuc' },
        { name: 'Giấy tờ nhà', form: 'ban_chinh_hoac_ban_sao' },
        { name: 'Biên bản', form: 'ban_sao' },
        { name: 'Tờ khai', template: 'Mẫu TK1' },
        { name: 'Giấy ủy quyền', copies: 0, form: 'ban_chinh', note: 'Có công chứng hoặc chứng thực' },
        { name: 'Đơn' },
      ],
    });
    expect(blocks(composeAnswer(p, ['documents'], { full: true }))[1]).toBe(
      [
        'Thành phần hồ sơ:',
        '1. Bản khai — 2 bản chính, 1 bản sao',
        '2. Giấy xác nhận — 1 bản chính',
        '3. Ảnh — 2 bản',
        '4. Sổ hộ tịch — 2 bản sao có chứng thực',
        '5. Giấy tờ nhà — bản chính hoặc bản sao',
        '6. Biên bản — bản sao',
        '7. Tờ khai — mẫu: Mẫu TK1',
        '8. Giấy ủy quyền — bản chính',
        '   Lưu ý: Có công chứng hoặc chứng thực',
        '9. Đơn',
      ].join('\n'),
    );
  });

  it('lists papers for everyone first, then each case under its heading, numbering on', () => {
    const p = make({
      documents: [
        { name: 'Văn bản ủy quyền', case: 'Trường hợp Ủy quyền cho người khác nộp' },
        { name: 'Đơn đề nghị' },
        { name: 'Hộ chiếu', case: 'trường hợp người nước ngoài' },
        { name: 'Giấy tờ của người được ủy quyền', case: 'Trường hợp Ủy quyền cho người khác nộp' },
        { name: 'Giấy xác nhận', case: 'CCCD do Bộ Công an cấp lại' },
        { name: 'Giấy khai sinh', case: 'Người chưa thành niên' },
      ],
    });
    expect(blocks(composeAnswer(p, ['documents']))[1]).toBe(
      [
        'Thành phần hồ sơ:',
        '1. Đơn đề nghị',
        'Trường hợp ủy quyền cho người khác nộp:',
        '2. Văn bản ủy quyền',
        '3. Giấy tờ của người được ủy quyền',
        'Trường hợp người nước ngoài:',
        '4. Hộ chiếu',
        'Trường hợp CCCD do Bộ Công an cấp lại:',
        '5. Giấy xác nhận',
        'Trường hợp người chưa thành niên:',
        '6. Giấy khai sinh',
      ].join('\n'),
    );
  });

  it('drops only a leading "trường hợp" from a case, however it is spaced', () => {
    const p = make({
      documents: [
        { name: 'Giấy ủy quyền', case: 'Trường hợp  Ủy quyền' },
        { name: 'Quyết định cho nhận con nuôi', case: 'Con nuôi, trường hợp có quyết định của tòa án' },
      ],
    });
    expect(blocks(composeAnswer(p, ['documents']))[1]).toBe(
      [
        'Thành phần hồ sơ:',
        'Trường hợp ủy quyền:',
        '1. Giấy ủy quyền',
        'Trường hợp con nuôi, trường hợp có quyết định của tòa án:',
        '2. Quyết định cho nhận con nuôi',
      ].join('\n'),
    );
  });

  const papers = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ name: `Giấy ${from + i}` }));
  const numbered = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}. Giấy ${i + 1}`);

  it('shows eight papers in full', () => {
    const text = composeAnswer(make({ documents: papers(8) }), ['documents']);
    expect(blocks(text)[1]).toBe(['Thành phần hồ sơ:', ...numbered(8)].join('\n'));
    expect(text).not.toContain('xem thêm');
  });

  it('cuts a ninth paper, counts what is left and offers "xem thêm"', () => {
    const p = make({ documents: papers(9) });
    expect(blocks(composeAnswer(p, ['documents']))).toEqual([
      `${NAME} (mã ${CODE})`,
      ['Thành phần hồ sơ:', ...numbered(8), '… và 1 giấy tờ khác cho các trường hợp riêng.'].join('\n'),
      'Tiếp theo: chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp; gõ "xem thêm" để xem đầy đủ.',
      plainSource,
    ]);
  });

  it('"xem thêm" shows every paper', () => {
    const text = composeAnswer(make({ documents: papers(11) }), ['documents'], { full: true });
    expect(blocks(text)[1]).toBe(['Thành phần hồ sơ:', ...numbered(11)].join('\n'));
    expect(text).not.toContain('xem thêm');
    expect(text).not.toContain('giấy tờ khác');
  });

  it('finishes a case already begun but starts no new case past eight papers', () => {
    const p = make({
      documents: [
        ...papers(7),
        ...papers(3, 8).map((d) => ({ ...d, case: 'Có người đại diện' })),
        ...papers(2, 11).map((d) => ({ ...d, case: 'Người nước ngoài' })),
      ],
    });
    expect(blocks(composeAnswer(p, ['documents']))[1]).toBe(
      [
        'Thành phần hồ sơ:',
        ...numbered(7),
        'Trường hợp có người đại diện:',
        '8. Giấy 8',
        '9. Giấy 9',
        '10. Giấy 10',
        '… và 2 giấy tờ khác cho các trường hợp riêng.',
      ].join('\n'),
    );
  });

  it('starts no case once eight general papers are shown', () => {
    const p = make({ documents: [...papers(8), ...papers(3, 9).map((d) => ({ ...d, case: 'Có người đại diện' }))] });
    const text = composeAnswer(p, ['documents']);
    expect(blocks(text)[1]).toBe(['Thành phần hồ sơ:', ...numbered(8), '… và 3 giấy tờ khác cho các trường hợp riêng.'].join('\n'));
    expect(text).toContain('gõ "xem thêm" để xem đầy đủ');
  });

  it('shows the source text of the papers when they could not be itemised, cut past 1200 characters', () => {
    const short = make({ raw: { documents: '  Đơn đề nghị; bản sao căn cước.  ' } });
    expect(blocks(composeAnswer(short, ['documents'])).slice(1, 3)).toEqual([
      'Thành phần hồ sơ (nguyên văn từ nguồn):\nĐơn đề nghị; bản sao căn cước.',
      'Tiếp theo: chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp; gõ "lệ phí", "mất bao lâu" hoặc "các bước" để hỏi tiếp về thủ tục này.',
    ]);
    expect(blocks(composeAnswer(short, ['documents'], { full: true }))[1]).toBe(
      'Thành phần hồ sơ (nguyên văn từ nguồn):\nĐơn đề nghị; bản sao căn cước.',
    );

    const words = 'giấy tờ '.repeat(200); // 1600 characters, a space every fourth one
    const long = make({ raw: { documents: words } });
    const cutText = blocks(composeAnswer(long, ['documents']));
    expect(cutText[1]).toBe(`Thành phần hồ sơ (nguyên văn từ nguồn):\n${'giấy tờ '.repeat(150).trimEnd()} …`);
    expect(cutText[2]).toBe('Tiếp theo: chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp; gõ "xem thêm" để xem đầy đủ.');
    const whole = blocks(composeAnswer(long, ['documents'], { full: true }));
    expect(whole[1]).toBe(`Thành phần hồ sơ (nguyên văn từ nguồn):\n${words.trim()}`);
    expect(whole.join('\n')).not.toContain('xem thêm');
  });

  it('says the papers are not recorded when the source has neither a list nor a text', () => {
    expect(blocks(composeAnswer(make(), ['documents'])).slice(1, 3)).toEqual([
      notRecorded('thành phần hồ sơ'),
      'Tiếp theo: chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp; gõ "lệ phí", "mất bao lâu" hoặc "các bước" để hỏi tiếp về thủ tục này.',
    ]);
  });
});

describe('composeAnswer: source texts kept as-is are cut at a word', () => {
  const rawTime = (text: string) => blocks(composeAnswer(make({ raw: { channels: text } }), ['deadline']))[1];
  const head = 'Thời hạn, phí và lệ phí (nguyên văn từ nguồn):\n';

  it('keeps a text of exactly 600 characters whole', () => {
    const t = 'a'.repeat(600);
    expect(rawTime(t)).toBe(head + t);
  });

  it('cuts at the last space before 600 characters', () => {
    const t = `${'b'.repeat(361)} ${'c'.repeat(400)}`;
    expect(rawTime(t)).toBe(`${head}${'b'.repeat(361)} …`);
  });

  it('cuts the same text the same way when the fee is asked', () => {
    const t = `${'b'.repeat(361)} ${'c'.repeat(400)}`;
    expect(blocks(composeAnswer(make({ raw: { channels: t } }), ['fee']))[1]).toBe(`${head}${'b'.repeat(361)} …`);
  });

  it('cuts mid-word rather than lose more than four tenths of the text', () => {
    const t = `${'b'.repeat(360)} ${'c'.repeat(400)}`;
    expect(rawTime(t)).toBe(`${head}${'b'.repeat(360)} ${'c'.repeat(239)} …`);
  });
});

describe('composeAnswer: steps', () => {
  const steps = (n: number) => Array.from({ length: n }, (_, i) => `Bước ${i + 1}`);
  const lines = (n: number) => steps(n).map((s, i) => `${i + 1}. ${s}`);

  it('shows six steps in full', () => {
    const text = composeAnswer(make({ steps: steps(6) }), ['steps']);
    expect(blocks(text)[1]).toBe(['Trình tự thực hiện:', ...lines(6)].join('\n'));
    expect(text).not.toContain('xem thêm');
  });

  it('cuts the seventh step and offers "xem thêm" instead of other questions', () => {
    expect(blocks(composeAnswer(make({ steps: steps(8) }), ['steps']))).toEqual([
      `${NAME} (mã ${CODE})`,
      ['Trình tự thực hiện:', ...lines(6), '… và 2 bước nữa.'].join('\n'),
      'Tiếp theo: gõ "xem thêm" để xem đầy đủ.',
      plainSource,
    ]);
  });

  it('"xem thêm" shows every step', () => {
    expect(blocks(composeAnswer(make({ steps: steps(8) }), ['steps'], { full: true }))[1]).toBe(
      ['Trình tự thực hiện:', ...lines(8)].join('\n'),
    );
  });

  it('shows the source text of the steps as a single step', () => {
    const p = make({ raw: { steps: ' Bước 1: nộp hồ sơ. Bước 2: nhận kết quả. ' } });
    expect(blocks(composeAnswer(p, ['steps']))[1]).toBe('Trình tự thực hiện:\n1. Bước 1: nộp hồ sơ. Bước 2: nhận kết quả.');
    expect(blocks(composeAnswer(make(), ['steps']))[1]).toBe(notRecorded('trình tự thực hiện'));
  });
});

describe('composeAnswer: "xem thêm" (full)', () => {
  it('adds every other aspect after the asked ones, and lists the missing ones once', () => {
    const p = make({ ...full, conditions: [], result: undefined, legalBasis: [], decision: undefined, sourceUrl: undefined, updatedAt: undefined });
    expect(blocks(composeAnswer(p, ['steps'], { full: true }))).toEqual([
      header,
      stepsBlock,
      docsBlock,
      deadlineBlock,
      feeBlock,
      whereBlock,
      onlineBlock,
      notRecorded('điều kiện, kết quả, căn cứ pháp lý'),
      plainSource,
    ]);
  });

  it('with nothing asked: every aspect, nothing called missing, no follow-up offers', () => {
    expect(blocks(composeAnswer(full, [], { full: true }))).toEqual([
      header,
      docsBlock,
      deadlineBlock,
      feeBlock,
      whereBlock,
      onlineBlock,
      stepsBlock,
      conditionsBlock,
      'Kết quả: Giấy phép nuôi ong',
      legalBlock,
      'Tiếp theo: chuẩn bị đủ giấy tờ trên rồi nộp tại nơi đã nêu.',
      fullSource,
    ]);
  });

  it('a missing aspect asked with "xem thêm" is named once', () => {
    const text = composeAnswer({ ...full, result: undefined }, ['result'], { full: true });
    expect(blocks(text)).toContain(notRecorded('kết quả'));
  });
});

describe('composeAnswer: notes, links and the closing lines', () => {
  it('puts our notes, then the record’s notes, right after the title', () => {
    const p = make({ notes: ['Sổ hộ khẩu giấy không còn được cấp.'] });
    expect(blocks(composeAnswer(p, ['result'], { notes: ['Thủ tục này nay do cấp xã giải quyết.'] })).slice(0, 3)).toEqual([
      `${NAME} (mã ${CODE})`,
      'Lưu ý: Thủ tục này nay do cấp xã giải quyết.',
      'Lưu ý: Sổ hộ khẩu giấy không còn được cấp.',
    ]);
  });

  it('closes with the province link, the centre note, what next, the extra paragraph and the source', () => {
    const p = make({
      ...full,
      province: {
        province: 'Lạng Sơn',
        pages: [{ localCode: '2.000517.000.00.00.H37', level: 'xa', online: 'mot_phan', url: 'https://dichvucong.langson.example.vn/tt/1' }],
      },
      centreNote: { text: 'Nhận hồ sơ tại quầy số 2, sáng thứ Bảy vẫn làm việc.', date: '2026-10-03' },
    });
    expect(blocks(composeAnswer(p, ['result'], { beforeSource: 'Thủ tục này cũng có ở cấp tỉnh.' })).slice(1)).toEqual([
      'Kết quả: Giấy phép nuôi ong',
      'Nộp trực tuyến / xem tại Cổng DVC Lạng Sơn: https://dichvucong.langson.example.vn/tt/1',
      'Ghi chú của Trung tâm (03/10/2026): Nhận hồ sơ tại quầy số 2, sáng thứ Bảy vẫn làm việc.',
      'Tiếp theo: gõ "cần giấy tờ gì", "lệ phí" hoặc "mất bao lâu" để hỏi tiếp về thủ tục này.',
      'Thủ tục này cũng có ở cấp tỉnh.',
      `Nguồn: thủ tục "${NAME}", mã ${CODE}, có trong danh mục do tỉnh Lạng Sơn công bố, công bố tại Quyết định 12/QĐ-BNN — ` +
        'https://dichvucong.example.vn/thu-tuc/2000517 (thông tin cập nhật ngày 05/11/2026).',
    ]);
  });
});

describe('composeAnswer: a procedure only the province lists', () => {
  const listed = (extra: Partial<ProcedureInput> = {}) =>
    make({
      origin: 'province',
      field: 'Đất đai',
      levels: ['tinh'],
      province: {
        province: 'Lạng Sơn',
        decision: '335/QĐ-UBND',
        pages: [{ localCode: '2.000517.000.00.00.H37', level: 'tinh', online: 'toan_trinh', url: 'https://dichvucong.langson.example.vn/tt/9' }],
      },
      ...extra,
    });

  it('gives name, field, online level and link, and points to the portal page whatever was asked', () => {
    const p = listed({ notes: ['Thủ tục đã được sửa đổi năm 2025.'] });
    expect(blocks(composeAnswer(p, ['fee', 'documents'], { notes: ['Không còn cấp sổ đỏ giấy.'], beforeSource: 'Xem thêm ở cấp xã.' }))).toEqual([
      `${NAME} (mã ${CODE} — Cấp tỉnh)`,
      'Lưu ý: Không còn cấp sổ đỏ giấy.',
      'Lưu ý: Thủ tục đã được sửa đổi năm 2025.',
      'Lĩnh vực: Đất đai',
      'Nộp trực tuyến: nộp hồ sơ trực tuyến được, trực tuyến toàn trình.',
      'Nộp trực tuyến / xem tại Cổng DVC Lạng Sơn: https://dichvucong.langson.example.vn/tt/9',
      'Thành phần hồ sơ, thời hạn giải quyết, phí và lệ phí của thủ tục này có trên trang thủ tục nêu trên; danh mục của chúng tôi mới có tên, lĩnh vực và đường dẫn của thủ tục này.',
      'Xem thêm ở cấp xã.',
      `Nguồn: danh mục thủ tục hành chính do tỉnh Lạng Sơn công bố, thủ tục "${NAME}", mã ${CODE}.`,
    ]);
  });

  it('without a link, sends the citizen to the one-stop desk; the centre note still shows', () => {
    const p = listed({
      levels: [],
      province: { province: 'Lạng Sơn', pages: [{ localCode: '2.000517.000.00.00.H37', online: 'muc_1' }] },
      centreNote: { text: 'Hỏi quầy số 5.', date: '2026-01-20' },
      decision: '99/QĐ-UBND',
      sourceUrl: 'https://example.vn/ds',
      updatedAt: '2026-02-01',
    });
    expect(blocks(composeAnswer(p, []))).toEqual([
      `${NAME} (mã ${CODE})`,
      'Lĩnh vực: Đất đai',
      'Nộp trực tuyến: chưa nộp trực tuyến được; trang thủ tục chỉ cung cấp thông tin (mức độ 1).',
      'Danh mục của chúng tôi mới có tên và lĩnh vực của thủ tục này; anh/chị vui lòng hỏi bộ phận một cửa về thành phần hồ sơ, thời hạn, phí và lệ phí.',
      'Ghi chú của Trung tâm (20/01/2026): Hỏi quầy số 5.',
      `Nguồn: danh mục thủ tục hành chính do tỉnh Lạng Sơn công bố, thủ tục "${NAME}", mã ${CODE}, công bố tại Quyết định 99/QĐ-UBND — https://example.vn/ds (thông tin cập nhật ngày 01/02/2026).`,
    ]);
  });

  it('without the province mark: name, field and the one-stop desk only', () => {
    expect(blocks(composeAnswer(make({ origin: 'province' }), ['online']))).toEqual([
      `${NAME} (mã ${CODE})`,
      'Lĩnh vực: Chăn nuôi',
      'Danh mục của chúng tôi mới có tên và lĩnh vực của thủ tục này; anh/chị vui lòng hỏi bộ phận một cửa về thành phần hồ sơ, thời hạn, phí và lệ phí.',
      plainSource,
    ]);
  });

  it('even with papers on record, does not itemise them', () => {
    const text = composeAnswer(listed({ documents: [{ name: 'Đơn đề nghị' }] }), ['documents']);
    expect(text).not.toContain('Thành phần hồ sơ:');
    expect(text).not.toContain('Tiếp theo');
  });
});

describe('the source line and small helpers', () => {
  it('names the procedure and code, then what is known of its publication', () => {
    expect(citationText(make())).toBe(plainSource);
    expect(citationText(make({ updatedAt: '2025-07-01' }))).toBe(`Nguồn: thủ tục "${NAME}", mã ${CODE} (thông tin cập nhật ngày 01/07/2025).`);
    expect(citationText(make({ sourceUrl: 'https://example.vn/a' }))).toBe(`Nguồn: thủ tục "${NAME}", mã ${CODE} — https://example.vn/a.`);
    expect(citationText(full)).toBe(fullSource);
  });

  it('a record marked listed-only without the province mark reads as an ordinary source', () => {
    expect(citationText(make({ origin: 'province' }))).toBe(plainSource);
  });

  it('citationOf keeps code, name, link and date', () => {
    expect(citationOf(full)).toEqual({ code: CODE, name: NAME, url: 'https://dichvucong.example.vn/thu-tuc/2000517', asOf: '2026-11-05' });
  });

  it('levelText joins the levels in the record’s order', () => {
    expect(levelText(make({ levels: ['tinh', 'xa'] }))).toBe('Cấp tỉnh, Cấp xã');
    expect(levelText(make())).toBe('');
  });

  it('centreNoteText dates the note day first, and is absent without a note', () => {
    expect(centreNoteText(make({ centreNote: { text: 'Nghỉ ngày 2/9.', date: '2026-08-28' } }))).toBe('Ghi chú của Trung tâm (28/08/2026): Nghỉ ngày 2/9.');
    expect(centreNoteText(make())).toBeUndefined();
  });
});
