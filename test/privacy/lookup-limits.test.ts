/**
 * Dossier codes cannot be farmed through the web chat: lookups are limited by the client's address (the real one
 * behind TRUSTED_PROXIES), not by the chatId the browser chooses, and a global not-found budget slows everyone when
 * codes are being guessed. Runs a real HTTP server (so the peer address is real) in front of the real answer and
 * dossier services, with the centre API faked on 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { startFakeCentreApi, nationalRecord, type FakeCentreApi } from '../fakes/centre-api.js';
import { createHttpDossierProvider } from '../../src/dossier/http-provider.js';
import { createDossierService, type DossierServiceOptions } from '../../src/dossier/service.js';
import { detectDossierCode } from '../../src/dossier/code.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createAnswerService } from '../../src/answer/service.js';
import { createSessionStore } from '../../src/answer/session.js';
import { createApp } from '../../src/server/app.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { createLogger } from '../../src/logger.js';
import { guessingAlertText } from '../../src/dossier/throttle.js';
import { all, fakeSearcher } from '../answer/fixtures.js';

const logger = createLogger({ level: 'silent' });
const calendar = loadWorkingCalendar();
const guess = (i: number) => `H37.30-20261116-${String(1000 + i)}`;

describe.each(dbBackends)('dossier lookups from one client ($backend)', ({ backend }) => {
  let db: TestDb;
  let api: FakeCentreApi;
  let server: Listening | undefined;

  beforeAll(async () => {
    api = await startFakeCentreApi();
    db = await createTestDb(backend);
  });
  afterAll(async () => {
    await server?.close(100);
    await api.close();
    await db.close();
  });
  beforeEach(async () => {
    await server?.close(100);
    server = undefined;
    await db.exec('TRUNCATE dossier_lookups, dossier_throttle, dossier_subscriptions, chat_sessions');
    api.requests.length = 0;
  });

  async function start(o: { trustedProxies?: string[]; dossier?: DossierServiceOptions } = {}) {
    const dossier = createDossierService(
      { db, provider: createHttpDossierProvider({ baseUrl: api.url, retries: 0, timeoutMs: 1000 }), logger, calendar },
      o.dossier,
    );
    const answers = createAnswerService({
      searcher: fakeSearcher(),
      catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
      sessions: createSessionStore(db, { timeoutMinutes: 30 }),
      centre: { name: 'Trung tâm', hotline: '0000' },
      logger,
      redact: (t) => t,
      dossier: {
        detect: detectDossierCode,
        lookup: (i) => dossier.lookup(i),
        follow: (i) => dossier.follow(i),
        unfollow: (i) => dossier.unfollow(i),
      },
    });
    // The web chat's own per-request limit is not what is tested here.
    const app = createApp({ db, logger, answers, chatRateLimit: false, trustedProxies: o.trustedProxies });
    server = await listen(app, { port: 0, host: '127.0.0.1' });
    return { dossier };
  }

  async function ask(chatId: string, text: string, headers: Record<string, string> = {}) {
    const res = await fetch(`http://127.0.0.1:${server!.port}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ chatId, text }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { outcome: string; text: string };
  }

  const centreCalls = () => api.requests.filter((r) => r.path.startsWith('/dossiers/')).length;

  it('30 guessed codes with a fresh chatId each reach the centre at most 10 times', async () => {
    await start();
    const replies = [];
    for (let i = 0; i < 30; i++) replies.push(await ask(`rotating-${i}`, guess(i)));
    expect(centreCalls()).toBeGreaterThan(0);
    expect(centreCalls()).toBeLessThanOrEqual(10);
    expect(replies.at(-1)!.outcome).toBe('dossier');
    expect(replies.at(-1)!.text).toMatch(/thử lại|tạm dừng|quá nhiều/i);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    await start();
    for (let i = 0; i < 30; i++) await ask(`rotating-${i}`, guess(i), { 'x-forwarded-for': `203.0.113.${i + 1}` });
    expect(centreCalls()).toBeLessThanOrEqual(10);
  });

  it('behind a trusted proxy, limits the client named by X-Forwarded-For, and other clients keep their budget', async () => {
    await start({ trustedProxies: ['127.0.0.1/32'] });
    for (let i = 0; i < 30; i++) await ask(`rotating-${i}`, guess(i), { 'x-forwarded-for': '198.51.100.7' });
    const fromGuesser = centreCalls();
    expect(fromGuesser).toBeGreaterThan(0);
    expect(fromGuesser).toBeLessThanOrEqual(10);
    // A spoofed hop to the left of the proxy's own entry changes nothing: the proxy appended the real address.
    for (let i = 30; i < 40; i++) await ask(`rotating-${i}`, guess(i), { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.7` });
    expect(centreCalls()).toBe(fromGuesser);
    // Someone else behind the same proxy is not locked out by the guesser.
    api.setDossier(nationalRecord('H37.30-20261116-0004'));
    const r = await ask('citizen', 'H37.30-20261116-0004', { 'x-forwarded-for': '192.0.2.50' });
    expect(r.text).toContain('H37.30-20261116-0004');
    expect(centreCalls()).toBe(fromGuesser + 1);
  });

  it('when many clients guess, everyone is slowed and managers are told', async () => {
    const { dossier } = await start({ trustedProxies: ['127.0.0.1'], dossier: { throttle: { guessing: { notFound: 8, limit: 1 } } } });
    expect((await dossier.guessingState()).active).toBe(false);
    // Eight addresses, one guess each: no per-address limit is reached, but the global budget is spent.
    for (let i = 0; i < 8; i++) await ask(`g-${i}`, guess(i), { 'x-forwarded-for': `198.51.100.${i + 1}` });
    const g = await dossier.guessingState();
    expect(g).toMatchObject({ active: true, notFound: 8, threshold: 8 });
    expect(guessingAlertText(g)).toContain('dò mã hồ sơ');
    // A fresh address gets one lookup, not ten.
    const before = centreCalls();
    await ask('late-1', guess(20), { 'x-forwarded-for': '192.0.2.77' });
    const second = await ask('late-2', guess(21), { 'x-forwarded-for': '192.0.2.77' });
    expect(centreCalls()).toBe(before + 1);
    expect(second.text).toMatch(/thử lại|quá nhiều/i);
  });
});
