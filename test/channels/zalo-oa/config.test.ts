import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config.js';

const full = {
  ZALO_OA_APP_ID: '4321987654321',
  ZALO_OA_APP_SECRET: 'app-secret',
  ZALO_OA_SECRET_KEY: 'oa-secret',
  ZALO_OA_ACCESS_TOKEN: 'access',
  ZALO_OA_REFRESH_TOKEN: 'refresh',
};

function problems(env: Record<string, string>): { key: string; expected: string }[] {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('Zalo OA configuration', () => {
  it('is off with nothing set, with the documented defaults', () => {
    const c = parseConfig({});
    expect(c.ZALO_OA_APP_ID).toBeUndefined();
    expect(c.ZALO_OA_API_ROOT).toBe('https://openapi.zalo.me');
    expect(c.ZALO_OA_OAUTH_ROOT).toBe('https://oauth.zaloapp.com');
  });

  it('accepts a full set, and an app whose tokens are already stored (no seed)', () => {
    expect(parseConfig(full).ZALO_OA_APP_ID).toBe('4321987654321');
    const { ZALO_OA_ACCESS_TOKEN: _a, ZALO_OA_REFRESH_TOKEN: _r, ...noSeed } = full;
    expect(parseConfig(noSeed).ZALO_OA_REFRESH_TOKEN).toBeUndefined();
  });

  it.each([
    ['the app secret is missing', { ...full, ZALO_OA_APP_SECRET: '' }, 'ZALO_OA_APP_SECRET'],
    ['the OA secret key is missing', { ...full, ZALO_OA_SECRET_KEY: ' ' }, 'ZALO_OA_SECRET_KEY'],
    ['an access token comes without a refresh token', { ...full, ZALO_OA_REFRESH_TOKEN: '' }, 'ZALO_OA_REFRESH_TOKEN'],
    ['OA keys are set without an app id', { ZALO_OA_SECRET_KEY: 'oa-secret' }, 'ZALO_OA_APP_ID'],
    ['the app id is not numeric', { ...full, ZALO_OA_APP_ID: 'my-app' }, 'ZALO_OA_APP_ID'],
    ['the API root is not a URL', { ...full, ZALO_OA_API_ROOT: 'openapi.zalo.me' }, 'ZALO_OA_API_ROOT'],
  ])('stops start-up naming the key when %s', (_l, env, key) => {
    const found = problems(env as Record<string, string>);
    expect(found.map((p) => p.key)).toContain(key);
    // Values are never echoed: they may be secrets.
    expect(JSON.stringify(found)).not.toMatch(/app-secret|oa-secret|"access"|"refresh"/);
  });
});
