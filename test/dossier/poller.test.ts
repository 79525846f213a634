import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { startFakeCentreApi, nationalRecord, type FakeCentreApi } from '../fakes/centre-api.js';
import { createHttpDossierProvider } from '../../src/dossier/http-provider.js';
import { createDossierService } from '../../src/dossier/service.js';
import { createDossierPoller, type DossierPollerDeps } from '../../src/dossier/poller.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createLogger } from '../../src/logger.js';
import type { ChannelName, ChannelSender, Reply } from '../../src/channels/types.js';
import type { DossierProvider } from '../../src/dossier/provider.js';

const logger = createLogger({ level: 'silent' });
const calendar = loadWorkingCalendar();
const CODE = 'H37.30-20261116-0004';
const INTERVAL = 300_000;

interface Sent {
  channel: ChannelName;
  chatId: string;
  reply: Reply;
}

function recordingSender(channel: ChannelName, sent: Sent[], fail?: () => boolean): ChannelSender {
  return {
    channel,
    async send(chatId, reply) {
      if (fail?.()) throw new Error('platform said no');
      sent.push({ channel, chatId, reply });
    },
  };
}

describe.each(dbBackends)('dossier notifications ($backend)', ({ backend }) => {
  let db: TestDb;
  let api: FakeCentreApi;
  let now: Date;
  let sent: Sent[];
  const clock = () => now;
  const later = (ms = INTERVAL) => (now = new Date(now.getTime() + ms));

  beforeAll(async () => {
    api = await startFakeCentreApi();
    db = await createTestDb(backend);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.exec('TRUNCATE dossier_lookups, dossier_throttle, dossier_subscriptions');
    api.setBehaviour('*', undefined);
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 2 }));
    now = new Date('2026-11-17T10:00:00+07:00');
    sent = [];
  });

  const provider = (): DossierProvider =>
    createHttpDossierProvider({ baseUrl: api.url, timeoutMs: 500, retries: 0, breaker: { failureThreshold: 100 } });
  const service = () => createDossierService({ db, provider: provider(), logger, clock, calendar });
  const poller = (o: Partial<DossierPollerDeps> = {}) =>
    createDossierPoller({
      db,
      provider: provider(),
      senders: [recordingSender('telegram', sent), recordingSender('zalo', sent)],
      intervalMs: INTERVAL,
      logger,
      clock,
      ...o,
    });
  const setStatus = (status: number) => api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: status }));

  it('sends exactly one message per status change, on the chat’s own channel', async () => {
    const follow = await service().follow({ channel: 'zalo', chatId: 'z-42', code: CODE.toLowerCase() });
    expect(follow).toMatchObject({ result: 'found', status: 2, code: CODE });
    expect(follow.text).toContain('Đã bật theo dõi hồ sơ');
    const p = poller();

    expect(await p.tick()).toMatchObject({ claimed: 1, notified: 0 });
    setStatus(4);
    expect((await p.tick()).claimed).toBe(0); // not due again before the interval
    later();
    expect(await p.tick()).toMatchObject({ claimed: 1, notified: 1 });
    later();
    expect(await p.tick()).toMatchObject({ claimed: 1, notified: 0 });

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: 'zalo', chatId: 'z-42' });
    expect(sent[0]?.reply).toMatchObject({ outcome: 'dossier', citations: [], choices: [], feedback: false });
    expect(sent[0]?.reply.text).toContain(`Hồ sơ ${CODE} (Đăng ký khai sinh) vừa chuyển sang trạng thái: Đang xử lý.`);
    expect(sent[0]?.reply.text).not.toContain('Nguyễn');
  });

  it('stops polling a dossier once it is finished', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    const p = poller();
    setStatus(9);
    later();
    expect(await p.tick()).toMatchObject({ notified: 1, stopped: 1 });
    expect(sent[0]?.reply.text).toContain('Đã xử lý xong');
    expect(sent[0]?.reply.text).toContain('nhận kết quả');
    expect(sent[0]?.reply.text).toContain('ngừng theo dõi');
    setStatus(10);
    later();
    expect((await p.tick()).claimed).toBe(0);
    expect(sent).toHaveLength(1);
    expect(await service().listFollowing({ channel: 'telegram', chatId: 't-1' })).toEqual([]);
  });

  it('two workers ticking at once send one message', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    await service().follow({ channel: 'zalo', chatId: 'z-1', code: CODE });
    setStatus(5);
    later();
    const [a, b] = await Promise.all([poller().tick(), poller().tick()]);
    expect(a.notified + b.notified).toBe(2);
    expect(sent.map((s) => `${s.channel}:${s.chatId}`).sort()).toEqual(['telegram:t-1', 'zalo:z-1']);
    expect(sent[0]?.reply.text).toContain('giấy tờ còn thiếu');
  });

  it('a claim held by another worker is not taken, and an expired one is', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    setStatus(4);
    later();
    // Another worker claimed the row and died before finishing.
    await db.query(`UPDATE dossier_subscriptions SET claimed_until = $1::timestamptz`, [new Date(now.getTime() + 60_000).toISOString()]);
    expect((await poller({ leaseMs: 60_000 }).tick()).claimed).toBe(0);
    later(61_000);
    expect(await poller({ leaseMs: 60_000 }).tick()).toMatchObject({ claimed: 1, notified: 1 });
    expect(sent).toHaveLength(1);
  });

  it('retries a message the channel failed to send, and then sends it once', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    let failing = true;
    const p = poller({ senders: [recordingSender('telegram', sent, () => failing)] });
    setStatus(6);
    later();
    expect(await p.tick()).toMatchObject({ notified: 0, failed: 1 });
    failing = false;
    later();
    expect(await p.tick()).toMatchObject({ notified: 1 });
    later();
    expect(await p.tick()).toMatchObject({ notified: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.reply.text).toContain('nộp phí');
  });

  it('switches a subscription off after repeated failed deliveries', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-blocked', code: CODE });
    const p = poller({ senders: [recordingSender('telegram', sent, () => true)], maxSendFailures: 3 });
    setStatus(4);
    const reports = [];
    for (let i = 0; i < 5; i++) {
      later();
      reports.push(await p.tick());
    }
    expect(reports.map((r) => r.failed)).toEqual([1, 1, 1, 0, 0]);
    expect(await service().listFollowing({ channel: 'telegram', chatId: 't-blocked' })).toEqual([]);
  });

  it('keeps the subscription when the centre fails, and sends after it recovers', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    const p = poller();
    setStatus(4);
    api.setBehaviour('*', { kind: 'status', status: 503 });
    later();
    expect(await p.tick()).toMatchObject({ claimed: 1, failed: 1, notified: 0 });
    api.setBehaviour('*', undefined);
    later();
    expect(await p.tick()).toMatchObject({ notified: 1 });
  });

  it('subscriptions live in the database: a new process picks them up', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    setStatus(4);
    later();
    // Fresh service and poller objects, as after a restart.
    expect(await poller().tick()).toMatchObject({ notified: 1 });
    expect(await service().listFollowing({ channel: 'telegram', chatId: 't-1' })).toEqual([CODE]);
  });

  it('checks a subscription on every tick of its interval, however long the centre takes to answer', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    const base = provider();
    // Each answer takes 2 s of clock time; ticks come every INTERVAL from the first one, like setInterval.
    const slow: DossierProvider = {
      mode: base.mode,
      state: () => base.state(),
      async getDossier(code, o) {
        const d = await base.getDossier(code, o);
        now = new Date(now.getTime() + 2000);
        return d;
      },
    };
    const p = poller({ provider: slow });
    const first = now.getTime();
    const claimed: number[] = [];
    for (let k = 0; k < 4; k++) {
      // A timer may fire a few milliseconds early.
      now = new Date(first + k * INTERVAL - (k ? 5 : 0));
      claimed.push((await p.tick()).claimed);
    }
    expect(claimed).toEqual([1, 1, 1, 1]);
  });

  it('start() polls on its interval and stop() ends it', async () => {
    await service().follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    setStatus(4);
    const p = createDossierPoller({ db, provider: provider(), senders: [recordingSender('telegram', sent)], intervalMs: 20, logger });
    p.start();
    for (let i = 0; i < 200 && !sent.length; i++) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(sent).toHaveLength(1);
  });

  it('unfollow removes one code or all of a chat’s codes', async () => {
    const OTHER = 'H37.30-20261116-0005';
    api.setDossier(nationalRecord(OTHER, { TrangThaiHoSo: 4 }));
    const s = service();
    await s.follow({ channel: 'telegram', chatId: 't-1', code: CODE });
    await s.follow({ channel: 'telegram', chatId: 't-1', code: OTHER });
    await s.follow({ channel: 'zalo', chatId: 't-1', code: CODE });
    expect(await s.listFollowing({ channel: 'telegram', chatId: 't-1' })).toEqual([CODE, OTHER]);

    expect(await s.unfollow({ channel: 'telegram', chatId: 't-1', code: ` ${OTHER.toLowerCase()}` })).toMatchObject({ removed: 1 });
    expect(await s.unfollow({ channel: 'telegram', chatId: 't-1', code: OTHER })).toMatchObject({ removed: 0 });
    const all = await s.unfollow({ channel: 'telegram', chatId: 't-1' });
    expect(all).toMatchObject({ removed: 1, text: 'Đã tắt theo dõi 1 hồ sơ.' });
    expect(await s.listFollowing({ channel: 'zalo', chatId: 't-1' })).toEqual([CODE]);

    setStatus(4);
    later();
    await poller().tick();
    expect(sent.map((m) => m.channel)).toEqual(['zalo']);
  });

  it('does not follow closed, unknown or unreachable dossiers, nor on channels that cannot be notified', async () => {
    const s = service();
    setStatus(10);
    expect((await s.follow({ channel: 'telegram', chatId: 't-1', code: CODE })).text).toContain('không cần theo dõi');
    expect((await s.follow({ channel: 'telegram', chatId: 't-1', code: 'H37.30-20261116-9999' })).result).toBe('not_found');
    setStatus(4);
    expect((await s.follow({ channel: 'web', chatId: 'w-1', code: CODE })).text).toContain('chỉ có trên Telegram và Zalo');
    api.setBehaviour('*', { kind: 'status', status: 500 });
    expect((await s.follow({ channel: 'telegram', chatId: 't-1', code: CODE })).result).toBe('error');
    const [{ n } = { n: -1 }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM dossier_subscriptions`);
    expect(n).toBe(0);
  });

  it('limits how many dossiers one chat follows', async () => {
    const s = createDossierService({ db, provider: provider(), logger, clock, calendar }, { maxFollowsPerChat: 2 });
    for (const seq of ['0001', '0002', '0003']) api.setDossier(nationalRecord(`H37.30-20261116-${seq}`, { TrangThaiHoSo: 4 }));
    expect((await s.follow({ channel: 'telegram', chatId: 't-1', code: 'H37.30-20261116-0001' })).result).toBe('found');
    expect((await s.follow({ channel: 'telegram', chatId: 't-1', code: 'H37.30-20261116-0002' })).result).toBe('found');
    const third = await s.follow({ channel: 'telegram', chatId: 't-1', code: 'H37.30-20261116-0003' });
    expect(third.text).toContain('số tối đa');
    // Following an already-followed code again is fine.
    expect((await s.follow({ channel: 'telegram', chatId: 't-1', code: 'H37.30-20261116-0002' })).result).toBe('found');
  });
});
