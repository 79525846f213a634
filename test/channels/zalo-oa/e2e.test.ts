import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { startServer, type Running } from '../../../src/serve.js';
import { renderZalo } from '../../../src/channels/zalo/render.js';
import type { Reply } from '../../../src/channels/types.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { startFakeZaloOaApi, type FakeZaloOaApi } from '../../fakes/zalo-oa-api.js';
import { APP_ID, APP_SECRET, oaEvent, signedRequest, oaConfig } from './events.js';

async function until(what: string, ok: () => boolean, timeoutMs = 30_000) {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// The whole server as `npm start` builds it (real answer core on the shipped catalog), with the OA API and OAuth
// faked on 127.0.0.1, restarted once on the same database.
describe('Zalo OA end to end: npm start’s server, a spent access token, a restart', () => {
  let db: Db;
  let api: FakeZaloOaApi;
  let dataDir: string;
  let running: Running | undefined;
  let seed: { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    db = await createTestDb();
    api = await startFakeZaloOaApi({ appId: APP_ID, appSecret: APP_SECRET });
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-zalo-oa-'));
    seed = api.issuePair();
  });
  afterAll(async () => {
    await running?.stop();
    await api?.close();
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const config = () =>
    parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN: 'admin-token-for-the-zalo-oa-e2e-test-0123-0123456789',
      // The same env on both starts, as in a real deployment.
      ...oaConfig(seed, api.root),
    });
  // stop() closes the database; the restart needs the same one.
  const start = () => startServer(config(), createLogger({ level: 'silent' }), { db: Object.assign(Object.create(db) as Db, { close: async () => undefined }) });
  const url = (path: string) => `http://127.0.0.1:${running!.port}${path}`;

  it('answers a signed text event as the web chat does, refreshes a spent token once, and keeps replying after a restart', async () => {
    running = await start();
    const question = 'đăng ký khai sinh cần giấy tờ gì';

    const web = (await (await fetch(url('/api/chat'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatId: 'web-e2e', text: question }),
    })).json()) as Reply;
    expect(web.outcome).toBe('answered');
    const expected = renderZalo(web);

    // The access token the centre gave is spent: the first send gets -216.
    api.expireAccessToken();
    const res = await fetch(url('/zalo-oa/webhook'), signedRequest(oaEvent('user_send_text', 'oa-user-1', { text: question })));
    expect(res.status).toBe(200);
    await until('the OA answer', () => api.sentTo('oa-user-1').length >= expected.length);
    expect(api.sentTo('oa-user-1')).toEqual(expected);
    expect(api.callsOf('oauth')).toHaveLength(1);
    expect(api.callsOf('oauth')[0]!.payload.refresh_token).toBe(seed.refreshToken);
    const refreshed = api.currentAccessToken;

    // An unsigned event gets 401 from the real server too.
    expect((await fetch(url('/zalo-oa/webhook'), signedRequest(oaEvent('user_send_text', 'oa-user-1'), { signature: null }))).status).toBe(401);
    const health = (await (await fetch(url('/health'), { headers: { authorization: 'Bearer admin-token-for-the-zalo-oa-e2e-test-0123-0123456789' } })).json()) as { zaloOa?: { ok: boolean; state: string } };
    expect(health.zaloOa).toMatchObject({ ok: true, state: 'ok' });

    // Restart with the same env: the stored pair is used, the spent seed is not presented again.
    await running.stop();
    running = await start();
    const before = api.callsOf('cs').length;
    const res2 = await fetch(url('/zalo-oa/webhook'), signedRequest(oaEvent('user_send_text', 'oa-user-2', { text: question })));
    expect(res2.status).toBe(200);
    await until('the answer after the restart', () => api.sentTo('oa-user-2').length >= expected.length);
    expect(api.sentTo('oa-user-2')).toEqual(expected);
    expect(api.callsOf('cs').slice(before).map((c) => c.accessToken)).toEqual(expected.map(() => refreshed));
    expect(api.callsOf('oauth')).toHaveLength(1);
    expect(api.reused).toBe(0);

    // The centre's permission is revoked: the refresh is refused (HTTP 200 with an error). The webhook still answers
    // 200, the server keeps serving, and /health and the admin overview say what is wrong.
    api.expireAccessToken();
    api.failNext('oauth', 200, { error: -14014, error_name: 'Invalid refresh token' });
    const res3 = await fetch(url('/zalo-oa/webhook'), signedRequest(oaEvent('user_send_text', 'oa-user-3', { text: question })));
    expect(res3.status).toBe(200);
    await until('the refused refresh', () => api.callsOf('oauth').length === 2);
    const health2 = await fetch(url('/health'), { headers: { authorization: 'Bearer admin-token-for-the-zalo-oa-e2e-test-0123-0123456789' } });
    expect(health2.status).toBe(200);
    expect(((await health2.json()) as { zaloOa: unknown }).zaloOa).toMatchObject({ ok: false, state: 'refresh_failed' });
    const admin = await fetch(url('/admin'), { headers: { authorization: 'Bearer admin-token-for-the-zalo-oa-e2e-test-0123-0123456789' } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('Zalo OA: làm mới mã truy cập thất bại');
    expect((await fetch(url('/api/chat'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chatId: 'web-e2e-2', text: question }) })).status).toBe(200);
  }, 180_000);
});
