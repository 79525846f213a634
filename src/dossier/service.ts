/**
 * Dossier lookups and follow requests for the answer core: find a code in the message, respect the per-chat limits,
 * ask the centre within a deadline, and answer in plain Vietnamese. Every lookup leaves an audit row.
 */
import type { Db } from '../db/db.js';
import type { ChannelName } from '../core/types.js';
import { hashId, type Logger } from '../logger.js';
import { AppError, isAppError, userMessageFor, userMessages, type ErrorCode } from '../errors.js';
import { loadWorkingCalendar, type WorkingCalendar } from './calendar.js';
import { detectDossierCode, isPlausibleDossierCode, normalizeDossierCode } from './code.js';
import {
  ASK_FOR_CODE_TEXT,
  composeDossierText,
  composeNotFoundText,
  composeThrottledText,
} from './compose.js';
import type { Dossier, DossierProvider } from './provider.js';
import { isClosedStatus, statusInfo, type DossierStatus } from './status.js';
import { createLookupThrottle, type GuessingState, type ThrottleOptions } from './throttle.js';
import { maskDossierCode } from './mask.js';

export interface DossierServiceDeps {
  db: Db;
  provider: DossierProvider;
  logger: Logger;
  /** Defaults to the system clock. */
  clock?: () => Date;
  /** Defaults to knowledge/holidays.yaml. */
  calendar?: WorkingCalendar;
}

export interface DossierServiceOptions {
  /** Time allowed for the centre per lookup, retries included. Default 8000 (the citizen hears back within 10 s). */
  lookupDeadlineMs?: number;
  throttle?: ThrottleOptions;
  /** Dossiers one chat may follow at once. Default 10. */
  maxFollowsPerChat?: number;
  /** Channels that can receive notifications (have a ChannelSender). Default telegram and zalo. */
  notifiableChannels?: ChannelName[];
}

export type LookupResult = 'found' | 'not_found' | 'throttled' | 'invalid' | 'error';

export interface DossierReply {
  outcome: 'dossier';
  /** Plain text, paragraphs separated by blank lines. */
  text: string;
  /** The national status (1-10) when the dossier was found. */
  status?: DossierStatus;
  /** The normalised code that was looked up, when there was one. */
  code?: string;
  result: LookupResult;
}

export interface LookupInput {
  /** hashId(chatId): the only chat identity a lookup stores. */
  chatHash: string;
  /** Free text to find a code in (ignored when `code` is given). */
  text?: string;
  /** An explicit code (after /hoso); normalised here. */
  code?: string;
  /** The key lookup limits are kept under (a hash of what the sender cannot choose); default chatHash. */
  limitKey?: string;
}

export interface FollowInput {
  channel: ChannelName;
  chatId: string;
  code: string;
  /** The hash lookups use for this chat; default hashId(chatId). */
  chatHash?: string;
  /** As in LookupInput. */
  limitKey?: string;
}

export interface DossierService {
  /**
   * Looks a dossier up and answers in plain Vietnamese. Never throws: throttling, unknown codes and centre failures
   * become explanatory texts (`result` says which), within `lookupDeadlineMs` of the centre call.
   */
  lookup(input: LookupInput): Promise<DossierReply>;
  /**
   * Subscribes the chat to status changes of a dossier (after a lookup that counts against the chat's limits).
   * Closed dossiers are not followed. Never throws.
   */
  follow(input: FollowInput): Promise<DossierReply>;
  /** Stops notifications for one code, or for every code of the chat when `code` is omitted. Never throws. */
  unfollow(input: { channel: ChannelName; chatId: string; code?: string }): Promise<DossierReply & { removed: number }>;
  /** Codes the chat currently follows. */
  listFollowing(input: { channel: ChannelName; chatId: string }): Promise<string[]>;
  /** Whether codes are being guessed (the global not-found budget is spent), for the dashboard. */
  guessingState(): Promise<GuessingState>;
}

type Fetched =
  | { kind: 'found'; dossier: Dossier }
  | { kind: 'not_found' }
  | { kind: 'throttled'; text: string }
  | { kind: 'error'; code: ErrorCode; text: string };

function withDeadline<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new AppError('center_api:timeout', { message: `no answer within ${ms} ms` }));
    }, ms);
  });
  return Promise.race([run(ac.signal), deadline]).finally(() => clearTimeout(timer));
}

