/**
 * Deterministic answers from catalog records. Facts (document names, fees, deadlines, agencies) are copied verbatim
 * from the record; only the connecting words are ours. Every answer ends with its citation.
 */
import { levelLabels, modeLabels, type Procedure } from '../catalog/schema.js';
import type { Citation } from '../core/types.js';
import type { Aspect } from './understand.js';
import { isListedOnly, provinceLinkText, provinceOnlineText } from '../catalog/province-text.js';

export interface ComposeOptions {
  /** Show every item of long sections instead of the first few. */
  full?: boolean;
  /** Gentle corrections of outdated premises (from the lexicon and the record). */
  notes?: string[];
  /** A paragraph placed just before the citation (e.g. that the procedure also exists at another level). */
  beforeSource?: string;
}

const MAX_DOCS = 8;
const MAX_STEPS = 6;
const MAX_RAW = 1200;

const formLabels: Record<string, string> = {
  ban_chinh: 'bản chính',
  ban_sao: 'bản sao',
  ban_sao_chung_thuc: 'bản sao có chứng thực',
  ban_chinh_hoac_ban_sao: 'bản chính hoặc bản sao',
  xuat_trinh: 'xuất trình bản chính',
};

export function citationOf(p: Procedure): Citation {
  return { code: p.code, name: p.name, url: p.sourceUrl, asOf: p.updatedAt };
}

export function levelText(p: Procedure): string {
  return p.levels.map((l) => levelLabels[l]).join(', ');
}

function truncate(text: string, max: number): { text: string; cut: boolean } {
  const t = text.trim();
  if (t.length <= max) return { text: t, cut: false };
  const at = t.lastIndexOf(' ', max);
  return { text: t.slice(0, at > max * 0.6 ? at : max) + ' …', cut: true };
}

function documentLine(d: Procedure['documents'][number], i: number): string {
  const parts: string[] = [];
  // Originals and copies counted apart are shown apart, as the source states them (never their sum).
  if (d.originals && d.duplicates) parts.push(`${d.originals} bản chính, ${d.duplicates} bản sao`);
  else if (d.copies) parts.push(`${d.copies} ${d.form ? formLabels[d.form] : 'bản'}`);
  else if (d.form) parts.push(formLabels[d.form] ?? d.form);
  if (d.template) parts.push(`mẫu: ${d.template}`);
  let line = `${i}. ${d.name}${parts.length ? ` — ${parts.join('; ')}` : ''}`;
  if (d.note) line += `\n   Lưu ý: ${d.note}`;
  return line;
}

function documentsSection(p: Procedure, full: boolean): { text: string; cut: boolean } | undefined {
  if (p.documents.length) {
    const general = p.documents.filter((d) => !d.case);
    const byCase = new Map<string, typeof p.documents>();
    for (const d of p.documents.filter((d) => d.case)) byCase.set(d.case!, [...(byCase.get(d.case!) ?? []), d]);
    const lines: string[] = [];
    let n = 0;
    let cut = false;
    for (const d of general) {
      if (!full && n >= MAX_DOCS) {
        cut = true;
        break;
      }
      lines.push(documentLine(d, ++n));
    }
    for (const [c, docs] of byCase) {
      if (!full && n >= MAX_DOCS) {
        cut = true;
        break;
      }
      const label = c.replace(/^trường hợp\s+/i, '');
      lines.push(`Trường hợp ${/^\p{Lu}\p{Ll}/u.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label}:`);
      for (const d of docs) lines.push(documentLine(d, ++n));
    }
    const rest = p.documents.length - n;
    if (cut && rest > 0) lines.push(`… và ${rest} giấy tờ khác cho các trường hợp riêng.`);
    return { text: `Thành phần hồ sơ:\n${lines.join('\n')}`, cut };
  }
  if (p.raw?.documents) {
    const t = full ? { text: p.raw.documents.trim(), cut: false } : truncate(p.raw.documents, MAX_RAW);
    return { text: `Thành phần hồ sơ (nguyên văn từ nguồn):\n${t.text}`, cut: t.cut };
  }
  return undefined;
}

/** One line per distinct text; modes with the same text share a line ("- Trực tiếp, Trực tuyến: ..."). */
function perMode(p: Procedure, pick: 'deadline' | 'fee'): string[] {
  const byText = new Map<string, string[]>();
  for (const c of p.channels) {
    const t = c[pick]?.text;
    if (t) byText.set(t, [...(byText.get(t) ?? []), modeLabels[c.mode]]);
  }
  return [...byText].map(([t, modes]) => `- ${modes.join(', ')}: ${t}`);
}

function deadlineSection(p: Procedure): string | undefined {
  const lines = perMode(p, 'deadline');
  if (lines.length) return `Thời hạn giải quyết:\n${lines.join('\n')}`;
  if (p.raw?.channels) return `Thời hạn, phí và lệ phí (nguyên văn từ nguồn):\n${truncate(p.raw.channels, 600).text}`;
  return undefined;
}

