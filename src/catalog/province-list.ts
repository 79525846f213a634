/**
 * The province's published procedure list (Lạng Sơn: ../shared/langson/procedures-2025-04.csv): names, fields, online
 * levels, the decision that published each and its page on the provincial portal — no documents, deadlines or fees.
 *
 * Two readers, one result: the CSV as exported (columns stt, ma_tthc_tinh, ma_thu_tuc, muc_do_dvc, ten_tthc, linh_vuc,
 * quyet_dinh, url) and our compact JSON (knowledge/province/*.json, generated from the CSV by
 * `npm run cli -- province-list build`), which carries the same facts in our own shape. Rows are grouped by national
 * code: one procedure published at several levels has one page per level.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { foldText } from '../text/normalize.js';
import {
  onlineLevelSchema,
  procedureSchema,
  type Level,
  type OnlineLevel,
  type Procedure,
  type ProvinceLevel,
  type ProvinceMark,
  type ProvincePage,
} from './schema.js';

export interface ProvinceListSkip {
  /** Row number in the file (the export's `stt` when present). */
  row: string;
  reason: 'test_row' | 'no_national_code' | 'bad_row';
  detail: string;
}

export interface ProvinceListRead {
  procedures: Procedure[];
  skipped: ProvinceListSkip[];
  /** Rows read (kept or skipped). */
  rows: number;
}

export interface ProvinceListOptions {
  /** Who publishes the list (default "Lạng Sơn"). */
  province?: string;
  /** Date of the list, YYYY-MM-DD. */
  listedAt?: string;
}

const NATIONAL_CODE = /^\d\.\d{6}$/;

const onlineByLabel: Record<string, OnlineLevel> = {
  'toan trinh': 'toan_trinh',
  'mot phan': 'mot_phan',
  'muc do 2': 'muc_2',
  'muc do 1': 'muc_1',
  'muc do 3': 'mot_phan',
  'muc do 4': 'toan_trinh',
};

/** Rows the portal keeps for testing its own forms ("Thủ tục test", "Test nộp hồ sơ …"). */
function isTestRow(name: string): boolean {
  return /^(thu tuc )?test\b/.test(foldText(name).trim());
}

/**
 * The level of a page from the province code's suffix: ".H37.H" district, ".H37.X" commune. A bare ".H37" only names
 * the province (commune procedures such as birth registration carry it too), so it says no level.
 */
function levelOfLocalCode(localCode: string): ProvinceLevel | undefined {
  const m = /\.H\d{2}\.([HX])$/.exec(localCode.trim());
  if (!m) return undefined;
  return m[1] === 'H' ? 'huyen' : 'xa';
}

const levelOf: Record<ProvinceLevel, Level | undefined> = { tinh: 'tinh', xa: 'xa', huyen: undefined };

/** "(Cấp huyện)" and the like at the end of a name: the same procedure at another level, named once. */
const stripLevelSuffix = (name: string) => name.replace(/\s*\((thực hiện )?(tại )?cấp (tỉnh|huyện|xã)\)\s*$/iu, '').trim();

/** "[SVH] Văn hóa" → "Văn hóa": the bracket names the department that publishes it, not the field. */
const cleanField = (field: string) => field.replace(/^\s*\[[^\]]{1,10}\]\s*/, '').trim();

export interface ProvinceRow {
  row: string;
  localCode: string;
  code: string;
  online: string;
  name: string;
  field: string;
  decision: string;
  url: string;
}

