/**
 * Two `serve` workers on one PostgreSQL database with one fake Telegram Bot API: the citizen's messages land on either
 * worker, the officer uses the inbox of either, and each officer's reply reaches the chat exactly once although both
 * workers' delivery rounds run. Runs only when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type Running } from '../../src/serve.js';
import { createTestDb, testDatabaseUrl, type TestDb } from '../helpers/db.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { textUpdate } from '../channels/telegram/updates.js';

const TOKEN = '123456:handoff-two-workers';
const SECRET = 'handoff-two-workers-webhook-secret-0123';
const ADMIN = 'handoff-two-workers-admin-token-0123456789';
const HASH_SECRET = 'handoff-two-workers-hash-secret-0123456789';
const CITIZEN = 8001;

describe.skipIf(!testDatabaseUrl)('handoff with two workers on one PostgreSQL', () => {
  let db: TestDb;
  let api: FakeTelegramApi;
  const dirs: string[] = [];
  const workers: Running[] = [];
  let updateId = 70_000;

  beforeAll(async () => {
    db = await createTestDb('postgres');
    api = await startFakeTelegramApi();
    const config = () => {
      const dir = mkdtempSync(join(tmpdir(), 'motcua-handoff-w-'));
      dirs.push(dir);
      return parseConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dir,
        DATABASE_URL: db.url,
        LOG_LEVEL: 'silent',
        ADMIN_TOKEN: ADMIN,
        HASH_SECRET,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: api.apiRoot,
      });
    };
    workers.push(await startServer(config(), createLogger({ level: 'silent' })));
    workers.push(await startServer(config(), createLogger({ level: 'silent' })));
  }, 180_000);
  afterAll(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    await api?.close();
    await db?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const url = (w: number, path: string) => `http://127.0.0.1:${workers[w]!.port}${path}`;
  const send = async (w: number, text: string) => {
    const res = await fetch(url(w, '/telegram/webhook'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(textUpdate(updateId++, text, CITIZEN)),
    });
    expect(res.status).toBe(200);
  };
  const admin = (w: number, path: string, body?: unknown) =>
    fetch(url(w, `/admin${path}`), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const toCitizen = () => api.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(CITIZEN)).map((c) => String(c.payload.text));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('routes messages through either worker and delivers each officer reply once', async () => {
    await send(0, 'tôi muốn gặp cán bộ');
    for (let i = 0; i < 200 && !toCitizen().length; i++) await sleep(50);
    await send(1, 'tôi hỏi về hồ sơ đất đai');
    type Listed = { handoffs: { id: number; messages: { text: string }[] }[] };
    let list: Listed = { handoffs: [] };
    for (let i = 0; i < 200 && !list.handoffs[0]?.messages.some((m) => m.text.includes('đất đai')); i++) {
      list = (await (await admin(0, '/api/handoffs')).json()) as Listed;
      await sleep(50);
    }
    const id = list.handoffs[0]!.id;
    const replies = ['Một', 'Hai', 'Ba', 'Bốn'];
    // Replies posted on both workers at once.
    const posted = await Promise.all(replies.map((t, i) => admin(i % 2, `/api/handoffs/${id}/reply`, { text: `Trả lời ${t}` })));
    expect(await Promise.all(posted.map(async (r) => `${r.status} ${r.status === 200 ? '' : await r.text()}`))).toEqual(replies.map(() => '200 '));
    // Both workers' delivery rounds (every 3 s) run at least twice.
    await sleep(7000);
    // Telegram shows the "Cán bộ Trung tâm:" line in bold.
    const got = toCitizen().filter((t) => t.startsWith('<b>Cán bộ Trung tâm:</b>'));
    expect(got.sort()).toEqual(replies.map((t) => `<b>Cán bộ Trung tâm:</b>\nTrả lời ${t}`).sort());
    expect((await admin(1, `/api/handoffs/${id}/close`, {})).status).toBe(200);
    await sleep(500);
    expect(toCitizen().filter((t) => t.includes('Cán bộ đã kết thúc'))).toHaveLength(1);
  }, 60_000);
});
