/**
 * Every table that holds per-chat data, in one list, with how a citizen's deletion (/xoadulieu, or staff at the desk)
 * removes a chat's rows and how retention (RETENTION_DAYS) removes old ones. A module that adds a table with per-chat
 * data adds an entry here (or passes its own list to createChatEraser/pruneExpired next to perChatTables), so that
 * neither deletion nor retention can forget it. Counts that managers' history needs may stay, stripped of text and of
 * the link to the chat.
 */
import type { Db, Queryable } from '../db/db.js';
import type { ChannelName } from '../core/types.js';
import { hashId } from '../logger.js';

/** A chat as a channel names it. */
export interface ChatRef {
  channel: ChannelName;
  chatId: string;
  /** The platform user id, when the channel has one (Telegram, Zalo). */
  userRef?: string;
}

/** The keys per-chat tables are stored under, derived once from a ChatRef (the same derivations as the answer core). */
export interface ChatKeys extends ChatRef {
  /** hashId(`${channel}:${chatId}`): interactions, dossier_lookups, handoffs … */
  chatHash: string;
  /** chat_sessions.chat_key */
  sessionKey: string;
  /** dossier_throttle keys of this chat (answer/service.ts limitKey for the chat id and the user id). */
  limitKeys: string[];
  /** channel_rate_limits.user_key (hashId of the platform user id). */
  userKeys: string[];
}

export function chatKeys(chat: ChatRef): ChatKeys {
  const chatHash = hashId(`${chat.channel}:${chat.chatId}`);
  const ids = [...new Set([chat.chatId, ...(chat.userRef ? [chat.userRef] : [])])];
  return {
    ...chat,
    chatHash,
    sessionKey: `${chat.channel}:${chatHash}`,
    limitKeys: ids.map((id) => hashId(`limit:${chat.channel}:${id}`)),
    userKeys: ids.map((id) => hashId(id)),
  };
}

export interface PerChatTable {
  /** Table name, for logs and tests. */
  table: string;
  /** What the citizen is told was deleted, e.g. "câu hỏi đã lưu" (preceded by the count). */
  label: string;
  /** Deletes the chat's rows (or strips them of text and of the chat link); returns how many. */
  erase(db: Queryable, chat: ChatKeys, now: Date): Promise<number>;
  /** Deletes (or strips) rows older than `before`; returns how many. */
  prune(db: Queryable, before: Date): Promise<number>;
}

const count = async (db: Queryable, sql: string, params: unknown[]) => (await db.query(`${sql} RETURNING 1`, params)).length;
const iso = (d: Date) => d.toISOString();
/** Limits that are still counting stay until they run out: deleting them would let a guesser reset a cool-down. */
const LIMIT_IN_USE_MS = 60 * 60_000;

