/**
 * Staff changes to what the bot answers: corrections ("this question means this procedure"), centre notes
 * on procedures, the procedure page with its status and change history, and the audit log. Mounted by routes.ts
 * behind the admin login. Pages work without scripts (the dashboard's CSP allows none): plain forms that post and
 * redirect. Every change bumps the catalog version; `changed()` applies it on this worker before answering, and the
 * other workers pick it up at their next version check.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/db.js';
import type { Procedure } from '../../catalog/schema.js';
import type { Searcher } from '../../retrieval/types.js';
import { createCatalogRepository, type CatalogEntry, type ProcedureChange } from '../../catalog/repository.js';
import { createCorrectionStore, type Correction } from '../../catalog/corrections.js';
import { getCentreNote, listCentreNotes, setCentreNote, type CentreNote } from '../../catalog/centre-notes.js';
import { listAudit, type AuditEntry } from '../../catalog/audit.js';
import { onlineLevelText } from '../../catalog/province-text.js';
import { AppError } from '../../errors.js';
import { readJson, type AppEnv } from '../app.js';
import { esc, fmtDateTime } from './html.js';
import { layout, procedurePage } from './pages.js';

export interface CatalogAdminDeps {
  db: Db;
  searcher: Searcher;
  /** Applies a change on this worker now (e.g. the runtime's catalogWatcher.check). */
  changed?: () => Promise<unknown>;
  renderProcedure?: (p: Procedure) => string;
  /** Who is acting (named accounts when they exist; the shared token is "admin"). */
  actorOf?: (c: Context) => string;
}

const CODE = /^[0-9A-Za-z][0-9A-Za-z._-]{1,39}$/;
const correctionBody = z.object({ question: z.string().max(500), code: z.string().regex(CODE, 'a procedure code such as 1.001193') });
const noteBody = z.object({ text: z.string().max(1000) });

const ddmmyyyy = (d: Date) => d.toISOString().slice(0, 10).split('-').reverse().join('/');

const kindLabels: Record<ProcedureChange['kind'], string> = {
  added: 'thêm vào danh mục',
  updated: 'cập nhật',
  retired: 'ngừng áp dụng (nguồn không còn thủ tục này)',
  restored: 'áp dụng lại',
  source_dropped: 'một nguồn không còn liệt kê',
};
const sourceLabels: Record<string, string> = { knowledge: 'danh mục của Trung tâm', dvc: 'Cổng DVC quốc gia', province: 'danh mục tỉnh' };

/** Status, change history and the note form of one procedure, under its record on the procedure page. */
function lifecycleSection(base: string, entry: CatalogEntry, history: ProcedureChange[], note: CentreNote | undefined): string {
  const p = entry.procedure;
  const status = entry.retiredAt
    ? `<p class="error" id="status">Đã ngừng áp dụng từ ${esc(ddmmyyyy(entry.retiredAt))}: không còn được trả lời hay tìm thấy.</p>`
    : `<p id="status">${entry.listedOnly ? '<span class="tag">Chỉ có trong danh mục tỉnh</span> chưa có thành phần hồ sơ, thời hạn, phí' : '<span class="tag good">Có đủ chi tiết</span>'}${p.province ? ` <span class="tag">Tỉnh ${esc(p.province.province)} công bố</span> mức độ: ${esc(onlineLevelText(p))}` : ''}</p>`;
  const pages = (p.province?.pages ?? [])
    .filter((g) => g.url)
    .map((g) => `<li><a href="${esc(g.url)}" rel="noreferrer noopener">${esc(g.localCode)}</a></li>`)
    .join('');
  const changes = history
    .map(
      (h) => `<li class="change"><strong>Thay đổi ngày ${esc(ddmmyyyy(h.at))}</strong> — ${esc(kindLabels[h.kind] ?? h.kind)} (${esc(sourceLabels[h.source] ?? h.source)})${
        h.fields.length
          ? `<ul class="small">${h.fields.map((f) => `<li><b>${esc(f.field)}</b>: ${f.before !== undefined ? `<del>${esc(f.before)}</del> ` : ''}${f.after !== undefined ? `→ ${esc(f.after)}` : '→ (bỏ)'}</li>`).join('')}</ul>`
          : ''
      }</li>`,
    )
    .join('');
  return `<section id="lifecycle"><h2>Tình trạng trong danh mục</h2>${status}
${pages ? `<p class="small">Trang thủ tục trên cổng của tỉnh:</p><ul class="small">${pages}</ul>` : ''}
<p class="small muted">Có trong danh mục từ ${esc(fmtDateTime(entry.createdAt.toISOString()))}; thay đổi gần nhất ${esc(fmtDateTime(entry.updatedAt.toISOString()))}.</p>
<h3>Lịch sử thay đổi</h3>${changes ? `<ul id="history">${changes}</ul>` : '<p class="muted">Chưa có thay đổi nào được ghi.</p>'}</section>
<section id="note"><h2>Ghi chú của Trung tâm</h2>
<p class="small muted">Hiện trong câu trả lời, tách khỏi thông tin của danh mục, kèm ngày: quầy tiếp nhận, mức phí địa phương (ghi rõ nghị quyết), giờ làm việc của quầy. Để trống rồi lưu để xoá.</p>
${note ? `<p class="small">Ghi ngày ${esc(note.date.split('-').reverse().join('/'))} bởi ${esc(note.updatedBy)}.</p>` : ''}
<form method="post" action="${esc(base)}/procedures/${esc(p.code)}/note"><textarea name="text" id="note-text" rows="3" cols="80" maxlength="1000">${esc(note?.text ?? '')}</textarea><br><button type="submit" class="primary">Lưu ghi chú</button></form></section>`;
}

