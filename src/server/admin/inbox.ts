/**
 * The officers' inbox, mounted inside the admin app after its authentication (401 JSON / login redirect otherwise):
 * - GET  /inbox                      the page (its script polls the API every few seconds: no reload needed)
 * - GET  /api/handoffs               { handoffs: [{ id, channel, status, openedAt, waitingSince, messages: [{ from, text, at }] }] }
 *                                    open conversations, longest waiting first; personal numbers masked
 * - POST /api/handoffs/:id/reply     { text } → the reply is queued and sent on the citizen's channel
 * - POST /api/handoffs/:id/close     closes; the citizen gets a short notice and 👍/👎
 * - POST /api/handoffs/:id/reveal    the same conversation unmasked; every call is audited
 * POSTs take JSON only (a cross-site form cannot send it), on top of the SameSite=Strict session cookie.
 */
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { readJson, type AppEnv } from '../app.js';
import type { HandoffView } from '../../handoff/store.js';
import { channelLabel } from '../../handoff/texts.js';
import { esc } from './html.js';
import { layout } from './pages.js';

export interface InboxPort {
  listOpen(): Promise<HandoffView[]>;
  reveal(id: number, staff: string): Promise<HandoffView | undefined>;
  reply(id: number, text: string): Promise<{ messageId: number }>;
  close(id: number): Promise<boolean>;
}

export interface InboxDeps {
  handoffs: InboxPort;
  /** Masks personal numbers (phone, CCCD, e-mail, dossier codes) for the list view. */
  mask: (text: string) => string;
  /** Who the request is (for the reveal audit); 'admin' with the shared ADMIN_TOKEN. */
  staffOf?: (c: Context) => string;
  clock?: () => Date;
}

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const replySchema = z.object({ text: z.string().trim().min(1, 'text must not be empty').max(3000, 'text is at most 3000 characters') });

function idOf(c: Context): number {
  const raw = c.req.param('id') ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('http:not_found', { message: `no handoff ${raw.slice(0, 20)}` });
  return Number(raw);
}

function requireJson(c: Context) {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new AppError('http:validation', { message: 'content-type must be application/json' });
  }
}

function toJson(h: HandoffView, text: (s: string) => string, at: Date) {
  return {
    id: h.id,
    channel: h.channel,
    status: h.status,
    openedAt: h.openedAt.toISOString(),
    waitingSince: h.waitingSince?.toISOString() ?? null,
    waitingSeconds: h.waitingSince ? Math.max(0, Math.round((at.getTime() - h.waitingSince.getTime()) / 1000)) : 0,
    procedureCode: h.procedureCode ?? null,
    messages: h.messages.map((m) => ({
      id: m.id,
      from: m.from,
      text: text(m.text),
      at: m.at.toISOString(),
      ...(m.delivery ? { delivery: m.delivery } : {}),
      ...(m.deliveryError ? { deliveryError: m.deliveryError } : {}),
    })),
  };
}

export function createInboxRoutes(deps: InboxDeps, base: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.clock ?? (() => new Date());
  const script = readFileSync(new URL('inbox.js', new URL('./public/', import.meta.url)), 'utf8');

  app.get('/inbox', (c) => {
    const html = layout(
      { title: 'Hộp thư cán bộ', base },
      `<h1>Hộp thư cán bộ</h1>
<p class="muted small">Các cuộc trò chuyện người dân muốn gặp cán bộ, chờ lâu nhất ở trên. Trả lời tại đây, người dân nhận được ngay trên kênh của họ. Số điện thoại, số giấy tờ được che; bấm "Hiện đầy đủ" khi cần (được ghi nhật ký).</p>
<div id="inbox" data-base="${esc(base)}" data-channels="${esc(JSON.stringify({ telegram: channelLabel('telegram'), zalo: channelLabel('zalo'), zalo_oa: channelLabel('zalo_oa'), web: channelLabel('web') }))}">
<section id="list"><h2>Đang chờ</h2><ul id="handoffs" class="small"><li class="muted">Đang tải…</li></ul></section>
<section id="conversation" hidden><h2 id="title"></h2><div id="messages" role="log" aria-live="polite"></div>
<form id="reply" class="inline"><label for="reply-text" class="small">Trả lời</label><textarea id="reply-text" rows="3" cols="60" maxlength="3000" required></textarea>
<button type="submit" class="primary">Gửi</button></form>
<p class="inline"><button type="button" id="reveal">Hiện đầy đủ</button> <button type="button" id="close">Kết thúc cuộc trò chuyện</button> <span id="status" class="small" role="status"></span></p></section>
</div><script src="${esc(base)}/inbox.js" defer></script>`,
    );
    return c.html(html, 200, { 'Content-Security-Policy': PAGE_CSP });
  });

  app.get('/inbox.js', (c) => c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));

  app.get('/api/handoffs', async (c) => {
    const at = now();
    const list = await deps.handoffs.listOpen();
    return c.json({ handoffs: list.map((h) => toJson(h, deps.mask, at)) });
  });

  app.post('/api/handoffs/:id/reveal', async (c) => {
    requireJson(c);
    const id = idOf(c);
    const view = await deps.handoffs.reveal(id, deps.staffOf?.(c) ?? 'admin');
    if (!view) throw new AppError('http:not_found', { message: `no handoff ${id}` });
    c.get('log')?.info({ handoff: id, staff: deps.staffOf?.(c) ?? 'admin' }, 'handoff texts revealed');
    return c.json({ handoff: toJson(view, (s) => s, now()) });
  });

  app.post('/api/handoffs/:id/reply', async (c) => {
    requireJson(c);
    const id = idOf(c);
    const { text } = await readJson(c, replySchema);
    const r = await deps.handoffs.reply(id, text);
    return c.json({ ok: true, messageId: r.messageId });
  });

  app.post('/api/handoffs/:id/close', async (c) => {
    requireJson(c);
    const id = idOf(c);
    if (!(await deps.handoffs.close(id))) throw new AppError('http:not_found', { message: `no open handoff ${id}` });
    return c.json({ ok: true });
  });

  return app;
}
