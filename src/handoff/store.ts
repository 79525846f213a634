/**
 * Handoffs in the database, shared by every worker. Raw chat ids live in `handoffs.chat_id` only while a handoff is
 * open or its closing is still being done (notice, 👍/👎); `forget` swaps the raw id for the chat key (channel + hash,
 * as chat_sessions), never storing both. Messages to the citizen are claimed before they are sent, so a reply posted
 * on one worker is sent by one worker once.
 */
import type { Db, Queryable } from '../db/db.js';
import { AppError } from '../errors.js';
import { batchesInFlight, groupCommit } from '../db/group-commit.js';

export type HandoffStatus = 'open' | 'closed';
export type MessageFrom = 'citizen' | 'bot' | 'staff';
export type Delivery = 'pending' | 'sent' | 'failed';

export interface HandoffRef {
  id: number;
  status: HandoffStatus;
  closedAt?: Date;
  rating?: 'up' | 'down';
}

export interface HandoffMessage {
  id: number;
  from: MessageFrom;
  text: string;
  kind: 'text' | 'closed';
  at: Date;
  delivery?: Delivery;
  deliveryError?: string;
}

export interface HandoffView {
  id: number;
  channel: string;
  status: HandoffStatus;
  procedureCode?: string;
  openedAt: Date;
  waitingSince?: Date;
  firstReplyAt?: Date;
  closedAt?: Date;
  messages: HandoffMessage[];
}

/** A message to a citizen, claimed for sending. */
export interface Outgoing {
  messageId: number;
  handoffId: number;
  channel: string;
  chatId: string;
  text: string;
  kind: 'text' | 'closed';
  attempts: number;
}

export interface HandoffStore {
  /** The chat's handoff that still holds its raw id (open, or closed and not yet forgotten). */
  current(channel: string, chatId: string): Promise<HandoffRef | undefined>;
  /** Opens a handoff for the chat, or returns the one already open (created: false). */
  open(input: { channel: string; chatId: string; procedureCode?: string; at: Date; context: { from: MessageFrom; text: string; at: Date }[] }): Promise<{ id: number; created: boolean }>;
  /** Records a message; a citizen's starts (or continues) the wait for an officer. */
  record(handoffId: number, from: MessageFrom, text: string, at: Date): Promise<void>;
  /** An officer's reply, queued for delivery. Throws http:not_found when there is no such open handoff. */
  staffReply(handoffId: number, text: string, at: Date): Promise<{ messageId: number; channel: string }>;
  /**
   * Closes an open handoff. With a notice, it is queued for delivery to the citizen (kind 'closed'). Returns false
   * when it was not open (already closed, or unknown).
   */
  close(handoffId: number, by: 'staff' | 'citizen' | 'stale', at: Date, notice?: { from: MessageFrom; text: string; deliver: boolean }): Promise<boolean>;
  rate(handoffId: number, value: 'up' | 'down'): Promise<void>;
  /** Drops the raw chat id for the chat key; undelivered messages are marked failed. */
  forget(handoffId: number, chatKey: string): Promise<void>;
  /** Claims up to `limit` pending messages on these channels (a lease of leaseMs); others wait for it to expire. */
  claim(channels: readonly string[], options: { limit: number; leaseMs: number; messageId?: number }): Promise<Outgoing[]>;
  markSent(messageId: number, at: Date): Promise<void>;
  /** final: no more attempts (marked failed); otherwise it stays pending for the next claim after its lease. */
  markFailed(messageId: number, error: string, final: boolean): Promise<void>;
  /** Pending messages of one chat on a channel that fetches them itself (the web page), marked sent as they are read. */
  take(channel: string, chatId: string, at: Date): Promise<{ open: boolean; messages: HandoffMessage[] }>;
  /** Open handoffs, the longest-waiting first, each with its conversation. */
  listOpen(limit?: number): Promise<HandoffView[]>;
  get(handoffId: number): Promise<HandoffView | undefined>;
  /** Audits that `staff` opened the unmasked texts of a handoff. */
  audit(handoffId: number, staff: string, at: Date): Promise<void>;
  /** Closes open handoffs with no message since `before` (closed_by 'stale'); returns how many. */
  closeStale(before: Date, at: Date): Promise<number>;
  /** Closed handoffs whose raw chat id may go: closed before `before` (the 👍/👎 window is over). */
  forgettable(before: Date): Promise<{ id: number; channel: string; chatId: string }[]>;
  /** Deletes every handoff of a chat (its chat key, or its raw id while that is kept). Returns how many. */
  deleteChat(chatKey: string, raw?: { channel: string; chatId: string }): Promise<number>;
  /** Deletes closed handoffs (and their texts) closed before `date`. Returns how many. */
  pruneOlderThan(date: Date): Promise<number>;
}