function correctionsPage(o: { base: string; list: Correction[]; names: Map<string, string>; audit: AuditEntry[]; saved?: string }): string {
  const rows = o.list
    .map(
      (c) => `<tr class="correction"><td>${esc(c.question)}</td><td><a href="${esc(o.base)}/procedures/${esc(c.code)}">${esc(c.code)}</a> ${esc(o.names.get(c.code) ?? '(không còn trong danh mục)')}</td>
<td class="small">${esc(fmtDateTime(c.createdAt))}<br>${esc(c.createdBy)}</td>
<td><form method="post" action="${esc(o.base)}/corrections/${c.id}/delete"><button type="submit">Xoá</button></form></td></tr>`,
    )
    .join('');
  const audit = o.audit
    .map((a) => `<tr><td class="small">${esc(fmtDateTime(a.at.toISOString()))}</td><td>${esc(a.actor)}</td><td>${esc(a.action)}</td><td>${esc(a.target ?? '')}</td></tr>`)
    .join('');
  return layout(
    { title: 'Sửa câu trả lời', base: o.base },
    `<h1>Sửa câu trả lời</h1>
${o.saved ? `<p role="status" id="saved">Đã lưu: từ tin nhắn tiếp theo, câu hỏi này được trả lời bằng thủ tục đã chọn.</p>` : ''}
<p class="small muted">Mỗi dòng: một câu hỏi của người dân và thủ tục đúng. Câu hỏi giống vậy (có dấu hoặc không dấu) được trả lời ngay bằng thủ tục đó. <a href="${esc(o.base)}/corrections/new">Thêm câu hỏi</a> · <a href="${esc(o.base)}/api/corrections">Xuất JSON</a> · <a href="${esc(o.base)}/catalog">Danh mục thủ tục</a></p>
<section id="corrections"><table><thead><tr><th>Câu hỏi</th><th>Thủ tục</th><th>Lưu lúc</th><th></th></tr></thead><tbody>${rows || '<tr><td colspan="4" class="muted">Chưa có.</td></tr>'}</tbody></table></section>
<section id="audit"><h2>Nhật ký thay đổi</h2><table><thead><tr><th>Lúc</th><th>Ai</th><th>Việc</th><th>Đối tượng</th></tr></thead><tbody>${audit || '<tr><td colspan="4" class="muted">Chưa có.</td></tr>'}</tbody></table></section>`,
  );
}

function newCorrectionPage(o: { base: string; question: string; q: string; hits: { code: string; name: string; field?: string }[]; error?: string }): string {
  const options = o.hits
    .map(
      (h, i) => `<li><label><input type="radio" name="code" value="${esc(h.code)}"${i === 0 ? ' required' : ''}> <b>${esc(h.code)}</b> ${esc(h.name)} <span class="muted small">${esc(h.field)}</span></label></li>`,
    )
    .join('');
  return layout(
    { title: 'Chỉ thủ tục đúng', base: o.base },
    `<h1>Chỉ thủ tục đúng cho một câu hỏi</h1>${o.error ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''}
<form method="get" action="${esc(o.base)}/corrections/new" class="inline" id="find">
<input type="hidden" name="question" value="${esc(o.question)}">
<label for="q">Tìm thủ tục</label><input id="q" name="q" value="${esc(o.q)}" size="50" maxlength="300"><button type="submit">Tìm</button></form>
<form method="post" action="${esc(o.base)}/corrections" id="save">
<p><label for="question">Câu hỏi của người dân</label><br><textarea id="question" name="question" rows="2" cols="80" maxlength="500" required>${esc(o.question)}</textarea></p>
${options ? `<ul id="candidates" class="plain">${options}</ul><button type="submit" class="primary">Lưu</button>` : `<p class="muted">${o.q ? 'Không tìm thấy thủ tục nào.' : 'Gõ tên thủ tục để tìm.'}</p>`}
</form>`,
  );
}

