/**
 * The Telegram channel: bot + webhook route + sender + lifecycle.
 *
 * Webhook design (decided): ACK FIRST, ANSWER IN A PER-CHAT QUEUE. POST /telegram/webhook checks the secret header
 * in constant time (401 and nothing else otherwise), validates the body, queues the update under its chat and
 * answers 200 at once; the queue runs one update per chat at a time and many chats concurrently, and the answer goes
 * out through sendMessage. Why: answering can take seconds (LLM rephrasing, the centre's dossier API) and Telegram
 * redelivers when a webhook is slow, while a fast ack keeps throughput independent of answer latency. Dedupe on update_id happens inside the bot (database), so a redelivered update is dropped either way.
 * Trade-off: an update acked but not yet answered is lost if the process dies (at-most-once); stop() drains the
 * queue, and when the queue is full the webhook answers 503 so Telegram retries later.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import type { Transformer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { AutoRetryOptions } from '@grammyjs/auto-retry';
import type { Config } from '../../config.js';
import type { Queryable } from '../../db/db.js';
import type { Logger } from '../../logger.js';
import { AppError, errorBody } from '../../errors.js';
import { readJson, type AppEnv } from '../../server/app.js';
import type { AnswerService, ChannelSender } from '../types.js';
import { createChannelStore, type RateLimit } from '../shared/channel-store.js';
import { createChatQueue } from '../shared/chat-queue.js';
import { createTelegramBot, sendReply, telegramCommands } from './bot.js';
import { secretMatches } from '../shared/secret.js';

const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const DEDUPE_KEEP_MS = 7 * 24 * 3600 * 1000;

export interface TelegramChannelDeps {
  config: Pick<Config, 'TELEGRAM_BOT_TOKEN' | 'TELEGRAM_WEBHOOK_SECRET' | 'TELEGRAM_API_ROOT' | 'TELEGRAM_MODE' | 'PUBLIC_URL'>;
  answers: AnswerService;
  db: Queryable;
  logger: Logger;
  /** Skips getMe at start (tests, fast restarts). */
  botInfo?: UserFromGetMe;
  /** Overrides config.TELEGRAM_API_ROOT. */
  apiRoot?: string;
  rateLimit?: RateLimit;
  retry?: Partial<AutoRetryOptions>;
  transformers?: Transformer[];
  /** See TelegramBotDeps.typingAfterMs. */
  typingAfterMs?: number;
  /** Updates queued at once before the webhook answers 503 (default 5000). */
  maxPending?: number;
  /** Updates answered at once across chats (default 16; keep it near the database pool size). */
  concurrency?: number;
}

export interface TelegramChannel {
  /** Mount with createApp({ mounts: [{ path: '/', app: routes }] }); serves POST /telegram/webhook. */
  routes: Hono<AppEnv>;
  sender: ChannelSender;
  /** getMe (unless botInfo), setMyCommands, then setWebhook (webhook mode with PUBLIC_URL) or long polling. */
  start(): Promise<void>;
  /** Stops polling / drains the webhook queue. */
  stop(): Promise<void>;
  /** Resolves when every accepted webhook update has been handled (tests, graceful shutdown). */
  idle(): Promise<void>;
}

const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

/** The chat an update belongs to, for ordering; the update id when there is none. */
function queueKey(u: Record<string, unknown>): string {
  const pick = (o: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
  const id =
    pick(u, 'message', 'chat', 'id') ??
    pick(u, 'edited_message', 'chat', 'id') ??
    pick(u, 'callback_query', 'message', 'chat', 'id') ??
    pick(u, 'callback_query', 'from', 'id');
  return id === undefined ? `u${String(u.update_id)}` : String(id);
}

function webhookUrl(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '') + TELEGRAM_WEBHOOK_PATH;
}

export function createTelegramChannel(deps: TelegramChannelDeps): TelegramChannel {
  const { config, logger } = deps;
  if (!config.TELEGRAM_BOT_TOKEN) throw new AppError('config:invalid', { message: 'TELEGRAM_BOT_TOKEN is not set' });
  const polling = config.TELEGRAM_MODE === 'polling';
  const log = logger.child({ channel: 'telegram' });
  const store = createChannelStore(deps.db);
  const apiRoot = deps.apiRoot ?? config.TELEGRAM_API_ROOT;
  const bot = createTelegramBot({
    token: config.TELEGRAM_BOT_TOKEN,
    answers: deps.answers,
    store,
    logger,
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    ...(apiRoot ? { apiRoot } : {}),
    ...(deps.rateLimit ? { rateLimit: deps.rateLimit } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.transformers ? { transformers: deps.transformers } : {}),
    ...(deps.typingAfterMs !== undefined ? { typingAfterMs: deps.typingAfterMs } : {}),
    ...(polling ? { sequentialize: sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()) } : {}),
  });
  const queue = createChatQueue({
    ...(deps.maxPending ? { maxPending: deps.maxPending } : {}),
    ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
    onError: (err, key) => log.error({ err: String(err) }, 'queued update failed outside the bot error boundary'),
  });
  let initialising: Promise<void> | undefined;
  const init = () => (initialising ??= bot.init().catch((err) => {
    initialising = undefined;
    throw err;
  }));
  let runner: RunnerHandle | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;

  const routes = new Hono<AppEnv>();
  routes.post(TELEGRAM_WEBHOOK_PATH, async (c) => {
    if (polling || !secretMatches(c.req.header('x-telegram-bot-api-secret-token'), config.TELEGRAM_WEBHOOK_SECRET)) {
      return c.json(errorBody('http:unauthorized', 'missing or wrong secret token'), 401);
    }
    const update = await readJson(c, updateSchema);
    await init();
    const accepted = queue.push(queueKey(update), () => bot.handleUpdate(update as unknown as Update));
    if (!accepted) {
      c.get('log')?.warn({ updateId: update.update_id, pending: queue.pending }, 'telegram queue full: asking for redelivery');
      return c.json(errorBody('http:busy', 'try again later'), 503);
    }
    return c.body(null, 200);
  });

  const prune = () =>
    store.prune(DEDUPE_KEEP_MS).catch((err) => log.warn({ err: String(err) }, 'pruning processed updates failed'));

  return {
    routes,
    sender: { channel: 'telegram', send: (chatId, reply) => sendReply(bot.api, chatId, reply) },
    idle: () => queue.idle(),
    async start() {
      await init();
      await bot.api.setMyCommands([...telegramCommands]);
      void prune();
      pruneTimer = setInterval(prune, 3600 * 1000);
      pruneTimer.unref();
      if (polling) {
        // Polling and webhook exclude each other on Telegram's side.
        await bot.api.deleteWebhook();
        runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
        log.info({ mode: 'polling', bot: bot.botInfo.username }, 'telegram started');
        return;
      }
      if (config.PUBLIC_URL) {
        await bot.api.setWebhook(webhookUrl(config.PUBLIC_URL), {
          secret_token: config.TELEGRAM_WEBHOOK_SECRET,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        log.info({ mode: 'webhook', path: TELEGRAM_WEBHOOK_PATH, bot: bot.botInfo.username }, 'telegram webhook set');
      } else {
        log.warn({ mode: 'webhook', path: TELEGRAM_WEBHOOK_PATH }, 'PUBLIC_URL not set: webhook not registered with Telegram');
      }
    },
    async stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      if (runner?.isRunning()) await runner.stop();
      await queue.idle();
    },
  };
}
