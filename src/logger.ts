import { pino, type Logger, type DestinationStream } from 'pino';
import { createHmac, randomBytes } from 'node:crypto';

export type { Logger };

/** Paths whose values never reach a log line. */
const redactPaths = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-bot-api-secret-token"]',
  'req.headers.cookie',
  'apiKey',
  '*.apiKey',
  'config.TELEGRAM_BOT_TOKEN',
  'config.ZALO_BOT_TOKEN',
  'config.OPENAI_API_KEY',
  'config.ADMIN_TOKEN',
  'config.CENTER_API_TOKEN',
  'config.TELEGRAM_WEBHOOK_SECRET',
  'config.ZALO_WEBHOOK_SECRET',
  'config.HASH_SECRET',
];

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: undefined,
    },
    options.destination,
  );
}

/**
 * The key of hashId. Decided: one key per process, set once at start-up (createCore → useHashSecret) before any id
 * is hashed, rather than a hasher passed to every channel, store and logger child: every module that names a chat
 * (channels, answer core, dossier, analytics, handoff) must agree on the same reference, and a forgotten dependency
 * would silently produce a second, unlinked one. Until it is set the key is random for this process, so an id is
 * never hashed under a key anyone else knows.
 */
let hashKey: Buffer = randomBytes(32);

/** Sets the key of hashId (HASH_SECRET, or the one generated into DATA_DIR). */
export function useHashSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < 32) throw new Error('HASH_SECRET must be at least 32 characters');
  hashKey = Buffer.from(secret, 'utf8');
}

/** True for what hashId returns (64 lower-case hex digits). */
export const isIdHash = (s: string): boolean => /^[0-9a-f]{64}$/.test(s);

/**
 * A stable reference to a chat or user id for storage, logs and analytics: HMAC-SHA-256 under HASH_SECRET, full
 * length. Without the secret it cannot be reversed even for small numeric ids (Telegram's), which a plain hash can.
 */
export function hashId(id: string | number): string {
  return createHmac('sha256', hashKey).update(String(id), 'utf8').digest('hex');
}
