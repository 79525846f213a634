import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelStore } from '../../../src/channels/shared/channel-store.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb, dbBackends } from '../../helpers/db.js';

describe.each(dbBackends)('channel store on $backend', ({ backend }) => {
  let db: Db;
  let now = new Date('2026-11-25T10:00:00Z');
  const limit = { limit: 2, windowMs: 60_000 };
  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => db?.close());
  const store = () => createChannelStore(db, () => now);

  it('claims a delivery once per channel', async () => {
    const s = store();
    expect(await s.claim('telegram', '1')).toBe(true);
    expect(await s.claim('telegram', '1')).toBe(false);
    expect(await s.claim('zalo', '1')).toBe(true);
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const s = store();
    const results = await Promise.all(Array.from({ length: 10 }, () => s.claim('telegram', 'race')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('counts messages per user in fixed windows, flagging the first refusal only', async () => {
    const s = store();
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await s.hit('telegram', 'user-a', limit));
    expect(verdicts).toEqual([
      { allowed: true, firstRefusal: false },
      { allowed: true, firstRefusal: false },
      { allowed: false, firstRefusal: true },
      { allowed: false, firstRefusal: false },
    ]);
    expect(await s.hit('telegram', 'user-b', limit)).toEqual({ allowed: true, firstRefusal: false });
    now = new Date(now.getTime() + 61_000);
    expect(await s.hit('telegram', 'user-a', limit)).toEqual({ allowed: true, firstRefusal: false });
  });

  it('admits a delivery and counts it in one step; a repeat is not counted', async () => {
    const s = store();
    expect(await s.admit('telegram', 'adm-1', 'user-c', limit)).toEqual({ fresh: true, allowed: true, firstRefusal: false });
    expect(await s.admit('telegram', 'adm-1', 'user-c', limit)).toMatchObject({ fresh: false });
    expect(await s.admit('telegram', 'adm-2', 'user-c', limit)).toEqual({ fresh: true, allowed: true, firstRefusal: false });
    expect(await s.admit('telegram', 'adm-3', 'user-c', limit)).toEqual({ fresh: true, allowed: false, firstRefusal: true });
    expect(await s.admit('telegram', 'adm-4', undefined, limit)).toEqual({ fresh: true, allowed: true, firstRefusal: false });
  });

  it('prunes old deliveries only', async () => {
    const s = store();
    await s.claim('zalo', 'old');
    now = new Date(now.getTime() + 8 * 24 * 3600_000);
    await s.claim('zalo', 'new');
    expect(await s.prune(7 * 24 * 3600_000)).toBeGreaterThanOrEqual(1);
    expect(await s.claim('zalo', 'old')).toBe(true);
    expect(await s.claim('zalo', 'new')).toBe(false);
  });
});
