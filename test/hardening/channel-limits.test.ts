import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.js';
import { telegramTexts } from '../../src/channels/telegram/bot.js';
import { zaloTexts } from '../../src/channels/zalo/render.js';
import { startStack, telegramText, until, zaloText, type Stack } from './helpers.js';

/** Every citizen channel of the running server limits a flood from one person (20 a minute), politely. */
describe('rate limits on every channel (startServer defaults)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ db: await createTestDb() });
  }, 60_000);
  afterAll(async () => stack?.close());
  const FLOOD = 26;

  it('web chat: 20 answers, then 429 with the polite text', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < FLOOD; i++) statuses.push((await stack.chat('flood-web', 'xin chào')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });

  it('Telegram: 20 answers, then one "too fast" notice and silence', async () => {
    for (let i = 0; i < FLOOD; i++) expect((await stack.postTelegram(telegramText(3_100_000 + i, 31_001, 'xin chào'))).status).toBe(200);
    const sent = () => stack.telegram.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === 31_001);
    await until(() => sent().length >= 21, 'Telegram replies');
    await new Promise((r) => setTimeout(r, 300));
    expect(sent()).toHaveLength(21);
    expect(sent().filter((c) => c.payload.text === telegramTexts.tooFast)).toHaveLength(1);
  });

  it('Zalo: 20 answers, then one "too fast" notice and silence', async () => {
    for (let i = 0; i < FLOOD; i++) expect((await stack.postZalo(zaloText(`flood-${i}`, 'flood-zalo', 'xin chào'))).status).toBe(200);
    const sent = () => stack.zalo.callsOf('sendMessage').filter((c) => c.payload.chat_id === 'flood-zalo');
    await until(() => sent().length >= 21, 'Zalo replies');
    await new Promise((r) => setTimeout(r, 300));
    expect(sent()).toHaveLength(21);
    expect(sent().filter((c) => c.payload.text === zaloTexts.tooFast)).toHaveLength(1);
  });
});