interface ListedOnlyUse {
  stats: Awaited<ReturnType<ReturnType<typeof createCatalogRepository>['stats']>>;
  days: number;
  /** Answers given from listed-only procedures in the window. */
  answeredListedOnly: number;
  answered: number;
  /** Listed-only procedures citizens asked about most: the ones worth detailing first. */
  top: { code: string; name: string; answers: number }[];
}

/** How much of what citizens ask is answered only from the province's list (name, link), for managers. */
async function listedOnlyUse(db: Db, days: number): Promise<ListedOnlyUse> {
  const stats = await createCatalogRepository(db).stats();
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const [totals] = await db.query<{ answered: number; listed: number }>(
    `SELECT count(*)::int AS answered,
            count(*) FILTER (WHERE p.knowledge IS NULL AND p.imported IS NULL)::int AS listed
       FROM interactions i LEFT JOIN procedures p ON p.code = i.code
      WHERE i.outcome = 'answered' AND i.at >= $1`,
    [since],
  );
  const top = await db.query<{ code: string; name: string; answers: number }>(
    `SELECT p.code, p.name, count(*)::int AS answers
       FROM interactions i JOIN procedures p ON p.code = i.code
      WHERE i.outcome = 'answered' AND i.at >= $1 AND p.knowledge IS NULL AND p.imported IS NULL
      GROUP BY p.code, p.name ORDER BY answers DESC, p.code LIMIT 20`,
    [since],
  );
  return { stats, days, answeredListedOnly: totals?.listed ?? 0, answered: totals?.answered ?? 0, top };
}

function catalogPage(base: string, u: ListedOnlyUse): string {
  const s = u.stats;
  const rows = u.top.map((t) => `<tr><td><a href="${esc(base)}/procedures/${esc(t.code)}">${esc(t.code)}</a> ${esc(t.name)}</td><td class="n">${t.answers}</td></tr>`).join('');
  return layout(
    { title: 'Danh mục thủ tục', base },
    `<h1>Danh mục thủ tục</h1>
<section id="catalog-stats"><table>
<tr><th>Thủ tục đang áp dụng</th><td class="n">${s.procedures}</td></tr>
<tr><th>Có đủ chi tiết (hồ sơ, thời hạn, phí)</th><td class="n" id="detailed">${s.detailed}</td></tr>
<tr><th>— trong đó có trong danh mục tỉnh</th><td class="n">${s.detailedAndListed}</td></tr>
<tr><th>Chỉ có trong danh mục tỉnh (tên, lĩnh vực, đường dẫn)</th><td class="n" id="listed-only">${s.listedOnly}</td></tr>
<tr><th>Đã ngừng áp dụng</th><td class="n">${s.retired}</td></tr>
<tr><th>Câu trả lời ${u.days} ngày qua chỉ dựa trên danh mục tỉnh</th><td class="n" id="answered-listed-only">${u.answeredListedOnly} / ${u.answered}</td></tr>
</table></section>
<section><h2>Thủ tục chỉ có tên được hỏi nhiều nhất (nên bổ sung chi tiết trước)</h2>
<table><thead><tr><th>Thủ tục</th><th class="n">Câu trả lời</th></tr></thead><tbody>${rows || '<tr><td colspan="2" class="muted">Chưa có.</td></tr>'}</tbody></table></section>`,
  );
}

