import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secretMatches } from '../../src/channels/shared/secret.js';
import { isBearerValid, safeEqual } from '../../src/server/admin/auth.js';

const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

/** Names that hold something secret: comparing them with === leaks, through timing, how much of a guess was right. */
const SECRETISH = /secret|token|apikey|api_key|password|passwd|signature|hmac|\bmac\b|cookie|session_?value|authorization/i;

describe('secret checks are constant-time everywhere', () => {
  it('no secret-looking value is compared with === / !== (or startsWith/includes) in src/', () => {
    const offences: string[] = [];
    for (const file of files(srcDir)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        for (const m of line.matchAll(/([\w.$\]\)'"`-]+)\s*[!=]==?\s*([\w.$'"`\[\(-]+)/g)) {
          const [, left, right] = m as unknown as [string, string, string];
          if (/typeof\s+$/.test(line.slice(0, m.index))) continue;
          if (/^typeof\b/.test(left) || /^['"`]|^(undefined|null|true|false|\d+)$/.test(right) && !SECRETISH.test(left)) continue;
          if (SECRETISH.test(left) || SECRETISH.test(right)) offences.push(`${relative(srcDir, file)}:${i + 1}: ${line.trim()}`);
        }
        if (/(secret|token|apiKey|signature)\.(startsWith|endsWith|includes)\(/i.test(line)) offences.push(`${relative(srcDir, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offences).toEqual([]);
  });

  it('the shared helpers compare through timingSafeEqual over digests', () => {
    for (const f of ['channels/shared/secret.ts', 'server/admin/auth.ts']) {
      expect(readFileSync(join(srcDir, f), 'utf8')).toMatch(/timingSafeEqual\(/);
    }
    // And they are right: equal only when equal, whatever the lengths.
    expect(secretMatches('abc', 'abc')).toBe(true);
    for (const wrong of ['abd', 'ab', 'abcd', '', 'ABC']) expect(secretMatches(wrong, 'abc')).toBe(false);
    expect(secretMatches(undefined, 'abc')).toBe(false);
    expect(secretMatches('abc', undefined)).toBe(false);
    expect(safeEqual('x'.repeat(40), 'x'.repeat(40))).toBe(true);
    expect(safeEqual('x'.repeat(40), 'x'.repeat(39))).toBe(false);
    expect(isBearerValid('Bearer 0123456789abcdef', '0123456789abcdef')).toBe(true);
    expect(isBearerValid('Bearer 0123456789abcdeF', '0123456789abcdef')).toBe(false);
  });
});