export const perChatTables: readonly PerChatTable[] = [
  {
    table: 'interactions',
    label: 'câu hỏi và góp ý đã lưu',
    // The row stays as a count for the managers' history (procedure, outcome, day), without text or chat link.
    erase: (db, chat) =>
      count(db, `UPDATE interactions SET text = '', comment = NULL, chat_hash = 'erased-' || record_id WHERE chat_hash = $1`, [chat.chatHash]),
    prune: (db, before) =>
      count(
        db,
        `UPDATE interactions SET text = '', comment = NULL, chat_hash = 'expired-' || record_id
         WHERE at < $1::timestamptz AND (text <> '' OR comment IS NOT NULL OR chat_hash NOT LIKE 'expired-%' AND chat_hash NOT LIKE 'erased-%')`,
        [iso(before)],
      ),
  },
  {
    table: 'dossier_lookups',
    label: 'lần tra cứu hồ sơ',
    // The row stays without the chat link or the code: the global not-found budget (dossier/throttle.ts) counts
    // recent results, and a guesser must not be able to lower it by deleting their own lookups.
    erase: (db, chat) =>
      count(db, `UPDATE dossier_lookups SET chat_hash = 'erased-' || id, code = '' WHERE chat_hash = $1`, [chat.chatHash]),
    prune: (db, before) => count(db, `DELETE FROM dossier_lookups WHERE at < $1::timestamptz`, [iso(before)]),
  },
  {
    table: 'dossier_subscriptions',
    label: 'hồ sơ đang theo dõi',
    erase: (db, chat) => count(db, `DELETE FROM dossier_subscriptions WHERE channel = $1 AND chat_id = $2`, [chat.channel, chat.chatId]),
    // An active subscription is still delivering; it stops (and then ages out) when the dossier closes or is unfollowed.
    prune: (db, before) => count(db, `DELETE FROM dossier_subscriptions WHERE NOT active AND updated_at < $1::timestamptz`, [iso(before)]),
  },
  {
    table: 'chat_sessions',
    label: 'phiên trò chuyện',
    erase: (db, chat) => count(db, `DELETE FROM chat_sessions WHERE chat_key = $1`, [chat.sessionKey]),
    prune: (db, before) => count(db, `DELETE FROM chat_sessions WHERE updated_at < $1::timestamptz`, [iso(before)]),
  },
  {
    table: 'dossier_throttle',
    label: 'bộ đếm giới hạn tra cứu',
    erase: (db, chat, now) =>
      count(
        db,
        `DELETE FROM dossier_throttle WHERE chat_hash = ANY($1::text[]) AND updated_at < $2::timestamptz
           AND (cooldown_until IS NULL OR cooldown_until < $3::timestamptz)`,
        [[...chat.limitKeys, chat.chatHash], iso(new Date(now.getTime() - LIMIT_IN_USE_MS)), iso(now)],
      ),
    prune: (db, before) => count(db, `DELETE FROM dossier_throttle WHERE updated_at < $1::timestamptz`, [iso(before)]),
  },
  {
    table: 'channel_rate_limits',
    label: 'bộ đếm tin nhắn',
    erase: (db, chat) =>
      count(db, `DELETE FROM channel_rate_limits WHERE channel = $1 AND user_key = ANY($2::text[])`, [chat.channel, chat.userKeys]),
    prune: (db, before) => count(db, `DELETE FROM channel_rate_limits WHERE window_start < $1::timestamptz`, [iso(before)]),
  },
  {
    // Delivery ids seen, for every channel (Telegram prunes its own after a day as well). Zalo's name the chat by
    // its hash.
    table: 'channel_updates',
    label: 'mã tin nhắn đã nhận',
    erase: (db, chat) =>
      count(db, `DELETE FROM channel_updates WHERE channel = $1 AND starts_with(update_id, $2)`, [chat.channel, `${chat.chatHash}:`]).then(
        async (n) => n + (await count(db, `DELETE FROM channel_updates WHERE channel = $1 AND starts_with(update_id, $2)`, [chat.channel, `${hashId(chat.chatId)}:`])),
      ),
    prune: (db, before) => count(db, `DELETE FROM channel_updates WHERE received_at < $1::timestamptz`, [iso(before)]),
  },
  {
    // Conversations handed to an officer (src/handoff, migration 010) and their messages (deleted with them). An open
    // one names the chat by its raw id (delivery), a finished one by the session key; never both.
    table: 'handoffs',
    label: 'cuộc trò chuyện với cán bộ',
    erase: (db, chat) =>
      count(db, `DELETE FROM handoffs WHERE chat_key = $1 OR (channel = $2 AND chat_id = $3)`, [chat.sessionKey, chat.channel, chat.chatId]),
    prune: (db, before) => count(db, `DELETE FROM handoffs WHERE status = 'closed' AND closed_at < $1::timestamptz`, [iso(before)]),
  },
  {
    // Zalo OA (channels/zalo-oa): when the user last wrote (the interaction window), by the raw OA user id.
    table: 'zalo_oa_users',
    label: 'mốc nhắn tin gần nhất trên Zalo OA',
    erase: (db, chat) => count(db, `DELETE FROM zalo_oa_users WHERE $1 = 'zalo_oa' AND user_id = $2`, [chat.channel, chat.chatId]),
    prune: (db, before) => count(db, `DELETE FROM zalo_oa_users WHERE updated_at < $1::timestamptz`, [iso(before)]),
  },
  {
    // Zalo OA notifications not delivered (outside the window), by hashId(user id).
    table: 'zalo_oa_undelivered',
    label: 'thông báo Zalo OA chưa gửi được',
    erase: (db, chat) =>
      count(db, `DELETE FROM zalo_oa_undelivered WHERE $1 = 'zalo_oa' AND user_hash = ANY($2::text[])`, [chat.channel, chat.userKeys]),
    prune: (db, before) => count(db, `DELETE FROM zalo_oa_undelivered WHERE at < $1::timestamptz`, [iso(before)]),
  },
];

export interface ErasedItem {
  table: string;
  label: string;
  count: number;
}

export interface ChatEraserDeps {
  db: Db;
  /** Default perChatTables. */
  tables?: readonly PerChatTable[];
  /** Runs first: writes what is queued for the database (the analytics recorder's flush), so nothing lands after. */
  beforeErase?: () => Promise<void>;
  /** Forgets what is cached in memory for the chat (the session cache). */
  forget?: (chat: ChatKeys) => Promise<void> | void;
  clock?: () => Date;
}

export type ChatEraser = (chat: ChatRef) => Promise<ErasedItem[]>;

/** Deletes one chat's data from every per-chat table in one transaction; returns what each table lost. */
export function createChatEraser(deps: ChatEraserDeps): ChatEraser {
  const tables = deps.tables ?? perChatTables;
  const clock = deps.clock ?? (() => new Date());
  return async (chat) => {
    await deps.beforeErase?.();
    const keys = chatKeys(chat);
    const now = clock();
    const out = await deps.db.transaction(async (tx) => {
      const items: ErasedItem[] = [];
      for (const t of tables) items.push({ table: t.table, label: t.label, count: await t.erase(tx, keys, now) });
      return items;
    });
    await deps.forget?.(keys);
    return out;
  };
}

/** "5 câu hỏi và góp ý đã lưu, 1 hồ sơ đang theo dõi" — what a deletion removed, for the citizen or the officer. */
export function describeErased(items: readonly ErasedItem[]): string {
  return items
    .filter((i) => i.count > 0)
    .map((i) => `${i.count} ${i.label}`)
    .join(', ');
}

/** Retention: applies every table's prune for rows older than `days` before `now`; returns rows affected per table. */
export async function pruneExpired(db: Queryable, now: Date, days: number, tables: readonly PerChatTable[] = perChatTables): Promise<Record<string, number>> {
  const before = new Date(now.getTime() - days * 86_400_000);
  const out: Record<string, number> = {};
  for (const t of tables) out[t.table] = await t.prune(db, before);
  out.admin_sessions = await count(db, `DELETE FROM admin_sessions WHERE expires_at < $1::timestamptz`, [iso(now)]);
  return out;
}
