import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloClient, ZaloApiError } from '../../../src/channels/zalo/client.js';
import { startFakeZaloApi, type FakeZaloApi } from '../../fakes/zalo-api.js';
import { zaloEvent } from './events.js';

const TOKEN = '12345:secret-zalo-token';

describe('Zalo Bot Platform client', () => {
  let api: FakeZaloApi;
  let waits: number[];
  const client = () =>
    createZaloClient({ token: TOKEN, apiRoot: api.apiRoot, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }, sleep: async (ms) => void waits.push(ms) });

  beforeEach(async () => {
    api = await startFakeZaloApi();
    waits = [];
  });
  afterEach(async () => api.close());

  it('calls methods with the token in the path and a JSON body', async () => {
    const c = client();
    expect(await c.getMe()).toMatchObject({ id: '9001', display_name: 'Một cửa' });
    await c.sendMessage('chat-9', 'Xin chào');
    await c.sendChatAction('chat-9');
    await c.setWebhook({ url: 'https://x.vn/zalo/webhook', secret_token: 'abcdefgh' });
    await c.deleteWebhook();
    expect(api.calls.map((x) => x.method)).toEqual(['getMe', 'sendMessage', 'sendChatAction', 'setWebhook', 'deleteWebhook']);
    expect(api.calls.every((x) => x.token === TOKEN)).toBe(true);
    expect(api.callsOf('sendMessage')[0]!.payload).toEqual({ chat_id: 'chat-9', text: 'Xin chào' });
    expect(api.callsOf('sendChatAction')[0]!.payload).toEqual({ chat_id: 'chat-9', action: 'typing' });
  });

  it('retries 429 and 5xx with growing back-off, then succeeds', async () => {
    api.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'quota exceeded' });
    api.failNext('sendMessage', 502, { ok: false, error_code: 502, description: 'bad gateway' });
    await client().sendMessage('c', 'x');
    expect(api.callsOf('sendMessage')).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after the retry budget with a ZaloApiError carrying the API code, never the token', async () => {
    for (let i = 0; i < 4; i++) api.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'quota exceeded' });
    const err = await client().sendMessage('c', 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err).toMatchObject({ code: 'zalo:api', apiCode: 429, status: 429, method: 'sendMessage' });
    expect(api.callsOf('sendMessage')).toHaveLength(4);
    expect(JSON.stringify(err) + String((err as Error).message) + String((err as Error).cause ?? '')).not.toContain(TOKEN);
  });

  it('does not retry other API errors', async () => {
    api.failNext('sendMessage', 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    await expect(client().sendMessage('c', 'x')).rejects.toMatchObject({ apiCode: 401 });
    expect(waits).toEqual([]);
  });

  it('reports an unreachable API as a ZaloApiError without the URL', async () => {
    await api.close();
    const err = await client().getMe().catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err.message).not.toContain(TOKEN);
    expect(err.message).not.toContain('127.0.0.1');
  });

  it('gets ONE update from getUpdates, and null when none arrived', async () => {
    api.pushUpdate(zaloEvent('m1', 'xin chào'));
    const c = client();
    expect(await c.getUpdates({ timeout: 1 })).toMatchObject({ event_name: 'message.text.received', message: { message_id: 'm1', text: 'xin chào' } });
    expect(await c.getUpdates({ timeout: 1 })).toBeNull();
    expect(api.callsOf('getUpdates')[0]!.payload).toEqual({ timeout: 1 });
  });
});
