import type { Db } from '../db/db.js';
import type { Choice, Outcome } from '../core/types.js';
import type { Aspect } from './understand.js';
import { batchesInFlight, groupCommit } from '../db/group-commit.js';
import { Lru } from '../lru.js';

export interface ChatSession {
  lastCode?: string;
  lastAspects: Aspect[];
  lastChoices: Choice[];
  /** Redacted text of the last question. */
  lastQuestion?: string;
  lastOutcome?: Outcome;
  /** A question the bot asked and waits for an answer to: 'erase' after /xoadulieu (confirm with "đồng ý"). */
  pending?: 'erase';
  updatedAt: Date;
}

export interface SessionStore {
  /** The chat's session, or undefined when there is none or it timed out. */
  get(chatKey: string, now: Date): Promise<ChatSession | undefined>;
  set(chatKey: string, session: Omit<ChatSession, 'updatedAt'>, now: Date): Promise<void>;
  /** Forgets a chat's session (a citizen's deletion): the database row and anything cached. */
  delete?(chatKey: string): Promise<void>;
}

export interface SessionStoreOptions {
  timeoutMinutes: number;
  /**
   * Keep the sessions of up to this many recent chats in memory, written through to the database. Only correct when
   * this process is the database's sole writer: the embedded PGlite (one process per data directory). With
   * PostgreSQL and several workers every read goes to the database. Default: on for PGlite, off otherwise.
   */
  cacheSize?: number;
}

/** Sessions in the database, so several workers share them and they survive restarts. */
export function createSessionStore(db: Db, options: SessionStoreOptions): SessionStore {
  const ttlMs = options.timeoutMinutes * 60_000;
  const stored = createStoredSessions(db);
  const size = options.cacheSize ?? (db.kind === 'pglite' ? 5000 : 0);
  // null: known to have no session. Entries are replaced, never mutated, so handing them out is safe. With size 0
  // nothing stays: every read goes to the database.
  const recent = new Lru<string, ChatSession | null>(size);
  return {
    async get(chatKey, now) {
      let s = recent.get(chatKey);
      if (s === undefined) {
        s = (await stored.get(chatKey)) ?? null;
        recent.set(chatKey, s);
      }
      return s && now.getTime() - s.updatedAt.getTime() <= ttlMs ? s : undefined;
    },
    async set(chatKey, session, now) {
      // A failed write leaves the cache as the database is: forget the chat so the next read goes there.
      recent.delete(chatKey);
      await stored.set(chatKey, session, now);
      recent.set(chatKey, { ...session, lastAspects: [...session.lastAspects], lastChoices: [...session.lastChoices], updatedAt: now });
    },
    async delete(chatKey) {
      recent.delete(chatKey);
      await db.query(`DELETE FROM chat_sessions WHERE chat_key = $1`, [chatKey]);
      recent.delete(chatKey);
    },
  };
}

type SessionRow = {
  chat_key: string;
  last_code: string | null;
  last_aspects: Aspect[];
  last_choices: Choice[];
  last_question: string | null;
  last_outcome: Outcome | null;
  pending: string | null;
  updated_at: Date;
};

interface SessionWrite {
  chatKey: string;
  session: Omit<ChatSession, 'updatedAt'>;
  now: Date;
}

/**
 * Reads and writes of concurrent chats share one statement each (group commit): a burst of messages from many chats
 * costs a few multi-row statements instead of one round trip per message.
 */
function createStoredSessions(db: Db) {
  const parallel = batchesInFlight(db);
  const read = groupCommit<string, ChatSession | undefined>(async (keys) => {
    const rows = await db.query<SessionRow>('SELECT * FROM chat_sessions WHERE chat_key = ANY($1::text[])', [[...new Set(keys)]]);
    const byKey = new Map(rows.map((r) => [r.chat_key, r]));
    return keys.map((k) => {
      const row = byKey.get(k);
      if (!row) return undefined;
      return {
        lastCode: row.last_code ?? undefined,
        lastAspects: row.last_aspects ?? [],
        lastChoices: row.last_choices ?? [],
        lastQuestion: row.last_question ?? undefined,
        lastOutcome: row.last_outcome ?? undefined,
        ...(row.pending === 'erase' ? { pending: 'erase' as const } : {}),
        updatedAt: new Date(row.updated_at),
      };
    });
  }, { parallel });
  const write = groupCommit<SessionWrite, void>(async (items) => {
    // One row per chat (the last write wins, as it would have one statement later), in key order so that two workers'
    // batches lock rows in the same order.
    const last = new Map<string, SessionWrite>();
    for (const it of items) last.set(it.chatKey, it);
    const rows = [...last.values()].sort((a, b) => (a.chatKey < b.chatKey ? -1 : a.chatKey > b.chatKey ? 1 : 0));
    await db.query(
      `INSERT INTO chat_sessions (chat_key, last_code, last_aspects, last_choices, last_question, last_outcome, pending, updated_at)
       SELECT k, c, a::jsonb, ch::jsonb, q, o, p, t::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS u(k, c, a, ch, q, o, t, p, n)
       ORDER BY n
       ON CONFLICT (chat_key) DO UPDATE SET last_code = EXCLUDED.last_code, last_aspects = EXCLUDED.last_aspects,
         last_choices = EXCLUDED.last_choices, last_question = EXCLUDED.last_question, last_outcome = EXCLUDED.last_outcome,
         pending = EXCLUDED.pending, updated_at = EXCLUDED.updated_at`,
      [
        rows.map((r) => r.chatKey),
        rows.map((r) => r.session.lastCode ?? null),
        rows.map((r) => JSON.stringify(r.session.lastAspects)),
        rows.map((r) => JSON.stringify(r.session.lastChoices)),
        rows.map((r) => r.session.lastQuestion ?? null),
        rows.map((r) => r.session.lastOutcome ?? null),
        rows.map((r) => r.now.toISOString()),
        rows.map((r) => r.session.pending ?? null),
      ],
    );
    return items.map(() => undefined);
  }, { parallel });
  return {
    get: (chatKey: string): Promise<ChatSession | undefined> => read(chatKey),
    set: (chatKey: string, session: Omit<ChatSession, 'updatedAt'>, now: Date): Promise<void> => write({ chatKey, session, now }),
  };
}
