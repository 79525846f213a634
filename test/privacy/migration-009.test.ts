/**
 * Migration 009 cuts over chat references made before keyed hashes: the hash beside the raw id in subscriptions goes,
 * short-lived state keyed by old hashes is dropped, and stored history is re-keyed so that it still groups by chat but
 * can no longer be linked to an id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { loadMigrations, migrate } from '../../src/db/migrate.js';

const oldHash = (id: string) => createHash('sha256').update(`motcua:${id}`).digest('hex').slice(0, 16);

describe.each(dbBackends)('migration 009 on existing rows ($backend)', ({ backend }) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(backend, { migrate: false });
    await migrate(db, loadMigrations().filter((m) => m.name < '009'));
  });
  afterAll(async () => db?.close());

  it('drops the hash beside raw ids and short-lived state, and re-keys history under a discarded salt', async () => {
    const a = oldHash('telegram:1001');
    const b = oldHash('telegram:1002');
    for (const [i, h] of [a, a, b].entries()) {
      await db.query(`INSERT INTO interactions (record_id, at, channel, chat_hash, text, outcome) VALUES ($1, now(), 'telegram', $2, 'câu hỏi', 'answered')`, [`r${i}`, h]);
    }
    await db.query(`INSERT INTO dossier_lookups (chat_hash, code, result) VALUES ($1, 'H37-20260101-0001', 'found')`, [a]);
    await db.query(`INSERT INTO dossier_throttle (chat_hash, window_start) VALUES ($1, now())`, [a]);
    await db.query(`INSERT INTO chat_sessions (chat_key) VALUES ($1)`, [`telegram:${a}`]);
    await db.query(`INSERT INTO channel_rate_limits (channel, user_key, window_start, hits) VALUES ('telegram', $1, now(), 1)`, [oldHash('1001')]);
    await db.query(`INSERT INTO dossier_subscriptions (channel, chat_id, chat_hash, code) VALUES ('telegram', '1001', $1, 'H37-20260101-0001')`, [a]);

    await migrate(db);

    const rows = await db.query<{ record_id: string; chat_hash: string }>(`SELECT record_id, chat_hash FROM interactions ORDER BY record_id`);
    expect(rows.map((r) => r.chat_hash).some((h) => h === a || h === b)).toBe(false);
    expect(rows.every((r) => /^legacy-[0-9a-f]{64}$/.test(r.chat_hash))).toBe(true);
    expect(rows[0]!.chat_hash).toBe(rows[1]!.chat_hash); // one chat still groups together
    expect(rows[2]!.chat_hash).not.toBe(rows[0]!.chat_hash);
    const [lookup] = await db.query<{ chat_hash: string }>(`SELECT chat_hash FROM dossier_lookups`);
    expect(lookup!.chat_hash).toMatch(/^legacy-/);
    for (const table of ['dossier_throttle', 'chat_sessions', 'channel_rate_limits']) {
      expect(await db.query(`SELECT 1 FROM ${table}`), table).toHaveLength(0);
    }
    const subs = await db.query<Record<string, unknown>>(`SELECT * FROM dossier_subscriptions`);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ chat_id: '1001', code: 'H37-20260101-0001' });
    expect(Object.keys(subs[0]!)).not.toContain('chat_hash');
  });
});
