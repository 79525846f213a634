/**
 * An in-process fake of the Telegram Bot API on 127.0.0.1:0. Records every call (method + JSON/form payload) and
 * answers like Telegram: getMe, sendMessage, answerCallbackQuery, sendChatAction, setMyCommands, setWebhook,
 * deleteWebhook, getUpdates (empty). `failNext(method, response)` makes the next call of a method fail once.
 */
import { closeServer, createCallLog } from './call-log.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserFromGetMe } from 'grammy/types';

export interface RecordedCall {
  method: string;
  token: string;
  payload: Record<string, unknown>;
}

export interface FakeTelegramApi {
  /** Use as TELEGRAM_API_ROOT / client.apiRoot. */
  apiRoot: string;
  calls: RecordedCall[];
  callsOf(method: string): RecordedCall[];
  /** The next call of `method` answers with this status and body instead (e.g. 429 with retry_after). */
  failNext(method: string, status: number, body: Record<string, unknown>): void;
  /** Queues an update for getUpdates (polling mode). */
  pushUpdate(update: Record<string, unknown>): void;
  /** Resolves when at least `n` calls of `method` were recorded. */
  waitFor(method: string, n?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

export const fakeBotInfo: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: 'Một cửa',
  username: 'motcua_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  if (type.includes('multipart/form-data')) {
    // grammY sends multipart only for file uploads; fields are enough here.
    const out: Record<string, unknown> = {};
    for (const m of raw.matchAll(/name="([^"]+)"\r\n\r\n([\s\S]*?)\r\n--/g)) out[m[1]!] = m[2];
    return out;
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function startFakeTelegramApi(): Promise<FakeTelegramApi> {
  const log = createCallLog<RecordedCall>();
  const { calls, callsOf } = log;
  const failures = new Map<string, { status: number; body: Record<string, unknown> }[]>();
  let messageId = 1000;
  const updates: Record<string, unknown>[] = [];

  function result(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return fakeBotInfo;
      case 'sendMessage':
        return {
          message_id: ++messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(p.chat_id), type: 'private' },
          text: p.text,
        };
      case 'getUpdates': {
        // Like Telegram: updates after `offset`; confirmed ones are forgotten.
        const offset = Number(p.offset ?? 0);
        while (updates.length && Number(updates[0]!.update_id) < offset) updates.shift();
        return updates.slice(0, Number(p.limit ?? 100));
      }
      default:
        return true;
    }
  }

  const server: Server = createServer(async (req, res) => {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    const [, token, method] = m as unknown as [string, string, string];
    const payload = await readBody(req).catch((): Record<string, unknown> => ({}));
    log.record({ method, token, payload });
    const failure = failures.get(method)?.shift();
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'application/json' }).end(JSON.stringify(failure.body));
      return;
    }
    if (method === 'sendMessage' && (typeof payload.text !== 'string' || payload.text.length === 0 || payload.text.length > 4096)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: message text is empty or too long' }),
      );
      return;
    }
    if (method === 'getUpdates' && !updates.length) await new Promise((r) => setTimeout(r, 50)); // a short long-poll
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result: result(method, payload) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    callsOf,
    pushUpdate(update) {
      updates.push(update);
    },
    failNext(method, status, body) {
      failures.set(method, [...(failures.get(method) ?? []), { status, body }]);
    },
    waitFor: log.waitFor,
    close: () => closeServer(server),
  };
}
