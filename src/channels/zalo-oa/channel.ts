/**
 * The Zalo Official Account API v3 channel, beside the Bot Platform one and sharing everything below the transport:
 * the answer core, dedupe and rate limits (channel-store), the per-chat queue, and the Zalo rendering rules (plain
 * text, 2,000 characters, numbered choices typed as text).
 *
 * POST /zalo-oa/webhook: the X-ZEvent-Signature MAC is checked in constant time over the raw bytes (401 and nothing
 * else otherwise), then the body is validated with zod, events for another app are refused, and the event is queued
 * under its user and acknowledged at once. The queue dedupes on message.msg_id in the database (restarts, workers),
 * records the user's last message (the interaction window), and answers: text → the core; follow → the core's
 * welcome; unfollow → the user's follow-ups and dossier subscriptions are forgotten; images, stickers, files → a
 * polite "text only". Dossier notifications go out only inside the interaction window; outside it they are recorded as
 * not delivered (zalo_oa_undelivered, shown in the admin), never sent as paid messages.
 */
import { Hono } from 'hono';
import type { AxiosInstance } from 'axios';
import type { Config } from '../../config.js';
import type { Queryable } from '../../db/db.js';
import { hashId, type Logger } from '../../logger.js';
import { AppError, userMessageFor, errorBody } from '../../errors.js';
import type { AppEnv, HealthProbe } from '../../server/app.js';
import type { AnswerService, ChannelSender, Incoming, Reply } from '../types.js';
import { createChannelStore, type RateLimit } from '../shared/channel-store.js';
import { createChatQueue } from '../shared/chat-queue.js';
import { zaloIncoming } from '../zalo/channel.js';
import { chatKeys } from '../../privacy/per-chat.js';
import { renderZalo, zaloTexts } from '../zalo/render.js';
import { createZaloOaClient, type ZaloOaClient, type ZaloOaRetryOptions } from './client.js';
import { createZaloOaTokens, type ZaloOaTokenOptions, type ZaloOaTokens, type ZaloOaTokenStatus } from './tokens.js';
import { bodyTimestamp, zaloOaSignatureMatches } from './signature.js';
import {
  eventUserId,
  isUserMessageEvent,
  zaloOaEventSchema,
  ZALO_OA_FOLLOW,
  ZALO_OA_TEXT,
  ZALO_OA_UNFOLLOW,
  type ZaloOaEvent,
} from './events.js';

const ZALO_OA_WEBHOOK_PATH = '/zalo-oa/webhook';
const CHANNEL = 'zalo_oa' as const;

/** Default interaction window: free replies within 48 h of the user's last message (integrators' reports; see README). */
const defaultZaloOaWindowMs = 48 * 3600_000;

export interface ZaloOaChannelDeps {
  config: Pick<
    Config,
    'ZALO_OA_APP_ID' | 'ZALO_OA_APP_SECRET' | 'ZALO_OA_SECRET_KEY' | 'ZALO_OA_ACCESS_TOKEN' | 'ZALO_OA_REFRESH_TOKEN' | 'ZALO_OA_API_ROOT' | 'ZALO_OA_OAUTH_ROOT'
  >;
  answers: AnswerService;
  db: Queryable;
  logger: Logger;
  http?: AxiosInstance;
  retry?: Partial<ZaloOaRetryOptions>;
  /** Token store options (tests: short leases, a clock). */
  tokens?: Partial<Omit<ZaloOaTokenOptions, 'db' | 'appId' | 'appSecret' | 'oauthRoot' | 'seed' | 'logger'>>;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => Date;
  rateLimit?: RateLimit;
  maxPending?: number;
  concurrency?: number;
  /** How long after a user's last message the OA may still write to them (default 48 h). */
  windowMs?: number;
  /** How often start() checks whether the token should be refreshed ahead of expiry (default 30 min; 0 = never). */
  refreshCheckMs?: number;
}

export interface ZaloOaAdminStatus {
  tokens: ZaloOaTokenStatus;
  undelivered: { count: number; recent: { at: string; userHash: string; reason: string }[] };
}

