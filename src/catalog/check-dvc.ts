/**
 * Plausibility check of the importer's reading of crawled portal records: values a misreading produces and the
 * source never states. Used by `scripts/check-catalog.ts` and by the test over ../shared/dvc-catalog.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { dvcRecordToProcedure, listJsonFiles, type DvcFileError } from './import-dvc.js';
import type { Procedure } from './schema.js';
import { dvcSourceText } from './source-text.js';

/**
 * - copies_over_20: a document count no form asks for (the portal's largest is 8): digits of the name read as the count.
 * - deadline_without_unit: a number with no unit; the portal lost it and no time-limit phrase recovers it. Reported,
 *   not wrong: the number is shown as the source shows it.
 * - fee_not_in_source: a parsed fee amount written nowhere in the record.
 */
export const implausibleKinds = ['copies_over_20', 'deadline_without_unit', 'fee_not_in_source'] as const;
export type ImplausibleKind = (typeof implausibleKinds)[number];

export interface ImplausibleValue {
  code: string;
  kind: ImplausibleKind;
  /** The value and where it is ("truc_tiep: 7", "Đơn đề nghị …: 20262"). */
  value: string;
}

const MAX_COPIES = 20;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function grouped(digits: string, sep: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/**
 * Whether `amount` is written in `text`: as plain digits, grouped with '.' or ',' ("100.000", "100,000"), with a
 * decimal comma ("2,5"), or with a scale word ("5 triệu", "06 triệu", "50 nghìn"). A grouped amount may follow a digit, since the
 * portal glues a unit-less deadline to the fee cell ("Trực tiếp1100,000 VNĐ"); it may not follow a separator, which
 * would make it the tail of a larger amount ("1.100.000").
 */
export function isAmountStatedIn(amount: number, text: string): boolean {
  const end = '(?![\\d]|[.,]\\d)';
  const forms: string[] = [];
  if (Number.isInteger(amount)) {
    const digits = String(amount);
    forms.push(`(?<![\\d.,])0*${digits}${end}`);
    if (amount >= 1000) for (const sep of ['.', ',']) forms.push(`(?<![.,])${escape(grouped(digits, sep))}${end}`);
    for (const [scale, words] of [
      [1_000_000, 'triệu'],
      [1000, 'nghìn|ngàn'],
    ] as const) {
      const x = amount / scale;
      if (x >= 1 && Math.round(x * 100) === x * 100) {
        const xs = String(x);
        forms.push(`(?<![\\d.,])0*(?:${escape(xs)}|${escape(xs.replace('.', ','))})\\s*(?:${words})`);
      }
    }
  } else {
    const s = String(amount);
    forms.push(`(?<![\\d.,])(?:${escape(s)}|${escape(s.replace('.', ','))})${end}`);
  }
  return forms.some((f) => new RegExp(f, 'iu').test(text));
}

/** The implausible values in one imported record, judged against the record's source text. */
export function findImplausibleValues(p: Procedure, source: string): ImplausibleValue[] {
  const out: ImplausibleValue[] = [];
  for (const d of p.documents) {
    const counts = [d.copies, d.originals, d.duplicates].filter((n): n is number => n !== undefined);
    if (counts.some((n) => n > MAX_COPIES)) out.push({ code: p.code, kind: 'copies_over_20', value: `${d.name}: ${d.copies}` });
  }
  for (const c of p.channels) {
    const d = c.deadline;
    if (d && /\d/.test(d.text) && [d.workingDays, d.days, d.hours, d.months].every((v) => v === undefined)) {
      out.push({ code: p.code, kind: 'deadline_without_unit', value: `${c.mode}: ${d.text}` });
    }
    for (const a of [...(c.fee?.amountsVnd ?? []), ...(c.fee?.amountsUsd ?? [])]) {
      if (!isAmountStatedIn(a, source)) out.push({ code: p.code, kind: 'fee_not_in_source', value: `${c.mode}: ${a}` });
    }
  }
  return out;
}

export interface CatalogCheck {
  records: number;
  errors: DvcFileError[];
  findings: ImplausibleValue[];
}

/** Imports every record under `dir` and checks each against its own file. */
export function checkDvcDirectory(dir: string): CatalogCheck {
  const check: CatalogCheck = { records: 0, errors: [], findings: [] };
  for (const path of listJsonFiles(dir)) {
    const file = relative(process.cwd(), path) || path;
    try {
      const record: unknown = JSON.parse(readFileSync(path, 'utf8'));
      const p = dvcRecordToProcedure(record);
      check.records++;
      check.findings.push(...findImplausibleValues(p, dvcSourceText(record)));
    } catch (e) {
      check.errors.push({ file, message: (e as Error).message });
    }
  }
  return check;
}
