/**
 * The handoff on the Zalo Official Account channel, on the server `npm start` builds (real answer core), with the OA
 * API faked on 127.0.0.1: the OA's sender is one of the channel senders, so an officer's reply reaches the OA user.
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
import { startFakeZaloOaApi, type FakeZaloOaApi } from '../fakes/zalo-oa-api.js';
import { APP_ID, APP_SECRET, oaEvent, signedRequest, oaConfig } from '../channels/zalo-oa/events.js';

const ADMIN = 'handoff-oa-admin-token-0123456789abc';

async function until(what: string, ok: () => boolean, timeoutMs = 20_000) {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('handoff on Zalo OA, end to end', () => {
  let db: Db;
  let api: FakeZaloOaApi;
  let dataDir: string;
  let running: Running;

  beforeAll(async () => {
    db = await createTestDb();
    api = await startFakeZaloOaApi({ appId: APP_ID, appSecret: APP_SECRET });
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-handoff-oa-'));
    const seed = api.issuePair();
    const config = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN: ADMIN,
      ...oaConfig(seed, api.root),
    });
    running = await startServer(config, createLogger({ level: 'silent' }), { db });
  });
  afterAll(async () => {
    await running?.stop();
    await api?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = (path: string) => `http://127.0.0.1:${running.port}${path}`;
  // Sent now: the OA may only write to a user within its interaction window after the user's last message.
  const fromUser = async (text: string) => expect((await fetch(url('/zalo-oa/webhook'), signedRequest(oaEvent('user_send_text', 'oa-citizen', { text, timestamp: String(Date.now()) })))).status).toBe(200);
  const admin = (path: string, body?: unknown) =>
    fetch(url(`/admin${path}`), {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('opens on a typed request, takes the officer\'s reply and closing, then the bot answers again', async () => {
    await fromUser('cho tôi gặp cán bộ');
    await until('the handoff reply', () => api.sentTo('oa-citizen').length >= 1);
    expect(api.sentTo('oa-citizen')[0]).toContain('Cán bộ sẽ trả lời ngay tại đây');
    await fromUser('tôi muốn hỏi về hồ sơ đất');
    let list: { handoffs: { id: number; channel: string; messages: { text: string }[] }[] } = { handoffs: [] };
    for (let i = 0; i < 100 && !list.handoffs[0]?.messages.some((m) => m.text.includes('hồ sơ đất')); i++) {
      list = (await (await admin('/api/handoffs')).json()) as typeof list;
      await new Promise((r) => setTimeout(r, 50));
    }
    const h = list.handoffs[0]!;
    expect(h.channel).toBe('zalo_oa');
    expect(api.sentTo('oa-citizen'), JSON.stringify(api.sentTo('oa-citizen'))).toHaveLength(1);
    expect((await admin(`/api/handoffs/${h.id}/reply`, { text: 'Anh mang giấy chứng nhận tới quầy số 2.' })).status).toBe(200);
    await until('the officer\'s reply', () => api.sentTo('oa-citizen').length >= 2);
    expect(api.sentTo('oa-citizen')[1]).toContain('Anh mang giấy chứng nhận tới quầy số 2.');
    expect((await admin(`/api/handoffs/${h.id}/close`, {})).status).toBe(200);
    await until('the closing notice', () => api.sentTo('oa-citizen').length >= 3);
    expect(api.sentTo('oa-citizen')[2]).toContain('Cán bộ đã kết thúc cuộc trò chuyện');
    await fromUser('đăng ký khai sinh cần giấy tờ gì');
    await until('the bot\'s answer', () => api.sentTo('oa-citizen').length >= 4);
    expect(api.sentTo('oa-citizen').slice(3).join('\n')).toMatch(/\d\.\d{6}/);
  });

  it('marks a reply outside the OA\'s interaction window as undeliverable in the inbox', async () => {
    // The user's last message is long past (an old event time): Zalo would refuse, the channel does not try.
    expect((await fetch(url('/zalo-oa/webhook'), signedRequest(oaEvent('user_send_text', 'oa-old', { text: 'gặp cán bộ' })))).status).toBe(200);
    type Listed = { handoffs: { id: number; messages: { from: string; delivery?: string; deliveryError?: string }[] }[] };
    let list: Listed = { handoffs: [] };
    for (let i = 0; i < 100 && !list.handoffs.length; i++) {
      list = (await (await admin('/api/handoffs')).json()) as Listed;
      await new Promise((r) => setTimeout(r, 50));
    }
    const h = list.handoffs[0]!;
    await admin(`/api/handoffs/${h.id}/reply`, { text: 'Chào anh' });
    const after = (await (await admin('/api/handoffs')).json()) as Listed;
    expect(after.handoffs.find((x) => x.id === h.id)!.messages.at(-1)).toMatchObject({ from: 'staff', delivery: 'failed', deliveryError: 'channel:undeliverable' });
  });
});
