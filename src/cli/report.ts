import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import { createReportService, parseSince, reportToCsv, type Report } from '../analytics/report.js';

export interface ReportCommandOptions {
  since?: string;
  json?: boolean;
  csv?: boolean;
}

export interface ReportCommandDeps {
  db(): Promise<Db>;
  out(line: string): void;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const short = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/** Plain-text summary for a terminal: totals, the most confusing procedures, the biggest unresolved clusters. */
function renderReportText(r: Report): string {
  const lines = [
    `Báo cáo từ ${r.since.slice(0, 10)} đến ${r.until.slice(0, 10)}`,
    `Câu hỏi: ${r.questions_total} · đã trả lời: ${r.answered_total} (${pct(r.answer_rate)}) · chưa giải quyết: ${r.unresolved_total}`,
    '',
    'Thủ tục gây khó hiểu nhất (điểm · tổng · chưa giải quyết · phản hồi xấu · phải hỏi lại):',
    ...r.confusing.slice(0, 10).map((p) => `  ${p.score.toFixed(2)}  ${p.code}  ${short(p.name, 50)}  ${p.total} · ${p.unresolved} · ${p.negative} · ${p.clarify}`),
    '',
    'Câu hỏi chưa giải quyết (số lần · lần cuối · câu hỏi · thủ tục đã cân nhắc):',
    ...r.questions.slice(0, 15).map((q) => `  ${String(q.count).padStart(4)}  ${q.lastAt.slice(0, 10)}  ${short(q.text, 60)}  ${q.candidates.join(', ')}`),
    '',
    'Theo tuần (câu hỏi · đã trả lời · chưa giải quyết):',
    ...r.weekly.map((w) => `  ${w.start}  ${w.questions} · ${w.answered} · ${w.unresolved}`),
  ];
  if (r.truncated) lines.push('', '(Chỉ đọc phần đầu của khoảng thời gian: quá nhiều tương tác. Hãy chọn --since ngắn hơn.)');
  return lines.join('\n');
}

/** `report [--since 30d] [--json | --csv]`. */
export async function runReportCommand(deps: ReportCommandDeps, opts: ReportCommandOptions): Promise<void> {
  if (opts.json && opts.csv) throw new AppError('http:validation', { message: 'choose one of --json and --csv' });
  const since = parseSince(opts.since);
  const report = await createReportService({ db: await deps.db() }).report({ since });
  if (opts.json) deps.out(JSON.stringify(report));
  else if (opts.csv) deps.out(reportToCsv(report).replace(/\r\n$/, ''));
  else deps.out(renderReportText(report));
}
