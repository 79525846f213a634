/**
 * Scale-out: two real `serve` processes (node --import tsx src/main.ts) on one fresh PostgreSQL database, one fake
 * Telegram Bot API and one fake centre API, everything on 127.0.0.1. Shows that the workers are stateless:
 * - every update is answered exactly once although each update_id is POSTed to BOTH workers (dedupe in the database);
 * - a follow-up sent to either worker is resolved from the session the other one may have written;
 * - the dossier poller, running in both workers, sends exactly one message per status change.
 * The two workers start at the same moment, so migrations, catalog seeding and index sync race on an empty database.
 * Runs only when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textUpdate } from '../channels/telegram/updates.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, testDatabaseUrl, type TestDb } from '../helpers/db.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { nationalRecord, startFakeCentreApi, type FakeCentreApi } from '../fakes/centre-api.js';

const BOT_TOKEN = '123456:scale-test-token';
const WEBHOOK_SECRET = 'scale-test-webhook-secret-0123456789abcdef';
const ADMIN_TOKEN = 'scale-test-admin-token-0123456789abcdef';
// Workers of one deployment share the key of chat-id hashes (each has its own DATA_DIR here).
const HASH_SECRET = 'scale-test-hash-secret-0123456789abcdef';
const POLL_SECONDS = 5;
const CODE = 'H37.30-20261125-0001234';

interface Worker {
  name: string;
  child: ChildProcess;
  port: number;
  lines: Record<string, unknown>[];
  output: () => string;
  exited: Promise<number | null>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spawns `serve` and resolves once it logs "motcua listening" (PORT=0: the port comes from that line). */
