/**
 * Telegram webhook throughput: distinct updates from many chats POSTed with bounded concurrency to a webhook whose
 * Bot API is a fake on 127.0.0.1; answered updates/s = updates / (time from the first POST to the last sendMessage),
 * after the target has drained (every accepted update answered). The same load against a trivial target (ack, then
 * echo one sendMessage) is the baseline: what the harness and the loopback network cost on their own.
 */
import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../src/serve.js';
import type { Db } from '../../src/db/db.js';
import { telegramTexts } from '../../src/channels/telegram/bot.js';
import { startBenchBotApi } from './fake-bot-api.js';

export const BENCH_BOT_TOKEN = '123456:BENCH-token_abc';
export const BENCH_WEBHOOK_SECRET = 'bench-secret_123-0123456789abcdef0';

/** Something that accepts webhook POSTs and answers through the Bot API at `apiRoot`. */
export interface WebhookTarget {
  url: string;
  /** Several workers behind one address in production: POSTs go to these in turn (round-robin) when given. */
  urls?: string[];
  secret: string;
  /** Resolves when every accepted update has been answered; then releases the target's resources. */
  drain(): Promise<void>;
}

export type TargetFactory = (apiRoot: string) => Promise<WebhookTarget>;

export interface WebhookLoadOptions {
  updates: number;
  chats: number;
  /** POSTs in flight at once. */
  concurrency: number;
  /** Message texts, used round-robin. */
  texts: string[];
  /** A 503 (queue full) is retried like Telegram would, at most this many times per update. */
  maxRetries?: number;
  /** First update_id and chat id (default 1 and 700000): a second load on the same database needs fresh ones. */
  firstUpdateId?: number;
  firstChatId?: number;
}

export interface WebhookLoadResult {
  updates: number;
  chats: number;
  /** Updates whose chat received at least as many sendMessage calls as it was sent updates, summed per chat. */
  answered: number;
  sendMessage: number;
  /** sendMessage calls per chat: expected (updates sent) and received. */
  perChat: { chatId: string; expected: number; received: number }[];
  /** Replies that were the failure or too-fast notice instead of an answer. */
  notices: number;
  /** Non-200 acknowledgements (after retries) and retries made after 503. */
  refused: number;
  retries: number;
  seconds: number;
  perSecond: number;
  /** Other Bot API calls seen (sendChatAction, setMyCommands, getMe...). */
  otherCalls: Record<string, number>;
}

const FIRST_CHAT = 700_000;

export function buildUpdates(n: number, chats: number, texts: string[], firstUpdateId = 1, firstChatId = FIRST_CHAT): { chatId: number; body: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const chatId = firstChatId + (i % chats);
    const update = {
      update_id: firstUpdateId + i,
      message: {
        message_id: i + 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: 'Lan' },
        from: { id: chatId, is_bot: false, first_name: 'Lan', language_code: 'vi' },
        text: texts[i % texts.length]!,
      },
    };
    return { chatId, body: JSON.stringify(update) };
  });
}

