/**
 * Importer for records crawled from the National Public Service Portal (dichvucong.gov.vn), one JSON file per
 * procedure. The portal flattens its HTML tables into run-on text ("Trực tuyến5 Ngày làm việc25 USD..."), sometimes
 * loses the unit of a deadline ("Trực tiếp1Miễn phí") and appends UI labels to the result field. This module turns
 * such a record into a Procedure (origin 'dvc'), parsing what it can and keeping every original text in `raw`.
 * It never invents: what it cannot read with confidence stays as text only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import {
  procedureSchema,
  type Channel,
  type Deadline,
  type Fee,
  type LegalBasis,
  type Level,
  type Procedure,
  type ProcedureDocument,
  type SubmissionMode,
} from './schema.js';
// One number reader for the importer, the faithfulness guard and the eval: "1.750.000", "10,000", "2,5".
import { parseNumber } from '../text/quantities.js';

/** The fields of a crawled record that we read; everything else is ignored. */
const dvcRecordSchema = z.looseObject({
  ma_thu_tuc: z.string().trim().min(1, 'ma_thu_tuc is empty'),
  ten_thu_tuc: z.string().trim().min(1, 'ten_thu_tuc is empty'),
  linh_vuc: z.string().default(''),
  cap_thuc_hien: z.string().default(''),
  doi_tuong_thuc_hien: z.string().default(''),
  co_quan_thuc_hien: z.string().default(''),
  co_quan_co_tham_quyen: z.string().default(''),
  dia_chi_tiep_nhan: z.string().default(''),
  cach_thuc_thuc_hien: z.string().default(''),
  thanh_phan_ho_so: z.string().default(''),
  trinh_tu_thuc_hien: z.string().default(''),
  yeu_cau_dieu_kien: z.string().default(''),
  ket_qua_xu_ly: z.string().default(''),
  can_cu_phap_ly: z.string().default(''),
  so_quyet_dinh: z.string().default(''),
  detail_url: z.string().default(''),
  raw_text: z.string().default(''),
});
export type DvcRecord = z.infer<typeof dvcRecordSchema>;

const NO_INFO = 'Không có thông tin';

/** NFC, non-breaking spaces and tabs to spaces, runs of spaces collapsed; "Không có thông tin" → ''. */
export function cleanText(s: string | undefined): string {
  if (!s) return '';
  const t = s
    .normalize('NFC')
    .replace(/[\u00a0\t\u200b]/g, ' ')
    .replace(/[ ]{2,}/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
  return t === NO_INFO ? '' : t;
}

// ---------------------------------------------------------------------------------------------------------------
// Money

const VND_IN_TEXT =
  /(\d{1,3}(?:[.,]\d{3})+|\d+)(?:\s*(triệu|nghìn|ngàn))?\s*(?:đồng|vnđ|vnd|đ|Đồng|VNĐ|VND|Đ)(?![\p{L}])/giu;

/** VND amounts mentioned in free text ("50.000 đồng", "400.000đ/hộ chiếu", "5 triệu đồng"), in order. */
export function vndAmountsIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(VND_IN_TEXT)) {
    let v = parseNumber(m[1] as string);
    if (v === undefined) continue;
    const scale = m[2]?.toLowerCase();
    if (scale === 'triệu') v *= 1_000_000;
    else if (scale === 'nghìn' || scale === 'ngàn') v *= 1000;
    if (v > 0 && !out.includes(v)) out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Channels: cach_thuc_thuc_hien

const MODE_NAMES: [string, SubmissionMode][] = [
  ['Trực tuyến', 'truc_tuyen'],
  ['Trực tiếp', 'truc_tiep'],
  ['Dịch vụ bưu chính', 'buu_chinh'],
];
const CHANNEL_HEADER = /^\s*Hình thức nộp\s*Thời gian\s*Phí, lệ phí\s*Mô tả/;
// A mode cell is followed by its deadline cell, which starts with a digit or a capital ("Không ..."); the same words
// inside a description are followed by ':' or lower case ("Trực tiếp: nộp hồ sơ ...").
const MODE_START = /(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(?=[\p{Lu}\d])/gu;
const UNIT = '(Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Tuần|Phút)';
const TIME_WITH_UNIT = new RegExp(`^(\\d+(?:[.,]\\d+)?)\\s*${UNIT}`, 'u');
const CURRENCY = '(Việt Nam Đồng|VNĐ|Đồng|USD)';
const FEE_TOKEN = new RegExp(`^(?:(Miễn phí)|(${NO_INFO})|(\\d[\\d.,]*)\\s*${CURRENCY})`, 'u');

export interface ParsedMode {
  mode: SubmissionMode;
  /** Raw deadline cell. */
  time: string;
  /** Raw fee cell (amount + currency, "Miễn phí", or ''). */
  feeCell: string;
  /** The parenthesised note that follows the fee cell. */
  feeNote: string;
  description: string;
}

/** Reads a balanced "( ... )" starting at s[i] === '('; returns the inner text and the index after it. */
function readParens(s: string, i: number): { inner: string; end: number } {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '(') depth++;
    else if (s[j] === ')') {
      depth--;
      if (depth === 0) return { inner: s.slice(i + 1, j), end: j + 1 };
    }
  }
  return { inner: s.slice(i + 1), end: s.length };
}

