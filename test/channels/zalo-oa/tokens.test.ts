import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloOaTokens, type ZaloOaTokens } from '../../../src/channels/zalo-oa/tokens.js';
import { createZaloOaClient } from '../../../src/channels/zalo-oa/client.js';
import { createPostgresDb } from '../../../src/db/postgres.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb, dbBackends, testDatabaseUrl, type TestDb } from '../../helpers/db.js';
import { startFakeZaloOaApi, type FakeZaloOaApi } from '../../fakes/zalo-oa-api.js';
import { captureLogger } from '../helpers/fake-answers.js';
import { APP_ID, APP_SECRET } from './events.js';

function tokensFor(db: Db, api: FakeZaloOaApi, seed: { accessToken?: string; refreshToken?: string }, log = captureLogger()): ZaloOaTokens {
  return createZaloOaTokens({ db, appId: APP_ID, appSecret: APP_SECRET, oauthRoot: api.root, seed, logger: log.logger, waitStepMs: 20 });
}

describe.each(dbBackends)('Zalo OA token store on $backend', ({ backend }) => {
  let db: TestDb;
  let api: FakeZaloOaApi;

  beforeEach(async () => {
    db = await createTestDb(backend);
    api = await startFakeZaloOaApi({ appId: APP_ID, appSecret: APP_SECRET });
  });
  afterEach(async () => {
    await api?.close();
    await db?.close();
  });

  it('never presents a refresh token twice across restarts: the env seed is not stored again once spent', async () => {
    const seed = api.issuePair();
    // First start: seeded; the access token dies; one refresh spends the seed.
    const first = tokensFor(db, api, seed);
    expect(await first.init()).toBe('seeded');
    api.expireAccessToken();
    const sendFirst = createZaloOaClient({ apiRoot: api.root, tokens: first });
    await sendFirst.sendText('u-1', 'một');
    // Restart with the same env: the stored (new) pair is kept, not the spent seed.
    const second = tokensFor(db, api, seed);
    expect(await second.init()).toBe('stored');
    await createZaloOaClient({ apiRoot: api.root, tokens: second }).sendText('u-1', 'hai');
    api.expireAccessToken();
    // And a third start refreshes with what the second stored.
    const third = tokensFor(db, api, seed);
    expect(await third.init()).toBe('stored');
    await createZaloOaClient({ apiRoot: api.root, tokens: third }).sendText('u-1', 'ba');
    expect(api.sentTo('u-1')).toEqual(['một', 'hai', 'ba']);
    const presented = api.callsOf('oauth').map((c) => c.payload.refresh_token);
    expect(presented).toHaveLength(2);
    expect(new Set(presented).size).toBe(2);
    expect(presented[0]).toBe(seed.refreshToken);
    expect(api.reused).toBe(0);
    expect((await third.status()).state).toBe('ok');
  });

  it('takes a new seed (the centre authorised the app again) in place of the stored pair', async () => {
    const old = api.issuePair();
    expect(await tokensFor(db, api, old).init()).toBe('seeded');
    const renewed = api.issuePair();
    const tokens = tokensFor(db, api, renewed);
    expect(await tokens.init()).toBe('seeded');
    expect(await tokens.accessToken()).toBe(renewed.accessToken);
  });

  it('reports no tokens, without crashing, when nothing was ever seeded', async () => {
    const tokens = tokensFor(db, api, {});
    expect(await tokens.init()).toBe('none');
    expect(await tokens.status()).toMatchObject({ ok: false, state: 'no_tokens' });
    await expect(tokens.accessToken()).rejects.toMatchObject({ code: 'zalo_oa:token' });
  });

  it('refreshes once when many senders of two workers hit an expired token at once', async () => {
    const seed = api.issuePair();
    expect(await tokensFor(db, api, seed).init()).toBe('seeded');
    api.expireAccessToken();
    api.oauthDelayMs = 300;
    const workers = [tokensFor(db, api, seed), tokensFor(db, api, seed)];
    const clients = workers.map((tokens) => createZaloOaClient({ apiRoot: api.root, tokens }));
    await Promise.all(Array.from({ length: 6 }, (_, i) => clients[i % 2]!.sendText(`u-${i}`, `tin ${i}`)));
    expect(api.callsOf('oauth')).toHaveLength(1);
    expect(api.reused).toBe(0);
    for (let i = 0; i < 6; i++) expect(api.sentTo(`u-${i}`)).toEqual([`tin ${i}`]);
  });
});

// Two worker processes = two connection pools on one PostgreSQL, each with its own token store and client.
describe.skipIf(!testDatabaseUrl)('Zalo OA token refresh with two workers on PostgreSQL', () => {
  let db: TestDb;
  let other: Db;
  let api: FakeZaloOaApi;

  beforeEach(async () => {
    db = await createTestDb('postgres');
    other = createPostgresDb({ connectionString: db.url!, max: 5 });
    api = await startFakeZaloOaApi({ appId: APP_ID, appSecret: APP_SECRET });
  });
  afterEach(async () => {
    await api?.close();
    await other?.close();
    await db?.close();
  });

  it('an access token past its expiry is refreshed exactly once; the waiting worker uses the stored pair', async () => {
    const seed = api.issuePair();
    const a = tokensFor(db, api, seed);
    const b = tokensFor(other, api, seed);
    // Both start together, as workers do.
    expect((await Promise.all([a.init(), b.init()])).sort()).toEqual(['seeded', 'stored']);
    // The stored token is past its expiry: both refresh ahead, at the same moment.
    await db.query(`UPDATE zalo_oa_tokens SET access_expires_at = now() - interval '1 minute'`);
    api.expireAccessToken();
    api.oauthDelayMs = 400;
    const clients = [a, b].map((tokens) => createZaloOaClient({ apiRoot: api.root, tokens }));
    await Promise.all([clients[0]!.sendText('u-a', 'từ A'), clients[1]!.sendText('u-b', 'từ B'), clients[1]!.sendText('u-c', 'từ B nữa')]);
    expect(api.callsOf('oauth')).toHaveLength(1);
    expect(api.reused).toBe(0);
    expect(api.sentTo('u-a')).toEqual(['từ A']);
    expect(api.sentTo('u-b')).toEqual(['từ B']);
    expect(api.sentTo('u-c')).toEqual(['từ B nữa']);
    const [row] = await other.query<{ access_token: string; version: number; refresh_lease_owner: string | null }>(
      `SELECT access_token, version, refresh_lease_owner FROM zalo_oa_tokens`,
    );
    expect(row).toMatchObject({ access_token: api.currentAccessToken, version: 2, refresh_lease_owner: null });
  });
});