export function createCatalogAdminRoutes(deps: CatalogAdminDeps, base: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const repo = createCatalogRepository(deps.db);
  const corrections = createCorrectionStore(deps.db);
  const actor = (c: Context) => deps.actorOf?.(c) ?? 'admin';
  const changed = async () => {
    await deps.changed?.();
  };
  const names = async (codes: string[]) => {
    const rows = codes.length
      ? await deps.db.query<{ code: string; name: string }>(`SELECT code, name FROM procedures WHERE code = ANY($1::text[]) AND retired_at IS NULL`, [codes])
      : [];
    return new Map(rows.map((r) => [r.code, r.name]));
  };
  const idParam = (c: Context) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('http:validation', { message: 'id: a positive integer' });
    return id;
  };
  const codeParam = (c: Context) => {
    const code = c.req.param('code') ?? '';
    if (!CODE.test(code)) throw new AppError('http:validation', { message: 'code: a procedure code such as 1.001193' });
    return code;
  };

  // ---- JSON API
  app.get('/api/corrections', async (c) => c.json({ corrections: await corrections.list() }));
  app.post('/api/corrections', async (c) => {
    const body = await readJson(c, correctionBody);
    const saved = await corrections.add({ question: body.question, code: body.code, actor: actor(c) });
    await changed();
    return c.json(saved, 201);
  });
  app.delete('/api/corrections/:id', async (c) => {
    if (!(await corrections.remove(idParam(c), actor(c)))) throw new AppError('http:not_found', { message: `no correction ${c.req.param('id')}` });
    await changed();
    return c.body(null, 204);
  });
  app.get('/api/notes', async (c) => c.json({ notes: await listCentreNotes(deps.db) }));
  app.put('/api/notes/:code', async (c) => {
    const body = await readJson(c, noteBody);
    const note = await setCentreNote(deps.db, { code: codeParam(c), text: body.text, actor: actor(c) });
    await changed();
    return c.json({ note: note ?? null });
  });
  app.delete('/api/notes/:code', async (c) => {
    await setCentreNote(deps.db, { code: codeParam(c), text: '', actor: actor(c) });
    await changed();
    return c.body(null, 204);
  });
  const daysParam = (c: Context) => Math.max(1, Math.min(366, Number(c.req.query('days') ?? 30) || 30));
  app.get('/api/catalog', async (c) => c.json(await listedOnlyUse(deps.db, daysParam(c))));
  app.get('/catalog', async (c) => c.html(catalogPage(base, await listedOnlyUse(deps.db, daysParam(c)))));
  app.get('/api/audit', async (c) => c.json({ entries: await listAudit(deps.db, { limit: Number(c.req.query('limit') ?? 100) || 100 }) }));
  app.get('/api/procedures/:code/history', async (c) => {
    const code = codeParam(c);
    const entry = await repo.getProcedure(code);
    if (!entry) throw new AppError('http:not_found', { message: `no procedure ${code}` });
    return c.json({ code, retiredAt: entry.retiredAt?.toISOString() ?? null, listedOnly: entry.listedOnly, changes: await repo.history(code) });
  });

  // ---- Pages (forms, no scripts)
  app.get('/procedures/:code', async (c, next) => {
    const code = c.req.param('code');
    const entry = CODE.test(code) ? await repo.getProcedure(code) : undefined;
    if (!entry) return next(); // the dashboard's own not-found page
    const [history, note] = await Promise.all([repo.history(code), getCentreNote(deps.db, code)]);
    const procedure = note ? { ...entry.procedure, centreNote: { text: note.text, date: note.date } } : entry.procedure;
    return c.html(procedurePage({ base, procedure, text: deps.renderProcedure?.(procedure), extra: lifecycleSection(base, entry, history, note) }));
  });
  app.post('/procedures/:code/note', async (c) => {
    const code = codeParam(c);
    const form = await c.req.parseBody();
    const text = typeof form.text === 'string' ? form.text : '';
    await setCentreNote(deps.db, { code, text, actor: actor(c) });
    await changed();
    return c.redirect(`${base}/procedures/${encodeURIComponent(code)}#note`, 303);
  });
  app.get('/corrections', async (c) => {
    const list = await corrections.list();
    const [n, audit] = await Promise.all([names([...new Set(list.map((x) => x.code))]), listAudit(deps.db, { limit: 50 })]);
    return c.html(correctionsPage({ base, list, names: n, audit, saved: c.req.query('saved') }));
  });
  app.get('/corrections/new', async (c) => {
    const question = (c.req.query('question') ?? '').slice(0, 500);
    const q = (c.req.query('q') ?? question).trim().slice(0, 300);
    const hits = q ? (await deps.searcher.search(q, { top: 10 })).results : [];
    return c.html(newCorrectionPage({ base, question, q, hits }));
  });
  app.post('/corrections', async (c) => {
    const form = await c.req.parseBody();
    const question = typeof form.question === 'string' ? form.question : '';
    const code = typeof form.code === 'string' ? form.code : '';
    try {
      const saved = await corrections.add({ question, code, actor: actor(c) });
      await changed();
      return c.redirect(`${base}/corrections?saved=${saved.id}`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'http:validation') throw err;
      const hits = question ? (await deps.searcher.search(question.slice(0, 300), { top: 10 })).results : [];
      return c.html(newCorrectionPage({ base, question, q: question, hits, error: 'Chưa lưu: cần câu hỏi và một thủ tục đang áp dụng.' }), 400);
    }
  });
  app.post('/corrections/:id/delete', async (c) => {
    await corrections.remove(idParam(c), actor(c));
    await changed();
    return c.redirect(`${base}/corrections`, 303);
  });
  return app;
}