/** Splits the digits of a unit-less deadline glued to a fee ("1100,000 VNĐ") into the two, when it can tell. */
function splitGluedDigits(
  digits: string,
  noteAmounts: number[],
  knownTime: string | undefined,
): { time: string; fee: string } | undefined {
  const splits: { time: string; fee: string; value: number }[] = [];
  for (let i = 0; i < digits.length; i++) {
    const time = digits.slice(0, i);
    const fee = digits.slice(i);
    if (time.includes(',') || time.includes('.')) continue;
    if (/^0/.test(fee)) continue;
    const value = parseNumber(fee);
    if (value === undefined || value === 0) continue;
    splits.push({ time, fee, value });
  }
  if (!splits.length) return undefined;
  if (noteAmounts.length) {
    const hit = splits.find((s) => s.time && noteAmounts.some((a) => a === s.value || a === s.value * 1000));
    if (hit) return hit;
  }
  if (knownTime !== undefined) {
    const hit = splits.find((s) => s.time === knownTime);
    if (hit) return hit;
  }
  if (splits.length === 1) return splits[0];
  return undefined;
}

/** Splits cach_thuc_thuc_hien into one entry per submission mode, in source order. */
function splitModes(text: string): ParsedMode[] {
  const body = text.replace(CHANNEL_HEADER, '');
  const starts = [...body.matchAll(MODE_START)];
  const out: ParsedMode[] = [];
  starts.forEach((m, k) => {
    const mode = MODE_NAMES.find(([n]) => n === m[1])![1];
    const from = (m.index ?? 0) + m[0].length;
    const to = k + 1 < starts.length ? (starts[k + 1]!.index ?? body.length) : body.length;
    const seg = body.slice(from, to);
    let i = 0;
    let time = '';
    const unit = TIME_WITH_UNIT.exec(seg);
    if (unit) {
      time = unit[0];
      i = unit[0].length;
    } else if (seg.startsWith(NO_INFO) && FEE_TOKEN.test(seg.slice(NO_INFO.length))) {
      // "Không có thông tin" in the deadline cell, then the fee cell
      time = NO_INFO;
      i = NO_INFO.length;
    } else {
      // Free text ("Không phải trả kết quả ...") or bare digits whose unit was lost, up to the fee cell.
      const feeAt = seg.search(/Miễn phí|Không có thông tin|\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|Đồng|USD)/u);
      if (feeAt > 0) {
        time = seg.slice(0, feeAt);
        i = feeAt;
      }
    }
    let feeCell = '';
    const fee = FEE_TOKEN.exec(seg.slice(i));
    if (fee) {
      feeCell = fee[0];
      i += fee[0].length;
    }
    let feeNote = '';
    // "(1) Trường hợp ..." right after the fee cell is the description's own numbering, not a fee note.
    if (seg[i] === '(' && !/^\((?:\d{1,2}|[a-zđ]|[ivx]{1,4})\)/.test(seg.slice(i))) {
      const p = readParens(seg, i);
      feeNote = p.inner;
      i = p.end;
    }
    out.push({ mode, time: time.trim(), feeCell, feeNote: feeNote.trim(), description: seg.slice(i).trim() });
  });
  return out;
}

