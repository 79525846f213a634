/**
 * The OA's OAuth token pair, kept in the database (zalo_oa_tokens) so every worker and every restart uses the same one.
 *
 * A refresh token works once. So:
 * - only one process refreshes at a time: it takes a lease on the row (refresh_lease_until, set with the database's
 *   clock) that lasts longer than the OAuth call's HTTP timeout; the others wait and read the pair it stored;
 * - the new pair replaces the old one in one UPDATE guarded by the refresh token it was obtained with, before the new
 *   access token is used;
 * - the env seed (ZALO_OA_REFRESH_TOKEN) is stored with its hash and never stored again once spent: after a restart
 *   the stored pair is used. A different seed (the centre authorised the app again) replaces the stored pair.
 * Within one process concurrent refreshes share one promise. A refresh the OAuth server refuses is recorded (code and
 * reason, never a token) for /health and the admin, and is not retried for a while with the same refresh token.
 */
import { createHash, randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import type { Queryable } from '../../db/db.js';
import type { Logger } from '../../logger.js';
import { AppError } from '../../errors.js';
import { secretMatches } from '../shared/secret.js';

export interface ZaloOaTokenOptions {
  db: Queryable;
  appId: string;
  /** The app's secret, sent as the `secret_key` header to OAuth. */
  appSecret: string;
  oauthRoot: string;
  /** First tokens from env: they seed the store once. */
  seed?: { accessToken?: string | undefined; refreshToken?: string | undefined };
  logger: Logger;
  http?: AxiosInstance;
  clock?: () => Date;
  /** HTTP timeout of the OAuth call (default 15 s). */
  timeoutMs?: number;
  /** How long the refresh lock holds; must outlive timeoutMs (default timeoutMs + 30 s). */
  leaseMs?: number;
  /** Refresh when the access token expires within this (default 2 h; Zalo's tokens last about 25 h). */
  refreshAheadMs?: number;
  /** Pause between reads while another process refreshes (default 200 ms). */
  waitStepMs?: number;
  /** After a refused refresh, wait this long before trying the same refresh token again (default 5 min). */
  retryRefusedAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type ZaloOaTokenState = 'ok' | 'no_tokens' | 'refresh_failed';

export interface ZaloOaTokenStatus {
  ok: boolean;
  state: ZaloOaTokenState;
  accessExpiresAt?: string;
  refreshedAt?: string;
  lastError?: string;
  lastErrorAt?: string;
}

export interface ZaloOaTokens {
  /** Seeds the store from env on first start (or when the seed changed). Returns what happened. */
  init(): Promise<'seeded' | 'stored' | 'none'>;
  /** An access token to use now; refreshes first when there is none or it expires within refreshAheadMs. */
  accessToken(): Promise<string>;
  /** After the API refused `rejected` (-216): refreshes once, unless another process already replaced it. */
  refreshAfterRejection(rejected: string): Promise<string>;
  status(): Promise<ZaloOaTokenStatus>;
}

interface TokenRow {
  access_token: string | null;
  refresh_token: string;
  access_expires_at: Date | string | null;
  version: number;
  refreshed_at: Date | string | null;
  refresh_error: string | null;
  refresh_error_at: Date | string | null;
}

const oauthSchema = z.looseObject({
  access_token: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.union([z.string(), z.number()]).optional(),
  error: z.union([z.number(), z.string()]).optional(),
  error_name: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const toDate = (v: Date | string | null) => (v === null ? undefined : v instanceof Date ? v : new Date(v));
const REFUSED = 'refused';

/** The OAuth server said no (or could not be reached). Never carries a token. */
class ZaloOaTokenError extends AppError {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('zalo_oa:token', { message, details: { reason } });
    this.name = 'ZaloOaTokenError';
    this.reason = reason;
  }
}

export function createZaloOaTokens(options: ZaloOaTokenOptions): ZaloOaTokens {
  const { db, appId } = options;
  const log = options.logger.child({ component: 'zalo-oa-tokens' });
  const http = options.http ?? axios.create();
  const clock = options.clock ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 15_000;
  const leaseMs = Math.max(options.leaseMs ?? timeoutMs + 30_000, timeoutMs + 1000);
  const aheadMs = options.refreshAheadMs ?? 2 * 3600_000;
  const waitStepMs = options.waitStepMs ?? 200;
  const retryRefusedAfterMs = options.retryRefusedAfterMs ?? 5 * 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const owner = randomUUID();
  const url = `${options.oauthRoot.replace(/\/+$/, '')}/v4/oa/access_token`;
  let inflight: Promise<string> | undefined;

  async function read(): Promise<TokenRow | undefined> {
    const rows = await db.query<TokenRow>(
      `SELECT access_token, refresh_token, access_expires_at, version, refreshed_at, refresh_error, refresh_error_at
       FROM zalo_oa_tokens WHERE app_id = $1`,
      [appId],
    );
    return rows[0];
  }

  const expiresSoon = (row: TokenRow) => {
    const at = toDate(row.access_expires_at);
    return at !== undefined && at.getTime() - clock().getTime() < aheadMs;
  };
  // Tokens are compared in constant time like every secret (they come from our own store, but the rule has no exceptions).
  const usable = (row: TokenRow, stale: string | null | undefined) =>
    Boolean(row.access_token) && !(stale && secretMatches(row.access_token!, stale)) && !expiresSoon(row);
  const refusedRecently = (row: TokenRow) => {
    const at = toDate(row.refresh_error_at);
    return row.refresh_error?.startsWith(REFUSED) === true && at !== undefined && clock().getTime() - at.getTime() < retryRefusedAfterMs;
  };

  /** One call to the OAuth server. Errors name a code and Zalo's short reason, never the tokens or the secret. */
  async function exchange(refreshToken: string): Promise<{ accessToken: string; refreshToken: string; expiresInS: number }> {
    let status: number;
    let data: unknown;
    try {
      const res = await http.post(url, new URLSearchParams({ refresh_token: refreshToken, app_id: appId, grant_type: 'refresh_token' }).toString(), {
        timeout: timeoutMs,
        validateStatus: () => true,
        headers: { secret_key: options.appSecret, 'content-type': 'application/x-www-form-urlencoded' },
      });
      status = res.status;
      data = res.data;
    } catch (e) {
      // axios errors carry the request config (with the secret header): only the code travels.
      throw new ZaloOaTokenError('network', `Zalo OAuth unreachable: ${axios.isAxiosError(e) ? (e.code ?? 'network') : 'network'}`);
    }
    const parsed = oauthSchema.safeParse(data);
    const body = parsed.success ? parsed.data : undefined;
    // Zalo reports OAuth errors with HTTP 200 and an `error` field.
    const code = body?.error !== undefined && Number(body.error) !== 0 ? String(body.error) : undefined;
    if (status >= 200 && status < 300 && !code && body?.access_token && body.refresh_token) {
      const expiresInS = Number(body.expires_in ?? 0);
      return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresInS: Number.isFinite(expiresInS) && expiresInS > 0 ? expiresInS : 3600 };
    }
    const reason = (body?.error_name ?? body?.error_description ?? body?.message ?? '').replace(/\s+/g, ' ').slice(0, 120);
    if (status >= 500) throw new ZaloOaTokenError('network', `Zalo OAuth HTTP ${status}`);
    throw new ZaloOaTokenError(REFUSED, `Zalo OAuth refused the refresh: ${code ?? `HTTP ${status}`}${reason ? ` (${reason})` : ''}`);
  }

  async function release(error?: ZaloOaTokenError) {
    await db.query(
      `UPDATE zalo_oa_tokens SET refresh_lease_owner = NULL, refresh_lease_until = NULL,
         refresh_error = COALESCE($3, refresh_error), refresh_error_at = CASE WHEN $3::text IS NULL THEN refresh_error_at ELSE now() END,
         updated_at = now()
       WHERE app_id = $1 AND refresh_lease_owner = $2`,
      [appId, owner, error ? `${error.reason}: ${error.message}` : null],
    );
  }

  async function refreshHoldingLease(row: TokenRow): Promise<string> {
    let fresh;
    try {
      fresh = await exchange(row.refresh_token);
    } catch (err) {
      const e = err instanceof ZaloOaTokenError ? err : new ZaloOaTokenError('network', 'Zalo OAuth call failed');
      await release(e).catch(() => undefined);
      log.error({ err: { code: e.code, reason: e.reason, message: e.message } }, 'zalo oa token refresh failed');
      throw e;
    }
    const expiresAt = new Date(clock().getTime() + fresh.expiresInS * 1000);
    // Stored before use, guarded by the refresh token just spent: a seed that replaced the row meanwhile wins.
    const stored = await db.query(
      `UPDATE zalo_oa_tokens SET access_token = $3, refresh_token = $4, access_expires_at = $5::timestamptz,
         version = version + 1, refreshed_at = now(), refresh_error = NULL, refresh_error_at = NULL,
         refresh_lease_owner = NULL, refresh_lease_until = NULL, updated_at = now()
       WHERE app_id = $1 AND refresh_token = $2 RETURNING version`,
      [appId, row.refresh_token, fresh.accessToken, fresh.refreshToken, expiresAt.toISOString()],
    );
    if (!stored.length) {
      await release().catch(() => undefined);
      log.warn('zalo oa tokens were replaced while refreshing (new seed?): the new pair was not stored');
    } else {
      log.info({ version: (stored[0] as { version: number }).version, expiresAt: expiresAt.toISOString() }, 'zalo oa access token refreshed');
    }
    return fresh.accessToken;
  }

  async function refresh(stale: string | null | undefined): Promise<string> {
    const started = Date.now();
    for (;;) {
      const row = await read();
      if (!row) throw new ZaloOaTokenError('no_tokens', 'no Zalo OA tokens stored: set ZALO_OA_REFRESH_TOKEN (and ZALO_OA_ACCESS_TOKEN) once');
      if (usable(row, stale)) return row.access_token!;
      if (refusedRecently(row)) throw new ZaloOaTokenError(REFUSED, `Zalo OA token refresh failed recently: ${row.refresh_error}`);
      const taken = await db.query<TokenRow>(
        `UPDATE zalo_oa_tokens SET refresh_lease_owner = $2, refresh_lease_until = now() + ($3::int * interval '1 millisecond')
         WHERE app_id = $1 AND (refresh_lease_until IS NULL OR refresh_lease_until < now())
         RETURNING access_token, refresh_token, access_expires_at, version, refreshed_at, refresh_error, refresh_error_at`,
        [appId, owner, leaseMs],
      );
      const mine = taken[0];
      if (mine) {
        // Someone may have finished between our read and the lease: use their pair.
        if (usable(mine, stale)) {
          await release();
          return mine.access_token!;
        }
        return refreshHoldingLease(mine);
      }
      if (Date.now() - started > leaseMs + timeoutMs) {
        throw new ZaloOaTokenError('lock_timeout', 'timed out waiting for another process to refresh the Zalo OA token');
      }
      await sleep(waitStepMs);
    }
  }

  function refreshOnce(stale: string | null | undefined): Promise<string> {
    inflight ??= refresh(stale).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async init() {
      const seed = options.seed?.refreshToken;
      if (!seed) return (await read()) ? 'stored' : 'none';
      const rows = await db.query(
        `INSERT INTO zalo_oa_tokens AS t (app_id, access_token, refresh_token, access_expires_at, seed_hash)
         VALUES ($1, $2, $3, NULL, $4)
         ON CONFLICT (app_id) DO UPDATE SET access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
           access_expires_at = NULL, seed_hash = EXCLUDED.seed_hash, version = t.version + 1,
           refresh_error = NULL, refresh_error_at = NULL, updated_at = now()
         WHERE t.seed_hash <> EXCLUDED.seed_hash
         RETURNING version`,
        [appId, options.seed?.accessToken ?? null, seed, sha256(seed)],
      );
      if (rows.length) log.info('zalo oa tokens seeded from ZALO_OA_REFRESH_TOKEN');
      return rows.length ? 'seeded' : 'stored';
    },
    async accessToken() {
      const row = await read();
      if (row && usable(row, undefined)) return row.access_token!;
      try {
        return await refreshOnce(row?.access_token);
      } catch (err) {
        // Refreshing ahead of expiry failed but the current token still works: use it (the failure is on /health).
        const at = row ? toDate(row.access_expires_at) : undefined;
        if (row?.access_token && at && at.getTime() > clock().getTime()) return row.access_token;
        throw err;
      }
    },
    refreshAfterRejection(rejected) {
      return refreshOnce(rejected);
    },
    async status() {
      const row = await read();
      if (!row) return { ok: false, state: 'no_tokens' };
      const failed = row.refresh_error !== null;
      const iso = (v: Date | string | null) => toDate(v)?.toISOString();
      return {
        ok: !failed,
        state: failed ? 'refresh_failed' : 'ok',
        ...(iso(row.access_expires_at) ? { accessExpiresAt: iso(row.access_expires_at) } : {}),
        ...(iso(row.refreshed_at) ? { refreshedAt: iso(row.refreshed_at) } : {}),
        ...(row.refresh_error ? { lastError: row.refresh_error, lastErrorAt: iso(row.refresh_error_at) } : {}),
      };
    },
  };
}