/** Groups kept rows by national code into listed-only procedures (origin 'province'); messy rows are reported. */
function procedureFromRows(rows: readonly ProvinceRow[], options: ProvinceListOptions = {}): ProvinceListRead {
  const province = options.province ?? 'Lạng Sơn';
  const skipped: ProvinceListSkip[] = [];
  const groups = new Map<string, { rows: ProvinceRow[]; pages: ProvincePage[] }>();
  for (const r of rows) {
    if (isTestRow(r.name)) {
      skipped.push({ row: r.row, reason: 'test_row', detail: r.name.slice(0, 80) });
      continue;
    }
    const code = r.code.trim();
    if (!NATIONAL_CODE.test(code)) {
      skipped.push({ row: r.row, reason: 'no_national_code', detail: `${r.localCode || '(no code)'}: ${r.name.slice(0, 60)}` });
      continue;
    }
    const online = onlineByLabel[foldText(r.online).trim()];
    const name = r.name.replace(/\s+/g, ' ').trim();
    const field = cleanField(r.field);
    if (!online || name.length < 3 || field.length < 2) {
      const what = !online ? `online level "${r.online.slice(0, 30)}"` : name.length < 3 ? 'name' : 'field';
      skipped.push({ row: r.row, reason: 'bad_row', detail: `${code}: ${what}` });
      continue;
    }
    const url = /^https?:\/\/\S+$/.test(r.url.trim()) ? r.url.trim() : undefined;
    const page: ProvincePage = { localCode: r.localCode.trim() || code, online, ...(url ? { url } : {}) };
    const level = levelOfLocalCode(page.localCode);
    if (level) page.level = level;
    const g = groups.get(code) ?? { rows: [], pages: [] };
    g.rows.push({ ...r, name, field });
    g.pages.push(page);
    groups.set(code, g);
  }
  const procedures: Procedure[] = [];
  for (const [code, g] of groups) {
    const first = g.rows[0]!;
    const names = new Set(g.rows.map((r) => r.name));
    const name = names.size > 1 ? stripLevelSuffix(first.name) : first.name;
    const decisions = [...new Set(g.rows.map((r) => r.decision.trim()).filter(Boolean))];
    const levels = [...new Set(g.pages.map((p) => (p.level ? levelOf[p.level] : undefined)).filter((l): l is Level => Boolean(l)))];
    const mark: ProvinceMark = {
      province,
      ...(decisions.length ? { decision: decisions.join(', ') } : {}),
      ...(options.listedAt ? { listedAt: options.listedAt } : {}),
      pages: g.pages,
    };
    const parsed = procedureSchema.safeParse({
      code,
      name,
      field: first.field,
      levels,
      ...(decisions.length ? { decision: decisions.join(', ') } : {}),
      ...(g.pages.find((p) => p.url) ? { sourceUrl: g.pages.find((p) => p.url)!.url } : {}),
      // The list's date is when these facts were taken from the source ("thông tin cập nhật ngày …" in answers).
      ...(options.listedAt ? { updatedAt: options.listedAt } : {}),
      origin: 'province',
      province: mark,
    });
    if (!parsed.success) {
      skipped.push({ row: first.row, reason: 'bad_row', detail: `${code}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` });
      continue;
    }
    procedures.push(parsed.data);
  }
  return { procedures, skipped, rows: rows.length };
}

/** RFC 4180 rows: comma separated, fields in double quotes may hold commas, newlines and doubled quotes. */
function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const csvRowSchema = z.object({
  stt: z.string().default(''),
  ma_tthc_tinh: z.string().default(''),
  ma_thu_tuc: z.string().default(''),
  muc_do_dvc: z.string().default(''),
  ten_tthc: z.string().default(''),
  linh_vuc: z.string().default(''),
  quyet_dinh: z.string().default(''),
  url: z.string().default(''),
});

