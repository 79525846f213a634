/**
 * Staff deleting a citizen's data, for someone who asks at the desk (the same deletion as /xoadulieu), mounted inside
 * the admin app after its authentication:
 * - GET  /privacy          a form: channel + chat id
 * - POST /privacy          the form's target; shows what was deleted
 * - POST /api/erase        JSON { channel, chatId } → { erased: [{ table, label, count }] }
 * A citizen who can should send /xoadulieu themselves; the form is for one who cannot (staff read the chat id with
 * them: the Telegram user id, the Zalo chat id, or the web chat's id shown on its page).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { readJson, type AppEnv } from '../app.js';
import type { ChatEraser, ErasedItem } from '../../privacy/per-chat.js';
import { describeErased } from '../../privacy/per-chat.js';
import { esc } from './html.js';
import { layout } from './pages.js';

const CHANNELS = ['telegram', 'zalo', 'web'] as const;

const eraseSchema = z.object({
  channel: z.enum(CHANNELS, { message: `channel: one of ${CHANNELS.join(', ')}` }),
  chatId: z.string().trim().min(1, 'chatId must not be empty').max(128, 'chatId is at most 128 characters'),
});

function page(base: string, o: { done?: ErasedItem[]; error?: string } = {}): string {
  const result = o.done
    ? `<p id="erased" role="status"><b>Đã xóa:</b> ${esc(describeErased(o.done) || 'không còn dữ liệu nào của cuộc trò chuyện này')}.</p>`
    : o.error
      ? `<p id="error" role="alert">${esc(o.error)}</p>`
      : '';
  return layout(
    { title: 'Xóa dữ liệu của người dân', base },
    `<h1>Xóa dữ liệu của một cuộc trò chuyện</h1>
<section><p class="muted small">Dùng khi người dân đề nghị tại quầy. Xóa câu hỏi đã lưu, các lần tra cứu hồ sơ, hồ sơ đang theo dõi, phiên trò chuyện và bộ đếm (như lệnh /xoadulieu). Không hoàn tác được.</p>
${result}
<form method="post" action="${esc(base)}/privacy">
<label>Kênh <select name="channel">${CHANNELS.map((c) => `<option value="${c}">${c}</option>`).join('')}</select></label>
<label>Mã cuộc trò chuyện (chat id) <input name="chatId" required maxlength="128"></label>
<button type="submit">Xóa dữ liệu</button>
</form></section>`,
  );
}

export function createPrivacyRoutes(deps: { erase: ChatEraser }, base: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/privacy', (c) => c.html(page(base)));
  app.post('/privacy', async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const parsed = eraseSchema.safeParse({ channel: body.channel, chatId: typeof body.chatId === 'string' ? body.chatId : '' });
    if (!parsed.success) return c.html(page(base, { error: parsed.error.issues.map((i) => i.message).join('; ') }), 400);
    const done = await deps.erase(parsed.data);
    c.get('log')?.info({ admin: 'chat_erased', channel: parsed.data.channel, tables: done.filter((i) => i.count).length }, 'chat data erased by staff');
    return c.html(page(base, { done }));
  });
  app.post('/api/erase', async (c) => {
    const input = await readJson(c, eraseSchema);
    if (!input.chatId) throw new AppError('http:validation', { message: 'chatId: required' });
    const erased = await deps.erase(input);
    c.get('log')?.info({ admin: 'chat_erased', channel: input.channel }, 'chat data erased by staff');
    return c.json({ erased });
  });
  return app;
}
