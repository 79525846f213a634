/**
 * A lightweight fake Telegram Bot API for load runs on 127.0.0.1:0. Unlike test/fakes/telegram-api.ts it keeps no
 * payloads, only what a benchmark needs: calls per method, sendMessage per chat with the time of the last one, and
 * how many replies were the bot's failure or rate-limit notices (so a fast run of errors is not mistaken for answers).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchBotApi {
  apiRoot: string;
  /** Calls per Bot API method. */
  calls: Map<string, number>;
  /** sendMessage calls per chat_id. */
  perChat: Map<string, number>;
  /** performance.now() of the last sendMessage. */
  lastSendAt: number;
  /** sendMessage texts that matched `isNotice` (failure / too-fast notices). */
  notices: number;
  close(): Promise<void>;
}

const botInfo = {
  id: 42,
  is_bot: true,
  first_name: 'Một cửa',
  username: 'motcua_bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function startBenchBotApi(options: { isNotice?: (text: string) => boolean } = {}): Promise<BenchBotApi> {
  let messageId = 0;
  const api: Omit<BenchBotApi, 'apiRoot' | 'close'> = { calls: new Map(), perChat: new Map(), lastSendAt: 0, notices: 0 };
  const server: Server = createServer(async (req, res) => {
    const m = /^\/bot[^/]+\/([A-Za-z]+)$/.exec(req.url ?? '');
    const method = m?.[1] ?? '';
    let payload: Record<string, unknown> = {};
    try {
      payload = await readJsonBody(req);
    } catch {
      payload = {};
    }
    api.calls.set(method, (api.calls.get(method) ?? 0) + 1);
    let result: unknown = true;
    if (method === 'getMe') result = botInfo;
    else if (method === 'sendMessage') {
      const chat = String(payload.chat_id);
      api.perChat.set(chat, (api.perChat.get(chat) ?? 0) + 1);
      api.lastSendAt = performance.now();
      if (typeof payload.text === 'string' && options.isNotice?.(payload.text)) api.notices++;
      result = { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(payload.chat_id), type: 'private' }, text: payload.text };
    } else if (!m) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"error_code":404,"description":"Not Found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(api, {
    apiRoot: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as BenchBotApi;
}