/** Parses the province's CSV export. Throws catalog:invalid naming the file when it is not that CSV. */
export function parseProvinceCsv(text: string, file = 'province list', options: ProvinceListOptions = {}): ProvinceListRead {
  const table = parseCsvRows(text.replace(/^\uFEFF/, ''));
  const header = table[0] ?? [];
  const records = table.slice(1).filter((r) => r.some((c) => c.trim())).map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ''])));
  const first = records[0];
  if (!first || !('ma_thu_tuc' in first) || !('ten_tthc' in first)) {
    throw new AppError('catalog:invalid', { message: `${file}: expected the province list columns (ma_thu_tuc, ten_tthc, linh_vuc, muc_do_dvc, url)` });
  }
  const rows = records.map((rec, i) => {
    const r = csvRowSchema.parse(rec);
    return { row: r.stt || String(i + 2), localCode: r.ma_tthc_tinh, code: r.ma_thu_tuc, online: r.muc_do_dvc, name: r.ten_tthc, field: r.linh_vuc, decision: r.quyet_dinh, url: r.url };
  });
  return procedureFromRows(rows, options);
}

/**
 * Our compact form (knowledge/province/*.json): the list's facts, one array per procedure
 * `[code, name, field, decision, [[localCode, onlineLevel, portalId], ...]]`, page URLs rebuilt from `pageUrl`.
 */
const compactListSchema = z.object({
  format: z.literal('motcua-province-list/1'),
  province: z.string().min(2),
  listedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** The portal's procedure page with `{id}` where its id goes. */
  pageUrl: z.string().includes('{id}'),
  procedures: z.array(
    z.tuple([
      z.string(),
      z.string(),
      z.string(),
      z.string(),
      z.array(z.tuple([z.string(), onlineLevelSchema, z.string()])),
    ]),
  ),
});
export type CompactList = z.infer<typeof compactListSchema>;

/** Builds the compact form from procedures read from the CSV (URLs that do not fit `pageUrl` are dropped). */
export function toCompactList(procedures: readonly Procedure[], options: { province: string; listedAt?: string; pageUrl: string }): CompactList {
  const [before, after] = options.pageUrl.split('{id}') as [string, string];
  const idOf = (url: string | undefined) =>
    url && url.startsWith(before) && url.endsWith(after) ? url.slice(before.length, url.length - after.length) : '';
  return {
    format: 'motcua-province-list/1',
    province: options.province,
    ...(options.listedAt ? { listedAt: options.listedAt } : {}),
    pageUrl: options.pageUrl,
    procedures: procedures.map((p) => [
      p.code,
      p.name,
      p.field,
      p.province?.decision ?? '',
      (p.province?.pages ?? []).map((g): [string, OnlineLevel, string] => [g.localCode, g.online, idOf(g.url)]),
    ]),
  };
}

/** Reads the compact form back into listed-only procedures (the same records parseProvinceCsv gives). */
export function fromCompactList(list: CompactList): Procedure[] {
  const rows: ProvinceRow[] = [];
  for (const [code, name, field, decision, pages] of list.procedures) {
    for (const [localCode, online, id] of pages) {
      rows.push({ row: code, localCode, code, online: onlineLabel[online], name, field, decision, url: id ? list.pageUrl.replace('{id}', id) : '' });
    }
  }
  return procedureFromRows(rows, { province: list.province, listedAt: list.listedAt }).procedures;
}

const onlineLabel: Record<OnlineLevel, string> = { toan_trinh: 'Toàn trình', mot_phan: 'Một phần', muc_2: 'Mức độ 2', muc_1: 'Mức độ 1' };

/** Reads a province list file: the CSV export (.csv) or our compact JSON (.json). */
export function readProvinceListFile(path: string, options: ProvinceListOptions = {}): ProvinceListRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new AppError('catalog:invalid', { message: `cannot read ${path}`, cause });
  }
  if (!/\.json$/i.test(path)) return parseProvinceCsv(text, path, options);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new AppError('catalog:invalid', { message: `${path}: not JSON`, cause });
  }
  const parsed = compactListSchema.safeParse(doc);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new AppError('catalog:invalid', { message: `${path}: ${i.path.join('.')}: ${i.message}` });
  }
  const procedures = fromCompactList(parsed.data);
  return { procedures, skipped: [], rows: parsed.data.procedures.length };
}
