import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('STAFF_TELEGRAM_CHAT_ID', () => {
  const telegram = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'polling' };
  it('takes a group id or a public @name', () => {
    expect(parseConfig({ ...telegram, STAFF_TELEGRAM_CHAT_ID: '-1001234567890' }).STAFF_TELEGRAM_CHAT_ID).toBe('-1001234567890');
    expect(parseConfig({ ...telegram, STAFF_TELEGRAM_CHAT_ID: '@motcua_canbo' }).STAFF_TELEGRAM_CHAT_ID).toBe('@motcua_canbo');
    expect(parseConfig({ ...telegram, STAFF_TELEGRAM_CHAT_ID: '' }).STAFF_TELEGRAM_CHAT_ID).toBeUndefined();
  });
  it('names the key when the value is not a chat, or when Telegram is not configured', () => {
    const problem = (env: Record<string, string>) => {
      try {
        parseConfig(env);
      } catch (e) {
        return (e as ConfigError).problems.find((p) => p.key === 'STAFF_TELEGRAM_CHAT_ID')?.expected;
      }
      return undefined;
    };
    expect(problem({ ...telegram, STAFF_TELEGRAM_CHAT_ID: 'nhóm cán bộ' })).toContain('Telegram chat id');
    expect(problem({ STAFF_TELEGRAM_CHAT_ID: '-100123' })).toContain('needs TELEGRAM_BOT_TOKEN');
  });
});
