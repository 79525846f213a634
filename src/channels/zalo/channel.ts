/**
 * The Zalo Bot Platform channel (the Official Account API v3 is its own channel in channels/zalo-oa/, sharing the
 * queue, dedupe and rendering). Same design as Telegram: POST /zalo/webhook checks X-Bot-Api-Secret-Token in constant
 * time (401 and nothing else otherwise), validates the body with zod (wrapped or unwrapped), queues the event under
 * its chat and acks 200 at once; the per-chat queue dedupes on the message id in the database, applies the per-user
 * rate limit, asks the core and sends the plain-text answer. Polling (ZALO_MODE=polling, development) long-polls
 * getUpdates, which returns ONE update at a time, and feeds the same processing.
 */
import { Hono } from 'hono';
import type { AxiosInstance } from 'axios';
import type { Config } from '../../config.js';
import type { Queryable } from '../../db/db.js';
import { hashId, type Logger } from '../../logger.js';
import { AppError, userMessageFor, errorBody } from '../../errors.js';
import { readJson, type AppEnv } from '../../server/app.js';
import type { AnswerService, ChannelSender, Incoming, Reply } from '../types.js';
import { createChannelStore, type RateLimit } from '../shared/channel-store.js';
import { createChatQueue } from '../shared/chat-queue.js';
import { secretMatches } from '../shared/secret.js';
import { createZaloClient, type ZaloClient, type ZaloRetryOptions } from './client.js';
import { ZALO_TEXT_EVENT, zaloWebhookBodySchema, type ZaloEvent, type ZaloMessage } from './events.js';
import { renderZalo, zaloTexts } from './render.js';

const ZALO_WEBHOOK_PATH = '/zalo/webhook';

/** How the channel reaches a chat. The Bot Platform client is one; an OA API v3 client can be another. */
export interface ZaloTransport {
  sendText(chatId: string, text: string): Promise<void>;
  typing(chatId: string): Promise<void>;
}

export interface ZaloChannelDeps {
  config: Pick<Config, 'ZALO_BOT_TOKEN' | 'ZALO_WEBHOOK_SECRET' | 'ZALO_API_ROOT' | 'ZALO_MODE' | 'PUBLIC_URL'>;
  answers: AnswerService;
  db: Queryable;
  logger: Logger;
  /** Sends through something else than the Bot Platform client (the OA API v3 later). */
  transport?: ZaloTransport;
  /** axios instance for the Bot Platform client (tests, proxies). */
  http?: AxiosInstance;
  retry?: Partial<ZaloRetryOptions>;
  /** Back-off waits of the client and the polling loop; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  rateLimit?: RateLimit;
  maxPending?: number;
  /** Updates answered at once across chats (default 16; keep it near the database pool size). */
  concurrency?: number;
  /** Send "typing…" only when answering takes longer than this (default 400 ms; 0 = always, at once). */
  typingAfterMs?: number;
  /** getUpdates long-poll timeout in seconds (default 30). */
  pollTimeoutSeconds?: number;
}

export interface ZaloChannel {
  /** Mount with createApp({ mounts: [{ path: '/', app: routes }] }); serves POST /zalo/webhook. */
  routes: Hono<AppEnv>;
  sender: ChannelSender;
  client: ZaloClient;
  /** getMe, then setWebhook (webhook mode with PUBLIC_URL) or deleteWebhook + the getUpdates loop (polling). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when every accepted event has been handled. */
  idle(): Promise<void>;
}

const defaultZaloRateLimit: RateLimit = { limit: 20, windowMs: 60_000 };

const FEEDBACK_UP = /^👍[\u{1F3FB}-\u{1F3FF}\uFE0F]*$/u;
const FEEDBACK_DOWN = /^👎[\u{1F3FB}-\u{1F3FF}\uFE0F]*$/u;
const COMMAND = /^\/(start|help|tt|hoso|theodoi|huytheodoi|gopy|canbo|bot|xoadulieu)\b\s*([\s\S]*)$/i;

/**
 * A Zalo text message as the core sees it. "👍"/"👎" become feedback; "/tt …" and friends become commands, as on
 * Telegram; a bare "1".."9" stays text (the core resolves it from the session's last choices).
 */
export function zaloIncoming(msg: ZaloMessage, receivedAt: Date): Incoming {
  const text = msg.text ?? '';
  const t = text.trim();
  const base: Incoming = { channel: 'zalo', chatId: msg.chat.id, userRef: msg.from.id, text, receivedAt };
  if (FEEDBACK_UP.test(t)) return { ...base, action: { type: 'feedback', value: 'up' } };
  if (FEEDBACK_DOWN.test(t)) return { ...base, action: { type: 'feedback', value: 'down' } };
  const cmd = COMMAND.exec(t);
  if (cmd) return { ...base, command: { name: cmd[1]!.toLowerCase(), args: cmd[2]!.trim() } };
  return base;
}

/** An empty handoff reply is nothing to send: an officer answers, the bot says nothing. */
const renderOrNothing = (reply: Reply): string[] => (reply.text.trim() ? renderZalo(reply) : []);

