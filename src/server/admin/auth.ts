import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * ADMIN_TOKEN checks. The browser session cookie holds an expiry and an HMAC keyed by the token — never the token —
 * so a leaked cookie stops working at its expiry or when the token is rotated. All comparisons are constant-time.
 */

export const SESSION_COOKIE = 'motcua_admin';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time equality of two strings of any length (compares their SHA-256 digests). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** true when the Authorization header is `Bearer <token>` for this token. */
export function isBearerValid(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return Boolean(m) && safeEqual(m![1]!.trim(), token);
}

const mac = (token: string, exp: number) => createHmac('sha256', token).update(`motcua-admin-session:v1:${exp}`).digest('base64url');

/** A cookie value valid until `now + ttl`. */
export function createSessionValue(token: string, nowMs = Date.now(), ttlSeconds = SESSION_TTL_SECONDS): string {
  const exp = Math.floor(nowMs / 1000) + ttlSeconds;
  return `v1.${exp}.${mac(token, exp)}`;
}

export function isSessionValid(value: string | undefined, token: string, nowMs = Date.now()): boolean {
  const m = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!m) return false;
  const exp = Number(m[1]);
  if (!(exp * 1000 > nowMs)) return false;
  return safeEqual(m[2]!, mac(token, exp));
}

/**
 * Slows down guessing: after `max` failed logins within `windowMs`, further attempts are refused until the window
 * moves on. One budget for the process — the token is long, so this only has to make online guessing pointless.
 */
export function createLoginThrottle(max = 10, windowMs = 5 * 60_000) {
  let failures: number[] = [];
  const prune = (now: number) => {
    failures = failures.filter((t) => now - t < windowMs);
  };
  return {
    blocked(now = Date.now()) {
      prune(now);
      return failures.length >= max;
    },
    fail(now = Date.now()) {
      prune(now);
      failures.push(now);
    },
    reset() {
      failures = [];
    },
  };
}
