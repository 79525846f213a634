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

/** Sessions in the database, so several workers share them and they survive restarts. */
export function createSessionStore(db: Db, options: { timeoutMinutes: number }): SessionStore {
  const ttlMs = options.timeoutMinutes * 60_000;
  return {
    async get(chatKey, now) {
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
      if (now.getTime() - updatedAt.getTime() > ttlMs) return undefined;
      return {
        lastCode: row.last_code ?? undefined,
        lastAspects: row.last_aspects ?? [],
        lastChoices: row.last_choices ?? [],
        lastQuestion: row.last_question ?? undefined,
        lastOutcome: row.last_outcome ?? undefined,
        updatedAt,
      };
    },
    async set(chatKey, s, now) {
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
