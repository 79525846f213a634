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

  it('rejects a short admin token', () => {
    expect(() => parseConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN: expected at least 16 characters/);
  });
});
