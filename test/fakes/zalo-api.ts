/**
 * An in-process fake of the Zalo Bot Platform API on 127.0.0.1:0: POST /bot<TOKEN>/<method> with the
 * { ok, result | error_code, description } envelope. Records calls; `failNext` makes the next call of a method fail;
 * `pushUpdate` queues an event for getUpdates (which returns ONE update, or 408 after a short wait when none).
 */
import { closeServer, createCallLog } from './call-log.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ZaloCall {
  method: string;
  token: string;
  payload: Record<string, unknown>;
}

export interface FakeZaloApi {
  apiRoot: string;
  calls: ZaloCall[];
  callsOf(method: string): ZaloCall[];
  failNext(method: string, status: number, body: Record<string, unknown>): void;
  pushUpdate(event: Record<string, unknown>): void;
  waitFor(method: string, n?: number, timeoutMs?: number): Promise<ZaloCall[]>;
  close(): Promise<void>;
}

export async function startFakeZaloApi(options: { emptyPollMs?: number } = {}): Promise<FakeZaloApi> {
  const log = createCallLog<ZaloCall>();
  const { calls, callsOf } = log;
  const failures = new Map<string, { status: number; body: Record<string, unknown> }[]>();
  const updates: Record<string, unknown>[] = [];

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    if (!m || req.method !== 'POST') return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m as unknown as [string, string, string];
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const payload = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    log.record({ method, token, payload });
    const failure = failures.get(method)?.shift();
    if (failure) return send(failure.status, failure.body);
    switch (method) {
      case 'getMe':
        return send(200, { ok: true, result: { id: '9001', account_name: 'bot.motcua', account_type: 'BASIC', can_join_groups: false, display_name: 'Một cửa' } });
      case 'sendMessage': {
        const text = payload.text;
        if (typeof text !== 'string' || text.length < 1 || text.length > 2000) {
          return send(400, { ok: false, error_code: 400, description: 'text must be 1-2000 characters' });
        }
        return send(200, { ok: true, result: { message_id: `m${calls.length}`, date: Date.now() } });
      }
      case 'getUpdates': {
        const next = updates.shift();
        if (next) return send(200, { ok: true, result: next });
        await new Promise((r) => setTimeout(r, options.emptyPollMs ?? 50));
        const late = updates.shift();
        if (late) return send(200, { ok: true, result: late });
        return send(408, { ok: false, error_code: 408, description: 'Request timeout' });
      }
      default:
        return send(200, { ok: true, result: true });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    callsOf,
    failNext(method, status, body) {
      failures.set(method, [...(failures.get(method) ?? []), { status, body }]);
    },
    pushUpdate(event) {
      updates.push(event);
    },
    waitFor: log.waitFor,
    close: () => closeServer(server),
  };
}
