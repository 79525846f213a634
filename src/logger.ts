import { pino, type Logger, type DestinationStream } from 'pino';
import { createHash } from 'node:crypto';

export type { Logger };

/** Paths whose values never reach a log line. */
export const redactPaths = [
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

/** A stable, non-reversible reference to a chat or user id for logs and analytics. */
export function hashId(id: string | number, salt = 'motcua'): string {
  return createHash('sha256').update(`${salt}:${id}`).digest('hex').slice(0, 16);
}
