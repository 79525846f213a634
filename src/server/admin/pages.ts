import type { Report } from '../../analytics/report.js';
import type { Procedure } from '../../catalog/schema.js';
import { levelLabels, modeLabels } from '../../catalog/schema.js';
import type { SearchResult } from '../../retrieval/types.js';
import { barChart, lineChart } from './charts.js';
import { aspectLabel, esc, fmtDateTime, fmtDay, fmtNum, fmtPct } from './html.js';

/** Server-rendered admin pages (Vietnamese). No scripts at all: the CSP forbids them. */

const STYLE = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
header{background:#8b1a1a;color:#fff;padding:10px 20px;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
header a,header button{color:#fff;text-decoration:none;font-size:15px}header strong{font-size:17px;margin-right:12px}
header form{margin-left:auto}header button{background:none;border:1px solid #fff;border-radius:4px;padding:4px 10px;cursor:pointer}
main{max-width:1100px;margin:0 auto;padding:16px 20px 40px}h1{font-size:22px;margin:8px 0 12px}h2{font-size:18px;margin:0 0 10px}
section{background:#fff;border-radius:6px;padding:16px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin-bottom:16px}
.card{background:#fff;border-radius:6px;padding:14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}.card b{display:block;font-size:26px;margin-top:4px}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e7eb;vertical-align:top}
th{background:#f0f2f4;font-weight:600}td.n,th.n{text-align:right;white-space:nowrap}.muted{color:#667}.small{font-size:13px}
.chart text{font-size:12px;fill:#334}.chart .grid{stroke:#e3e7eb}.chart .legend{font-size:13px}
form.inline{display:flex;gap:8px;align-items:center;flex-wrap:wrap}input,select,button{font:inherit;padding:6px 10px;border:1px solid #b8c0c8;border-radius:4px}
button.primary{background:#8b1a1a;color:#fff;border-color:#8b1a1a;cursor:pointer}.error{color:#a00;font-weight:600}
.tag{display:inline-block;background:#eef1f4;border-radius:10px;padding:1px 8px;margin:1px 2px;font-size:12px}.tag.bad{background:#f8dcd8}.tag.good{background:#d8f0de}
pre.record{white-space:pre-wrap;font-family:inherit;background:#fafbfc;border:1px solid #e3e7eb;padding:12px;border-radius:4px}
details summary{cursor:pointer;color:#345}
`;

export interface LayoutOptions {
  title: string;
  base: string;
  /** false for the login and "disabled" pages: no navigation. */
  nav?: boolean;
  since?: string;
}

export function layout(o: LayoutOptions, body: string): string {
  const nav = o.nav === false
    ? '<header><strong>Một cửa — Quản trị</strong></header>'
    : `<header><strong>Một cửa — Quản trị</strong>
<a href="${esc(o.base)}">Tổng quan</a>
<a href="${esc(o.base)}/lookup">Tra cứu thủ tục</a>
<a href="${esc(o.base)}/corrections">Sửa câu trả lời</a>
<a href="${esc(o.base)}/privacy">Xóa dữ liệu</a>
<a href="${esc(o.base)}/inbox">Hộp thư cán bộ</a>
<a href="${esc(o.base)}/api/report.csv?since=${esc(o.since ?? '30d')}" download>Tải CSV</a>
<form method="post" action="${esc(o.base)}/logout"><button type="submit">Đăng xuất</button></form></header>`;
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)} — Một cửa</title><link rel="icon" href="data:,"><style>${STYLE}</style></head><body>${nav}<main>${body}</main></body></html>`;
}

export function loginPage(base: string, error?: string): string {
  return layout(
    { title: 'Đăng nhập', base, nav: false },
    `<section><h1>Đăng nhập trang quản trị</h1>
<p class="muted">Nhập mã truy cập quản trị (ADMIN_TOKEN) do người quản trị hệ thống cung cấp.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(base)}/login" class="inline">
<label for="token">Mã truy cập</label>
<input id="token" name="token" type="password" autocomplete="current-password" required size="40">
<button class="primary" type="submit">Đăng nhập</button>
</form>
<h2>Hoặc bằng tài khoản cán bộ</h2>
<form method="post" action="${esc(base)}/login" class="inline" id="staff-login">
<label for="name">Tên đăng nhập</label><input id="name" name="name" autocomplete="username" required size="20" maxlength="40">
<label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required size="20">
<button class="primary" type="submit">Đăng nhập</button>
</form></section>`,
  );
}

export function disabledPage(base: string): string {
  return layout(
    { title: 'Trang quản trị đang tắt', base, nav: false },
    `<section><h1>Trang quản trị đang tắt</h1>
<p>Chưa cấu hình mã truy cập quản trị nên trang này không mở được, để không ai xem được dữ liệu khi chưa được phép.</p>
<p>Để bật: đặt biến môi trường <code>ADMIN_TOKEN</code> (một chuỗi ngẫu nhiên dài ít nhất 16 ký tự, ví dụ tạo bằng
<code>openssl rand -hex 24</code>) trong tệp <code>.env</code> hoặc cấu hình máy chủ, rồi khởi động lại dịch vụ.</p></section>`,
  );
}

const sinceChoices: [string, string][] = [
  ['7d', '7 ngày'],
  ['30d', '30 ngày'],
  ['90d', '90 ngày'],
  ['365d', '1 năm'],
];

function sinceForm(base: string, since: string): string {
  const opts = sinceChoices.some(([v]) => v === since) ? sinceChoices : [...sinceChoices, [since, since] as [string, string]];
  return `<form method="get" action="${esc(base)}" class="inline"><label for="since">Khoảng thời gian</label>
<select id="since" name="since">${opts.map(([v, l]) => `<option value="${esc(v)}"${v === since ? ' selected' : ''}>${esc(l)}</option>`).join('')}</select>
<button type="submit">Xem</button></form>`;
}

const reasonLabels: Record<string, string> = {
  unresolved: 'không trả lời được',
  clarify: 'hỏi lại nhưng không chọn',
  negative: 'phản hồi chưa đúng',
  repeated: 'hỏi lại ngay sau khi trả lời',
};

export function overviewPage(o: { base: string; since: string; report: Report; stored?: { count: number; lastAt: string | null }; alerts?: string[] }): string {
  const { base, report: r, since } = o;
  const procHref = (code: string) => `${base}/procedures/${encodeURIComponent(code)}`;
  const trend = r.daily.length <= 62 ? r.daily : r.weekly;
  const trendTitle = r.daily.length <= 62 ? 'theo ngày' : 'theo tuần';
  const line = lineChart({
    title: `Tỉ lệ trả lời ${trendTitle}`,
    labels: trend.map((p) => fmtDay(p.start)),
    percent: true,
    series: [
      { label: 'Tỉ lệ trả lời được', color: '#1f7a3a', values: trend.map((p) => (p.questions ? p.answer_rate : null)) },
      { label: 'Tỉ lệ chưa giải quyết', color: '#c0392b', values: trend.map((p) => (p.questions ? p.unresolved / p.questions : null)) },
    ],
  });
  const volume = lineChart({
    title: `Số câu hỏi ${trendTitle}`,
    labels: trend.map((p) => fmtDay(p.start)),
    series: [
      { label: 'Câu hỏi', color: '#2c5d8f', values: trend.map((p) => p.questions) },
      { label: 'Chưa giải quyết', color: '#c0392b', values: trend.map((p) => p.unresolved) },
    ],
    height: 220,
  });
  const top = r.confusing.slice(0, 10);
  const bars = barChart({
    title: 'Thủ tục gây khó khăn nhiều nhất',
    items: top.map((p) => ({
      label: `${p.name} (${p.code})`,
      value: p.unresolved + p.negative,
      note: `${p.unresolved + p.negative} / ${p.total}`,
      href: procHref(p.code),
    })),
  });
  const aspects = Object.entries(r.by_aspect).sort((a, b) => b[1].unresolved - a[1].unresolved || b[1].total - a[1].total);
  const aspectBars = barChart({
    title: 'Câu hỏi chưa giải quyết theo khía cạnh',
    color: '#b9770e',
    items: aspects.map(([a, s]) => ({ label: aspectLabel(a), value: s.unresolved, note: `${s.unresolved} / ${s.total}` })),
  });

  const clusterRows = r.questions
    .slice(0, 100)
    .map(
      (q) => `<tr class="cluster"><td>${esc(q.text)} <a class="small fix" href="${esc(o.base)}/corrections/new?question=${encodeURIComponent(q.text)}">Chỉ thủ tục đúng</a>${q.examples.length > 1 ? `<details><summary class="small">${q.examples.length} cách hỏi</summary><ul class="small">${q.examples.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></details>` : ''}</td>
<td class="n">${fmtNum(q.count)}</td><td class="small">${esc(fmtDateTime(q.firstAt))}<br>${esc(fmtDateTime(q.lastAt))}</td>
<td class="small">${Object.entries(q.reasons).filter(([, n]) => n > 0).map(([k, n]) => `<span class="tag">${esc(reasonLabels[k] ?? k)}: ${n}</span>`).join('')}</td>
<td class="small">${q.candidates.map((c) => `<a href="${esc(procHref(c))}">${esc(c)}</a>`).join(', ') || '<span class="muted">—</span>'}</td></tr>`,
    )
    .join('');
  const areaRows = r.problem_areas
    .slice(0, 20)
    .map((a) => `<tr><td><a href="${esc(procHref(a.code))}">${esc(a.name)}</a> <span class="muted small">${esc(a.code)}</span></td><td>${esc(aspectLabel(a.aspect))}</td><td class="n">${a.unresolved} / ${a.total}</td></tr>`)
    .join('');
  const rankRows = r.confusing
    .slice(0, 20)
    .map((p, i) => `<tr><td class="n">${i + 1}</td><td><a href="${esc(procHref(p.code))}">${esc(p.name)}</a> <span class="muted small">${esc(p.code)}</span></td><td class="n">${p.total}</td><td class="n">${p.unresolved}</td><td class="n">${p.negative}</td><td class="n">${p.clarify}</td><td class="n">${p.score.toFixed(2)}</td></tr>`)
    .join('');
  const feedbackRows = r.feedback
    .slice(0, 100)
    .map((f) => `<tr class="feedback"><td class="small">${esc(fmtDateTime(f.at))}</td><td class="small">${f.feedback === 'down' ? '<span class="tag bad">Chưa đúng</span>' : f.feedback === 'up' ? '<span class="tag good">Hữu ích</span>' : '<span class="tag">Góp ý</span>'}</td><td>${esc(f.comment ?? '')}${f.question ? `<div class="muted small">Câu hỏi: ${esc(f.question)}</div>` : ''}</td><td class="small">${f.code ? `<a href="${esc(procHref(f.code))}">${esc(f.name ?? f.code)}</a>` : '—'}</td><td class="small">${esc(f.channel)}</td></tr>`)
    .join('');
  const empty = (cols: number, text: string) => `<tr><td colspan="${cols}" class="muted">${esc(text)}</td></tr>`;

  return layout(
    { title: 'Tổng quan', base, since },
    `<h1>Tổng quan câu hỏi của người dân</h1>
${(o.alerts ?? []).map((a) => `<section class="alert" id="alert" role="alert" style="border-left:4px solid #c0392b;background:#fdecea"><b>Cảnh báo:</b> ${esc(a)}</section>`).join('')}
<section>${sinceForm(base, since)}<p class="muted small">Từ ${esc(fmtDateTime(r.since))} đến ${esc(fmtDateTime(r.until))}${o.stored ? ` · ${fmtNum(o.stored.count)} tương tác đã lưu${o.stored.lastAt ? `, gần nhất ${esc(fmtDateTime(o.stored.lastAt))}` : ''}` : ''}${r.truncated ? ' · <b>Chỉ đọc phần đầu của khoảng thời gian (quá nhiều dữ liệu).</b>' : ''}</p></section>
<div class="cards">
<div class="card" id="total-questions">Câu hỏi<b>${fmtNum(r.questions_total)}</b></div>
<div class="card" id="total-answered">Đã trả lời<b>${fmtNum(r.answered_total)}</b></div>
<div class="card" id="total-unresolved">Chưa giải quyết<b>${fmtNum(r.unresolved_total)}</b></div>
<div class="card" id="answer-rate">Tỉ lệ trả lời<b>${esc(fmtPct(r.answer_rate))}</b></div>
</div>
<section id="trend"><h2>Tỉ lệ trả lời ${esc(trendTitle)}</h2>${line}${volume}</section>
<section id="top-procedures"><h2>Thủ tục gây khó khăn nhiều nhất</h2><p class="muted small">Số câu hỏi chưa giải quyết hoặc bị phản hồi chưa đúng / tổng số câu hỏi về thủ tục.</p>${bars}</section>
<section id="ranking"><h2>Xếp hạng thủ tục gây nhầm lẫn</h2><p class="muted small">Điểm = tỉ lệ chưa giải quyết + tỉ lệ phản hồi chưa đúng + ½ tỉ lệ phải hỏi lại, đã làm trơn theo số lượng câu hỏi (thủ tục ít câu hỏi được kéo về mức chung).</p>
<table><thead><tr><th class="n">#</th><th>Thủ tục</th><th class="n">Câu hỏi</th><th class="n">Chưa giải quyết</th><th class="n">Phản hồi xấu</th><th class="n">Hỏi lại</th><th class="n">Điểm</th></tr></thead><tbody>${rankRows || empty(7, 'Chưa có thủ tục nào có vấn đề.')}</tbody></table></section>
<section id="pairs"><h2>Thủ tục hay bị nhầm với nhau</h2><p class="muted small">Các cặp thủ tục bot phải hỏi lại người dân để chọn.</p>
<table><thead><tr><th>Thủ tục</th><th>Và thủ tục</th><th class="n">Số lần hỏi lại</th><th class="n">Không được chọn</th></tr></thead><tbody>${r.confused_pairs.slice(0, 15).map((p) => `<tr><td><a href="${esc(procHref(p.a.code))}">${esc(p.a.name)}</a> <span class="muted small">${esc(p.a.code)}</span></td><td><a href="${esc(procHref(p.b.code))}">${esc(p.b.name)}</a> <span class="muted small">${esc(p.b.code)}</span></td><td class="n">${p.count}</td><td class="n">${p.unanswered}</td></tr>`).join('') || empty(4, 'Chưa có.')}</tbody></table></section>
<section id="aspects"><h2>Theo khía cạnh</h2>${aspectBars}
<table><thead><tr><th>Khía cạnh</th><th class="n">Câu hỏi</th><th class="n">Chưa giải quyết</th><th class="n">Phản hồi xấu</th><th class="n">Hỏi lại</th></tr></thead><tbody>${aspects.map(([a, s]) => `<tr><td>${esc(aspectLabel(a))}</td><td class="n">${s.total}</td><td class="n">${s.unresolved}</td><td class="n">${s.negative}</td><td class="n">${s.clarify}</td></tr>`).join('') || empty(5, 'Chưa có dữ liệu.')}</tbody></table>
<h2 style="margin-top:16px">Thủ tục × khía cạnh</h2><table><thead><tr><th>Thủ tục</th><th>Khía cạnh</th><th class="n">Chưa giải quyết / tổng</th></tr></thead><tbody>${areaRows || empty(3, 'Chưa có dữ liệu.')}</tbody></table></section>
<section id="clusters"><h2>Câu hỏi chưa giải quyết (đã gộp câu giống nhau)</h2>
<table><thead><tr><th>Câu hỏi</th><th class="n">Số lần</th><th>Lần đầu / lần cuối</th><th>Lý do</th><th>Thủ tục bot đã cân nhắc</th></tr></thead><tbody>${clusterRows || empty(5, 'Không có câu hỏi chưa giải quyết trong khoảng thời gian này.')}</tbody></table></section>
${handoffSection(r, base, procHref)}
<section id="feedback"><h2>Phản hồi của người dân</h2>
<table><thead><tr><th>Thời gian</th><th>Đánh giá</th><th>Nội dung</th><th>Thủ tục</th><th>Kênh</th></tr></thead><tbody>${feedbackRows || empty(5, 'Chưa có phản hồi.')}</tbody></table></section>
<section id="weekly"><h2>Theo tuần</h2><table><thead><tr><th>Tuần bắt đầu</th><th class="n">Câu hỏi</th><th class="n">Đã trả lời</th><th class="n">Chưa giải quyết</th><th class="n">Tỉ lệ trả lời</th></tr></thead><tbody>${r.weekly.map((w) => `<tr><td>${esc(fmtDay(w.start))}</td><td class="n">${w.questions}</td><td class="n">${w.answered}</td><td class="n">${w.unresolved}</td><td class="n">${esc(fmtPct(w.answer_rate))}</td></tr>`).join('')}</tbody></table>
<p><a href="${esc(base)}/api/report.csv?since=${esc(since)}" download id="csv-link">Tải báo cáo CSV</a> · <a href="${esc(base)}/api/report?since=${esc(since)}">JSON</a></p></section>`,
  );
}

/** "3 phút 20 giây" / "—" for the median wait to the first officer reply. */
function fmtWait(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} giây`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} phút ${seconds % 60} giây`;
  return `${Math.floor(seconds / 3600)} giờ ${Math.floor((seconds % 3600) / 60)} phút`;
}

/** Conversations handed to an officer: per day and the median wait for the first officer reply, by procedure. */
function handoffSection(r: Report, base: string, procHref: (code: string) => string): string {
  const h = r.handoffs;
  if (!h) return '';
  const none = (cols: number) => `<tr><td colspan="${cols}" class="muted">Chưa có cuộc trò chuyện nào chuyển cho cán bộ.</td></tr>`;
  return `<section id="handoffs"><h2>Gặp cán bộ</h2><p class="muted small">Cuộc trò chuyện người dân chuyển cho cán bộ, và thời gian chờ tới câu trả lời đầu tiên của cán bộ (trung vị). <a href="${esc(base)}/inbox">Hộp thư cán bộ</a></p>
<div class="cards"><div class="card" id="handoffs-opened">Yêu cầu gặp cán bộ<b>${fmtNum(h.opened)}</b></div><div class="card" id="handoffs-answered">Đã được cán bộ trả lời<b>${fmtNum(h.answered)}</b></div><div class="card" id="handoffs-median">Thời gian chờ (trung vị)<b>${esc(fmtWait(h.median_first_reply_seconds))}</b></div></div>
<table id="handoffs-daily"><thead><tr><th>Ngày</th><th class="n">Yêu cầu</th><th class="n">Đã trả lời</th><th class="n">Thời gian chờ (trung vị)</th></tr></thead><tbody>${h.daily.map((d) => `<tr><td>${esc(fmtDay(d.day))}</td><td class="n">${d.opened}</td><td class="n">${d.answered}</td><td class="n">${esc(fmtWait(d.median_first_reply_seconds))}</td></tr>`).join('') || none(4)}</tbody></table>
<h2 style="margin-top:16px">Theo thủ tục</h2><table id="handoffs-procedures"><thead><tr><th>Thủ tục</th><th class="n">Yêu cầu</th><th class="n">Đã trả lời</th><th class="n">Thời gian chờ (trung vị)</th></tr></thead><tbody>${h.by_procedure.map((p) => `<tr><td><a href="${esc(procHref(p.code))}">${esc(p.name)}</a> <span class="muted small">${esc(p.code)}</span></td><td class="n">${p.opened}</td><td class="n">${p.answered}</td><td class="n">${esc(fmtWait(p.median_first_reply_seconds))}</td></tr>`).join('') || `<tr><td colspan="4" class="muted">Chưa có yêu cầu gắn với thủ tục cụ thể.</td></tr>`}</tbody></table></section>`;
}

export function lookupPage(o: { base: string; q: string; result?: SearchResult }): string {
  const rows = (o.result?.results ?? [])
    .map((h) => `<tr class="hit"><td><a href="${esc(o.base)}/procedures/${esc(encodeURIComponent(h.code))}">${esc(h.name)}</a></td><td class="small">${esc(h.code)}</td><td class="small">${esc(h.field ?? '')}</td><td class="small">${(h.levels ?? []).map((l) => esc(levelLabels[l] ?? l)).join(', ')}</td><td class="n small">${h.score.toFixed(2)}</td></tr>`)
    .join('');
  return layout(
    { title: 'Tra cứu thủ tục', base: o.base },
    `<h1>Tra cứu thủ tục</h1><section><form method="get" action="${esc(o.base)}/lookup" class="inline">
<label for="q">Tìm thủ tục</label><input id="q" name="q" value="${esc(o.q)}" size="50" placeholder="ví dụ: đăng ký khai sinh, 1.001193" autofocus>
<button class="primary" type="submit">Tìm</button></form></section>
${o.q ? `<section><h2>Kết quả cho “${esc(o.q)}”</h2>${rows ? `<table><thead><tr><th>Thủ tục</th><th>Mã</th><th>Lĩnh vực</th><th>Cấp</th><th class="n">Độ khớp</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">Không tìm thấy thủ tục phù hợp.</p>'}</section>` : ''}`,
  );
}

const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : '<p class="muted">—</p>');

export function procedurePage(o: { base: string; procedure: Procedure; text?: string; extra?: string }): string {
  const p = o.procedure;
  const row = (label: string, value: string | undefined) => (value ? `<tr><th>${esc(label)}</th><td>${esc(value)}</td></tr>` : '');
  const channels = (p.channels ?? [])
    .map((c) => `<tr><td>${esc(modeLabels[c.mode] ?? c.mode)}</td><td>${esc(c.deadline?.text ?? '')}</td><td>${esc(c.fee?.text ?? '')}</td></tr>`)
    .join('');
  const docs = (p.documents ?? [])
    .map((d) => `<li>${esc(d.name)}${d.template ? ` <span class="muted small">(${esc(d.template)})</span>` : ''}${d.case ? `<div class="muted small">${esc(d.case)}</div>` : ''}</li>`)
    .join('');
  return layout(
    { title: p.name, base: o.base },
    `<p><a href="${esc(o.base)}/lookup">← Tra cứu thủ tục</a></p>
<section><h1>${esc(p.name)}</h1><table>
${row('Mã thủ tục', p.code)}${row('Lĩnh vực', p.field)}${row('Cấp thực hiện', (p.levels ?? []).map((l) => levelLabels[l] ?? l).join(', '))}
${row('Cơ quan thực hiện', p.agency)}${row('Nơi tiếp nhận', p.submitAt)}${row('Đối tượng', p.audience)}${row('Kết quả', p.result)}
${row('Quyết định công bố', p.decision)}${row('Cập nhật', p.updatedAt)}
${p.sourceUrl ? `<tr><th>Nguồn</th><td><a href="${esc(p.sourceUrl)}" rel="noreferrer noopener">${esc(p.sourceUrl)}</a></td></tr>` : ''}
</table></section>
<section><h2>Cách thức, thời hạn, phí</h2>${channels ? `<table><thead><tr><th>Cách thức</th><th>Thời hạn</th><th>Phí, lệ phí</th></tr></thead><tbody>${channels}</tbody></table>` : '<p class="muted">—</p>'}</section>
<section><h2>Thành phần hồ sơ</h2>${docs ? `<ol>${docs}</ol>` : '<p class="muted">—</p>'}</section>
<section><h2>Trình tự thực hiện</h2>${list(p.steps ?? [])}</section>
<section><h2>Điều kiện</h2>${list(p.conditions ?? [])}</section>
<section><h2>Căn cứ pháp lý</h2>${list((p.legalBasis ?? []).map((l) => [l.code, l.title].filter(Boolean).join(' — ')))}</section>
${o.extra ?? ''}
${o.text ? `<section><h2>Toàn văn (như trả lời công dân)</h2><pre class="record">${esc(o.text)}</pre></section>` : ''}`,
  );
}

export function notFoundPage(base: string, code: string): string {
  return layout(
    { title: 'Không tìm thấy', base },
    `<section><h1>Không tìm thấy thủ tục</h1><p>Không có thủ tục mã “${esc(code)}” trong danh mục.</p><p><a href="${esc(base)}/lookup">Tra cứu thủ tục</a></p></section>`,
  );
}

export function badSincePage(base: string, since: string): string {
  return layout(
    { title: 'Khoảng thời gian không hợp lệ', base },
    `<section><h1>Khoảng thời gian không hợp lệ</h1><p>Không đọc được “${esc(since)}”. Dùng dạng 7d, 30d, 12w hoặc một ngày YYYY-MM-DD.</p>${sinceForm(base, '30d')}</section>`,
  );
}