function startWorker(name: string, env: Record<string, string>): Promise<Worker> {
  const dataDir = mkdtempSync(join(tmpdir(), `motcua-scale-${name}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let buf = '';
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s:\n${out.slice(-3000)}`)), 90_000);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        lines.push(rec);
        if (rec.msg === 'motcua listening') {
          clearTimeout(timer);
          resolve({ name, child, port: Number(rec.port), lines, output: () => out, exited });
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${out.slice(-3000)}`));
    });
  });
}

/** SIGTERM, then wait (bounded) for the exit code; SIGKILL if it hangs. */
async function stopWorker(w: Worker): Promise<number | null | 'hung'> {
  if (w.child.exitCode !== null) return w.child.exitCode;
  w.child.kill('SIGTERM');
  const code = await Promise.race([w.exited, sleep(20_000).then(() => 'hung' as const)]);
  if (code === 'hung') w.child.kill('SIGKILL');
  return code;
}

async function postUpdate(w: Worker, update: unknown): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${w.port}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Runs `jobs` with at most `limit` in flight. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(!testDatabaseUrl)('two serve workers on one PostgreSQL', () => {
  let db: TestDb;
  let telegram: FakeTelegramApi;
  let centre: FakeCentreApi;
  const workers: Worker[] = [];

  /** Texts sent to each chat, in order, by chat id. */
  const messagesTo = (chatId: number) =>
    telegram.callsOf('sendMessage').filter((c) => String(c.payload.chat_id) === String(chatId)).map((c) => String(c.payload.text));

  beforeAll(async () => {
    // A fresh, empty database: the workers migrate it themselves (and race doing so).
    db = await createTestDb('postgres', { migrate: false });
    telegram = await startFakeTelegramApi();
    centre = await startFakeCentreApi();
    centre.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 4 }));
    const env = (n: string) => ({
      DATABASE_URL: db.url!,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ADMIN_TOKEN,
      HASH_SECRET,
      // Webhooks are registered at start (with the fake, which never calls back).
      PUBLIC_URL: 'https://motcua.example.test',
      CENTER_API_URL: centre.url,
      // Each worker presents its own token, so the fake centre can tell who polled.
      CENTER_API_TOKEN: `centre-token-${n}`,
      CENTER_POLL_INTERVAL_SECONDS: String(POLL_SECONDS),
    });
    const started = await Promise.allSettled([startWorker('a', env('a')), startWorker('b', env('b'))]);
    for (const s of started) if (s.status === 'fulfilled') workers.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all(workers.map(stopWorker));
    await telegram?.close();
    await centre?.close();
    await db?.close();
    // Asserted here so that a worker that hangs or fails on SIGTERM fails the suite.
    expect(codes, workers.map((w) => w.output().slice(-2000)).join('\n---\n')).toEqual(workers.map(() => 0));
    for (const w of workers) {
      expect(w.lines.some((l) => l.msg === 'stopped')).toBe(true);
      // A full run of both workers logs no token or secret (the bot token travels in every Bot API URL).
      for (const secret of ['scale-test-token', WEBHOOK_SECRET, `centre-token-${w.name}`]) expect(w.output()).not.toContain(secret);
    }
  }, 60_000);

  it('both workers migrated, seeded and indexed the empty database together, once', async () => {
    expect(workers.map((w) => w.port).every((p) => p > 0)).toBe(true);
    for (const w of workers) {
      const health = await fetch(`http://127.0.0.1:${w.port}/health`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, db: { kind: 'postgres' } });
    }
    const [m] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations`);
    const [p] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM procedures`);
    const [idx] = await db.query<{ n: number; chunks: number }>(
      `SELECT count(*)::int AS n, coalesce(sum(chunks), 0)::int AS chunks FROM retrieval_index`,
    );
    const [c] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks`);
    expect(m!.n).toBeGreaterThan(0);
    expect(p!.n).toBeGreaterThan(0);
    expect(idx!.n).toBe(p!.n);
    expect(c!.n).toBe(idx!.chunks);
    // Both registered the webhook with the secret.
    const hooks = telegram.callsOf('setWebhook');
    expect(hooks).toHaveLength(2);
    for (const h of hooks) {
      expect(h.payload.url).toBe('https://motcua.example.test/telegram/webhook');
      expect(h.payload.secret_token).toBe(WEBHOOK_SECRET);
    }
  });

  it('answers every update exactly once although each update_id reaches both workers', async () => {
    const chats = 120;
    const questions = [
      'làm giấy khai sinh cho con cần giấy tờ gì',
      'đăng ký kết hôn cần gì',
      'lam can cuoc cho con duoi 14 tuoi',
      'xin chào',
    ];
    const chatId = (i: number) => 700_000 + i;
    // Round robin over the pair order: even updates reach a first, odd ones b first; both copies are in flight together.
    const sends = Array.from({ length: chats }, (_, i) => async () => {
      const u = textUpdate(100_000 + i, questions[i % questions.length]!, chatId(i));
      const [first, second] = i % 2 ? [workers[1]!, workers[0]!] : [workers[0]!, workers[1]!];
      return Promise.all([postUpdate(first, u), postUpdate(second, u)]);
    });
    const t0 = Date.now();
    const statuses = (await pool(sends, 16)).flat();
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await until('every chat answered', () => Array.from({ length: chats }, (_, i) => messagesTo(chatId(i)).length).every((n) => n > 0), 60_000);
    const answeredMs = Date.now() - t0;
    // A second answer would come from the other worker at about the same time: give it a generous window.
    await sleep(2000);

    const perChat = Array.from({ length: chats }, (_, i) => messagesTo(chatId(i)));
    // A reply may take several messages, but the same question always takes the same ones, and no text repeats.
    for (let q = 0; q < questions.length; q++) {
      const group = perChat.filter((_, i) => i % questions.length === q);
      for (const msgs of group) {
        expect(msgs).toEqual(group[0]);
        expect(new Set(msgs).size).toBe(msgs.length);
      }
    }
    const [claimed] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM channel_updates WHERE channel = 'telegram' AND update_id::bigint BETWEEN 100000 AND 100999`,
    );
    expect(claimed!.n).toBe(chats);
    // Each update was dropped as a duplicate by exactly one worker, so the other one answered it.
    const droppedBy = workers.map((w) =>
      w.lines.filter((l) => l.msg === 'duplicate update dropped' && Number(l.updateId) >= 100_000 && Number(l.updateId) < 101_000),
    );
    const dropped = droppedBy.flat().map((l) => Number(l.updateId));
    expect(dropped.sort((a, b) => a - b)).toEqual(Array.from({ length: chats }, (_, i) => 100_000 + i));
    console.info(
      `[scale] ${chats} updates × 2 POSTs = ${statuses.length} webhook calls (all 200); ` +
        `${perChat.reduce((s, m) => s + m.length, 0)} sendMessage for ${chats} chats ` +
        `(messages per reply by question: ${questions.map((_, q) => perChat[q]!.length).join('/')}); ` +
        `answered by a/b ${droppedBy[1]!.length}/${droppedBy[0]!.length}, the other copy dropped; all answered in ${answeredMs} ms`,
    );
  }, 90_000);

  it('resolves a follow-up on one worker from the session written by either', async () => {
    const chats = 20;
    const chatId = (i: number) => 710_000 + i;
    // First question to both workers (either may answer), the follow-up to one worker, alternating.
    await pool(
      Array.from({ length: chats }, (_, i) => () => {
        const u = textUpdate(200_000 + i, 'làm giấy khai sinh cho con cần giấy tờ gì', chatId(i));
        return Promise.all(workers.map((w) => postUpdate(w, u)));
      }),
      8,
    );
    await until('first answers', () => Array.from({ length: chats }, (_, i) => messagesTo(chatId(i)).length).every((n) => n > 0), 30_000);
    await sleep(300);
    const firstCounts = Array.from({ length: chats }, (_, i) => messagesTo(chatId(i)).length);
    const statuses = await pool(
      Array.from({ length: chats }, (_, i) => () => postUpdate(workers[i % 2]!, textUpdate(300_000 + i, 'còn lệ phí thì sao?', chatId(i)))),
      8,
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await until(
      'follow-up answers',
      () => Array.from({ length: chats }, (_, i) => messagesTo(chatId(i)).length > firstCounts[i]!).every(Boolean),
      30_000,
    );
    await sleep(1000);
    for (let i = 0; i < chats; i++) {
      const msgs = messagesTo(chatId(i));
      const first = msgs.slice(0, firstCounts[i]).join('\n');
      const followUp = msgs.slice(firstCounts[i]).join('\n');
      const cited = /mã (\d+\.\d+)/.exec(first)?.[1];
      expect(cited, first).toBeDefined();
      // The follow-up is about the fee of the same procedure: the session came from the database.
      expect(followUp).toContain(`mã ${cited}`);
      expect(followUp.toLowerCase()).toMatch(/lệ phí|phí/);
    }
  }, 90_000);

  it('counts one chat’s messages on both workers against one rate limit', async () => {
    // Telegram's default limit is 20 messages a minute per user: 24 messages, alternating between the workers.
    const id = 730_001;
    const statuses = [];
    for (let i = 0; i < 24; i++) statuses.push(await postUpdate(workers[i % 2]!, textUpdate(500_000 + i, `xin chào ${i}`, id)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await until('21 replies', () => messagesTo(id).length >= 21, 20_000);
    await sleep(1500);
    const msgs = messagesTo(id);
    const refusals = msgs.filter((t) => t.includes('gửi hơi nhanh'));
    // 20 answered, one polite refusal, then silence: the counter is shared, not 20 per worker.
    expect(refusals).toHaveLength(1);
    expect(msgs).toHaveLength(21);
  }, 60_000);

  it('the poller in both workers sends one message per dossier status change', async () => {
    const chats = [720_001, 720_002, 720_003, 720_004, 720_005, 720_006];
    const follow = chats.map((id, i) => textUpdate(400_000 + i, `/theodoi ${CODE}`, id));
    for (const u of follow) expect(await Promise.all(workers.map((w) => postUpdate(w, u)))).toEqual([200, 200]);
    await until('follow confirmations', () => chats.every((id) => messagesTo(id).some((t) => t.includes('Đã bật theo dõi'))), 20_000);
    const [subs] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dossier_subscriptions WHERE code = $1 AND active AND last_status = 4`,
      [CODE],
    );
    expect(subs!.n).toBe(chats.length);
    const base = new Map(chats.map((id) => [id, messagesTo(id).length]));
    const after = (id: number) => messagesTo(id).slice(base.get(id));
    const pollsBefore = centre.requests.length;

    // 4 → 5 (papers requested): each chat hears once, although both workers keep polling.
    centre.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 5 }));
    await until('first change sent', () => chats.every((id) => after(id).length >= 1), (POLL_SECONDS * 3 + 5) * 1000);
    await sleep((POLL_SECONDS * 2 + 1) * 1000);
    for (const id of chats) expect(after(id)).toHaveLength(1);

    const by = (reqs: FakeCentreApi['requests']) =>
      workers.map((w) => reqs.filter((r) => r.authorization === `Bearer centre-token-${w.name}`).length);
    const whileBoth = by(centre.requests.slice(pollsBefore));
    // The worker that did the polling goes away (graceful stop, as in a rolling deploy): the other one takes over.
    const gone = whileBoth[0]! >= whileBoth[1]! ? 0 : 1;
    expect(await stopWorker(workers[gone]!)).toBe(0);
    const pollsAfterStop = centre.requests.length;

    // 5 → 9 (finished, a closed status): one more message each, then polling stops for the subscription.
    centre.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 9, NgayKetThucXuLy: '20261125150000' }));
    await until('second change sent', () => chats.every((id) => after(id).length >= 2), (POLL_SECONDS * 3 + 5) * 1000);
    await sleep((POLL_SECONDS * 2 + 1) * 1000);
    for (const id of chats) {
      const msgs = after(id);
      expect(msgs).toHaveLength(2);
      expect(msgs[0]).toContain(CODE);
      expect(msgs[1]).toContain(CODE);
      expect(msgs[0]).not.toEqual(msgs[1]);
    }
    const rows = await db.query<{ last_status: number; active: boolean }>(
      `SELECT last_status, active FROM dossier_subscriptions WHERE code = $1`,
      [CODE],
    );
    expect(rows).toHaveLength(chats.length);
    expect(rows.every((r) => r.last_status === 9 && r.active === false)).toBe(true);

    const afterStop = by(centre.requests.slice(pollsAfterStop));
    expect(afterStop[gone]).toBe(0);
    expect(afterStop[1 - gone]).toBeGreaterThan(0);
    console.info(
      `[scale] poller: ${chats.length} chats × 2 changes → ${chats.reduce((s, id) => s + after(id).length, 0)} messages; ` +
        `centre polls (one per tick that claimed rows) by worker a/b while both ran ${whileBoth.join('/')}, ` +
        `after ${workers[gone]!.name} stopped ${afterStop.join('/')}`,
    );
  }, 120_000);
});
