/**
 * A procedure's full requirements as plain text for staff (CLI `show`, the bot's /tt command, the admin page).
 * No channel markup: callers escape or format it for their medium. Facts are printed as the record states them.
 */
import { levelLabels, modeLabels, type Channel, type Procedure, type ProcedureDocument } from './schema.js';
import { isListedOnly, onlineLevelText } from './province-text.js';

export interface RenderTextOptions {
  /** Shown as "Cập nhật" when the record itself has no updatedAt (e.g. the row's last import time). */
  updatedAt?: Date | string;
  /** Show the portal's original text for a section whose structured form is empty (default true). */
  rawFallback?: boolean;
}

const formLabels: Record<NonNullable<ProcedureDocument['form']>, string> = {
  ban_chinh: 'bản chính',
  ban_sao: 'bản sao',
  ban_sao_chung_thuc: 'bản sao chứng thực',
  ban_chinh_hoac_ban_sao: 'bản chính hoặc bản sao',
  xuat_trinh: 'xuất trình',
};

/** "1 bản chính", "1 bản chính, 1 bản sao", "xuất trình bản chính", "" when the source gives no count. */
export function describeCopies(d: ProcedureDocument): string {
  if (d.originals !== undefined || d.duplicates !== undefined) {
    const parts: string[] = [];
    if (d.originals) parts.push(`${d.originals} bản chính`);
    if (d.duplicates) parts.push(`${d.duplicates} bản sao`);
    return parts.join(', ');
  }
  if (d.form === 'xuat_trinh') return d.copies ? `xuất trình ${d.copies} bản chính` : 'xuất trình bản chính';
  if (d.copies !== undefined && d.form) return `${d.copies} ${formLabels[d.form]}`;
  if (d.copies !== undefined) return `${d.copies} bản`;
  return d.form ? formLabels[d.form] : '';
}

function describeDeadline(c: Channel): string {
  const d = c.deadline;
  if (!d) return 'không có thông tin';
  // The portal sometimes drops the unit: say so instead of letting "1" read as a day.
  return /^\d+([.,]\d+)?$/.test(d.text.trim()) ? `${d.text} (nguồn không ghi đơn vị)` : d.text;
}

function describeFee(c: Channel): string {
  if (!c.fee) return 'không có thông tin';
  return c.fee.text;
}

const isoDate = (d: Date | string | undefined): string | undefined => {
  if (!d) return undefined;
  const date = typeof d === 'string' ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? (typeof d === 'string' ? d : undefined) : date.toISOString().slice(0, 10);
};

const indent = (text: string, pad = '   ') =>
  text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');

function renderDocuments(docs: ProcedureDocument[]): string[] {
  const lines: string[] = [];
  // Papers for everyone first, then each case in source order.
  const cases: (string | undefined)[] = docs.some((d) => d.case === undefined) ? [undefined] : [];
  for (const d of docs) if (d.case !== undefined && !cases.includes(d.case)) cases.push(d.case);
  for (const c of cases) {
    if (c) lines.push(`  ${c}:`);
    let n = 0;
    for (const d of docs.filter((x) => x.case === c)) {
      const pad = c ? '    ' : '  ';
      const copies = describeCopies(d);
      const bullet = d.group ? `${pad}   + ` : `${pad}${++n}. `;
      let line = `${bullet}${d.name}`;
      if (copies) line += ` — ${copies}`;
      lines.push(line);
      const more = d.group ? `${pad}     ` : `${pad}   `;
      if (d.template) lines.push(`${more}Mẫu: ${d.template}`);
      if (d.note) lines.push(`${more}Ghi chú: ${d.note}`);
    }
  }
  return lines;
}

/** Renders the whole record with Vietnamese headings, readable in a terminal. */
export function renderProcedureText(p: Procedure, options: RenderTextOptions = {}): string {
  const rawFallback = options.rawFallback ?? true;
  const out: string[] = [];
  const section = (title: string, body: string[]) => {
    if (!body.length) return;
    out.push('', title.toUpperCase(), ...body);
  };
  const raw = (key: keyof NonNullable<Procedure['raw']>) =>
    rawFallback && p.raw?.[key] ? [indent(`(nguyên văn từ nguồn)\n${p.raw[key]}`, '  ')] : [];

  out.push(p.name);
  const head = [`Mã thủ tục: ${p.code}${p.localCode ? ' (mã địa phương)' : ''}`, `Lĩnh vực: ${p.field}`];
  if (p.levels.length) head.push(`Cấp thực hiện: ${p.levels.map((l) => levelLabels[l]).join(', ')}`);
  out.push(head.join(' · '));
  if (p.aliases.length) out.push(`Tên thường gọi: ${p.aliases.join('; ')}`);

  section('Thành phần hồ sơ', p.documents.length ? renderDocuments(p.documents) : raw('documents'));

  const channelLines: string[] = [];
  for (const c of p.channels) {
    channelLines.push(`  - ${modeLabels[c.mode]}: thời hạn ${describeDeadline(c)}; phí, lệ phí: ${describeFee(c)}`);
    if (c.note) channelLines.push(indent(c.note, '      '));
  }
  section('Thời hạn và phí, lệ phí', channelLines.length ? channelLines : raw('channels'));

  const where: string[] = [];
  if (p.agency) where.push(`  Cơ quan thực hiện: ${p.agency}`);
  if (p.submitAt) where.push(`  Nơi nộp: ${p.submitAt}`);
  if (p.audience) where.push(`  Đối tượng thực hiện: ${p.audience}`);
  section('Cơ quan thực hiện / Nơi nộp', where);

  section('Trình tự thực hiện', p.steps.length ? p.steps.map((s, i) => `  ${i + 1}. ${s}`) : raw('steps'));
  section('Điều kiện', p.conditions.length ? p.conditions.map((s) => `  - ${s}`) : raw('conditions'));
  section('Kết quả', p.result ? [`  ${p.result}`] : raw('result'));
  section(
    'Căn cứ pháp lý',
    p.legalBasis.length ? p.legalBasis.map((l) => `  - ${l.code ? `${l.code}: ` : ''}${l.title}`) : raw('legalBasis'),
  );
  section('Lưu ý', p.notes.map((n) => `  - ${n}`));
  if (p.province) {
    const lines = [`  Mức độ trực tuyến: ${onlineLevelText(p)}`];
    if (p.province.decision) lines.push(`  Quyết định công bố của tỉnh: ${p.province.decision}`);
    for (const g of p.province.pages) lines.push(`  - ${g.localCode}${g.url ? `: ${g.url}` : ''}`);
    if (isListedOnly(p)) lines.push('  Chỉ có trong danh mục của tỉnh: chưa có thành phần hồ sơ, thời hạn, phí (xem trang thủ tục trên cổng của tỉnh).');
    section(`Danh mục tỉnh ${p.province.province}`, lines);
  }
  if (p.centreNote) section(`Ghi chú của Trung tâm (${p.centreNote.date})`, [`  ${p.centreNote.text}`]);

  const foot: string[] = [];
  if (p.decision) foot.push(`Quyết định công bố: ${p.decision}`);
  foot.push(`Nguồn: ${p.sourceUrl ?? (p.origin === 'dvc' ? 'Cổng Dịch vụ công quốc gia' : p.origin === 'province' ? `danh mục tỉnh ${p.province?.province ?? ''}` : 'danh mục của Trung tâm')}`);
  const updated = p.updatedAt ?? isoDate(options.updatedAt);
  if (updated) foot.push(`Cập nhật: ${updated}`);
  out.push('', ...foot);
  return out.join('\n');
}
