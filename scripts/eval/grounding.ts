/**
 * Checks that the facts in an answer text come from the source of the cited record — the portal record as crawled
 * and/or the curated YAML (src/catalog/source-text.ts) — not merely from our parse of it: every number must be written
 * in the source, every listed document must be one of the record's documents and be named in the source, and every
 * per-mode deadline and fee line must be the one the record gives that mode. A line of a checked section that is not
 * in a shape we know is reported as 'unparsed', never skipped. Used by the dev-set test and the eval.
 */
import { modeLabels, type Procedure } from '../../src/catalog/schema.js';

export interface GroundingProblem {
  kind: 'document' | 'deadline' | 'fee' | 'number' | 'unparsed';
  value: string;
}

const modeByLabel = new Map(Object.entries(modeLabels).map(([k, v]) => [v, k]));

function numbersIn(text: string): string[] {
  return (text.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) => n.replace(/[.,]/g, ''));
}

// Where the portal runs two table cells together, a number of the source is two numbers: a name ending in a number
// before a one-digit count cell ("…ngày 15/03/20311 bản chính" is 2031 and 1), a law's title ending in its year before
// its code ("… năm 201102/2011/QH13" is 2011 and 02/2011/QH13), an Assembly code before the next code
// ("QH1514/2025/TT-BNNMT" is QH15 and 14/2025), and a unit-less deadline before the fee cell
// ("Trực tiếp1100,000 VNĐ" is 1 and 100,000).
const GLUED_COUNT = /(?<![\d.,])(\d[\d.,]*?)(\d) bản (?:chính|sao)/gu;
const GLUED_CODE = /(?<![\d.,])((?:19|20)\d\d)(\d{1,3})\//gu;
const GLUED_ASSEMBLY = /QH(\d{2})(\d+)/gu;
const GLUED_FEE = /(?:Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(\d[\d.,]*\d)\s*(?:Việt Nam Đồng|VNĐ|Đồng|USD)/gu;

/** The numbers written in a source text, with both parts of the numbers the portal glued (see above). */
function sourceNumbers(text: string): Set<string> {
  const out = new Set(numbersIn(text));
  for (const m of text.matchAll(GLUED_COUNT)) {
    out.add(m[1]!.replace(/[.,]/g, ''));
    out.add(m[2]!);
  }
  for (const m of [...text.matchAll(GLUED_CODE), ...text.matchAll(GLUED_ASSEMBLY)]) {
    out.add(m[1]!);
    out.add(m[2]!);
  }
  for (const m of text.matchAll(GLUED_FEE)) {
    const run = m[1]!;
    for (let i = 1; i < run.length; i++) {
      if (/\d/.test(run[i - 1]!) && /\d/.test(run[i]!)) {
        out.add(run.slice(0, i).replace(/[.,]/g, ''));
        out.add(run.slice(i).replace(/[.,]/g, ''));
      }
    }
  }
  return out;
}

/** Whitespace runs to one space and NFC, so that a name folded over YAML lines is still found. */
const flat = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

/**
 * Groups a section's lines into items: a line that starts an item (`isStart`) and the lines after it that do not,
 * since a value may span lines. Lines before the first item are returned alone, to be reported.
 */
function items(lines: string[], isStart: (line: string) => boolean): { text: string; lead: boolean }[] {
  const out: { text: string; lead: boolean }[] = [];
  for (const line of lines) {
    const last = out[out.length - 1];
    if (isStart(line) || !last || !last.lead) out.push({ text: line, lead: isStart(line) });
    else last.text += `\n${line}`;
  }
  return out;
}

const DOC_ITEM = /^\d+\. /;
const DOC_NOTE = /^ {3}Lưu ý: /;
const CASE_HEAD = /^Trường hợp (.*):$/;
const MORE_DOCS = /^… và \d+ giấy tờ khác cho các trường hợp riêng\.$/;

function documentProblems(lines: string[], p: Procedure, source: string): GroundingProblem[] {
  const problems: GroundingProblem[] = [];
  const cases = new Set(p.documents.flatMap((d) => (d.case ? [lowerFirst(d.case.replace(/^trường hợp\s+/i, ''))] : [])));
  const isStart = (l: string) => DOC_ITEM.test(l) || DOC_NOTE.test(l) || CASE_HEAD.test(l) || MORE_DOCS.test(l);
  for (const { text, lead } of items(lines, isStart)) {
    const item = /^\d+\. (.*?)(?: — ([^\n]*))?$/s.exec(text);
    if (item) {
      const name = item[1]!;
      const docs = p.documents.filter((d) => d.name === name);
      if (!docs.length || !source.includes(flat(name))) {
        problems.push({ kind: 'document', value: name });
        continue;
      }
      // The counts shown must be the record's counts for this paper (their digits are checked against the source below).
      const parts = item[2] ?? '';
      const apart = /^(\d+) bản chính, (\d+) bản sao(?:;|$)/.exec(parts);
      const total = /^(\d+) /.exec(parts);
      const counted = (d: Procedure['documents'][number]) =>
        apart ? Number(apart[1]) === d.originals && Number(apart[2]) === d.duplicates : !total || Number(total[1]) === d.copies;
      if (!docs.some(counted)) problems.push({ kind: 'document', value: text });
      continue;
    }
    const note = /^ {3}Lưu ý: (.*)$/s.exec(text);
    if (note) {
      if (!p.documents.some((d) => d.note === note[1])) problems.push({ kind: 'document', value: text });
      continue;
    }
    const caseHead = CASE_HEAD.exec(text);
    if (caseHead) {
      if (!cases.has(caseHead[1]!)) problems.push({ kind: 'document', value: text });
      continue;
    }
    if (lead && MORE_DOCS.test(text)) continue;
    problems.push({ kind: 'unparsed', value: text });
  }
  return problems;
}

const MODE_LABEL = Object.values(modeLabels).join('|');
const MODE_ITEM = new RegExp(`^- ((?:${MODE_LABEL})(?:, (?:${MODE_LABEL}))*): `, 'u');

function perModeProblems(lines: string[], p: Procedure, kind: 'deadline' | 'fee'): GroundingProblem[] {
  const problems: GroundingProblem[] = [];
  for (const { text, lead } of items(lines, (l) => MODE_ITEM.test(l))) {
    const m = lead ? MODE_ITEM.exec(text) : null;
    if (!m) {
      problems.push({ kind: 'unparsed', value: text });
      continue;
    }
    const value = text.slice(m[0].length);
    // A mode may have several rows in the source (one per case); the line must be one of that mode's.
    for (const label of m[1]!.split(', ')) {
      const given = p.channels.filter((c) => c.mode === modeByLabel.get(label)).map((c) => (kind === 'deadline' ? c.deadline?.text : c.fee?.text));
      if (!given.includes(value)) problems.push({ kind, value: text });
    }
  }
  return problems;
}

/**
 * `source` is the text the cited record was built from (see readSourceTexts); `extra` holds other trusted texts the
 * answer may quote (the lexicon's notes on outdated premises). The citation line and our own pointer to the same
 * procedure at another level ("Thủ tục này cũng được thực hiện ở ... (mã X)") carry codes and dates by construction
 * and are not checked for numbers.
 */
export function findUngroundedFacts(answer: string, p: Procedure, source: string, extra: string[] = []): GroundingProblem[] {
  const problems: GroundingProblem[] = [];
  const sourceText = flat(source);
  const known = sourceNumbers(`${source}\n${extra.join('\n')}`);
  const sections = answer.split(/\n\n/);
  for (const section of sections) {
    const [title, ...lines] = section.split('\n');
    if (title === 'Thành phần hồ sơ:') problems.push(...documentProblems(lines, p, sourceText));
    if (title === 'Thời hạn giải quyết:') problems.push(...perModeProblems(lines, p, 'deadline'));
    if (title === 'Phí, lệ phí:') problems.push(...perModeProblems(lines, p, 'fee'));
  }
  // Numbers anywhere else too; our own counters ("… và 3 giấy tờ khác") and list numbering are ours.
  const body = sections
    .filter((s) => !s.startsWith('Nguồn: ') && !s.startsWith('Thủ tục này cũng được thực hiện ở '))
    .join('\n')
    .split('\n')
    .filter((l) => !l.startsWith('… '))
    .map((l) => l.replace(/^\d+\. /, ''))
    .join('\n');
  for (const n of numbersIn(body)) {
    if (!known.has(n)) problems.push({ kind: 'number', value: n });
  }
  return problems;
}
