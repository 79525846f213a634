/**
 * Webhook authenticity for the Official Account API: `X-ZEvent-Signature: mac=<hex sha256(app_id + raw body +
 * timestamp + OA secret key)>` — a plain SHA-256 (not an HMAC) over the exact bytes received. The timestamp is the
 * event's own top-level `timestamp` field (some integrations also see it in `X-ZEvent-Timestamp`; both are tried).
 * The app id is ours from config, never the body's, so an event signed for another app cannot match.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function zaloOaMac(appId: string, rawBody: Buffer, timestamp: string, secretKey: string): string {
  return createHash('sha256').update(appId, 'utf8').update(rawBody).update(timestamp, 'utf8').update(secretKey, 'utf8').digest('hex');
}

/**
 * Reads the signed timestamp: the top-level `timestamp` of the JSON body. Nothing else in the body is looked at
 * before the signature matches; a body that is not JSON has no timestamp (and fails the check).
 */
export function bodyTimestamp(rawBody: Buffer): string | undefined {
  try {
    const v = (JSON.parse(rawBody.toString('utf8')) as { timestamp?: unknown } | null)?.timestamp;
    return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? String(v) : undefined;
  } catch {
    return undefined;
  }
}

/** Compares in constant time over equal-length digests; a missing header, secret or timestamp refuses. */
export function zaloOaSignatureMatches(input: {
  header: string | undefined;
  appId: string;
  secretKey: string | undefined;
  rawBody: Buffer;
  timestamps: (string | undefined)[];
}): boolean {
  if (!input.header || !input.secretKey) return false;
  const given = input.header.trim().replace(/^mac=/i, '').trim().toLowerCase();
  const a = createHash('sha256').update(given, 'utf8').digest();
  let ok = false;
  for (const ts of new Set(input.timestamps.filter((t): t is string => Boolean(t)))) {
    const b = createHash('sha256').update(zaloOaMac(input.appId, input.rawBody, ts, input.secretKey), 'utf8').digest();
    // No early exit: every candidate is compared.
    ok = timingSafeEqual(a, b) || ok;
  }
  return ok;
}
