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

  it('concurrent deliveries (one statement) get the verdicts they would get one by one', async () => {
    const s = store();
    const admits = await Promise.all([
      s.admit('telegram', 'burst-1', 'user-d', limit),
      s.admit('telegram', 'burst-2', 'user-e', limit),
      s.admit('telegram', 'burst-3', 'user-d', limit),
      s.admit('telegram', 'burst-1', 'user-d', limit), // a redelivery inside the same batch
      s.admit('telegram', 'burst-4', 'user-d', limit),
      s.admit('telegram', 'burst-5', undefined, limit),
      s.admit('telegram', 'burst-6', 'user-d', limit),
      s.admit('zalo', 'burst-1', 'user-d', limit), // another channel: its own delivery and its own count
    ]);
    expect(admits).toEqual([
      { fresh: true, allowed: true, firstRefusal: false },
      { fresh: true, allowed: true, firstRefusal: false },
      { fresh: true, allowed: true, firstRefusal: false },
      { fresh: false, allowed: true, firstRefusal: false },
      { fresh: true, allowed: false, firstRefusal: true },
      { fresh: true, allowed: true, firstRefusal: false },
      { fresh: true, allowed: false, firstRefusal: false },
      { fresh: true, allowed: true, firstRefusal: false },
    ]);
    // The stored counts continue from the batch: user-d has had 4 counted messages on telegram.
    const [row] = await db.query<{ hits: number }>(`SELECT hits FROM channel_rate_limits WHERE channel = 'telegram' AND user_key = 'user-d'`);
    expect(Number(row!.hits)).toBe(4);
    expect(await s.admit('telegram', 'burst-3', 'user-d', limit)).toMatchObject({ fresh: false });
  });

  it('many concurrent deliveries of the same update: exactly one is fresh, and it is counted once', async () => {
    const s = store();
    const admits = await Promise.all(Array.from({ length: 30 }, () => s.admit('telegram', 'same-update', 'user-f', { limit: 100, windowMs: 60_000 })));
    expect(admits.filter((a) => a.fresh)).toHaveLength(1);
    const [row] = await db.query<{ hits: number }>(`SELECT hits FROM channel_rate_limits WHERE user_key = 'user-f'`);
    expect(Number(row!.hits)).toBe(1);
  });

  it('two stores on one database (two workers) racing for the same deliveries: each is fresh exactly once', async () => {
    const a = store();
    const b = store();
    const ids = Array.from({ length: 40 }, (_, i) => `race2-${i}`);
    const results = await Promise.all(ids.flatMap((id, i) => [a.admit('telegram', id, `u${i % 5}`, limit), b.admit('telegram', id, `u${i % 5}`, limit)]));
    for (let i = 0; i < ids.length; i++) expect([results[2 * i]!.fresh, results[2 * i + 1]!.fresh].filter(Boolean)).toHaveLength(1);
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
