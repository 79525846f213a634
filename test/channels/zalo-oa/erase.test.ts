import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { createZaloOaChannel, type ZaloOaChannel } from '../../../src/channels/zalo-oa/channel.js';
import { createChatEraser } from '../../../src/privacy/per-chat.js';
import { createLogger } from '../../../src/logger.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { startFakeZaloOaApi, type FakeZaloOaApi } from '../../fakes/zalo-oa-api.js';
import { createFakeAnswers, reply } from '../helpers/fake-answers.js';
import { APP_ID, APP_SECRET, oaEvent, signedRequest, oaConfig } from './events.js';

// A citizen's deletion (/xoadulieu or staff at the desk) reaches what the OA channel keeps about them, and the OA
// channel stores no raw user id outside the table it needs to deliver.
describe('Zalo OA data and a citizen’s deletion', () => {
  let db: Db;
  let api: FakeZaloOaApi;
  let channel: ZaloOaChannel;
  let now: number;
  const logger = createLogger({ level: 'silent' });
  const answers = createFakeAnswers();

  beforeEach(async () => {
    db = await createTestDb();
    api = await startFakeZaloOaApi({ appId: APP_ID, appSecret: APP_SECRET });
    const seed = api.issuePair();
    now = Date.now();
    channel = createZaloOaChannel({
      config: {
        ...oaConfig(seed, api.root),
      },
      answers,
      db,
      logger,
      clock: () => new Date(now),
      refreshCheckMs: 0,
    });
    await channel.start();
  });
  afterEach(async () => {
    await channel.stop();
    await api.close();
    await db.close();
  });

  const post = async (ev: Record<string, unknown>) => {
    const res = await createApp({ db, logger, answers, mounts: [{ path: '/', app: channel.routes }] }).request('/zalo-oa/webhook', signedRequest(ev));
    expect(res.status).toBe(200);
    await channel.idle();
  };
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['zalo_oa_users', 'zalo_oa_undelivered', 'channel_updates'].map(async (t) => [t, Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n)]),
      ),
    );

  it('erases the user’s window, undelivered notifications and delivery ids, and only theirs', async () => {
    const USER = '8471654730196271';
    await post(oaEvent('follow', USER));
    await post(oaEvent('user_send_text', USER, { text: 'xin chào' }));
    await post(oaEvent('user_send_text', 'someone-else', { text: 'xin chào' }));
    now += 3 * 86_400_000;
    await expect(channel.sender.send(USER, reply({ text: 'Hồ sơ đã có kết quả.' }))).rejects.toThrow();
    expect(await counts()).toEqual({ zalo_oa_users: 2, zalo_oa_undelivered: 1, channel_updates: 3 });

    // The raw id appears only in zalo_oa_users (needed to know whether the window is open).
    const columns = await db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND data_type = 'text'`,
    );
    const found: string[] = [];
    for (const { table_name: t, column_name: c } of columns) {
      if ((await db.query(`SELECT 1 FROM "${t}" WHERE "${c}" LIKE $1 LIMIT 1`, [`%${USER}%`])).length) found.push(`${t}.${c}`);
    }
    expect(found).toEqual(['zalo_oa_users.user_id']);

    const erased = await createChatEraser({ db })({ channel: 'zalo_oa', chatId: USER, userRef: USER });
    const byTable = Object.fromEntries(erased.map((e) => [e.table, e.count]));
    expect(byTable).toMatchObject({ zalo_oa_users: 1, zalo_oa_undelivered: 1, channel_updates: 2 });
    expect(await counts()).toEqual({ zalo_oa_users: 1, zalo_oa_undelivered: 0, channel_updates: 1 });
  });
});
