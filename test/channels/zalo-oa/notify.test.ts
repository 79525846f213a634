import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloOaChannel, type ZaloOaChannel } from '../../../src/channels/zalo-oa/channel.js';
import { createDossierPoller } from '../../../src/dossier/poller.js';
import { createDossierService } from '../../../src/dossier/service.js';
import { loadWorkingCalendar } from '../../../src/dossier/calendar.js';
import type { Dossier, DossierProvider } from '../../../src/dossier/provider.js';
import type { DossierStatus } from '../../../src/dossier/status.js';
import { createLogger } from '../../../src/logger.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { startFakeZaloOaApi, type FakeZaloOaApi } from '../../fakes/zalo-oa-api.js';
import { createFakeAnswers } from '../helpers/fake-answers.js';
import { APP_ID, APP_SECRET, oaConfig } from './events.js';

const CODE = 'H37.30-20261116-0004';
const INTERVAL = 300_000;
const logger = createLogger({ level: 'silent' });

// Dossier notifications through the real poller and the OA channel's sender: inside the interaction window they are
// sent; outside it they are recorded as not delivered, once, and not retried.
describe('Zalo OA dossier notifications and the interaction window', () => {
  let db: Db;
  let api: FakeZaloOaApi;
  let channel: ZaloOaChannel;
  let now: Date;
  let status: DossierStatus;
  const clock = () => now;
  const later = (ms: number) => (now = new Date(now.getTime() + ms));

  const provider: DossierProvider = {
    mode: 'simulator',
    async getDossier(code: string) {
      const d: Dossier = {
        code,
        procedureCode: '1.001193.000.00.00.H37',
        procedureName: 'Đăng ký khai sinh',
        applicantName: 'Nguyễn Văn A',
        receivedAt: new Date('2026-11-16T08:00:00+07:00'),
        dueAt: new Date('2026-11-20T17:00:00+07:00'),
        status,
      };
      return d;
    },
    state: () => ({ mode: 'simulator', circuit: 'closed', consecutiveFailures: 0 }),
  } as unknown as DossierProvider;

  beforeEach(async () => {
    db = await createTestDb();
    api = await startFakeZaloOaApi({ appId: APP_ID, appSecret: APP_SECRET });
    const seed = api.issuePair();
    now = new Date('2026-11-17T10:00:00+07:00');
    status = 2;
    channel = createZaloOaChannel({
      config: {
        ...oaConfig(seed, api.root),
      },
      answers: createFakeAnswers(),
      db,
      logger,
      clock,
      refreshCheckMs: 0,
    });
    await channel.start();
  });
  afterEach(async () => {
    await channel.stop();
    await api.close();
    await db.close();
  });

  const poller = () => createDossierPoller({ db, provider, senders: [channel.sender], intervalMs: INTERVAL, logger, clock });
  const follow = (userId: string) =>
    createDossierService({ db, provider, logger, clock, calendar: loadWorkingCalendar() }).follow({ channel: 'zalo_oa', chatId: userId, code: CODE });
  const wrote = (userId: string) =>
    db.query(`INSERT INTO zalo_oa_users (user_id, last_interaction_at) VALUES ($1, $2)`, [userId, now.toISOString()]);

  it('sends a status change inside the window, records it as not delivered outside, and does not retry it', async () => {
    await wrote('inside');
    await wrote('outside');
    expect((await follow('inside')).result).toBe('found');
    expect((await follow('outside')).result).toBe('found');
    const p = poller();
    await p.tick();
    // Two days later only 'inside' has written again.
    later(49 * 3600_000);
    await db.query(`UPDATE zalo_oa_users SET last_interaction_at = $1 WHERE user_id = 'inside'`, [now.toISOString()]);
    status = 4;
    await p.tick();
    expect(api.sentTo('inside')).toHaveLength(1);
    expect(api.sentTo('inside')[0]).toContain(CODE);
    expect(api.sentTo('outside')).toEqual([]);
    expect((await channel.adminStatus()).undelivered).toMatchObject({ count: 1, recent: [{ reason: 'outside_window' }] });
    // Not retried: the next ticks (same status) record nothing more.
    later(INTERVAL);
    await p.tick();
    later(INTERVAL);
    await p.tick();
    expect((await channel.adminStatus()).undelivered.count).toBe(1);
    const subs = await db.query<{ chat_id: string; last_status: number; active: boolean }>(
      `SELECT chat_id, last_status, active FROM dossier_subscriptions ORDER BY chat_id`,
    );
    expect(subs).toEqual([
      { chat_id: 'inside', last_status: 4, active: true },
      { chat_id: 'outside', last_status: 4, active: true },
    ]);
  });
});