function feeSection(p: Procedure): string | undefined {
  const lines = perMode(p, 'fee');
  if (lines.length) return `Phí, lệ phí:\n${lines.join('\n')}`;
  if (p.raw?.channels) return `Thời hạn, phí và lệ phí (nguyên văn từ nguồn):\n${truncate(p.raw.channels, 600).text}`;
  return undefined;
}

function whereSection(p: Procedure): string | undefined {
  const lines: string[] = [];
  if (p.agency) lines.push(`Cơ quan thực hiện: ${p.agency}`);
  if (p.submitAt) lines.push(`Nơi nộp hồ sơ: ${p.submitAt}`);
  if (p.levels.length) lines.push(`Cấp thực hiện: ${levelText(p)}`);
  return lines.length ? lines.join('\n') : undefined;
}

function onlineSection(p: Procedure): string {
  const online = p.channels.find((c) => c.mode === 'truc_tuyen');
  const modes = p.channels.map((c) => modeLabels[c.mode].toLowerCase());
  if (online) {
    const bits = [online.deadline ? `thời hạn ${online.deadline.text}` : '', online.fee ? `phí, lệ phí: ${online.fee.text}` : '']
      .filter(Boolean)
      .join('; ');
    return `Nộp trực tuyến: có — trên Cổng Dịch vụ công quốc gia hoặc Cổng dịch vụ công của tỉnh${bits ? ` (${bits})` : ''}.`;
  }
  if (modes.length) return `Nộp trực tuyến: nguồn chỉ ghi các hình thức ${modes.join(', ')}.`;
  return 'Nộp trực tuyến: nguồn chưa ghi hình thức nộp trực tuyến cho thủ tục này.';
}

function listSection(title: string, items: string[], full: boolean, max: number): { text: string; cut: boolean } | undefined {
  if (!items.length) return undefined;
  const shown = full ? items : items.slice(0, max);
  const lines = shown.map((s, i) => `${i + 1}. ${s}`);
  const cut = shown.length < items.length;
  if (cut) lines.push(`… và ${items.length - shown.length} bước nữa.`);
  return { text: `${title}:\n${lines.join('\n')}`, cut };
}

function rawOr(items: string[], raw: string | undefined): string[] {
  if (items.length) return items;
  return raw ? [truncate(raw, MAX_RAW).text] : [];
}

function legalSection(p: Procedure): string | undefined {
  if (p.legalBasis.length) {
    return `Căn cứ pháp lý:\n${p.legalBasis.map((l) => `- ${l.code ? `${l.code}: ` : ''}${l.title}`).join('\n')}`;
  }
  return p.raw?.legalBasis ? `Căn cứ pháp lý (nguyên văn từ nguồn):\n${truncate(p.raw.legalBasis, MAX_RAW).text}` : undefined;
}

/** The centre's own note, apart from the catalog's facts (staff write it; its date says how fresh it is). */
export function centreNoteText(p: Procedure): string | undefined {
  const n = p.centreNote;
  if (!n) return undefined;
  return `Ghi chú của Trung tâm (${n.date.split('-').reverse().join('/')}): ${n.text}`;
}

export function citationText(p: Procedure): string {
  const bits = [`Nguồn: thủ tục "${p.name}", mã ${p.code}`];
  if (isListedOnly(p) && p.province) bits[0] = `Nguồn: danh mục thủ tục hành chính do tỉnh ${p.province.province} công bố, thủ tục "${p.name}", mã ${p.code}`;
  else if (p.province) bits.push(`có trong danh mục do tỉnh ${p.province.province} công bố`);
  if (p.decision) bits.push(`công bố tại Quyết định ${p.decision}`);
  let line = bits.join(', ');
  if (p.sourceUrl) line += ` — ${p.sourceUrl}`;
  if (p.updatedAt) line += ` (thông tin cập nhật ngày ${p.updatedAt.split('-').reverse().join('/')})`;
  return line + '.';
}

/**
 * Builds the reply text for one procedure: the asked aspects first (all of them when several are asked), a short
 * "what to do next", and the citation. With no aspect, an overview (documents, deadline and fee, where).
 */
