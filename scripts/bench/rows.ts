/** One benchmark row: our value and a baseline measured in the same run, and how they compare. */
export interface BenchRow {
  section: string;
  metric: string;
  value: number | null;
  unit: string;
  baseline: { label: string; value: number | null } | null;
  /** value / baseline.value, null when either is missing. */
  ratio: number | null;
  /** e.g. '≥ 300' or '≤ 600'; met is null when there is no target. */
  target?: string;
  met?: boolean | null;
  note?: string;
}

export function row(r: Omit<BenchRow, 'ratio'> & { ratio?: number | null }): BenchRow {
  const ratio =
    r.ratio !== undefined
      ? r.ratio
      : r.value !== null && r.baseline?.value ? r.value / r.baseline.value : null;
  return { ...r, ratio };
}

/** A row for a part that did not run (e.g. no DATABASE_URL). */
export function skipped(section: string, metric: string, note: string): BenchRow {
  return { section, metric, value: null, unit: '', baseline: null, ratio: null, note };
}

const num = (v: number | null, unit: string) => {
  if (v === null) return '—';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${unit}`.trim();
};

/** A plain-text table, one line per row, columns padded to fit. */
export function formatTable(rows: BenchRow[]): string {
  const header = ['section', 'metric', 'ours', 'baseline (same run)', 'ratio', 'target', 'note'];
  const cells = rows.map((r) => [
    r.section,
    r.metric,
    num(r.value, r.unit),
    r.baseline ? `${num(r.baseline.value, r.unit)} (${r.baseline.label})` : '—',
    r.ratio === null ? '—' : `×${r.ratio.toFixed(2)}`,
    r.target ? `${r.target}${r.met === true ? ' ✓' : r.met === false ? ' ✗' : ''}` : '',
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