const unitToDeadline = (n: number, unit: string): Omit<Deadline, 'text'> => {
  const u = unit.toLowerCase();
  if (u.startsWith('ngày làm việc')) return { workingDays: n };
  if (u.startsWith('ngày')) return { days: n };
  if (u.startsWith('giờ')) return { hours: n };
  if (u.startsWith('tháng')) return { months: n };
  if (u.startsWith('năm')) return { months: n * 12 };
  if (u.startsWith('tuần')) return { days: n * 7 };
  if (u.startsWith('phút')) return { hours: n / 60 };
  return {};
};

/**
 * Recovers the unit of a bare deadline N ("Trực tiếp1Miễn phí") from the same number written with a unit in the
 * mode's own description, or — less directly — in the steps/conditions text, where it must follow a time-limit
 * phrase ("trong thời hạn 01 ngày làm việc", "chậm nhất 01 ngày làm việc"). Dates ("ngày 01 tháng 6") never match.
 */
function recoverUnit(n: number, description: string, context: string[]): Deadline | undefined {
  const phrase = `(?<![\\d.,/])0*${n}\\s*(ngày làm việc|ngày|giờ làm việc|giờ|tháng)(?![\\p{L}])(?!\\s*(?:\\d|năm))`;
  const own = new RegExp(`(?<!ngày\\s)${phrase}`, 'iu').exec(description);
  if (own) return { text: own[0], ...unitToDeadline(n, own[1] as string) };
  const limited = new RegExp(`(?:thời hạn|chậm nhất|không quá|trong vòng|tối đa)(?: là)?\\s+(${phrase})`, 'iu');
  for (const t of context) {
    const m = limited.exec(t);
    if (m) return { text: m[1] as string, ...unitToDeadline(n, m[2] as string) };
  }
  return undefined;
}

const LOCAL_FEE = /(mức|theo mức thu)( lệ)? phí.{0,40}(do|theo quy định của) hội đồng nhân dân|hội đồng nhân dân (cấp )?tỉnh.{0,30}quy định/iu;
const USD_IN_TEXT = /(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:USD|đô la Mỹ)/giu;

