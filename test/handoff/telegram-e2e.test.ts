/**
 * "Done when" of issue 19, on the server `npm start` builds (real answer core on the shipped catalog), with the
 * Telegram Bot API faked on 127.0.0.1: a citizen writes "Tôi muốn gặp cán bộ", the conversation appears in the inbox,
 * an officer's reply arrives in the citizen's chat, and after closing the bot answers procedure questions again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type Running } from '../../src/serve.js';
import type { Db } from '../../src/db/db.js';
import { createTestDb } from '../helpers/db.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { textUpdate, callbackUpdate } from '../channels/telegram/updates.js';

const TOKEN = '123456:handoff-e2e-token';
const SECRET = 'handoff-e2e-secret-0123456789abcdef';
const ADMIN = 'handoff-admin-token-0123456789abcdef';
const STAFF_GROUP = '-1009876543210';
const CITIZEN = 7001;

describe('Telegram citizen ↔ officer through the inbox, end to end', () => {
  let db: Db;
  let api: FakeTelegramApi;
  let dataDir: string;
  let running: Running;
  let updateId = 90_000;

  beforeAll(async () => {
    db = await createTestDb();
    api = await startFakeTelegramApi();
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-handoff-'));
    const config = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN: ADMIN,
      PUBLIC_URL: 'https://motcua.example',
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: api.apiRoot,
      STAFF_TELEGRAM_CHAT_ID: STAFF_GROUP,
    });
    running = await startServer(config, createLogger({ level: 'silent' }), { db });
  });
  afterAll(async () => {
    await running?.stop();
    await api?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = (path: string) => `http://127.0.0.1:${running.port}${path}`;
  const send = async (update: unknown) => {
    const res = await fetch(url('/telegram/webhook'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    expect(res.status).toBe(200);
  };
  const toCitizen = () => api.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(CITIZEN));
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(url(`/admin${path}`), { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const started = Date.now();
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('"Tôi muốn gặp cán bộ" reaches the inbox, the reply reaches the chat, and after closing the bot answers again', async () => {
    // /canbo and /bot are in the command menu.
    const menu = api.callsOf('setMyCommands')[0]?.payload.commands as { command: string }[];
    expect(menu.map((c) => c.command)).toEqual(expect.arrayContaining(['canbo', 'bot']));

    await send(textUpdate(updateId++, 'Tôi muốn gặp cán bộ', CITIZEN));
    const opened = await until('the handoff reply', () => toCitizen()[0]);
    expect(opened.payload.text).toContain('Cán bộ sẽ trả lời ngay tại đây');
    expect(opened.payload.text).toMatch(/đang trong giờ làm việc|cán bộ sẽ trả lời từ \d\dh\d\d/);
    // One line to the officers' group: where to answer, nothing about the citizen.
    const line = await until('the officers\' line', () => api.callsOf('sendMessage').find((c) => String(c.payload.chat_id) === STAFF_GROUP));
    expect(line.payload.text).toContain('https://motcua.example/admin/inbox');
    expect(line.payload.text).not.toContain(String(CITIZEN));

    // Without staff authentication the inbox says 401.
    expect((await fetch(url('/admin/api/handoffs'))).status).toBe(401);
    expect((await fetch(url('/admin/api/handoffs/1/reply'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' })).status).toBe(401);

    await send(textUpdate(updateId++, 'Hồ sơ đất của tôi nộp tháng trước, điện thoại 0912345678', CITIZEN));
    type Listed = { handoffs: { id: number; channel: string; status: string; openedAt: string; waitingSince: string | null; messages: { from: string; text: string; at: string }[] }[] };
    let inbox: Listed | undefined;
    for (let i = 0; i < 200; i++) {
      inbox = (await (await admin('/api/handoffs')).json()) as Listed;
      if (inbox.handoffs[0]?.messages.some((m) => m.text.includes('Hồ sơ đất'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const h = inbox!.handoffs[0]!;
    expect(h).toMatchObject({ channel: 'telegram', status: 'open', openedAt: expect.any(String), waitingSince: expect.any(String) });
    expect(h.messages.map((m) => m.from)).toEqual(['citizen', 'bot', 'citizen']);
    expect(h.messages[0]!.text).toBe('Tôi muốn gặp cán bộ');
    // Personal numbers are masked in the list; the bot did not answer the routed message.
    expect(h.messages[2]!.text).toContain('[SĐT]');
    expect(h.messages[2]!.text).not.toContain('0912345678');
    expect(toCitizen()).toHaveLength(1);

    // Opening the full texts is possible, and audited.
    const revealed = (await (await admin(`/api/handoffs/${h.id}/reveal`, { method: 'POST', body: '{}' })).json()) as { handoff: Listed['handoffs'][number] };
    expect(revealed.handoff.messages[2]!.text).toContain('0912345678');
    expect(await db.query('SELECT handoff_id, staff FROM handoff_reveals')).toEqual([{ handoff_id: h.id, staff: 'admin' }]);

    const answer = 'Chào anh, hồ sơ của anh đang được Sở Tài nguyên và Môi trường xử lý.';
    expect((await admin(`/api/handoffs/${h.id}/reply`, { method: 'POST', body: JSON.stringify({ text: answer }) })).status).toBe(200);
    const delivered = await until('the officer\'s reply in the chat', () => toCitizen()[1]);
    expect(delivered.payload.text).toContain(answer);
    expect((await admin(`/api/handoffs/${h.id}/reply`, { method: 'POST', body: JSON.stringify({ text: '' }) })).status).toBe(400);

    expect((await admin(`/api/handoffs/${h.id}/close`, { method: 'POST', body: '{}' })).status).toBe(200);
    const closing = await until('the closing notice', () => toCitizen()[2]);
    expect(closing.payload.text).toContain('Cán bộ đã kết thúc cuộc trò chuyện');
    expect(JSON.stringify(closing.payload.reply_markup)).toContain('f:up');
    expect((await (await admin('/api/handoffs')).json()) as Listed).toEqual({ handoffs: [] });
    expect((await admin(`/api/handoffs/${h.id}/close`, { method: 'POST', body: '{}' })).status).toBe(404);

    await send(callbackUpdate(updateId++, 'f:up', CITIZEN));
    const thanks = await until('thanks for the rating', () => toCitizen()[3]);
    expect(thanks.payload.text).toContain('Cảm ơn anh/chị đã đánh giá');

    await send(textUpdate(updateId++, 'đăng ký khai sinh cần giấy tờ gì', CITIZEN));
    const again = await until('the bot\'s answer', () => toCitizen()[4]);
    expect(again.payload.text).toMatch(/khai sinh/i);
    expect(again.payload.text).toMatch(/\d\.\d{6}/);
    expect(again.payload.text).not.toContain('Cán bộ Trung tâm');
  });

  it('shows the officer what the bot said before, and counts the handoff under its procedure in the report', async () => {
    const other = 7002;
    const to = () => api.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(other));
    await send(textUpdate(updateId++, 'đăng ký kết hôn cần giấy tờ gì', other));
    await until('the bot\'s answer', () => to()[0]);
    await send(textUpdate(updateId++, '/canbo', other));
    await until('the handoff reply', () => to()[1]);
    type Listed = { handoffs: { id: number; procedureCode: string | null; messages: { from: string; text: string }[] }[] };
    const h = ((await (await admin('/api/handoffs')).json()) as Listed).handoffs.find((x) => x.procedureCode)!;
    expect(h.messages.map((m) => m.from)).toEqual(['citizen', 'bot', 'citizen', 'bot']);
    expect(h.messages[0]!.text).toBe('đăng ký kết hôn cần giấy tờ gì');
    expect(h.messages[1]!.text).toContain(`mã ${h.procedureCode}`);
    expect(h.messages[2]!.text).toBe('/canbo');
    await admin(`/api/handoffs/${h.id}/reply`, { method: 'POST', body: JSON.stringify({ text: 'Anh cần mang căn cước của hai người.' }) });
    await until('the officer\'s reply', () => to()[2]);
    const report = (await (await admin('/api/report?since=1d')).json()) as { handoffs: { opened: number; answered: number; by_procedure: { code: string; answered: number }[] } };
    expect(report.handoffs.opened).toBe(2);
    expect(report.handoffs.by_procedure).toEqual([expect.objectContaining({ code: h.procedureCode, answered: 1 })]);
    const csv = await (await admin('/api/report.csv?since=1d')).text();
    expect(csv).toContain(`handoff_procedure,${h.procedureCode},`);
  });
});