export function createDossierService(deps: DossierServiceDeps, options: DossierServiceOptions = {}): DossierService {
  const { db, provider, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const calendar = deps.calendar ?? loadWorkingCalendar();
  const deadlineMs = options.lookupDeadlineMs ?? 8000;
  const maxFollows = options.maxFollowsPerChat ?? 10;
  const notifiable = new Set<ChannelName>(options.notifiableChannels ?? ['telegram', 'zalo', 'zalo_oa']);
  const throttle = createLookupThrottle(db, options.throttle);
  const log = logger.child({ component: 'dossier' });

  async function audit(chatHash: string, code: string, result: LookupResult, extra: { status?: number; error?: string } = {}) {
    try {
      await db.query(
        `INSERT INTO dossier_lookups (chat_hash, code, result, status, error_code, at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)`,
        [chatHash, code.slice(0, 64), result, extra.status ?? null, extra.error ?? null, clock().toISOString()],
      );
    } catch (err) {
      log.warn({ err: { code: (err as AppError).code, message: (err as Error).message }, chatHash }, 'dossier audit failed');
    }
  }

  /** Throttle, fetch within the deadline, feed the throttle back, audit. */
  async function fetchDossier(chatHash: string, limitKey: string, code: string): Promise<Fetched> {
    let decision;
    try {
      decision = await throttle.acquire(limitKey, clock());
    } catch (err) {
      log.error({ err: { message: (err as Error).message }, chatHash }, 'dossier throttle unavailable');
      await audit(chatHash, code, 'error', { error: 'db:unavailable' });
      return { kind: 'error', code: 'db:unavailable', text: userMessages['db:unavailable'] ?? userMessages.internal };
    }
    if (!decision.allowed) {
      await audit(chatHash, code, 'throttled', { error: `dossier:throttled:${decision.reason}` });
      log.info({ chatHash, reason: decision.reason }, 'dossier lookup throttled');
      return { kind: 'throttled', text: composeThrottledText(decision.reason, decision.retryAfterMs) };
    }
    const started = Date.now();
    try {
      const dossier = await withDeadline(deadlineMs, (signal) => provider.getDossier(code, { signal }));
      await throttle.record(limitKey, dossier ? 'found' : 'not_found', clock()).catch((err: Error) => {
        log.warn({ err: { message: err.message }, chatHash }, 'dossier throttle update failed');
      });
      if (!dossier) {
        await audit(chatHash, code, 'not_found');
        log.info({ chatHash, code: maskDossierCode(code), result: 'not_found', ms: Date.now() - started }, 'dossier lookup');
        return { kind: 'not_found' };
      }
      await audit(chatHash, code, 'found', { status: dossier.status });
      log.info({ chatHash, code: maskDossierCode(code), result: 'found', status: dossier.status, ms: Date.now() - started }, 'dossier lookup');
      return { kind: 'found', dossier };
    } catch (err) {
      const errorCode: ErrorCode = isAppError(err) ? err.code : 'internal';
      await audit(chatHash, code, 'error', { error: errorCode });
      log.warn(
        { chatHash, code: maskDossierCode(code), result: 'error', errorCode, message: (err as Error).message, ms: Date.now() - started },
        'dossier lookup failed',
      );
      return { kind: 'error', code: errorCode, text: userMessageFor(err) };
    }
  }

  const reply = (text: string, result: LookupResult, extra: { code?: string; status?: DossierStatus } = {}): DossierReply => ({
    outcome: 'dossier',
    text,
    result,
    ...extra,
  });

  function resolveCode(input: { text?: string; code?: string }): string | undefined {
    if (input.code !== undefined) {
      const c = normalizeDossierCode(input.code);
      return isPlausibleDossierCode(c) ? c : undefined;
    }
    return detectDossierCode(input.text ?? '');
  }

  function fetchedReply(code: string, f: Exclude<Fetched, { kind: 'found' }>): DossierReply {
    if (f.kind === 'not_found') return reply(composeNotFoundText(code), 'not_found', { code });
    if (f.kind === 'throttled') return reply(f.text, 'throttled', { code });
    return reply(`${f.text}\n\nMã hồ sơ anh/chị đã gửi: ${code}`, 'error', { code });
  }

  async function safely<T extends DossierReply>(what: string, fn: () => Promise<T>, fallback: () => T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      log.error({ err: { code: (err as AppError).code, message: (err as Error).message } }, `dossier ${what} failed`);
      return fallback();
    }
  }

  return {
    lookup(input) {
      return safely(
        'lookup',
        async () => {
          const code = resolveCode(input);
          if (!code) {
            await audit(input.chatHash, normalizeDossierCode(input.code ?? ''), 'invalid');
            return reply(ASK_FOR_CODE_TEXT, 'invalid');
          }
          const f = await fetchDossier(input.chatHash, input.limitKey ?? input.chatHash, code);
          if (f.kind !== 'found') return fetchedReply(code, f);
          return reply(composeDossierText(f.dossier, clock(), calendar), 'found', { code, status: f.dossier.status });
        },
        () => reply(userMessages.internal, 'error'),
      );
    },

    follow(input) {
      return safely(
        'follow',
        async () => {
          const chatHash = input.chatHash ?? hashId(input.chatId);
          const code = resolveCode({ code: input.code });
          if (!code) return reply(ASK_FOR_CODE_TEXT.replace('/hoso', '/theodoi'), 'invalid');
          if (!notifiable.has(input.channel)) {
            return reply(
              'Tính năng nhận tin báo khi hồ sơ thay đổi trạng thái chỉ có trên Telegram và Zalo. Anh/chị vẫn có thể tra cứu bất cứ lúc nào bằng cách gửi mã hồ sơ.',
              'invalid',
              { code },
            );
          }
          const [{ n } = { n: 0 }] = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM dossier_subscriptions WHERE channel = $1 AND chat_id = $2 AND active AND code <> $3`,
            [input.channel, input.chatId, code],
          );
          if (Number(n) >= maxFollows) {
            return reply(
              `Anh/chị đang theo dõi ${n} hồ sơ, là số tối đa. Gửi /huytheodoi <mã hồ sơ> để bỏ bớt rồi thử lại.`,
              'throttled',
              { code },
            );
          }
          const f = await fetchDossier(chatHash, input.limitKey ?? chatHash, code);
          if (f.kind !== 'found') return fetchedReply(code, f);
          const d = f.dossier;
          const info = statusInfo(d.status);
          if (isClosedStatus(d.status)) {
            return reply(
              `Hồ sơ ${code} đang ở trạng thái "${info.label}" và đã kết thúc, nên không cần theo dõi thêm.\n\nViệc anh/chị cần làm: ${info.nextStep}`,
              'found',
              { code, status: d.status },
            );
          }
          const now = clock().toISOString();
          await db.query(
            `INSERT INTO dossier_subscriptions (channel, chat_id, code, last_status, active, next_check_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, true, $5::timestamptz, $5::timestamptz, $5::timestamptz)
             ON CONFLICT (channel, chat_id, code) DO UPDATE SET
               last_status = EXCLUDED.last_status, active = true, next_check_at = EXCLUDED.next_check_at,
               claimed_until = NULL, updated_at = EXCLUDED.updated_at`,
            [input.channel, input.chatId, code, d.status, now],
          );
          log.info({ chatHash, code: maskDossierCode(code), channel: input.channel }, 'dossier followed');
          return reply(
            `Đã bật theo dõi hồ sơ ${code} (${d.procedureName}). Trạng thái hiện tại: ${info.label}.\n\nHệ thống sẽ nhắn cho anh/chị mỗi khi trạng thái hồ sơ thay đổi. Gửi /huytheodoi ${code} để tắt.`,
            'found',
            { code, status: d.status },
          );
        },
        () => reply(userMessages.internal, 'error'),
      );
    },

    unfollow(input) {
      return safely(
        'unfollow',
        async () => {
          const code = input.code?.trim() ? normalizeDossierCode(input.code) : undefined;
          const rows = await db.query<{ code: string }>(
            code
              ? `DELETE FROM dossier_subscriptions WHERE channel = $1 AND chat_id = $2 AND code = $3 RETURNING code`
              : `DELETE FROM dossier_subscriptions WHERE channel = $1 AND chat_id = $2 RETURNING code`,
            code ? [input.channel, input.chatId, code] : [input.channel, input.chatId],
          );
          const removed = rows.length;
          const text = code
            ? removed
              ? `Đã tắt theo dõi hồ sơ ${code}.`
              : `Anh/chị chưa theo dõi hồ sơ ${code}.`
            : removed
              ? `Đã tắt theo dõi ${removed} hồ sơ.`
              : 'Anh/chị chưa theo dõi hồ sơ nào.';
          log.info({ chatHash: hashId(input.chatId), removed }, 'dossier unfollowed');
          return { ...reply(text, removed ? 'found' : 'not_found', code ? { code } : {}), removed };
        },
        () => ({ ...reply(userMessages.internal, 'error'), removed: 0 }),
      );
    },

    guessingState: () => throttle.guessingState(clock()),

    async listFollowing(input) {
      const rows = await db.query<{ code: string }>(
        `SELECT code FROM dossier_subscriptions WHERE channel = $1 AND chat_id = $2 AND active ORDER BY created_at, id`,
        [input.channel, input.chatId],
      );
      return rows.map((r) => r.code);
    },
  };
}
