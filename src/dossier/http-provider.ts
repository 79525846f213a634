/**
 * The HTTP adapter for the centre's API. One GET per lookup with a per-attempt timeout, bounded retries with
 * back-off for failures that may pass (timeouts, network errors, 429, 5xx) and a circuit breaker. The wire format is
 * a `CentreApiDialect`: the national sync format now; an iGate-style dialect
 * (`GET /pa/dossier-search/dvc?code=...`) plugs in the same way.
 */
import axios, { type AxiosInstance } from 'axios';
import { AppError, isAppError, type ErrorCode } from '../errors.js';
import { createCircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { fromNational, nationalDossierSchema } from './national-format.js';
import type { Dossier, DossierProvider, DossierProviderState, GetDossierOptions } from './provider.js';

export interface CentreApiDialect {
  name: string;
  /** The request for one normalised code, relative to the base URL. */
  request(code: string): { path: string; params?: Record<string, string> };
  /**
   * Turns a 200 body into a dossier, or null when the body itself says "no such dossier" (some systems answer 200
   * with an empty list). @throws AppError center_api:bad_response
   */
  parse(body: unknown, code: string): Dossier | null;
}

/** `GET /dossiers/{code}` → one record in the national sync format (MaHoSo, TrangThaiHoSo, ...). */
const nationalDialect: CentreApiDialect = {
  name: 'national',
  request: (code) => ({ path: `dossiers/${encodeURIComponent(code)}` }),
  parse(body) {
    const parsed = nationalDossierSchema.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new AppError('center_api:bad_response', {
        message: `centre record invalid at ${i?.path.join('.') || '(body)'}: ${i?.message}`,
      });
    }
    return fromNational(parsed.data);
  },
};

export interface HttpDossierProviderOptions {
  baseUrl: string;
  token?: string;
  dialect?: CentreApiDialect;
  /** Per attempt. Default 5000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  retries?: number;
  /** Wait before retry i (the last value repeats). Default [300, 900]. */
  retryDelaysMs?: number[];
  breaker?: CircuitBreakerOptions;
  /** Larger bodies are a bad response. Default 64 KiB. */
  maxBodyBytes?: number;
  now?: () => number;
  /** Injected for tests; defaults to an instance with no proxy and no redirects. */
  http?: AxiosInstance;
}

const RETRYABLE: ErrorCode[] = ['center_api:timeout', 'center_api:unavailable'];

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function createHttpDossierProvider(options: HttpDossierProviderOptions): DossierProvider {
  const dialect = options.dialect ?? nationalDialect;
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = Math.max(0, Math.min(options.retries ?? 2, 5));
  const delays = options.retryDelaysMs?.length ? options.retryDelaysMs : [300, 900];
  const now = options.now ?? Date.now;
  const breaker = createCircuitBreaker({ now, ...options.breaker });
  const baseURL = options.baseUrl.endsWith('/') ? options.baseUrl : options.baseUrl + '/';
  const http =
    options.http ??
    axios.create({
      baseURL,
      proxy: false,
      maxRedirects: 0,
      maxContentLength: options.maxBodyBytes ?? 64 * 1024,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      headers: { Accept: 'application/json' },
    });
  let lastError: ErrorCode | undefined;
  let lastErrorAt: number | undefined;
  let lastSuccessAt: number | undefined;

  async function attempt(code: string, outer?: AbortSignal): Promise<Dossier | null> {
    const { path, params } = dialect.request(code);
    const timer = new AbortController();
    const t = setTimeout(() => timer.abort(), timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timer.signal]) : timer.signal;
    let res;
    try {
      res = await http.get<string>(path, {
        params,
        signal,
        timeout: timeoutMs,
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
      });
    } catch (e) {
      // The axios error carries the request config (and so the token): keep only what identifies the failure.
      const err = e as { code?: string; message?: string };
      const cause = new Error(`${err.code ?? 'ERR'}: ${err.message ?? 'request failed'}`);
      if (timer.signal.aborted || outer?.aborted || err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
        throw new AppError('center_api:timeout', { message: `centre API did not answer within ${timeoutMs} ms`, cause });
      }
      if (err.code === 'ERR_BAD_RESPONSE' || /maxContentLength/.test(err.message ?? '')) {
        throw new AppError('center_api:bad_response', { message: 'centre response too large or unreadable', cause });
      }
      throw new AppError('center_api:unavailable', { message: 'centre API unreachable', cause });
    } finally {
      clearTimeout(t);
    }
    const status = res.status;
    if (status === 404) return null;
    if (status === 401 || status === 403) {
      throw new AppError('center_api:unauthorized', { message: `centre API refused the token (${status})`, details: { status } });
    }
    if (status === 429 || status >= 500) {
      throw new AppError('center_api:unavailable', { message: `centre API answered ${status}`, details: { status } });
    }
    if (status !== 200) {
      throw new AppError('center_api:bad_response', { message: `centre API answered ${status}`, details: { status } });
    }
    let body: unknown;
    try {
      body = typeof res.data === 'string' ? JSON.parse(res.data) : res.data;
    } catch (cause) {
      throw new AppError('center_api:bad_response', { message: 'centre API answered with malformed JSON', cause });
    }
    return dialect.parse(body, code);
  }

  return {
    mode: 'http',
    async getDossier(code: string, opts: GetDossierOptions = {}) {
      if (!breaker.allow()) {
        throw new AppError('center_api:circuit_open', { message: 'centre API circuit is open' });
      }
      let last: unknown;
      for (let i = 0; i <= retries; i++) {
        try {
          const d = await attempt(code, opts.signal);
          breaker.success();
          lastSuccessAt = now();
          return d;
        } catch (e) {
          last = e;
          const retryable = isAppError(e) && RETRYABLE.includes(e.code);
          if (!retryable || i === retries || opts.signal?.aborted) break;
          await sleep(delays[Math.min(i, delays.length - 1)] ?? 0, opts.signal);
          if (opts.signal?.aborted) break;
        }
      }
      breaker.failure();
      const err = isAppError(last)
        ? last
        : new AppError('center_api:bad_response', { message: 'centre response could not be read', cause: last });
      lastError = err.code;
      lastErrorAt = now();
      throw err;
    },
    state(): DossierProviderState {
      const b = breaker.state();
      return {
        mode: 'http',
        circuit: b.circuit,
        consecutiveFailures: b.consecutiveFailures,
        ...(lastError ? { lastError, lastErrorAt: new Date(lastErrorAt ?? 0).toISOString() } : {}),
        ...(lastSuccessAt ? { lastSuccessAt: new Date(lastSuccessAt).toISOString() } : {}),
        ...(b.retryAt ? { retryAt: new Date(b.retryAt).toISOString() } : {}),
      };
    },
  };
}
