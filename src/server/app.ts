import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import type { AnswerService } from '../channels/types.js';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError, isAppError, userMessages, errorBody } from '../errors.js';
import { createChatRateLimiter, type ChatRateLimiter } from './rate-limit.js';
import { createClientAddressResolver } from './client-address.js';
import { bearerOf, createAuthThrottle, safeEqual, type AuthThrottle } from './admin/auth.js';

export const MAX_BODY_BYTES = 64 * 1024;

export type AppEnv = { Variables: { requestId: string; log: Logger; /** The client's address (see client-address.ts). */ clientAddress: string } };

/** A component that reports its state on /health without failing it (e.g. the centre API). */
export interface HealthProbe {
  name: string;
  check(): Promise<{ ok: boolean; [k: string]: unknown }>;
}

export interface AppDeps {
  db: Db;
  logger: Logger;
  answers: AnswerService;
  /** Extra route groups mounted by channels and the admin dashboard, in order. */
  mounts?: { path: string; app: Hono<AppEnv> }[];
  probes?: HealthProbe[];
  /** Serves GET / (the web chat). */
  webChat?: Hono<AppEnv>;
  version?: string;
  /** Limits POST /api/chat per chatId + client address (default: createChatRateLimiter()); false turns it off. */
  chatRateLimit?: ChatRateLimiter | false;
  /** TRUSTED_PROXIES: peers whose X-Forwarded-For names the client. */
  trustedProxies?: readonly string[];
  /** ADMIN_TOKEN: `Authorization: Bearer <it>` shows /health's details (components, counters, version). */
  adminToken?: string;
  /** Failed Bearer attempts per address, shared with the admin (createAuthThrottle). */
  authThrottle?: AuthThrottle;
}

/** The TCP peer's address; undefined outside a Node server (app.request() in tests). */
function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

const chatRequestSchema = z.object({
  chatId: z.string().min(1, 'chatId must not be empty').max(128, 'chatId is at most 128 characters'),
  text: z.string().max(4000, 'text is at most 4000 characters'),
  action: z
    .union([
      z.object({ type: z.literal('choice'), index: z.number().int().min(1).max(20), code: z.string().max(40).optional() }),
      z.object({ type: z.literal('feedback'), value: z.enum(['up', 'down']) }),
      z.object({ type: z.literal('handoff') }),
    ])
    .optional(),
});

/** Reads a JSON body and validates it; bad JSON → http:bad_json (400), schema errors → http:validation (400). */
export async function readJson<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (cause) {
    if (cause instanceof HTTPException) throw cause;
    throw new AppError('http:bad_json', { message: 'request body is not valid JSON', cause });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AppError('http:validation', {
      message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    });
  }
  return parsed.data;
}

const statusFor: Partial<Record<string, 400 | 401 | 404 | 413 | 503>> = {
  'http:bad_json': 400,
  'http:validation': 400,
  'http:too_large': 413,
  'http:unauthorized': 401,
  'http:not_found': 404,
  'db:unavailable': 503,
};

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', requestId());
  const resolveClient = createClientAddressResolver(deps.trustedProxies);
  app.use('*', async (c, next) => {
    c.set('clientAddress', resolveClient(peerAddress(c), c.req.header('x-forwarded-for')));
    await next();
  });
  app.use('*', async (c, next) => {
    const log = deps.logger.child({ reqId: c.get('requestId') });
    c.set('log', log);
    const started = performance.now();
    await next();
    // Paths only: query strings and webhook paths never carry secrets here, but URLs to peers do, and are never logged.
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody('http:too_large', `body exceeds ${MAX_BODY_BYTES} bytes`), 413),
    }),
  );

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    const status = isAppError(err) ? (statusFor[err.code] ?? 500) : 500;
    const log = c.get('log') ?? deps.logger;
    if (status >= 500) log.error({ err: { code: (err as AppError).code, message: err.message, cause: String((err as Error).cause ?? '') } }, 'request failed');
    return c.json(
      {
        error: isAppError(err) ? err.code : 'internal',
        message: status < 500 ? err.message : 'internal error',
      },
      status,
    );
  });
  app.notFound((c) => c.json(errorBody('http:not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  const healthThrottle = deps.authThrottle ?? createAuthThrottle();
  app.get('/health', async (c) => {
    const dbOk = await deps.db.ping();
    // Publicly only ok / not ok: the centre API's state and the counters are for operators, with ADMIN_TOKEN.
    const bearer = bearerOf(c.req.header('authorization'));
    let details = false;
    if (bearer !== undefined && deps.adminToken) {
      const address = c.get('clientAddress');
      if (healthThrottle.blocked(address)) return c.json(errorBody('http:rate_limited', 'too many failed attempts from this address'), 429);
      details = safeEqual(bearer, deps.adminToken);
      if (!details) healthThrottle.fail(address);
    }
    if (!details) return c.json({ ok: dbOk }, dbOk ? 200 : 503);
    const components: Record<string, unknown> = {};
    for (const p of deps.probes ?? []) {
      try {
        components[p.name] = await p.check();
      } catch (e) {
        components[p.name] = { ok: false, error: (e as Error).message };
      }
    }
    return c.json(
      { ok: dbOk, db: { ok: dbOk, kind: deps.db.kind }, ...components, version: deps.version ?? '0.1.0' },
      dbOk ? 200 : 503,
    );
  });

  const limiter = deps.chatRateLimit === false ? undefined : (deps.chatRateLimit ?? createChatRateLimiter());
  app.post('/api/chat', async (c) => {
    const body = await readJson(c, chatRequestSchema);
    const address = c.get('clientAddress');
    const verdict = limiter?.hit(body.chatId, address);
    if (verdict && !verdict.allowed) {
      c.get('log')?.info({ retryAfter: verdict.retryAfterSeconds }, 'web chat rate limited');
      const text = userMessages['http:rate_limited']!;
      return c.json(
        { error: 'http:rate_limited', message: text, outcome: 'error', text, citations: [], choices: [], feedback: false },
        429,
        { 'retry-after': String(verdict.retryAfterSeconds) },
      );
    }
    const reply = await deps.answers.handle({
      channel: 'web',
      chatId: body.chatId,
      text: body.text,
      receivedAt: new Date(),
      action: body.action,
      // The browser chooses chatId; its address it cannot: dossier lookups are limited by the address.
      limitKey: `addr:${address}`,
    });
    return c.json(reply);
  });

  for (const m of deps.mounts ?? []) app.route(m.path, m.app);
  if (deps.webChat) app.route('/', deps.webChat);
  else app.get('/', (c) => c.text('motcua đang chạy. Gửi câu hỏi tới POST /api/chat.'));

  return app;
}