function post(agent: Agent, url: URL, secret: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-telegram-bot-api-secret-token': secret,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs every body with at most `concurrency` in flight; 503 is retried after a short pause. */
async function sendAll(target: WebhookTarget, bodies: string[], concurrency: number, maxRetries: number) {
  const urls = (target.urls?.length ? target.urls : [target.url]).map((u) => new URL(u));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let turn = 0;
  let refused = 0;
  let retries = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (let attempt = 0; ; attempt++) {
        const status = await post(agent, urls[turn++ % urls.length]!, target.secret, body);
        if (status === 200) break;
        if (status !== 503 || attempt >= maxRetries) {
          refused++;
          break;
        }
        retries++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
  } finally {
    agent.destroy();
  }
  return { refused, retries };
}

/** Runs one load against a fresh fake Bot API and the target the factory starts. */
export async function measureWebhookThroughput(startTarget: TargetFactory, options: WebhookLoadOptions): Promise<WebhookLoadResult> {
  const failureTexts = new Set([telegramTexts.failed, telegramTexts.tooFast]);
  const api = await startBenchBotApi({ isNotice: (t) => failureTexts.has(t) });
  try {
    const target = await startTarget(api.apiRoot);
    const updates = buildUpdates(options.updates, options.chats, options.texts, options.firstUpdateId, options.firstChatId);
    const expected = new Map<string, number>();
    for (const u of updates) expected.set(String(u.chatId), (expected.get(String(u.chatId)) ?? 0) + 1);
    const t0 = performance.now();
    let sent: { refused: number; retries: number };
    try {
      sent = await sendAll(target, updates.map((u) => u.body), options.concurrency, options.maxRetries ?? 50);
    } finally {
      await target.drain();
    }
    const seconds = (api.lastSendAt - t0) / 1000;
    const perChat = [...expected].map(([chatId, n]) => ({ chatId, expected: n, received: api.perChat.get(chatId) ?? 0 }));
    const answered = perChat.reduce((s, c) => s + Math.min(c.expected, c.received), 0);
    const otherCalls: Record<string, number> = {};
    for (const [m, n] of api.calls) if (m !== 'sendMessage') otherCalls[m] = n;
    return {
      updates: options.updates,
      chats: options.chats,
      answered,
      sendMessage: api.calls.get('sendMessage') ?? 0,
      perChat,
      notices: api.notices,
      refused: sent.refused,
      retries: sent.retries,
      seconds,
      perSecond: seconds > 0 ? answered / seconds : 0,
      otherCalls,
    };
  } finally {
    await api.close();
  }
}

export interface PipelineTargetOptions {
  /** An open, migrated database with a catalog (its index is synced at start); closed when the target drains. */
  db?: Db;
  /** Real PostgreSQL instead of the embedded default (ignored when db is given). */
  databaseUrl?: string;
  /** pino level; logs go to /dev/null so their cost counts without flooding the terminal. Default 'info'. */
  logLevel?: string;
}

/**
 * The real composition: startServer (core, Telegram channel in webhook mode, admin, poller) on 127.0.0.1:0 with
 * TELEGRAM_API_ROOT pointing at the fake. Without db/databaseUrl the embedded database is created in a temp DATA_DIR
 * and seeded from knowledge/, as `npm start` does on first start.
 */
export function pipelineTarget(options: PipelineTargetOptions = {}): TargetFactory {
  return async (apiRoot) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-bench-'));
    const config = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: options.logLevel ?? 'info',
      TELEGRAM_BOT_TOKEN: BENCH_BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: apiRoot,
      ...(options.databaseUrl && !options.db ? { DATABASE_URL: options.databaseUrl } : {}),
    });
    const logger = createLogger({ level: config.LOG_LEVEL, destination: pino.destination({ dest: '/dev/null', sync: false }) });
    let running: Awaited<ReturnType<typeof startServer>>;
    try {
      running = await startServer(config, logger, options.db ? { db: options.db } : {});
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    return {
      url: `http://127.0.0.1:${running.port}/telegram/webhook`,
      secret: BENCH_WEBHOOK_SECRET,
      async drain() {
        // stop() stops accepting, drains the per-chat queue (every accepted update answered), flushes analytics.
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };
}

/** The baseline: acks each POST with 200 at once and sends one sendMessage echo over a keep-alive agent. */
export function trivialTarget(): TargetFactory {
  return async (apiRoot) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const api = new URL(`${apiRoot}/bot${BENCH_BOT_TOKEN}/sendMessage`);
    let inFlight = 0;
    let waiters: (() => void)[] = [];
    const done = () => {
      if (--inFlight === 0) for (const w of waiters.splice(0)) w();
    };
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200).end();
        const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message: { chat: { id: number }; text: string } };
        inFlight++;
        const body = JSON.stringify({ chat_id: update.message.chat.id, text: `Đã nhận: ${update.message.text}` });
        const r = request(
          { agent, host: api.hostname, port: api.port, path: api.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (out) => {
            out.resume();
            out.on('end', done);
          },
        );
        r.on('error', done);
        r.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/telegram/webhook`,
      secret: BENCH_WEBHOOK_SECRET,
      async drain() {
        if (inFlight > 0) await new Promise<void>((resolve) => waiters.push(resolve));
        agent.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  };
}

export interface ProcessTargetOptions {
  /** Real PostgreSQL instead of the embedded default. */
  databaseUrl?: string;
  /** Receives the server process's peak RSS (VmHWM) in MB, read just before it is stopped. */
  onPeakRss?: (mb: number) => void;
  /** Receives the peak RSS of the helper process that created the embedded database at first start (its log line). */
  onInitHelperRss?: (mb: number) => void;
  /** Extra Node.js flags for the server process (profiling: `--cpu-prof --cpu-prof-dir=DIR`). */
  execArgv?: string[];
}

/** VmHWM of a process: its peak resident set size, from /proc (Linux). */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The server as deployed: `node --import tsx src/main.ts` in its own process (what `npm start` runs), so that the load
 * generator and the fake Bot API — which in production are Telegram — do not share its thread. Embedded database in
 * a temp DATA_DIR seeded from knowledge/ unless a database URL is given. drain() sends SIGTERM, which answers every
 * accepted update before the process exits.
 */
export function processTarget(options: ProcessTargetOptions = {}): TargetFactory {
  return async (apiRoot) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-bench-proc-'));
    const child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        TELEGRAM_BOT_TOKEN: BENCH_BOT_TOKEN,
        TELEGRAM_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
        TELEGRAM_API_ROOT: apiRoot,
        ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('server did not start within 120 s')), 120_000);
      const onStartup = (d: Buffer) => {
        buf += d.toString('utf8');
        const h = /"helperPeakRssMb":(\d+)/.exec(buf);
        if (h) options.onInitHelperRss?.(Number(h[1]));
        const m = /"port":(\d+)[^\n]*"msg":"motcua listening"/.exec(buf);
        if (m) {
          clearTimeout(timer);
          // From here on its log (a line per request) is read and dropped: parsing it would load this process, which
          // shares the machine's two cores with the server.
          child.stdout.off('data', onStartup);
          child.stdout.resume();
          buf = '';
          resolve(Number(m[1]));
        }
      };
      child.stdout.on('data', onStartup);
      child.stderr.resume();
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening`));
      });
    });
    return {
      url: `http://127.0.0.1:${port}/telegram/webhook`,
      secret: BENCH_WEBHOOK_SECRET,
      async drain() {
        const peak = child.pid ? peakRssMb(child.pid) : undefined;
        if (peak !== undefined) options.onPeakRss?.(peak);
        child.kill('SIGTERM');
        await exited;
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };
}

/**
 * `count` server processes (processTarget) on one PostgreSQL database, as several workers behind a load balancer: the
 * load goes to them in turn. They share dedupe, sessions and rate limits through the database.
 */
export function workersTarget(count: number, databaseUrl: string): TargetFactory {
  return async (apiRoot) => {
    const targets: WebhookTarget[] = [];
    try {
      // One after the other: the first migrates and seeds (under advisory locks either way), the next only load.
      for (let i = 0; i < count; i++) targets.push(await processTarget({ databaseUrl })(apiRoot));
    } catch (err) {
      await Promise.all(targets.map((t) => t.drain()));
      throw err;
    }
    return {
      url: targets[0]!.url,
      urls: targets.map((t) => t.url),
      secret: BENCH_WEBHOOK_SECRET,
      async drain() {
        await Promise.all(targets.map((t) => t.drain()));
      },
    };
  };
}
