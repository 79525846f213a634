/**
 * The whole server as `npm start` builds it (startServer: real answer core over the shipped knowledge catalog, web
 * chat, Telegram and Zalo webhooks, admin), listening on 127.0.0.1:0, with fake Telegram and Zalo peers and a log
 * captured line by line. Used by the hostile-input, fault and log-secrecy suites.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startServer, type Running } from '../../src/serve.js';
import type { Db } from '../../src/db/db.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { startFakeZaloApi, type FakeZaloApi } from '../fakes/zalo-api.js';

export const secrets = {
  TELEGRAM_BOT_TOKEN: '7123456789:AAHardeningBotTokenValue_x9Q',
  TELEGRAM_WEBHOOK_SECRET: 'tg-hook-secret-Qm7rT2vX-4c1e9a7b0d3f5e82',
  ZALO_BOT_TOKEN: 'zalo-bot-token-Vq83nLk2Pz',
  ZALO_WEBHOOK_SECRET: 'zalo-hook-secret-Hk29sLw0-8e2b6d40c1a9f37',
  ADMIN_TOKEN: 'admin-token-Zx81Lq0Wm3Tn55Rb-5f0a2c9e7d1b',
  OPENAI_API_KEY: 'sk-hardening-FakeOpenAiKey-0123456789',
} as const;

export interface CapturedLog {
  logger: Logger;
  lines: string[];
}

export function captureLog(level = 'debug'): CapturedLog {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger({ level, destination: destination as never }), lines };
}

export interface Stack {
  running: Running;
  base: string;
  telegram: FakeTelegramApi;
  zalo: FakeZaloApi;
  log: CapturedLog;
  dataDir: string;
  config: Config;
  /** POST JSON (or a raw string body) to a path. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  postTelegram(update: unknown, secret?: string): Promise<Response>;
  postZalo(event: unknown, secret?: string): Promise<Response>;
  chat(chatId: string, text: string): Promise<Response>;
  /** Stops the server (not the peers). */
  stop(): Promise<void>;
  /** Stops the server and the peers and removes the data dir. */
  close(): Promise<void>;
}

export interface StackOptions {
  db?: Db;
  env?: Record<string, string | undefined>;
  log?: CapturedLog;
  dataDir?: string;
  telegram?: FakeTelegramApi;
  zalo?: FakeZaloApi;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const telegram = options.telegram ?? (await startFakeTelegramApi());
  const zalo = options.zalo ?? (await startFakeZaloApi());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'motcua-hard-'));
  const log = options.log ?? captureLog();
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    TELEGRAM_BOT_TOKEN: secrets.TELEGRAM_BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: secrets.TELEGRAM_WEBHOOK_SECRET,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    ZALO_BOT_TOKEN: secrets.ZALO_BOT_TOKEN,
    ZALO_WEBHOOK_SECRET: secrets.ZALO_WEBHOOK_SECRET,
    ZALO_API_ROOT: zalo.apiRoot,
    ADMIN_TOKEN: secrets.ADMIN_TOKEN,
    ...options.env,
  });
  const running = await startServer(config, log.logger, options.db ? { db: options.db } : {});
  const base = `http://127.0.0.1:${running.port}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await running.stop();
  };
  return {
    running,
    base,
    telegram,
    zalo,
    log,
    dataDir,
    config,
    post,
    postTelegram: (update, secret = secrets.TELEGRAM_WEBHOOK_SECRET) =>
      post('/telegram/webhook', update, { 'x-telegram-bot-api-secret-token': secret }),
    postZalo: (event, secret = secrets.ZALO_WEBHOOK_SECRET) => post('/zalo/webhook', event, { 'x-bot-api-secret-token': secret }),
    chat: (chatId, text) => post('/api/chat', { chatId, text }),
    stop,
    async close() {
      await stop();
      if (!options.telegram) await telegram.close();
      if (!options.zalo) await zalo.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Telegram text update (the same builder the channel tests use). */
export const telegramText = (updateId: number, chatId: number, text: string) => textUpdate(updateId, text, chatId);

export function zaloText(messageId: string, chatId: string, text: string, displayName = 'Lan') {
  return {
    ok: true,
    result: {
      event_name: 'message.text.received',
      message: {
        from: { id: `u-${chatId}`, display_name: displayName, is_bot: false },
        chat: { id: chatId, chat_type: 'PRIVATE' },
        text,
        message_id: messageId,
        date: Date.now(),
      },
    },
  };
}

/** Waits until `check` is true (polling), or throws with `what` after timeoutMs. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { telegramHtmlProblem } from '../channels/telegram/html-check.js';
import { textUpdate } from '../channels/telegram/updates.js';

/** true when the string has no lone surrogate (it can be sent as UTF-8). */
export const isWellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
