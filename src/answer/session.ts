import type { Db } from '../db/db.js';
import type { Choice, Outcome } from '../channels/types.js';
import type { Aspect } from './understand.js';

export interface ChatSession {
  lastCode?: string;
  lastAspects: Aspect[];
  lastChoices: Choice[];
  /** Redacted text of the last question. */
  lastQuestion?: string;
  lastOutcome?: Outcome;
  updatedAt: Date;
}

export interface SessionStore {
  /** The chat's session, or undefined when there is none or it timed out. */
  get(chatKey: string, now: Date): Promise<ChatSession | undefined>;
  set(chatKey: string, session: Omit<ChatSession, 'updatedAt'>, now: Date): Promise<void>;
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
  const recent = new Map<string, ChatSession | null>();
  const remember = (chatKey: string, s: ChatSession | null) => {
    if (size <= 0) return;
    recent.delete(chatKey);
    recent.set(chatKey, s);
    if (recent.size > size) recent.delete(recent.keys().next().value!);
  };
  return {
    async get(chatKey, now) {
      let s = recent.get(chatKey);
      if (s === undefined) {
        s = (await stored.get(chatKey)) ?? null;
        remember(chatKey, s);
      }
      return s && now.getTime() - s.updatedAt.getTime() <= ttlMs ? s : undefined;
    },
    async set(chatKey, session, now) {
      // A failed write leaves the cache as the database is: forget the chat so the next read goes there.
      recent.delete(chatKey);
      await stored.set(chatKey, session, now);
      remember(chatKey, { ...session, lastAspects: [...session.lastAspects], lastChoices: [...session.lastChoices], updatedAt: now });
    },
  };
}

function createStoredSessions(db: Db) {
  return {
    async get(chatKey: string): Promise<ChatSession | undefined> {
      const [row] = await db.query<{
        last_code: string | null;
        last_aspects: Aspect[];
        last_choices: Choice[];
        last_question: string | null;
        last_outcome: Outcome | null;
        updated_at: Date;
      }>('SELECT * FROM chat_sessions WHERE chat_key = $1', [chatKey]);
      if (!row) return undefined;
      const updatedAt = new Date(row.updated_at);
      return {
        lastCode: row.last_code ?? undefined,
        lastAspects: row.last_aspects ?? [],
        lastChoices: row.last_choices ?? [],
        lastQuestion: row.last_question ?? undefined,
        lastOutcome: row.last_outcome ?? undefined,
        updatedAt,
      };
    },
    async set(chatKey: string, s: Omit<ChatSession, 'updatedAt'>, now: Date): Promise<void> {
      await db.query(
        `INSERT INTO chat_sessions (chat_key, last_code, last_aspects, last_choices, last_question, last_outcome, updated_at)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7)
         ON CONFLICT (chat_key) DO UPDATE SET last_code = $2, last_aspects = $3::jsonb, last_choices = $4::jsonb,
           last_question = $5, last_outcome = $6, updated_at = $7`,
        [chatKey, s.lastCode ?? null, JSON.stringify(s.lastAspects), JSON.stringify(s.lastChoices), s.lastQuestion ?? null, s.lastOutcome ?? null, now],
      );
    },
  };
}