/** Parses cach_thuc_thuc_hien into channels (deadline and fee per mode). */
export function parseChannels(text: string, context: string[] = []): Channel[] {
  const src = cleanText(text);
  if (!src) return [];
  const modes = splitModes(src);
  const bareTimes = modes.map((m) => (/^\d+$/.test(m.time) ? m.time : undefined)).filter((t) => t !== undefined);
  const knownBare = bareTimes.length ? bareTimes[0] : undefined;
  return modes.map((m) => {
    const channel: Channel = { mode: m.mode };
    const noteAmounts = vndAmountsIn(m.feeNote);
    let time = m.time;
    let feeCell = m.feeCell;
    let feeAmountText: string | undefined;
    let currency: string | undefined;
    const money = /^(\d[\d.,]*)\s*(Việt Nam Đồng|VNĐ|Đồng|USD)$/u.exec(feeCell);
    if (money) {
      feeAmountText = money[1];
      currency = money[2];
      if (!time) {
        // A lost deadline unit glues the deadline's digits to the amount: "Trực tiếp1100,000 VNĐ".
        const split = splitGluedDigits(money[1] as string, noteAmounts, knownBare);
        if (split && split.time) {
          time = split.time;
          feeAmountText = split.fee;
          feeCell = `${split.fee} ${currency}`;
        } else if (!split) {
          feeAmountText = undefined; // ambiguous: keep text only
        }
      }
    }
    // Deadline
    if (time && time !== NO_INFO) {
      const u = TIME_WITH_UNIT.exec(time);
      if (u) {
        const n = parseNumber(u[1] as string) ?? Number((u[1] as string).replace(',', '.'));
        channel.deadline = { text: time, ...unitToDeadline(n, u[2] as string) };
      } else if (/^\d+$/.test(time)) {
        channel.deadline = recoverUnit(Number(time), m.description, context) ?? { text: time };
      } else {
        channel.deadline = { text: time };
      }
    }
    // Fee
    const note = m.feeNote;
    if (feeCell === 'Miễn phí') {
      const fee: Fee = { text: note ? `Miễn phí (${note})` : 'Miễn phí' };
      // The portal shows "Miễn phí" next to notes that state an amount or leave it to the province; only a bare
      // "Miễn phí" (or a note without amounts) counts as free.
      if (noteAmounts.length) fee.amountsVnd = noteAmounts;
      else if (LOCAL_FEE.test(note)) fee.decidedLocally = true;
      else fee.free = true;
      channel.fee = fee;
    } else if (money || feeCell.match(/^\d/)) {
      const fee: Fee = { text: note ? `${feeCell} (${note})` : feeCell };
      const value = feeAmountText !== undefined ? parseNumber(feeAmountText) : undefined;
      if (currency === 'USD') {
        if (value !== undefined) fee.amountsUsd = [value];
        if (noteAmounts.length) fee.amountsVnd = noteAmounts;
      } else if (value !== undefined && [...note.matchAll(USD_IN_TEXT)].some((u) => parseNumber(u[1] as string) === value)) {
        // "155 VNĐ (… 155 USD/thẻ)": the note names the currency the cell lost.
        fee.amountsUsd = [value];
      } else {
        // Small values ("20 VNĐ" next to "20.000 vnđ/tờ khai") are the portal showing thousands: trust the note.
        const amounts = value !== undefined && value >= 1000 ? [value] : [];
        for (const a of noteAmounts) if (!amounts.includes(a)) amounts.push(a);
        if (amounts.length) fee.amountsVnd = amounts;
      }
      channel.fee = fee;
    } else if (note) {
      const fee: Fee = { text: note };
      if (noteAmounts.length) fee.amountsVnd = noteAmounts;
      else if (LOCAL_FEE.test(note)) fee.decidedLocally = true;
      else if (/^(không|miễn)( thu)?( phí| lệ phí)?\.?$/i.test(note.trim())) fee.free = true;
      channel.fee = fee;
    }
    if (m.description) channel.note = m.description;
    return channel;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Documents: thanh_phan_ho_so

const DOC_TABLE_HEADER = 'Tên giấy tờMẫu đơn, tờ khaiSố lượng';
// The count cell: "1 bản chính", "0 bản chính,1 bản sao", "2 bản sao", followed by the next row without a space.
const COUNT_CELL = /(?<!\d)(\d+) bản chính(?:,\s?(\d+) bản sao)?(?=\S|$)|(?<!\d)(\d+) bản sao(?=\S|$)/gu;
const TEMPLATE_FILE = /\.(?:docx?|pdf|xlsx?|rar|zip|rtf|odt)$/i;

/** Separates trailing form files ("Mẫu số 03.docx", "MauKX1079.docx") from a document's name. */
function splitTemplate(name: string): { name: string; template?: string } {
  if (!TEMPLATE_FILE.test(name)) return { name };
  const firstExt = name.search(/\.(?:docx?|pdf|xlsx?|rar|zip|rtf|odt)(?![a-z])/iu);
  if (firstExt < 0) return { name };
  // The first file name starts after a sentence break glued to it ("...Bộ Công an).MauKX1079.docx"), or else where
  // a capital is glued to the last word of the name ("theo mẫuMauBankhai.docx").
  const from = Math.max(0, firstExt - 60);
  const windowText = name.slice(from, firstExt);
  let start = -1;
  // A dot between digits is inside a number ("1.001729.docx"), not a break.
  const breaks = [...windowText.matchAll(/[;:)](?=[\p{Lu}\d])|(?<!\d)\.(?=[\p{Lu}\d])|\.(?=\p{Lu})/gu)];
  const lastBreak = breaks[breaks.length - 1];
  if (lastBreak) start = from + (lastBreak.index ?? 0) + 1;
  else {
    const runStart = name.lastIndexOf(' ', firstExt) + 1;
    const run = name.slice(runStart, firstExt);
    const glue = /\p{Ll}(?=\p{Lu})/u.exec(run);
    if (glue) start = runStart + glue.index + 1;
  }
  if (start <= 0) return { name };
  const docName = name.slice(0, start).trim();
  const files = name.slice(start).trim();
  if (docName.length < 3) return { name };
  return {
    name: docName,
    template: files.replace(/\.(docx?|pdf|xlsx?|rar|zip|rtf|odt)(?![a-z])(?=\S)/gi, '.$1; '),
  };
}

const CASE_HEAD = /^(Trường hợp|Đối với|Nếu|Riêng)\s/iu;
const joinCase = (section: string | undefined, sub: string | undefined) =>
  section && sub ? `${section} — ${sub}` : (section ?? sub);

const stripBullet = (s: string) => s.replace(/^[\s\-+*•–]+/, '').replace(/[;.,:\s]+$/, '').trim();

interface CountCell {
  /** Where the cell starts: the end of the document's name. */
  start: number;
  end: number;
  originals: number;
  duplicates: number;
}

/**
 * The count cells of a document table, in order. The portal's count is one digit (the largest in the national
 * catalog is 8), and the name cell before it often ends in a number — a date's year ("ngày 01/01/2026"), a form or
 * decree number ("Mẫu số 18", "Nghị định 116") — glued to it: "…ngày 01/01/20261 bản chính" is the year 2026 and
 * one original. So only the last digit of the run is the count; the digits before it stay in the name. A
 * zero-padded "01 bản chính" is how people write a count inside a document's name, never the cell.
 */
function countCells(body: string): CountCell[] {
  const out: CountCell[] = [];
  for (const m of body.matchAll(COUNT_CELL)) {
    const run = (m[1] ?? m[3]) as string;
    if (/^0\d$/.test(run)) continue;
    const start = (m.index ?? 0) + run.length - 1;
    const count = Number(run[run.length - 1]);
    out.push({
      start,
      end: (m.index ?? 0) + m[0].length,
      originals: m[1] !== undefined ? count : 0,
      duplicates: m[1] !== undefined ? Number(m[2] ?? 0) : count,
    });
  }
  return out;
}

/** Parses thanh_phan_ho_so into documents with copies, form and the case/section they belong to. */
export function parseDocuments(text: string): ProcedureDocument[] {
  const src = cleanText(text);
  if (!src) return [];
  const docs: ProcedureDocument[] = [];
  // Sections: text before each table header is the section title ("* Giấy tờ phải nộp:", "- Cá nhân:", "--").
  const parts = src.split(DOC_TABLE_HEADER);
  let sectionTitle = stripBullet(parts[0] ?? '');
  for (let k = 1; k < parts.length; k++) {
    let body = parts[k] as string;
    // The next section's title is the text after the last count cell of this part.
    let nextTitle = '';
    if (k + 1 < parts.length) {
      const last = countCells(body).at(-1);
      const cut = last ? last.end : 0;
      nextTitle = body.slice(cut);
      body = body.slice(0, cut);
    }
    const present = /xuất trình/i.test(sectionTitle);
    const section = sectionTitle && !/^giấy tờ phải (nộp|xuất trình)$/i.test(sectionTitle) ? sectionTitle : undefined;
    let group: { title: string; bullet: string } | undefined;
    let subCase: string | undefined;
    let pos = 0;
    for (const cell of countCells(body)) {
      const rawName = body.slice(pos, cell.start).trim();
      pos = cell.end;
      if (!rawName) continue;
      const { originals, duplicates } = cell;
      const bullet = /^\s*([+\-*•–]+)/.exec(rawName)?.[1] ?? '';
      const { name: nameWithBullet, template } = splitTemplate(rawName);
      const name = stripBullet(nameWithBullet);
      if (!name) continue;
      const total = originals + duplicates;
      // A zero-count "Trường hợp ...:" row opens a case: the rows after it, up to the next such row or the end of
      // the section, are the papers for that case.
      if (total === 0 && /:\s*$/.test(rawName) && CASE_HEAD.test(name)) {
        subCase = name;
        group = undefined;
        continue;
      }
      // Another zero-count row ending in ':' heads the rows that follow ("Chứng cứ ... gồm:"), whose bullets are deeper.
      if (total === 0 && /:\s*$/.test(rawName)) {
        group = { title: name, bullet };
        const headCase = joinCase(section, subCase);
        docs.push({ name, ...(headCase ? { case: headCase } : {}), ...(present ? { form: 'xuat_trinh' } : {}) });
        continue;
      }
      if (group && !(bullet && bullet !== group.bullet)) group = undefined;
      const doc: ProcedureDocument = { name };
      if (total > 0) doc.copies = total;
      if (originals > 0 && duplicates > 0) {
        doc.originals = originals;
        doc.duplicates = duplicates;
      } else if (present) doc.form = 'xuat_trinh';
      else if (originals > 0) doc.form = 'ban_chinh';
      else if (duplicates > 0) doc.form = /chứng thực/i.test(name) ? 'ban_sao_chung_thuc' : 'ban_sao';
      if (present && !doc.form) doc.form = 'xuat_trinh';
      if (template) doc.template = template;
      const docCase = joinCase(section, subCase);
      if (docCase) doc.case = docCase;
      if (group) doc.group = group.title;
      docs.push(doc);
    }
    const tail = stripBullet(body.slice(pos));
    if (tail && tail.length > 2) docs.push({ name: tail, ...(section ? { case: section } : {}) });
    sectionTitle = stripBullet(nextTitle);
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------------------------
// Legal basis: can_cu_phap_ly

const LEGAL_HEADER = /^\s*Tên văn bản pháp lý\s*Mã văn bản/;
// A code's number may carry a dot: the Government's resolutions are numbered "66.7/2025/NQ-CP".
const CODE_SEG = String.raw`(?:(?:UBTV)?QH\d{2}|\p{Lu}+(?!\p{Ll}))`;
const LEGAL_CODE = new RegExp(
  String.raw`(?:(?:Luật|Bộ luật|Thông tư liên tịch|Thông tư|Nghị định|Nghị quyết|Quyết định|Văn bản hợp nhất|Pháp lệnh|Lệnh)\s+)?(?:số\s*)?\d{1,4}(?:\.\d{1,3})?\/(?:\d{4}\/)?${CODE_SEG}(?:-${CODE_SEG})*`,
  'gu',
);

/** Parses can_cu_phap_ly ("Tên văn bản pháp lýMã văn bản<title><code><title><code>...") into references. */
export function parseLegalBasis(text: string): LegalBasis[] {
  const src = cleanText(text).replace(LEGAL_HEADER, '').trim();
  if (!src) return [];
  const out: LegalBasis[] = [];
  let pos = 0;
  for (const m of src.matchAll(LEGAL_CODE)) {
    let at = m.index ?? 0;
    const end = at + m[0].length;
    const before = at > 0 ? (src[at - 1] as string) : '';
    // The code cell is glued to the title cell; codes quoted inside a title follow a space or "(".
    if (at === 0 || /[\s(]/.test(before)) continue;
    // A title ending in a year runs into the code's number: "Luật Cư trú 202068/2020/QH14" is the law of 2020 and
    // 68/2020/QH14, not "… 20" and 2068/2020/QH14. The year is four digits; the code's number is what follows it.
    let runStart = at;
    while (runStart > 0 && /\d/.test(src[runStart - 1] as string)) runStart--;
    const run = src.slice(runStart, src.indexOf('/', at));
    if (runStart < at && run.length > 4 && /^(?:19|20)\d\d/.test(run)) at = runStart + 4;
    const title = src.slice(pos, at).trim().replace(/[;,]\s*$/, '');
    // A code right after the previous code starts the next title ("...QH14Thông tư số 68/2025/TT-BTC của ...").
    if (!title) continue;
    const code = src.slice(at, end).replace(/^.*?(?=\d)/u, '').trim();
    pos = end;
    out.push({ code, title });
  }
  const rest = src.slice(pos).trim();
  if (rest) out.push({ title: rest });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps, conditions, result, levels

/** Splits a multi-line text into items (one per line; "Bước N" glued mid-line also starts an item). */
function splitItems(text: string): string[] {
  const src = cleanText(text);
  if (!src) return [];
  return src
    .replace(/(?<=\S)\s*(?=Bước \d+[:.\s])/g, '\n')
    .split(/\n+/)
    .map((s) => s.replace(/^(?:[-+•*–]+\s+)+/, '').trim())
    .filter((s) => s.length > 1 && s !== NO_INFO);
}

/** Results, without the portal's UI text ("Mã: KQ...", "Từ khóa", "Chọn cơ quan thực hiện", "Nộp hồ sơ"). */
export function parseResult(text: string): string | undefined {
  let src = cleanText(text);
  if (!src) return undefined;
  const ui = src.search(/Từ khóa(Không có thông tin|\S)|Chọn cơ quan thực hiện|Hệ thống chỉ hiển thị/);
  if (ui >= 0) src = src.slice(0, ui);
  const items = src
    .split(/Mã:\s*[A-Z0-9.\-]*\d/u)
    .map((s) => s.replace(/[;/.,\s]+$/, '').trim())
    .filter((s) => s && s !== NO_INFO);
  return items.length ? items.join('; ') : undefined;
}

function parseLevels(text: string): Level[] {
  const out: Level[] = [];
  for (const part of cleanText(text).split(',')) {
    const p = part.trim().toLowerCase();
    const l: Level | undefined = p.includes('bộ') || p.includes('trung ương')
      ? 'trung_uong'
      : p.includes('tỉnh')
        ? 'tinh'
        : p.includes('xã') || p.includes('huyện')
          ? 'xa'
          : p
            ? 'khac'
            : undefined;
    if (l && !out.includes(l)) out.push(l);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Record → Procedure

const optional = (s: string) => (s ? s : undefined);

/**
 * Turns one crawled record into a Procedure with origin 'dvc'. Throws AppError('catalog:invalid') naming the field
 * when the record lacks a usable code or name. Original texts are kept in `raw`.
 */
export function dvcRecordToProcedure(input: unknown): Procedure {
  const parsed = dvcRecordSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new AppError('catalog:invalid', { message: `${i.path.join('.') || 'record'}: ${i.message}` });
  }
  const r = parsed.data;
  const raw = {
    channels: optional(cleanText(r.cach_thuc_thuc_hien).replace(CHANNEL_HEADER, '').trim()),
    documents: optional(cleanText(r.thanh_phan_ho_so)),
    steps: optional(cleanText(r.trinh_tu_thuc_hien)),
    conditions: optional(cleanText(r.yeu_cau_dieu_kien)),
    legalBasis: optional(cleanText(r.can_cu_phap_ly).replace(LEGAL_HEADER, '').trim()),
    result: optional(cleanText(r.ket_qua_xu_ly)),
  };
  const url = cleanText(r.detail_url);
  const candidate = {
    code: cleanText(r.ma_thu_tuc),
    name: cleanText(r.ten_thu_tuc),
    aliases: [],
    field: cleanText(r.linh_vuc) || 'Khác',
    levels: parseLevels(r.cap_thuc_hien),
    agency: optional(cleanText(r.co_quan_thuc_hien) || cleanText(r.co_quan_co_tham_quyen)),
    submitAt: optional(cleanText(r.dia_chi_tiep_nhan)),
    audience: optional(cleanText(r.doi_tuong_thuc_hien)),
    channels: parseChannels(r.cach_thuc_thuc_hien, [r.trinh_tu_thuc_hien, r.yeu_cau_dieu_kien]),
    documents: parseDocuments(r.thanh_phan_ho_so),
    steps: splitItems(r.trinh_tu_thuc_hien),
    conditions: splitItems(r.yeu_cau_dieu_kien),
    result: parseResult(r.ket_qua_xu_ly),
    legalBasis: parseLegalBasis(r.can_cu_phap_ly),
    decision: optional(cleanText(r.so_quyet_dinh)),
    sourceUrl: /^https?:\/\/\S+$/.test(url) ? url : undefined,
    origin: 'dvc' as const,
    raw: Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
    notes: [],
  };
  const checked = procedureSchema.safeParse(candidate);
  if (!checked.success) {
    const i = checked.error.issues[0]!;
    throw new AppError('catalog:invalid', { message: `${i.path.join('.')}: ${i.message}` });
  }
  return checked.data;
}

export interface DvcFileError {
  file: string;
  message: string;
}

/** Lists *.json files under dir, recursively, sorted. */
export function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listJsonFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** Reads and converts one file; returns the procedure or the reason it was skipped. */
export function readDvcFile(path: string): { procedure: Procedure } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
  try {
    return { procedure: dvcRecordToProcedure(doc) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Reads every JSON file under `dir` (recursively). Broken files are reported with path (relative to cwd) and reason
 * and skipped. When two files carry the same code the later one is reported and skipped.
 */
export function readDvcDirectory(
  dir: string,
  onFile?: (done: number, total: number) => void,
): { procedures: Procedure[]; errors: DvcFileError[] } {
  const files = listJsonFiles(dir);
  const procedures: Procedure[] = [];
  const errors: DvcFileError[] = [];
  const seen = new Map<string, string>();
  files.forEach((path, i) => {
    const file = relative(process.cwd(), path) || path;
    const res = readDvcFile(path);
    if ('error' in res) errors.push({ file, message: res.error });
    else if (seen.has(res.procedure.code)) {
      errors.push({ file, message: `duplicate code ${res.procedure.code}, already read from ${seen.get(res.procedure.code)}` });
    } else {
      seen.set(res.procedure.code, file);
      procedures.push(res.procedure);
    }
    onFile?.(i + 1, files.length);
  });
  return { procedures, errors };
}