export function composeAnswer(p: Procedure, asked: Aspect[], options: ComposeOptions = {}): string {
  if (isListedOnly(p)) return composeListedOnly(p, options);
  const full = options.full ?? false;
  const wanted: Aspect[] = asked.length ? [...asked] : ['documents', 'deadline', 'fee', 'where'];
  if (full) for (const a of ['documents', 'deadline', 'fee', 'where', 'online', 'steps', 'conditions', 'result', 'legal'] as Aspect[]) if (!wanted.includes(a)) wanted.push(a);
  const parts: string[] = [`${p.name} (mã ${p.code}${p.levels.length ? ` — ${levelText(p)}` : ''})`];
  for (const n of options.notes ?? []) parts.push(`Lưu ý: ${n}`);
  for (const n of p.notes) parts.push(`Lưu ý: ${n}`);

  let cut = false;
  const missing: string[] = [];
  const seen = new Set<string>();
  const add = (s: string | undefined, label: string) => {
    if (!s) missing.push(label);
    else if (!seen.has(s)) {
      seen.add(s);
      parts.push(s);
    }
  };
  for (const a of wanted) {
    switch (a) {
      case 'documents': {
        const d = documentsSection(p, full);
        cut ||= Boolean(d?.cut);
        add(d?.text, 'thành phần hồ sơ');
        break;
      }
      case 'deadline':
        add(deadlineSection(p), 'thời hạn giải quyết');
        break;
      case 'fee':
        add(feeSection(p), 'phí, lệ phí');
        break;
      case 'where':
        add(whereSection(p), 'nơi nộp');
        break;
      case 'online':
        add(onlineSection(p), 'hình thức nộp');
        break;
      case 'steps': {
        const s = listSection('Trình tự thực hiện', rawOr(p.steps, p.raw?.steps), full, MAX_STEPS);
        cut ||= Boolean(s?.cut);
        add(s?.text, 'trình tự thực hiện');
        break;
      }
      case 'conditions': {
        const items = rawOr(p.conditions, p.raw?.conditions);
        add(items.length ? `Điều kiện:\n${items.map((c) => `- ${c}`).join('\n')}` : undefined, 'điều kiện');
        break;
      }
      case 'result':
        add(p.result ? `Kết quả: ${p.result}` : undefined, 'kết quả');
        break;
      case 'legal':
        add(legalSection(p), 'căn cứ pháp lý');
        break;
    }
  }
  if (missing.length && asked.length) {
    parts.push(
      `Nguồn chưa ghi ${missing.join(', ')} cho thủ tục này; anh/chị vui lòng hỏi trực tiếp bộ phận một cửa để được hướng dẫn.`,
    );
  }
  if (asked.includes('conditions') && !missing.includes('điều kiện')) {
    parts.push('Việc có đủ điều kiện hay không do cơ quan giải quyết xem xét trên hồ sơ cụ thể.');
  }
  const next: string[] = [];
  if (!asked.length || asked.includes('documents')) {
    // "Nơi đã nêu" only when a place was shown: a record without one gets no reference to a place it never stated.
    if (!wanted.includes('where')) next.push('chuẩn bị đủ giấy tờ trên; gõ "nộp ở đâu" để xem nơi nộp');
    else if (missing.includes('nơi nộp')) next.push('chuẩn bị đủ giấy tờ trên rồi hỏi bộ phận một cửa về nơi nộp');
    else next.push('chuẩn bị đủ giấy tờ trên rồi nộp tại nơi đã nêu');
  }
  if (cut) next.push('gõ "xem thêm" để xem đầy đủ');
  else if (!full) {
    // Suggest follow-ups about what was not shown yet.
    const offers = ([['documents', 'cần giấy tờ gì'], ['fee', 'lệ phí'], ['deadline', 'mất bao lâu'], ['steps', 'các bước'], ['online', 'nộp online được không']] as const)
      .filter(([a]) => !wanted.includes(a))
      .slice(0, 3)
      .map(([, words]) => `"${words}"`);
    if (offers.length) next.push(`gõ ${offers.slice(0, -1).join(', ')}${offers.length > 1 ? ' hoặc ' : ''}${offers.at(-1)} để hỏi tiếp về thủ tục này`);
  }
  const link = provinceLinkText(p);
  if (link) parts.push(link);
  const note = centreNoteText(p);
  if (note) parts.push(note);
  if (next.length) parts.push(`Tiếp theo: ${next.join('; ')}.`);
  if (options.beforeSource) parts.push(options.beforeSource);
  parts.push(citationText(p));
  return parts.join('\n\n');
}

/**
 * A procedure only the province's list names: what the list says (name, field, whether it can be done online, the
 * link) and, honestly, that its documents, deadline and fees are on the portal page, whatever aspect was asked.
 */
function composeListedOnly(p: Procedure, options: ComposeOptions): string {
  const parts: string[] = [`${p.name} (mã ${p.code}${p.levels.length ? ` — ${levelText(p)}` : ''})`];
  for (const n of options.notes ?? []) parts.push(`Lưu ý: ${n}`);
  for (const n of p.notes) parts.push(`Lưu ý: ${n}`);
  parts.push(`Lĩnh vực: ${p.field}`);
  const online = provinceOnlineText(p);
  if (online) parts.push(online);
  const link = provinceLinkText(p);
  if (link) parts.push(link);
  parts.push(
    link
      ? 'Thành phần hồ sơ, thời hạn giải quyết, phí và lệ phí của thủ tục này có trên trang thủ tục nêu trên; danh mục của chúng tôi mới có tên, lĩnh vực và đường dẫn của thủ tục này.'
      : 'Danh mục của chúng tôi mới có tên và lĩnh vực của thủ tục này; anh/chị vui lòng hỏi bộ phận một cửa về thành phần hồ sơ, thời hạn, phí và lệ phí.',
  );
  const note = centreNoteText(p);
  if (note) parts.push(note);
  if (options.beforeSource) parts.push(options.beforeSource);
  parts.push(citationText(p));
  return parts.join('\n\n');
}
