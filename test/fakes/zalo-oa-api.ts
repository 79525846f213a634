/**
 * An in-process fake of the Zalo Official Account API v3 and its OAuth server on 127.0.0.1:0 (one port for both).
 * - POST /v3.0/oa/message/cs (header access_token): { error: 0, data } when the token is the current one, else
 *   { error: -216 } with HTTP 200, as Zalo does; texts over 2000 characters are refused (-201).
 * - POST /v4/oa/access_token (header secret_key, form refresh_token, app_id, grant_type=refresh_token): issues a new
 *   pair and spends the refresh token; a reused, unknown or wrong-app refresh token gets { error: -14014 } with HTTP
 *   200. Every refresh is recorded (and `reused` counts refresh tokens presented twice).
 * `failNext` makes the next call of 'cs' or 'oauth' answer as given (status 0 on 'cs': the connection drops);
 * `oauthDelayMs` slows OAuth down (races).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, createCallLog } from './call-log.js';

export interface ZaloOaCall {
  method: 'cs' | 'oauth';
  accessToken?: string;
  payload: Record<string, unknown>;
}

export interface FakeZaloOaApi {
  root: string;
  calls: ZaloOaCall[];
  callsOf(method: 'cs' | 'oauth'): ZaloOaCall[];
  /** Texts delivered (accepted) to a user, in order. */
  sentTo(userId: string): string[];
  waitFor(method: 'cs' | 'oauth', n?: number, timeoutMs?: number): Promise<ZaloOaCall[]>;
  failNext(method: 'cs' | 'oauth', status: number, body: unknown): void;
  /** Issues a fresh pair as if the centre had authorised the app (the env seed). */
  issuePair(): { accessToken: string; refreshToken: string };
  /** Makes the current access token invalid (as if it expired): the next send gets -216. */
  expireAccessToken(): void;
  /** Refresh tokens presented again after being spent. Must stay 0. */
  readonly reused: number;
  readonly currentAccessToken: string | undefined;
  oauthDelayMs: number;
  close(): Promise<void>;
}

export async function startFakeZaloOaApi(options: { appId: string; appSecret: string }): Promise<FakeZaloOaApi> {
  const log = createCallLog<ZaloOaCall>();
  const failures = new Map<string, { status: number; body: unknown }[]>();
  let n = 0;
  let access: string | undefined;
  const liveRefresh = new Set<string>();
  const spent = new Set<string>();
  let reused = 0;
  const state = { oauthDelayMs: 0 };
  const delivered: { userId: string; text: string }[] = [];

  const issuePair = () => {
    n++;
    access = `AT-${n}-${Math.random().toString(36).slice(2)}`;
    const refresh = `RT-${n}-${Math.random().toString(36).slice(2)}`;
    liveRefresh.add(refresh);
    return { accessToken: access, refreshToken: refresh };
  };

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && req.url === '/v3.0/oa/message/cs') {
      const payload = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      const token = String(req.headers['access_token'] ?? '');
      log.record({ method: 'cs', accessToken: token, payload });
      const failure = failures.get('cs')?.shift();
      // Status 0: the connection drops without an answer (a network error).
      if (failure?.status === 0) return void res.socket?.destroy();
      if (failure) return send(failure.status, failure.body);
      if (!access || token !== access) return send(200, { error: -216, message: 'Access token is invalid' });
      const text = (payload.message as { text?: unknown } | undefined)?.text;
      if (typeof text !== 'string' || text.length < 1 || text.length > 2000) return send(200, { error: -201, message: 'text is invalid' });
      const userId = String((payload.recipient as { user_id?: unknown } | undefined)?.user_id ?? '');
      delivered.push({ userId, text });
      return send(200, { error: 0, message: 'Success', data: { message_id: `mid-${delivered.length}`, user_id: userId } });
    }
    if (req.method === 'POST' && req.url === '/v4/oa/access_token') {
      const form = Object.fromEntries(new URLSearchParams(raw));
      log.record({ method: 'oauth', payload: form });
      if (state.oauthDelayMs) await new Promise((r) => setTimeout(r, state.oauthDelayMs));
      const failure = failures.get('oauth')?.shift();
      if (failure) return send(failure.status, failure.body);
      if (req.headers['secret_key'] !== options.appSecret || form.app_id !== options.appId) {
        return send(200, { error: -14002, error_name: 'Invalid app secret or app id' });
      }
      const rt = form.refresh_token ?? '';
      if (form.grant_type !== 'refresh_token' || !liveRefresh.has(rt)) {
        if (spent.has(rt)) reused++;
        return send(200, { error: -14014, error_name: 'Invalid refresh token', error_description: 'refresh token is invalid or was used' });
      }
      liveRefresh.delete(rt);
      spent.add(rt);
      const pair = issuePair();
      return send(200, { access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: '90000' });
    }
    send(404, { error: 404, message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    root: `http://127.0.0.1:${port}`,
    calls: log.calls,
    callsOf: log.callsOf as (m: 'cs' | 'oauth') => ZaloOaCall[],
    sentTo: (userId) => delivered.filter((d) => d.userId === userId).map((d) => d.text),
    waitFor: log.waitFor as FakeZaloOaApi['waitFor'],
    failNext(method, status, body) {
      failures.set(method, [...(failures.get(method) ?? []), { status, body }]);
    },
    issuePair,
    expireAccessToken() {
      access = `expired-${Math.random()}`;
    },
    get reused() {
      return reused;
    },
    get currentAccessToken() {
      return access;
    },
    get oauthDelayMs() {
      return state.oauthDelayMs;
    },
    set oauthDelayMs(v: number) {
      state.oauthDelayMs = v;
    },
    close: () => closeServer(server),
  };
}
