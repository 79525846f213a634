/** Zalo OA webhook events as Zalo sends them, and their X-ZEvent-Signature, for tests. */
import { createHash } from 'node:crypto';

export const APP_ID = '4321987654321';
export const APP_SECRET = 'app-secret-for-oauth';
export const OA_SECRET = 'oa-secret-key-that-signs';
export const OA_ID = '579745863508352884';

let clock = 1_733_300_000_000;

/** The channel's configuration for tests: this app's ids and secrets, the seed tokens, the fake API at `root`. */
export function oaConfig(seed: { accessToken: string; refreshToken: string }, root: string) {
  return {
    ZALO_OA_APP_ID: APP_ID,
    ZALO_OA_APP_SECRET: APP_SECRET,
    ZALO_OA_SECRET_KEY: OA_SECRET,
    ZALO_OA_ACCESS_TOKEN: seed.accessToken,
    ZALO_OA_REFRESH_TOKEN: seed.refreshToken,
    ZALO_OA_API_ROOT: root,
    ZALO_OA_OAUTH_ROOT: root,
  };
}

export function oaEvent(
  eventName: string,
  userId: string,
  over: { text?: string; msgId?: string; appId?: string; timestamp?: string } = {},
): Record<string, unknown> {
  const timestamp = over.timestamp ?? String((clock += 1000));
  const base: Record<string, unknown> = {
    app_id: over.appId ?? APP_ID,
    user_id_by_app: `app-${userId}`,
    event_name: eventName,
    timestamp,
    sender: { id: userId },
    recipient: { id: OA_ID },
  };
  if (eventName === 'follow' || eventName === 'unfollow') return { ...base, oa_id: OA_ID, follower: { id: userId }, source: 'oa_profile' };
  if (eventName === 'user_send_text') return { ...base, message: { msg_id: over.msgId ?? `msg-${timestamp}`, text: over.text ?? 'xin chào' } };
  return { ...base, message: { msg_id: over.msgId ?? `msg-${timestamp}`, attachments: [{ type: eventName.replace('user_send_', ''), payload: { url: 'https://example.invalid/x' } }] } };
}

/** sha256(app_id + raw body + timestamp + OA secret), hex, as Zalo signs. */
export function sign(raw: string, timestamp: string, secret = OA_SECRET, appId = APP_ID): string {
  return 'mac=' + createHash('sha256').update(appId + raw + timestamp + secret, 'utf8').digest('hex');
}

/** A signed request: the body as bytes, headers with the MAC over exactly those bytes. */
export function signedRequest(ev: Record<string, unknown>, opts: { signature?: string | null; raw?: string } = {}): RequestInit {
  const raw = opts.raw ?? JSON.stringify(ev);
  const sig = opts.signature === undefined ? sign(raw, String(ev.timestamp)) : opts.signature;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(sig !== null ? { 'x-zevent-signature': sig } : {}) },
    body: raw,
  };
}
