import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of a webhook secret header. Both sides are hashed first so the comparison runs over
 * equal-length digests and leaks neither content nor length. A missing expected secret refuses everything.
 */
export function secretMatches(given: string | undefined, expected: string | undefined): boolean {
  if (!expected || given === undefined) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