type HandoffRow = {
  id: string | number;
  channel: string;
  status: HandoffStatus;
  procedure_code: string | null;
  opened_at: Date | string;
  waiting_since: Date | string | null;
  first_reply_at: Date | string | null;
  closed_at: Date | string | null;
  rating?: string | null;
};
type MessageRow = {
  id: string | number;
  handoff_id: string | number;
  sender: MessageFrom;
  text: string;
  kind: 'text' | 'closed';
  at: Date | string;
  delivery: Delivery | null;
  delivery_error: string | null;
};

const date = (v: Date | string) => new Date(v);

function messageOf(r: MessageRow): HandoffMessage {
  return {
    id: Number(r.id),
    from: r.sender,
    text: r.text,
    kind: r.kind,
    at: date(r.at),
    ...(r.delivery ? { delivery: r.delivery } : {}),
    ...(r.delivery_error ? { deliveryError: r.delivery_error } : {}),
  };
}

export function createHandoffStore(db: Db): HandoffStore {
  async function views(rows: HandoffRow[], q: Queryable = db): Promise<HandoffView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => Number(r.id));
    const msgs = await q.query<MessageRow>(
      `SELECT id, handoff_id, sender, text, kind, at, delivery, delivery_error FROM handoff_messages
       WHERE handoff_id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
    const byHandoff = new Map<number, HandoffMessage[]>();
    for (const m of msgs) {
      const list = byHandoff.get(Number(m.handoff_id)) ?? [];
      list.push(messageOf(m));
      byHandoff.set(Number(m.handoff_id), list);
    }
    return rows.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      status: r.status,
      ...(r.procedure_code ? { procedureCode: r.procedure_code } : {}),
      openedAt: date(r.opened_at),
      ...(r.waiting_since ? { waitingSince: date(r.waiting_since) } : {}),
      ...(r.first_reply_at ? { firstReplyAt: date(r.first_reply_at) } : {}),
      ...(r.closed_at ? { closedAt: date(r.closed_at) } : {}),
      messages: byHandoff.get(Number(r.id)) ?? [],
    }));
  }

  // Every citizen message asks this: concurrent chats share one statement (group commit), as sessions do.
  const currentOf = groupCommit<{ channel: string; chatId: string }, HandoffRef | undefined>(
    async (chats) => {
      const rows = await db.query<{ id: string | number; channel: string; chat_id: string; status: HandoffStatus; closed_at: Date | null; rating: string | null }>(
        `SELECT DISTINCT ON (h.channel, h.chat_id) h.id, h.channel, h.chat_id, h.status, h.closed_at, h.rating
         FROM handoffs h JOIN unnest($1::text[], $2::text[]) AS c(channel, chat_id) ON h.channel = c.channel AND h.chat_id = c.chat_id
         ORDER BY h.channel, h.chat_id, h.id DESC`,
        [chats.map((c) => c.channel), chats.map((c) => c.chatId)],
      );
      const byChat = new Map(rows.map((r) => [`${r.channel}\u0000${r.chat_id}`, r]));
      return chats.map((c) => {
        const r = byChat.get(`${c.channel}\u0000${c.chatId}`);
        if (!r) return undefined;
        return {
          id: Number(r.id),
          status: r.status,
          ...(r.closed_at ? { closedAt: new Date(r.closed_at) } : {}),
          ...(r.rating === 'up' || r.rating === 'down' ? { rating: r.rating } : {}),
        };
      });
    },
    { parallel: batchesInFlight(db) },
  );

  const insertMessage = (q: Queryable, handoffId: number, from: MessageFrom, text: string, at: Date, extra: { kind?: string; delivery?: Delivery } = {}) =>
    q.query<{ id: string | number }>(
      `INSERT INTO handoff_messages (handoff_id, sender, text, kind, at, delivery) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [handoffId, from, text, extra.kind ?? 'text', at.toISOString(), extra.delivery ?? null],
    );

  return {
    current: (channel, chatId) => currentOf({ channel, chatId }),

    async open({ channel, chatId, procedureCode, at, context }) {
      return db.transaction(async (tx) => {
        const [made] = await tx.query<{ id: string | number }>(
          `INSERT INTO handoffs (channel, chat_id, procedure_code, opened_at, waiting_since, last_activity_at)
           VALUES ($1, $2, $3, $4, $4, $4)
           ON CONFLICT (channel, chat_id) WHERE status = 'open' DO NOTHING RETURNING id`,
          [channel, chatId, procedureCode ?? null, at.toISOString()],
        );
        if (!made) {
          const [existing] = await tx.query<{ id: string | number }>(
            `SELECT id FROM handoffs WHERE channel = $1 AND chat_id = $2 AND status = 'open'`,
            [channel, chatId],
          );
          if (!existing) throw new AppError('internal', { message: 'handoff neither created nor found' });
          return { id: Number(existing.id), created: false };
        }
        const id = Number(made.id);
        for (const m of context) await insertMessage(tx, id, m.from, m.text, m.at);
        return { id, created: true };
      });
    },

    async record(handoffId, from, text, at) {
      await insertMessage(db, handoffId, from, text, at);
      await db.query(
        from === 'citizen'
          ? `UPDATE handoffs SET waiting_since = coalesce(waiting_since, $2::timestamptz), last_activity_at = $2 WHERE id = $1`
          : `UPDATE handoffs SET last_activity_at = $2 WHERE id = $1`,
        [handoffId, at.toISOString()],
      );
    },

    async staffReply(handoffId, text, at) {
      return db.transaction(async (tx) => {
        const [h] = await tx.query<{ channel: string }>(
          `UPDATE handoffs SET first_reply_at = coalesce(first_reply_at, $2::timestamptz), waiting_since = NULL, last_activity_at = $2
           WHERE id = $1 AND status = 'open' AND chat_id IS NOT NULL RETURNING channel`,
          [handoffId, at.toISOString()],
        );
        if (!h) throw new AppError('http:not_found', { message: `no open handoff ${handoffId}` });
        const [m] = await insertMessage(tx, handoffId, 'staff', text, at, { delivery: 'pending' });
        return { messageId: Number(m!.id), channel: h.channel };
      });
    },

    async close(handoffId, by, at, notice) {
      return db.transaction(async (tx) => {
        const [h] = await tx.query(
          `UPDATE handoffs SET status = 'closed', closed_at = $2, closed_by = $3, waiting_since = NULL, last_activity_at = $2
           WHERE id = $1 AND status = 'open' RETURNING id`,
          [handoffId, at.toISOString(), by],
        );
        if (!h) return false;
        if (notice) await insertMessage(tx, handoffId, notice.from, notice.text, at, { kind: 'closed', ...(notice.deliver ? { delivery: 'pending' as const } : {}) });
        return true;
      });
    },

    async rate(handoffId, value) {
      await db.query(`UPDATE handoffs SET rating = $2 WHERE id = $1`, [handoffId, value]);
    },

    async forget(handoffId, chatKey) {
      await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE handoff_messages SET delivery = 'failed', delivery_error = coalesce(delivery_error, 'not delivered before the chat was released')
           WHERE handoff_id = $1 AND delivery = 'pending'`,
          [handoffId],
        );
        await tx.query(`UPDATE handoffs SET chat_id = NULL, chat_key = $2 WHERE id = $1 AND status = 'closed'`, [handoffId, chatKey]);
      });
    },

    async claim(channels, { limit, leaseMs, messageId }) {
      if (!channels.length) return [];
      const rows = await db.query<{ id: string | number; handoff_id: string | number; channel: string; chat_id: string; text: string; kind: 'text' | 'closed'; attempts: number }>(
        `UPDATE handoff_messages m SET claimed_until = now() + ($3::int * interval '1 millisecond'), attempts = m.attempts + 1
         FROM handoffs h
         WHERE m.handoff_id = h.id AND m.delivery = 'pending' AND (m.claimed_until IS NULL OR m.claimed_until < now())
           AND m.id IN (
             SELECT m2.id FROM handoff_messages m2 JOIN handoffs h2 ON h2.id = m2.handoff_id
             WHERE m2.delivery = 'pending' AND h2.channel = ANY($1::text[]) AND h2.chat_id IS NOT NULL
               AND (m2.claimed_until IS NULL OR m2.claimed_until < now()) AND ($4::bigint IS NULL OR m2.id = $4::bigint)
             ORDER BY m2.id LIMIT $2 FOR UPDATE OF m2 SKIP LOCKED)
         RETURNING m.id, m.handoff_id, h.channel, h.chat_id, m.text, m.kind, m.attempts`,
        [[...channels], limit, Math.round(leaseMs), messageId ?? null],
      );
      return rows
        .map((r) => ({ messageId: Number(r.id), handoffId: Number(r.handoff_id), channel: r.channel, chatId: r.chat_id, text: r.text, kind: r.kind, attempts: Number(r.attempts) }))
        .sort((a, b) => a.messageId - b.messageId);
    },

    async markSent(messageId, at) {
      await db.query(`UPDATE handoff_messages SET delivery = 'sent', delivered_at = $2, claimed_until = NULL, delivery_error = NULL WHERE id = $1`, [messageId, at.toISOString()]);
    },

    async markFailed(messageId, error, final) {
      await db.query(
        final
          ? `UPDATE handoff_messages SET delivery = 'failed', delivery_error = $2 WHERE id = $1`
          : `UPDATE handoff_messages SET delivery_error = $2 WHERE id = $1`,
        [messageId, error.slice(0, 300)],
      );
    },

    async take(channel, chatId, at) {
      const [h] = await db.query<{ id: string | number; status: HandoffStatus }>(
        `SELECT id, status FROM handoffs WHERE channel = $1 AND chat_id = $2 ORDER BY id DESC LIMIT 1`,
        [channel, chatId],
      );
      if (!h) return { open: false, messages: [] };
      const rows = await db.query<MessageRow>(
        `UPDATE handoff_messages SET delivery = 'sent', delivered_at = $2, attempts = attempts + 1
         WHERE handoff_id = $1 AND delivery = 'pending'
         RETURNING id, handoff_id, sender, text, kind, at, delivery, delivery_error`,
        [Number(h.id), at.toISOString()],
      );
      return { open: h.status === 'open', messages: rows.map(messageOf).sort((a, b) => a.id - b.id) };
    },

    async listOpen(limit = 100) {
      const rows = await db.query<HandoffRow>(
        `SELECT id, channel, status, procedure_code, opened_at, waiting_since, first_reply_at, closed_at FROM handoffs
         WHERE status = 'open' ORDER BY waiting_since ASC NULLS LAST, opened_at ASC LIMIT $1`,
        [limit],
      );
      return views(rows);
    },

    async get(handoffId) {
      const rows = await db.query<HandoffRow>(
        `SELECT id, channel, status, procedure_code, opened_at, waiting_since, first_reply_at, closed_at FROM handoffs WHERE id = $1`,
        [handoffId],
      );
      return (await views(rows))[0];
    },

    async audit(handoffId, staff, at) {
      await db.query(`INSERT INTO handoff_reveals (handoff_id, staff, at) VALUES ($1, $2, $3)`, [handoffId, staff, at.toISOString()]);
    },

    async closeStale(before, at) {
      const rows = await db.query(
        `UPDATE handoffs SET status = 'closed', closed_at = $2, closed_by = 'stale', waiting_since = NULL
         WHERE status = 'open' AND last_activity_at < $1 RETURNING id`,
        [before.toISOString(), at.toISOString()],
      );
      return rows.length;
    },

    async forgettable(before) {
      const rows = await db.query<{ id: string | number; channel: string; chat_id: string }>(
        `SELECT id, channel, chat_id FROM handoffs WHERE status = 'closed' AND chat_id IS NOT NULL AND closed_at < $1 ORDER BY id LIMIT 500`,
        [before.toISOString()],
      );
      return rows.map((r) => ({ id: Number(r.id), channel: r.channel, chatId: r.chat_id }));
    },

    async deleteChat(chatKey, raw) {
      const rows = await db.query(
        `DELETE FROM handoffs WHERE chat_key = $1 OR ($2::text IS NOT NULL AND channel = $2 AND chat_id = $3) RETURNING id`,
        [chatKey, raw?.channel ?? null, raw?.chatId ?? null],
      );
      return rows.length;
    },

    async pruneOlderThan(d) {
      const rows = await db.query(`DELETE FROM handoffs WHERE status = 'closed' AND closed_at < $1 RETURNING id`, [d.toISOString()]);
      return rows.length;
    },
  };
}
