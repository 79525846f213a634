import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The one place that knows about environment variables. `parseConfig` is pure: it takes an env object and returns a
 * typed config or throws a ConfigError naming each bad key and what was expected.
 */

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.url({ message: 'a URL such as https://example.org' }).optional());
const intInRange = (def: number, min: number, max: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `an integer between ${min} and ${max}` })
      .int({ message: `an integer between ${min} and ${max}` })
      .min(min, { message: `an integer between ${min} and ${max}` })
      .max(max, { message: `an integer between ${min} and ${max}` })
      .default(def),
  );

const SECRET_MESSAGE = 'at least 32 characters (use a long random string, e.g. openssl rand -hex 32)';

/** An IPv4/IPv6 address or a CIDR such as 10.0.0.0/8. */
function isAddressOrCidr(s: string): boolean {
  const [ip, bits, extra] = s.split('/');
  const v = isIP(ip ?? '');
  if (!v || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (v === 4 ? 32 : 128);
}

const configSchema = z
  .object({
    PORT: intInRange(3000, 0, 65535),
    HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, { message: 'a postgres:// or postgresql:// connection URL' })
        .optional(),
    ),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    ADMIN_TOKEN: z.preprocess(emptyToUndefined, z.string().min(32, { message: SECRET_MESSAGE }).optional()),
    PUBLIC_URL: optionalUrl,
    TELEGRAM_BOT_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]+$/, { message: 'a bot token like 123456:ABC-DEF from @BotFather' })
        .optional(),
    ),
    TELEGRAM_WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{32,256}$/, { message: '32-256 characters of A-Z, a-z, 0-9, _ and - (e.g. openssl rand -hex 32)' })
        .optional(),
    ),
    TELEGRAM_API_ROOT: optionalUrl,
    TELEGRAM_MODE: z.preprocess(emptyToUndefined, z.enum(['webhook', 'polling']).default('webhook')),
    ZALO_BOT_TOKEN: optionalString,
    ZALO_WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z.string().min(32, { message: `32-256 characters: ${SECRET_MESSAGE}` }).max(256, { message: '32-256 characters' }).optional(),
    ),
    ZALO_API_ROOT: z.preprocess(
      emptyToUndefined,
      z.url({ message: 'a URL such as https://bot-api.zaloplatforms.com' }).default('https://bot-api.zaloplatforms.com'),
    ),
    ZALO_MODE: z.preprocess(emptyToUndefined, z.enum(['webhook', 'polling']).default('webhook')),
    // Zalo Official Account API v3 (channel on when ZALO_OA_APP_ID is set).
    ZALO_OA_APP_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d{1,32}$/, { message: 'the numeric App ID from developers.zalo.me' }).optional()),
    ZALO_OA_APP_SECRET: optionalString,
    ZALO_OA_SECRET_KEY: optionalString,
    ZALO_OA_ACCESS_TOKEN: optionalString,
    ZALO_OA_REFRESH_TOKEN: optionalString,
    ZALO_OA_API_ROOT: z.preprocess(emptyToUndefined, z.url({ message: 'a URL such as https://openapi.zalo.me' }).default('https://openapi.zalo.me')),
    ZALO_OA_OAUTH_ROOT: z.preprocess(emptyToUndefined, z.url({ message: 'a URL such as https://oauth.zaloapp.com' }).default('https://oauth.zaloapp.com')),
    CENTER_API_URL: optionalUrl,
    CENTER_API_TOKEN: optionalString,
    CENTER_POLL_INTERVAL_SECONDS: intInRange(300, 5, 86400),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalUrl,
    LLM_MODEL: z.preprocess(emptyToUndefined, z.string().default('gpt-4o-mini')),
    LLM_TIMEOUT_MS: intInRange(8000, 500, 120000),
    /** With an LLM configured: 1 lets it pick among the choices of a clarification (or word its question); 0 keeps the list. */
    LLM_CHOOSER: z.preprocess(emptyToUndefined, z.enum(['0', '1']).default('1').transform((v) => v === '1')),
    /**
     * With an LLM configured: 1 answers with a LangChain agent that may call the project's search, procedure lookup and
     * dossier status before writing (src/llm/agent.ts), instead of the one rephrasing call; 0 (default) rephrases.
     */
    LLM_AGENT: z.preprocess(emptyToUndefined, z.enum(['0', '1']).default('0').transform((v) => v === '1')),
    EMBEDDING_MODEL: optionalString,
    EMBEDDING_DIMENSIONS: intInRange(256, 8, 4096),
    SESSION_TIMEOUT_MINUTES: intInRange(30, 1, 1440),
    // How often a running worker checks the catalog version and reloads after an import, a correction or a note.
    CATALOG_RELOAD_SECONDS: intInRange(5, 1, 3600),
    /** Telegram group told of each new handoff (one line, a link to the inbox, no personal data). Needs TELEGRAM_BOT_TOKEN. */
    STAFF_TELEGRAM_CHAT_ID: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^-?\d{1,20}$|^@[A-Za-z0-9_]{5,32}$/, { message: 'a Telegram chat id such as -1001234567890 or @channelname' }).optional(),
    ),
    // Privacy and abuse: who may look up dossiers, keyed references, retention.
    /** Reverse proxies whose X-Forwarded-For is believed: IPs or CIDRs, comma separated. Empty: none. */
    TRUSTED_PROXIES: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
        .refine((xs) => xs.every(isAddressOrCidr), { message: 'a comma-separated list of IP addresses or CIDRs (10.0.0.0/8, ::1)' })
        .default([]),
    ),
    /** Key of the HMAC that turns chat ids into stored references; generated into DATA_DIR when unset. */
    HASH_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, { message: SECRET_MESSAGE }).optional()),
    /** Days per-chat data (questions, lookups, sessions, limits, delivery logs) is kept. */
    RETENTION_DAYS: intInRange(180, 1, 3650),
    /** 1: serve demo dossiers from the simulator even though PUBLIC_URL says this is a deployment. */
    CENTER_SIMULATOR: z.preprocess(emptyToUndefined, z.enum(['0', '1']).default('0').transform((v) => v === '1')),
  })
  .superRefine((c, ctx) => {
    if (c.STAFF_TELEGRAM_CHAT_ID && !c.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['STAFF_TELEGRAM_CHAT_ID'], message: 'needs TELEGRAM_BOT_TOKEN (the bot posts the line in that group)' });
    }
    if (c.ZALO_OA_APP_ID) {
      for (const key of ['ZALO_OA_APP_SECRET', 'ZALO_OA_SECRET_KEY'] as const) {
        if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when ZALO_OA_APP_ID is set' });
      }
      if (c.ZALO_OA_ACCESS_TOKEN && !c.ZALO_OA_REFRESH_TOKEN) {
        ctx.addIssue({
          code: 'custom',
          path: ['ZALO_OA_REFRESH_TOKEN'],
          message: 'required with ZALO_OA_ACCESS_TOKEN (an access token alone expires within about a day)',
        });
      }
    } else {
      for (const key of ['ZALO_OA_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_OA_ACCESS_TOKEN', 'ZALO_OA_REFRESH_TOKEN'] as const) {
        if (c[key]) ctx.addIssue({ code: 'custom', path: ['ZALO_OA_APP_ID'], message: `required when ${key} is set` });
      }
    }
    if (c.TELEGRAM_BOT_TOKEN && c.TELEGRAM_MODE === 'webhook' && !c.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'required when TELEGRAM_BOT_TOKEN is set and TELEGRAM_MODE=webhook',
      });
    }
    if (c.ZALO_BOT_TOKEN && c.ZALO_MODE === 'webhook' && !c.ZALO_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['ZALO_WEBHOOK_SECRET'],
        message: 'required when ZALO_BOT_TOKEN is set and ZALO_MODE=webhook',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { key: string; expected: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.key}: expected ${p.expected}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parses an environment object; throws ConfigError listing every bad key. Never echoes values (they may be secrets). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => ({
      key: String(i.path[0] ?? '(config)'),
      expected: i.code === 'invalid_value' && 'values' in i ? `one of ${(i.values as unknown[]).join(', ')}` : i.message,
    })),
  );
}

/** The only reader of process.env in the codebase. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}

export function isLlmEnabled(c: Config): boolean {
  return Boolean(c.OPENAI_API_KEY || c.OPENAI_BASE_URL);
}
