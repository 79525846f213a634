/**
 * "Gặp cán bộ" is offered when the bot cannot help: after an unresolved answer, or a second list to choose from in a
 * row — by the answer core when officers take conversations, shown as a button on Telegram.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAnswerService } from '../../src/answer/service.js';
import { createSessionStore } from '../../src/answer/session.js';
import type { Incoming } from '../../src/channels/types.js';
import { parseCallbackData, renderTelegram } from '../../src/channels/telegram/render.js';
import { renderZalo } from '../../src/channels/zalo/render.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { all, fakeSearcher } from '../answer/fixtures.js';

describe('offering an officer', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db?.close());
  const service = (offerHandoff: boolean) =>
    createAnswerService({
      searcher: fakeSearcher(),
      catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
      sessions: createSessionStore(db, { timeoutMinutes: 30 }),
      centre: { name: 'Trung tâm' },
      logger: pino({ level: 'silent' }),
      redact: (t) => t,
      offerHandoff,
    });
  const msg = (text: string, chatId: string): Incoming => ({ channel: 'telegram', chatId, text, receivedAt: new Date() });

  it('after an unresolved answer, with a Telegram button and a typed way on Zalo', async () => {
    const r = await service(true).handle(msg('ốc vít bulông', 'o1'));
    expect(r.outcome).toBe('unresolved');
    expect(r.offerHandoff).toBe(true);
    expect(r.text).toContain('gõ /canbo');
    const keyboard = renderTelegram(r).at(-1)!.keyboard!;
    const button = keyboard.flat().find((b) => b.text.includes('Gặp cán bộ'))!;
    expect(parseCallbackData(button.callback_data)).toEqual({ type: 'handoff' });
    expect(renderZalo(r).join('\n')).toContain('/canbo');
    // Without officers (no inbox) nothing is offered.
    const off = await service(false).handle(msg('ốc vít bulông', 'o2'));
    expect(off.offerHandoff).toBeUndefined();
    expect(off.text).not.toContain('/canbo');
  });

  it('after a second list in a row, not after the first', async () => {
    const s = service(true);
    const first = await s.handle(msg('đăng ký cư trú thường trú tạm trú cần gì', 'o3'));
    expect(first.outcome).toBe('clarify');
    expect(first.offerHandoff).toBeUndefined();
    const second = await s.handle(msg('đăng ký cư trú thường trú tạm trú cần giấy tờ gì', 'o3'));
    expect(second.outcome).toBe('clarify');
    expect(second.offerHandoff).toBe(true);
  });
});
