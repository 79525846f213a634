import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeTelegramApi, type FakeTelegramApi } from '../fakes/telegram-api.js';
import { startFakeZaloApi, type FakeZaloApi } from '../fakes/zalo-api.js';
import { startStack, telegramText, until, zaloText } from './helpers.js';

/**
 * The default deployment (embedded PGlite in DATA_DIR): stop() answers what was acked, and after a restart on the
 * same data dir a redelivered Telegram update or Zalo message is not answered again. The PostgreSQL variant is in
 * faults.int.test.ts.
 */
describe('restart on the embedded database', () => {
  let dataDir: string;
  let telegram: FakeTelegramApi;
  let zalo: FakeZaloApi;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-restart-'));
    telegram = await startFakeTelegramApi();
    zalo = await startFakeZaloApi();
  });
  afterAll(async () => {
    await telegram?.close();
    await zalo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers acked updates before stopping and none twice after a restart', async () => {
    const first = await startStack({ dataDir, telegram, zalo });
    for (let i = 0; i < 10; i++) {
      expect((await first.postTelegram(telegramText(6_000 + i, 61_000 + (i % 3), 'làm giấy khai sinh cần gì'))).status).toBe(200);
      expect((await first.postZalo(zaloText(`r-${i}`, `rz-${i % 3}`, 'làm giấy khai sinh cần gì'))).status).toBe(200);
    }
    await first.stop();
    // Exactly ten answers on each channel (an answer may be sent in several parts; its first part names it).
    const answers = (calls: { payload: Record<string, unknown> }[]) => calls.filter((c) => /^(<b>)?Đăng ký khai sinh\b.*1\.001193/.test(String(c.payload.text))).length;
    expect(answers(telegram.callsOf('sendMessage'))).toBe(10);
    expect(answers(zalo.callsOf('sendMessage'))).toBe(10);
    const tgBefore = telegram.callsOf('sendMessage').length;
    const zBefore = zalo.callsOf('sendMessage').length;

    const second = await startStack({ dataDir, telegram, zalo });
    try {
      // Redeliveries of what the first process handled, then one new message on each channel.
      expect((await second.postTelegram(telegramText(6_009, 61_000, 'làm giấy khai sinh cần gì'))).status).toBe(200);
      expect((await second.postZalo(zaloText('r-9', 'rz-0', 'làm giấy khai sinh cần gì'))).status).toBe(200);
      expect((await second.postTelegram(telegramText(6_010, 61_000, 'xin chào'))).status).toBe(200);
      expect((await second.postZalo(zaloText('r-10', 'rz-0', 'xin chào'))).status).toBe(200);
      await until(() => telegram.callsOf('sendMessage').length > tgBefore && zalo.callsOf('sendMessage').length > zBefore, 'the new messages to be answered');
      await second.stop();
      expect(telegram.callsOf('sendMessage').length - tgBefore).toBe(1);
      expect(zalo.callsOf('sendMessage').length - zBefore).toBe(1);
    } finally {
      await second.stop();
    }
    // Two start-ups on an on-disk PGlite, the first importing and indexing the shipped catalog with the province's list.
  }, 120_000);
});