export function createZaloChannel(deps: ZaloChannelDeps): ZaloChannel {
  const { config, logger } = deps;
  if (!config.ZALO_BOT_TOKEN) throw new AppError('config:invalid', { message: 'ZALO_BOT_TOKEN is not set' });
  const polling = config.ZALO_MODE === 'polling';
  const log = logger.child({ channel: 'zalo' });
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const client = createZaloClient({
    token: config.ZALO_BOT_TOKEN,
    apiRoot: config.ZALO_API_ROOT,
    sleep,
    ...(deps.http ? { http: deps.http } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
  });
  const transport: ZaloTransport = deps.transport ?? {
    sendText: (chatId, text) => client.sendMessage(chatId, text),
    typing: (chatId) => client.sendChatAction(chatId, 'typing'),
  };
  const store = createChannelStore(deps.db);
  const limit = deps.rateLimit ?? defaultZaloRateLimit;
  const typingAfterMs = deps.typingAfterMs ?? 400;
  const queue = createChatQueue({
    ...(deps.maxPending ? { maxPending: deps.maxPending } : {}),
    ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
    onError: (err) => log.error({ err: String(err) }, 'queued zalo event failed outside the error boundary'),
  });

  async function sendAll(chatId: string, texts: string[]) {
    for (const t of texts) await transport.sendText(chatId, t);
  }

  async function processEvent(ev: ZaloEvent): Promise<void> {
    const msg = ev.message;
    const chatId = msg.chat.id;
    const elog = log.child({ messageId: msg.message_id, event: ev.event_name, chat: hashId(chatId) });
    if (msg.from.is_bot) return;
    // Message ids are only known to be unique within a chat: the chat is part of the key. Dedupe and the per-user
    // rate limit in one database round trip.
    try {
      // The dedupe key names the chat by its hash: channel_updates must not hold raw ids.
      const verdict = await store.admit('zalo', `${hashId(chatId)}:${msg.message_id}`, hashId(msg.from.id), limit);
      if (!verdict.fresh) {
        elog.info('duplicate message dropped');
        return;
      }
      if (!verdict.allowed) {
        elog.info('rate limited');
        if (verdict.firstRefusal) await transport.sendText(chatId, zaloTexts.tooFast);
        return;
      }
      if (ev.event_name !== ZALO_TEXT_EVENT || !msg.text?.trim()) {
        await transport.sendText(chatId, zaloTexts.textOnly);
        return;
      }
      // "typing…" only when the answer is slow: saves a call against Zalo's unpublished quota.
      const typing = () => void transport.typing(chatId).catch((err) => elog.debug({ err: String(err) }, 'typing indicator failed'));
      const timer = typingAfterMs <= 0 ? (typing(), undefined) : setTimeout(typing, typingAfterMs);
      let reply;
      try {
        reply = await deps.answers.handle(zaloIncoming(msg, msg.date ? new Date(msg.date) : new Date()));
      } finally {
        clearTimeout(timer);
      }
      await sendAll(chatId, renderOrNothing(reply));
    } catch (error) {
      const e = error as Error & { code?: string; apiCode?: number };
      elog.error({ err: { name: e?.name, message: e?.message, code: e?.code, apiCode: e?.apiCode } }, 'zalo message failed');
      await transport.sendText(chatId, userMessageFor(error)).catch((sendErr) => elog.warn({ err: String(sendErr) }, 'could not send the failure notice'));
    }
  }

  const routes = new Hono<AppEnv>();
  routes.post(ZALO_WEBHOOK_PATH, async (c) => {
    if (polling || !secretMatches(c.req.header('x-bot-api-secret-token'), config.ZALO_WEBHOOK_SECRET)) {
      return c.json(errorBody('http:unauthorized', 'missing or wrong secret token'), 401);
    }
    const ev = await readJson(c, zaloWebhookBodySchema);
    if (!queue.push(ev.message.chat.id, () => processEvent(ev))) {
      c.get('log')?.warn({ pending: queue.pending }, 'zalo queue full: asking for redelivery');
      return c.json(errorBody('http:busy', 'try again later'), 503);
    }
    return c.json({ ok: true });
  });

  let running = false;
  let abort: AbortController | undefined;
  let loop: Promise<void> | undefined;

  async function pollLoop() {
    let failures = 0;
    while (running) {
      try {
        const ev = await client.getUpdates({ timeout: deps.pollTimeoutSeconds ?? 30, ...(abort ? { signal: abort.signal } : {}) });
        failures = 0;
        if (ev) await processEvent(ev);
      } catch (err) {
        if (!running) break;
        failures++;
        const e = err as Error & { apiCode?: number; status?: number };
        log.warn({ err: { message: e.message, apiCode: e.apiCode, status: e.status }, failures }, 'zalo getUpdates failed');
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  return {
    routes,
    client,
    sender: { channel: 'zalo', send: (chatId, reply) => sendAll(chatId, renderOrNothing(reply)) },
    idle: () => queue.idle(),
    async start() {
      const me = await client.getMe();
      if (polling) {
        // Webhook and getUpdates exclude each other.
        await client.deleteWebhook();
        running = true;
        abort = new AbortController();
        loop = pollLoop();
        log.info({ mode: 'polling', bot: me.display_name ?? me.account_name }, 'zalo started');
        return;
      }
      if (config.PUBLIC_URL && config.ZALO_WEBHOOK_SECRET) {
        await client.setWebhook({ url: config.PUBLIC_URL.replace(/\/+$/, '') + ZALO_WEBHOOK_PATH, secret_token: config.ZALO_WEBHOOK_SECRET });
        log.info({ mode: 'webhook', path: ZALO_WEBHOOK_PATH, bot: me.display_name ?? me.account_name }, 'zalo webhook set');
      } else {
        log.warn({ mode: 'webhook', path: ZALO_WEBHOOK_PATH }, 'PUBLIC_URL not set: webhook not registered with Zalo');
      }
    },
    async stop() {
      running = false;
      abort?.abort();
      await loop;
      await queue.idle();
    },
  };
}
