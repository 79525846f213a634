/**
 * Sends customer-service text messages through the Official Account API v3:
 * POST {API_ROOT}/v3.0/oa/message/cs, header `access_token`, body { recipient: { user_id }, message: { text } }.
 * Zalo answers HTTP 200 with { error: 0, message, data } on success and a non-zero `error` (still HTTP 200) when it
 * refuses: read as an error. Network failures and 5xx are retried with back-off; refusals are not, except -216
 * (invalid access token), which refreshes the token once and sends again. Tokens never reach a log or an error.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { ZaloOaTokens } from './tokens.js';

/** Zalo's code for an invalid or expired access token. */
const ZALO_OA_INVALID_CREDENTIAL = -216;

/** The OA API refused (apiCode = its `error`), answered with an HTTP error (status), or could not be reached (network). */
class ZaloOaApiError extends AppError {
  readonly apiCode: number | undefined;
  readonly status: number | undefined;
  constructor(info: { apiCode?: number; status?: number; description?: string; network?: string }) {
    super('zalo_oa:api', {
      message: `Zalo OA message/cs failed: ${info.apiCode ?? (info.status ? `HTTP ${info.status}` : undefined) ?? info.network ?? 'unknown'}${info.description ? ` (${info.description})` : ''}`,
      details: { apiCode: info.apiCode, status: info.status },
    });
    this.name = 'ZaloOaApiError';
    this.apiCode = info.apiCode;
    this.status = info.status;
  }
}

export interface ZaloOaRetryOptions {
  /** Retries after the first attempt, for network errors and 5xx. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const defaultZaloOaRetry: ZaloOaRetryOptions = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };

export interface ZaloOaClientOptions {
  apiRoot: string;
  tokens: Pick<ZaloOaTokens, 'accessToken' | 'refreshAfterRejection'>;
  http?: AxiosInstance;
  retry?: Partial<ZaloOaRetryOptions>;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

export interface ZaloOaClient {
  /** Sends one text (≤ 2000 characters) to an OA user; resolves with Zalo's message id when it gives one. */
  sendText(userId: string, text: string): Promise<string | undefined>;
}

const responseSchema = z.looseObject({
  error: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
  data: z.looseObject({ message_id: z.string().optional() }).optional(),
});

export function createZaloOaClient(options: ZaloOaClientOptions): ZaloOaClient {
  const http = options.http ?? axios.create();
  const retry = { ...defaultZaloOaRetry, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const url = `${options.apiRoot.replace(/\/+$/, '')}/v3.0/oa/message/cs`;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function post(token: string, userId: string, text: string): Promise<string | undefined> {
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      let data: unknown;
      let network: string | undefined;
      try {
        const res = await http.post(url, { recipient: { user_id: userId }, message: { text } }, {
          timeout: timeoutMs,
          validateStatus: () => true,
          headers: { access_token: token, 'content-type': 'application/json' },
        });
        status = res.status;
        data = res.data;
      } catch (e) {
        // axios errors carry the request config (with the token header): only the code travels.
        network = axios.isAxiosError(e) ? (e.code ?? 'network') : 'network';
      }
      const retriable = network !== undefined || (status !== undefined && status >= 500);
      if (retriable && attempt < retry.attempts) {
        await sleep(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt));
        continue;
      }
      if (network !== undefined) throw new ZaloOaApiError({ network });
      const body = responseSchema.safeParse(data);
      const apiCode = body.success && body.data.error !== undefined ? Number(body.data.error) : undefined;
      if (status! >= 200 && status! < 300 && body.success && apiCode === 0) return body.data.data?.message_id;
      throw new ZaloOaApiError({
        status,
        ...(apiCode !== undefined && Number.isFinite(apiCode) && apiCode !== 0 ? { apiCode } : {}),
        ...(body.success && body.data.message ? { description: body.data.message.replace(/\s+/g, ' ').slice(0, 200) } : {}),
        ...(!body.success || apiCode === undefined ? { description: 'unexpected response' } : {}),
      });
    }
  }

  return {
    async sendText(userId, text) {
      const token = await options.tokens.accessToken();
      try {
        return await post(token, userId, text);
      } catch (err) {
        if (!(err instanceof ZaloOaApiError) || err.apiCode !== ZALO_OA_INVALID_CREDENTIAL) throw err;
        // Refresh once (or pick up the pair another process just stored) and send again; a second -216 is final.
        return post(await options.tokens.refreshAfterRejection(token), userId, text);
      }
    },
  };
}
