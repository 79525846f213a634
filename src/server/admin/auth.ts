import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../../db/db.js';

/**
 * ADMIN_TOKEN checks, admin browser sessions and the throttle on failed attempts. All comparisons are constant-time.
 *
 * Sessions are server-side and revocable: the cookie holds a random id (never the token); the store keeps only an HMAC
 * of it keyed by ADMIN_TOKEN, with its expiry. Logout deletes the row; rotating ADMIN_TOKEN ends every session (the
 * stored HMACs no longer match). In the database (admin_sessions, migration 009) when serve has one, so every worker
 * sees a logout; in memory otherwise.
 */

export const SESSION_COOKIE = 'motcua_admin';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time equality of two strings of any length (compares their SHA-256 digests). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The Authorization header's Bearer value, if it has one. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m ? m[1]!.trim() : undefined;
}

/** true when the Authorization header is `Bearer <token>` for this token. */
export function isBearerValid(header: string | undefined, token: string): boolean {
  const given = bearerOf(header);
  return given !== undefined && safeEqual(given, token);
}

export interface AdminSessionStore {
  /** A new session valid until `expiresAt`, for a named staff account when given; returns the cookie value. */
  create(token: string, expiresAt: Date, staff?: string): Promise<string>;
  /** Whether the cookie value names a live session for this token. */
  isValid(value: string | undefined, token: string, now: Date): Promise<boolean>;
  /** The live session's staff account name (null: logged in with ADMIN_TOKEN); undefined when there is none. */
  staffOf(value: string | undefined, token: string, now: Date): Promise<string | null | undefined>;
  /** Ends the session (logout). Unknown values are ignored. */
  revoke(value: string | undefined, token: string): Promise<void>;
}

const COOKIE_VALUE = /^v2\.([A-Za-z0-9_-]{43})$/;
const idHash = (token: string, id: string) => createHmac('sha256', token).update(`motcua-admin-session:v2:${id}`).digest('hex');
const newId = () => randomBytes(32).toString('base64url');

/** Sessions in admin_sessions: shared by every worker on the database. */
export function createDbAdminSessions(db: Queryable): AdminSessionStore {
  return {
    async create(token, expiresAt, staff) {
      const id = newId();
      await db.query(`INSERT INTO admin_sessions (id_hash, expires_at, staff) VALUES ($1, $2::timestamptz, $3)`, [idHash(token, id), expiresAt.toISOString(), staff ?? null]);
      return `v2.${id}`;
    },
    async staffOf(value, token, now) {
      const m = COOKIE_VALUE.exec(value ?? '');
      if (!m) return undefined;
      const [row] = await db.query<{ staff: string | null }>(`SELECT staff FROM admin_sessions WHERE id_hash = $1 AND expires_at > $2::timestamptz`, [idHash(token, m[1]!), now.toISOString()]);
      return row ? row.staff : undefined;
    },
    async isValid(value, token, now) {
      const m = COOKIE_VALUE.exec(value ?? '');
      if (!m) return false;
      // The lookup is by the HMAC of the id: the id itself is never compared or stored.
      const rows = await db.query(`SELECT 1 FROM admin_sessions WHERE id_hash = $1 AND expires_at > $2::timestamptz`, [idHash(token, m[1]!), now.toISOString()]);
      return rows.length > 0;
    },
    async revoke(value, token) {
      const m = COOKIE_VALUE.exec(value ?? '');
      if (m) await db.query(`DELETE FROM admin_sessions WHERE id_hash = $1`, [idHash(token, m[1]!)]);
    },
  };
}

/** Sessions in this process only (no database given): a logout still ends the session at once. */
export function createMemoryAdminSessions(maxSessions = 10_000): AdminSessionStore {
  const sessions = new Map<string, number>();
  const staffBy = new Map<string, string>();
  return {
    async create(token, expiresAt, staff) {
      const id = newId();
      sessions.set(idHash(token, id), expiresAt.getTime());
      if (staff) staffBy.set(idHash(token, id), staff);
      while (sessions.size > maxSessions) {
        const oldest = sessions.keys().next().value!;
        sessions.delete(oldest);
        staffBy.delete(oldest);
      }
      return `v2.${id}`;
    },
    async staffOf(value, token, now) {
      const m = COOKIE_VALUE.exec(value ?? '');
      if (!m) return undefined;
      const exp = sessions.get(idHash(token, m[1]!));
      if (exp === undefined || !(exp > now.getTime())) return undefined;
      return staffBy.get(idHash(token, m[1]!)) ?? null;
    },
    async isValid(value, token, now) {
      const m = COOKIE_VALUE.exec(value ?? '');
      if (!m) return false;
      const exp = sessions.get(idHash(token, m[1]!));
      return exp !== undefined && exp > now.getTime();
    },
    async revoke(value, token) {
      const m = COOKIE_VALUE.exec(value ?? '');
      if (m) sessions.delete(idHash(token, m[1]!));
    },
  };
}

export interface AuthThrottle {
  /** Whether this client address has failed too often lately. */
  blocked(address: string, now?: number): boolean;
  fail(address: string, now?: number): void;
}

/**
 * Slows down guessing of ADMIN_TOKEN, per client address (the real one behind TRUSTED_PROXIES): after `max` failed
 * attempts — login form posts and wrong Bearer tokens alike, on the admin and on /health — within `windowMs`, that
 * address's attempts are refused until the window moves on. Per address, so one client cannot lock managers out;
 * the number of addresses tracked is bounded (the oldest forgotten first).
 */
export function createAuthThrottle(options: { max?: number; windowMs?: number; maxAddresses?: number } = {}): AuthThrottle {
  const max = options.max ?? 10;
  const windowMs = options.windowMs ?? 5 * 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  const failures = new Map<string, number[]>();
  const recent = (address: string, now: number) => (failures.get(address) ?? []).filter((t) => now - t < windowMs);
  return {
    blocked(address, now = Date.now()) {
      return recent(address, now).length >= max;
    },
    fail(address, now = Date.now()) {
      const list = recent(address, now);
      list.push(now);
      failures.delete(address);
      failures.set(address, list.slice(-max));
      while (failures.size > maxAddresses) failures.delete(failures.keys().next().value!);
    },
  };
}
