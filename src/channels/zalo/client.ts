/**
 * A small client for the Zalo Bot Platform (Telegram-like: https://<root>/bot<TOKEN>/<method>, envelope
 * { ok, result?, error_code?, description? }). No SDK exists worth using. The token lives in the URL path, so neither
 * URLs nor axios errors (which carry their config) ever reach a log or an error's cause.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { zaloEventSchema, type ZaloEvent } from './events.js';

/** The API said no (or could not be reached). `apiCode` is the envelope's error_code, or the HTTP status. */
export class ZaloApiError extends AppError {
  readonly method: string;
  readonly apiCode: number | undefined;
  readonly status: number | undefined;
  constructor(method: string, info: { apiCode?: number; status?: number; description?: string; network?: string }) {
    super('zalo:api', {
      message: `Zalo ${method} failed: ${info.apiCode ?? info.status ?? info.network ?? 'unknown'}${info.description ? ` (${info.description})` : ''}`,
      details: { method, apiCode: info.apiCode, status: info.status },
    });
    this.name = 'ZaloApiError';
    this.method = method;
    this.apiCode = info.apiCode;
    this.status = info.status;
  }
}

export interface ZaloRetryOptions {
  /** Retries after the first attempt for 429 and 5xx. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ZaloClientOptions {
  token: string;
  apiRoot: string;
  /** Injected in tests; otherwise a fresh axios instance. */
  http?: AxiosInstance;
  retry?: Partial<ZaloRetryOptions>;
  /** Back-off waits; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  display_name?: string;
  [k: string]: unknown;
}

export interface ZaloClient {
  getMe(): Promise<ZaloBotInfo>;
  setWebhook(input: { url: string; secret_token: string }): Promise<void>;
  deleteWebhook(): Promise<void>;
  /** Long-polls for ONE update; null when none arrived within `timeout` seconds. */
  getUpdates(input?: { timeout?: number; signal?: AbortSignal }): Promise<ZaloEvent | null>;
  sendMessage(chatId: string, text: string): Promise<void>;
  sendChatAction(chatId: string, action?: 'typing'): Promise<void>;
}

const defaultZaloRetry: ZaloRetryOptions = { attempts: 3, baseDelayMs: 500, maxDelayMs: 8000 };

const envelopeSchema = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.looseObject({ retry_after: z.number().optional() }).optional(),
});

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createZaloClient(options: ZaloClientOptions): ZaloClient {
  const http = options.http ?? axios.create();
  const retry = { ...defaultZaloRetry, ...options.retry };
  const sleep = options.sleep ?? sleepReal;
  const root = options.apiRoot.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call(method: string, body: Record<string, unknown> = {}, extra: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      let data: unknown;
      try {
        const res = await http.post(`${root}/bot${options.token}/${method}`, body, {
          timeout: extra.timeoutMs ?? timeoutMs,
          validateStatus: () => true,
          headers: { 'content-type': 'application/json' },
          ...(extra.signal ? { signal: extra.signal } : {}),
        });
        status = res.status;
        data = res.data;
      } catch (e) {
        // Network failure: not retried here (a sendMessage may have arrived); axios errors carry the URL, so only the code travels.
        const network = axios.isAxiosError(e) ? (e.code ?? 'network') : 'network';
        throw new ZaloApiError(method, { network });
      }
      const env = envelopeSchema.safeParse(data);
      const apiCode = env.success ? env.data.error_code : undefined;
      if (env.success && env.data.ok && status >= 200 && status < 300) return env.data.result;
      const retriable = status === 429 || status >= 500 || apiCode === 429;
      if (retriable && attempt < retry.attempts) {
        const hinted = env.success ? env.data.parameters?.retry_after : undefined;
        const delay = Math.min(retry.maxDelayMs, hinted !== undefined ? hinted * 1000 : retry.baseDelayMs * 2 ** attempt);
        await sleep(delay);
        continue;
      }
      throw new ZaloApiError(method, {
        status,
        ...(apiCode !== undefined ? { apiCode } : {}),
        ...(env.success && env.data.description ? { description: env.data.description.slice(0, 200) } : {}),
      });
    }
  }

  return {
    async getMe() {
      const r = await call('getMe');
      const parsed = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) }).safeParse(r);
      if (!parsed.success) throw new ZaloApiError('getMe', { description: 'unexpected result' });
      return parsed.data as ZaloBotInfo;
    },
    async setWebhook(input) {
      await call('setWebhook', input);
    },
    async deleteWebhook() {
      await call('deleteWebhook');
    },
    async getUpdates(input = {}) {
      const timeout = input.timeout ?? 30;
      let r: unknown;
      try {
        r = await call('getUpdates', { timeout }, { timeoutMs: (timeout + 10) * 1000, ...(input.signal ? { signal: input.signal } : {}) });
      } catch (e) {
        // An empty long poll may come back as a 408 (unconfirmed): that is "no update", not an error.
        if (e instanceof ZaloApiError && (e.apiCode === 408 || e.status === 408)) return null;
        throw e;
      }
      if (r === null || r === undefined || (typeof r === 'object' && Object.keys(r).length === 0)) return null;
      const parsed = zaloEventSchema.safeParse(r);
      if (!parsed.success) throw new ZaloApiError('getUpdates', { description: 'unexpected update shape' });
      return parsed.data;
    },
    async sendMessage(chatId, text) {
      await call('sendMessage', { chat_id: chatId, text });
    },
    async sendChatAction(chatId, action = 'typing') {
      await call('sendChatAction', { chat_id: chatId, action });
    },
  };
}
