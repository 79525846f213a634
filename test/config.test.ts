import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

describe('parseConfig', () => {
  it('runs with nothing configured', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('./data');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.TELEGRAM_MODE).toBe('webhook');
    expect(c.ZALO_API_ROOT).toBe('https://bot-api.zaloplatforms.com');
  });

  it('treats empty strings as unset', () => {
    const c = parseConfig({ PORT: '', DATABASE_URL: '', TELEGRAM_BOT_TOKEN: '' });
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('names the bad key and what is expected, without echoing the value', () => {
    try {
      parseConfig({ PORT: 'abc', DATABASE_URL: 'mysql://secret-host/x', TELEGRAM_MODE: 'carrier-pigeon' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT: expected an integer between 0 and 65535/);
      expect(msg).toMatch(/DATABASE_URL: expected a postgres/);
      expect(msg).toMatch(/TELEGRAM_MODE: expected one of webhook, polling/);
      expect(msg).not.toContain('secret-host');
    }
  });

  it('requires a webhook secret when a Telegram token is set in webhook mode', () => {
    expect(() => parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'polling' }).TELEGRAM_MODE).toBe('polling');
  });

  it('rejects secrets shorter than 32 characters, naming the key and never echoing the value', () => {
    const short = 'a-31-character-secret-012345678';
    expect(short).toHaveLength(31);
    for (const [key, extra] of [
      ['ADMIN_TOKEN', {}],
      ['HASH_SECRET', {}],
      ['TELEGRAM_WEBHOOK_SECRET', { TELEGRAM_BOT_TOKEN: '123:abc' }],
      ['ZALO_WEBHOOK_SECRET', { ZALO_BOT_TOKEN: 'zalo-token' }],
    ] as const) {
      let message = '';
      try {
        parseConfig({ ...extra, [key]: short });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, key).toMatch(new RegExp(`${key}: expected (at least )?32`));
      expect(message, key).not.toContain(short);
      expect(() => parseConfig({ ...extra, [key]: `${short}9` }), key).not.toThrow();
    }
  });

  it('reads TRUSTED_PROXIES as addresses and CIDRs, and RETENTION_DAYS with a default of 180', () => {
    expect(parseConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1 ,::1' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(parseConfig({}).TRUSTED_PROXIES).toEqual([]);
    expect(() => parseConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => parseConfig({ TRUSTED_PROXIES: 'proxy.example' })).toThrow(/TRUSTED_PROXIES/);
    expect(parseConfig({}).RETENTION_DAYS).toBe(180);
    expect(parseConfig({ RETENTION_DAYS: '30' }).RETENTION_DAYS).toBe(30);
    expect(() => parseConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
  });
});