export interface ZaloOaChannel {
  routes: Hono<AppEnv>;
  sender: ChannelSender;
  client: ZaloOaClient;
  tokens: ZaloOaTokens;
  /** /health component: the token pair's state (a failed refresh shows here). */
  probe: HealthProbe;
  adminStatus(): Promise<ZaloOaAdminStatus>;
  /** Lines for the admin overview's warnings: a failed token refresh, notifications not delivered in the last 7 days. */
  alerts(): Promise<string[]>;
  /** Seeds the token store (first start) and checks ahead of expiry every refreshCheckMs. */
  start(): Promise<void>;
  stop(): Promise<void>;
  idle(): Promise<void>;
}

export function createZaloOaChannel(deps: ZaloOaChannelDeps): ZaloOaChannel {
  const { config, logger, db } = deps;
  const appId = config.ZALO_OA_APP_ID;
  if (!appId || !config.ZALO_OA_APP_SECRET || !config.ZALO_OA_SECRET_KEY) {
    throw new AppError('config:invalid', { message: 'ZALO_OA_APP_ID, ZALO_OA_APP_SECRET and ZALO_OA_SECRET_KEY are required for the Zalo OA channel' });
  }
  const log = logger.child({ channel: CHANNEL });
  const clock = deps.clock ?? (() => new Date());
  const windowMs = deps.windowMs ?? defaultZaloOaWindowMs;
  const tokens = createZaloOaTokens({
    db,
    appId,
    appSecret: config.ZALO_OA_APP_SECRET,
    oauthRoot: config.ZALO_OA_OAUTH_ROOT,
    seed: { accessToken: config.ZALO_OA_ACCESS_TOKEN, refreshToken: config.ZALO_OA_REFRESH_TOKEN },
    logger,
    clock,
    ...(deps.http ? { http: deps.http } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...deps.tokens,
  });
  const client = createZaloOaClient({
    apiRoot: config.ZALO_OA_API_ROOT,
    tokens,
    ...(deps.http ? { http: deps.http } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const store = createChannelStore(db, clock);
  const limit = deps.rateLimit ?? { limit: 20, windowMs: 60_000 };
  const queue = createChatQueue({
    ...(deps.maxPending ? { maxPending: deps.maxPending } : {}),
    ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
    onError: (err) => log.error({ err: String(err) }, 'queued zalo oa event failed outside the error boundary'),
  });

  async function sendAll(userId: string, texts: string[]) {
    for (const t of texts) await client.sendText(userId, t);
  }

  /** The user wrote (or followed): the interaction window opens again. */
  async function touch(userId: string, at: Date) {
    await db.query(
      `INSERT INTO zalo_oa_users (user_id, last_interaction_at, following, updated_at) VALUES ($1, $2, true, $2)
       ON CONFLICT (user_id) DO UPDATE SET last_interaction_at = GREATEST(zalo_oa_users.last_interaction_at, EXCLUDED.last_interaction_at),
         following = true, updated_at = EXCLUDED.updated_at`,
      [userId, at.toISOString()],
    );
  }

  /** Unfollow: forget the conversation state (follow-ups, choices) and the dossier subscriptions of this user. */
  async function forget(userId: string) {
    const subs = await db.query(`DELETE FROM dossier_subscriptions WHERE channel = $1 AND chat_id = $2 RETURNING 1`, [CHANNEL, userId]);
    await db.query(`DELETE FROM chat_sessions WHERE chat_key = $1`, [chatKeys({ channel: CHANNEL, chatId: userId }).sessionKey]);
    await db.query(
      `INSERT INTO zalo_oa_users (user_id, last_interaction_at, following, updated_at) VALUES ($1, NULL, false, now())
       ON CONFLICT (user_id) DO UPDATE SET last_interaction_at = NULL, following = false, updated_at = now()`,
      [userId],
    );
    return subs.length;
  }

  function incomingOf(ev: ZaloOaEvent, userId: string, at: Date): Incoming {
    const msg = { message_id: ev.message?.msg_id ?? '', from: { id: userId }, chat: { id: userId }, text: ev.message?.text ?? '' };
    return { ...zaloIncoming(msg, at), channel: CHANNEL };
  }

  const eventTime = (ev: ZaloOaEvent) => {
    const ms = Number(ev.timestamp);
    // A timestamp from the future (clock skew) would keep the window open too long: never past now.
    return Number.isFinite(ms) && ms > 0 ? new Date(Math.min(ms, clock().getTime())) : clock();
  };

  async function processEvent(ev: ZaloOaEvent): Promise<void> {
    const userId = eventUserId(ev);
    const msgId = ev.message?.msg_id;
    const elog = log.child({ event: ev.event_name, user: hashId(userId), ...(msgId ? { msgId } : {}) });
    const known = ev.event_name === ZALO_OA_FOLLOW || ev.event_name === ZALO_OA_UNFOLLOW || isUserMessageEvent(ev.event_name);
    if (!known) {
      // oa_send_* echoes of our own messages, seen/received receipts, and events we do not use.
      elog.debug('zalo oa event ignored');
      return;
    }
    const at = eventTime(ev);
    try {
      // One key per delivery: the message id, or for follow/unfollow the event and its time; under the user's hash so
      // that a citizen's deletion finds them (privacy/per-chat.ts), never under the raw id.
      const key = `${hashId(userId)}:${msgId ?? `${ev.event_name}:${ev.timestamp ?? ''}`}`;
      const verdict = await store.admit(CHANNEL, key, isUserMessageEvent(ev.event_name) ? hashId(userId) : undefined, limit);
      if (!verdict.fresh) {
        elog.info('duplicate zalo oa event dropped');
        return;
      }
      if (ev.event_name === ZALO_OA_UNFOLLOW) {
        const removed = await forget(userId);
        elog.info({ subscriptionsRemoved: removed }, 'zalo oa user unfollowed: state forgotten');
        return;
      }
      await touch(userId, at);
      if (ev.event_name === ZALO_OA_FOLLOW) {
        const reply = await deps.answers.handle({ ...incomingOf(ev, userId, at), text: '/start', command: { name: 'start', args: '' } });
        await sendAll(userId, renderZalo(reply));
        return;
      }
      if (!verdict.allowed) {
        elog.info('rate limited');
        if (verdict.firstRefusal) await client.sendText(userId, zaloTexts.tooFast);
        return;
      }
      if (ev.event_name !== ZALO_OA_TEXT || !ev.message?.text?.trim()) {
        await client.sendText(userId, zaloTexts.textOnly);
        return;
      }
      await sendAll(userId, renderZalo(await deps.answers.handle(incomingOf(ev, userId, at))));
    } catch (error) {
      const e = error as Error & { code?: string; apiCode?: number; status?: number };
      elog.error({ err: { name: e?.name, message: e?.message, code: e?.code, apiCode: e?.apiCode, status: e?.status } }, 'zalo oa event failed');
      if (ev.event_name === ZALO_OA_UNFOLLOW) return;
      await client
        .sendText(userId, userMessageFor(error))
        .catch((sendErr) => elog.warn({ err: { message: (sendErr as Error).message } }, 'could not send the failure notice'));
    }
  }

  const routes = new Hono<AppEnv>();
  routes.post(ZALO_OA_WEBHOOK_PATH, async (c) => {
    const raw = Buffer.from(await c.req.arrayBuffer());
    const signed = zaloOaSignatureMatches({
      header: c.req.header('x-zevent-signature'),
      appId,
      secretKey: config.ZALO_OA_SECRET_KEY,
      rawBody: raw,
      timestamps: [bodyTimestamp(raw), c.req.header('x-zevent-timestamp')],
    });
    if (!signed) return c.json(errorBody('http:unauthorized', 'missing or wrong X-ZEvent-Signature'), 401);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (cause) {
      throw new AppError('http:bad_json', { message: 'request body is not valid JSON', cause });
    }
    const parsed = zaloOaEventSchema.safeParse(body);
    if (!parsed.success) {
      throw new AppError('http:validation', { message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    }
    const ev = parsed.data;
    if (ev.app_id !== appId) return c.json(errorBody('http:forbidden', 'event for another app_id'), 403);
    if (!queue.push(eventUserId(ev), () => processEvent(ev))) {
      c.get('log')?.warn({ pending: queue.pending }, 'zalo oa queue full: asking for redelivery');
      return c.json(errorBody('http:busy', 'try again later'), 503);
    }
    return c.json({ ok: true });
  });

  /** Dossier notifications: only inside the interaction window; otherwise recorded as not delivered. */
  async function notify(userId: string, reply: Reply) {
    const rows = await db.query<{ last_interaction_at: Date | string | null; following: boolean }>(
      `SELECT last_interaction_at, following FROM zalo_oa_users WHERE user_id = $1`,
      [userId],
    );
    const last = rows[0]?.last_interaction_at ? new Date(rows[0].last_interaction_at) : undefined;
    const open = rows[0]?.following !== false && last !== undefined && clock().getTime() - last.getTime() <= windowMs;
    if (!open) {
      const reason = rows[0]?.following === false ? 'unfollowed' : 'outside_window';
      await db.query(`INSERT INTO zalo_oa_undelivered (user_hash, reason, last_interaction_at, at) VALUES ($1, $2, $3, $4)`, [
        hashId(userId),
        reason,
        last?.toISOString() ?? null,
        clock().toISOString(),
      ]);
      log.info({ user: hashId(userId), reason }, 'zalo oa notification not delivered');
      throw new AppError('channel:undeliverable', { message: `zalo oa: ${reason}`, details: { reason } });
    }
    await sendAll(userId, renderZalo(reply));
  }

  let timer: NodeJS.Timeout | undefined;
  const checkAhead = () =>
    tokens.accessToken().then(
      () => undefined,
      (err: Error) => log.warn({ err: { message: err.message } }, 'zalo oa token check failed'),
    );

  return {
    routes,
    client,
    tokens,
    sender: { channel: CHANNEL, send: notify },
    probe: { name: 'zaloOa', check: async () => ({ ...(await tokens.status()) }) },
    async adminStatus() {
      const [status, count, recent] = await Promise.all([
        tokens.status(),
        db.query<{ n: number | string }>(`SELECT count(*) AS n FROM zalo_oa_undelivered`),
        db.query<{ at: Date | string; user_hash: string; reason: string }>(
          `SELECT at, user_hash, reason FROM zalo_oa_undelivered ORDER BY at DESC, id DESC LIMIT 20`,
        ),
      ]);
      return {
        tokens: status,
        undelivered: {
          count: Number(count[0]?.n ?? 0),
          recent: recent.map((r) => ({ at: new Date(r.at).toISOString(), userHash: r.user_hash, reason: r.reason })),
        },
      };
    },
    async alerts() {
      const status = await tokens.status();
      const out: string[] = [];
      if (status.state === 'no_tokens') out.push('Zalo OA: chưa có mã truy cập. Đặt ZALO_OA_REFRESH_TOKEN (và ZALO_OA_ACCESS_TOKEN) một lần rồi khởi động lại.');
      if (status.state === 'refresh_failed') {
        out.push(
          `Zalo OA: làm mới mã truy cập thất bại lúc ${status.lastErrorAt ?? '?'} (${status.lastError ?? 'không rõ'}). Bot có thể không gửi được tin trên Zalo OA; cần cấp quyền lại cho ứng dụng và đặt ZALO_OA_REFRESH_TOKEN mới.`,
        );
      }
      const since = new Date(clock().getTime() - 7 * 24 * 3600_000).toISOString();
      const [row] = await db.query<{ n: number | string; last: Date | string | null }>(
        `SELECT count(*) AS n, max(at) AS last FROM zalo_oa_undelivered WHERE at >= $1`,
        [since],
      );
      const n = Number(row?.n ?? 0);
      if (n > 0) {
        out.push(
          `Zalo OA: ${n} thông báo hồ sơ chưa gửi được trong 7 ngày qua (người dân không nhắn tin trong thời gian Zalo cho phép, hoặc đã bỏ quan tâm), gần nhất lúc ${new Date(row!.last!).toISOString()}.`,
        );
      }
      return out;
    },
    idle: () => queue.idle(),
    async start() {
      const seeded = await tokens.init();
      const status = await tokens.status();
      log.info({ path: ZALO_OA_WEBHOOK_PATH, tokens: seeded, state: status.state }, 'zalo oa channel ready');
      if (status.state === 'no_tokens') log.warn('no Zalo OA tokens: set ZALO_OA_REFRESH_TOKEN once to seed them');
      const every = deps.refreshCheckMs ?? 30 * 60_000;
      if (every > 0 && !timer) {
        timer = setInterval(() => void checkAhead(), every);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await queue.idle();
    },
  };
}
