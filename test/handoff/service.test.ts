/**
 * The handoff in front of a scripted answer core, on PGlite and (with DATABASE_URL) PostgreSQL: opening (cue, /canbo,
 * the button), messages routed to the officer, emergencies still answered, replies delivered once across two workers,
 * closing from either side and the 👍/👎 on it, the centre's hours and holidays, the web page's own fetch.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelSender, Incoming, Reply } from '../../src/channels/types.js';
import type { Db } from '../../src/db/db.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { createHandoffService, type HandoffService } from '../../src/handoff/service.js';
import { createHandoffStore } from '../../src/handoff/store.js';
import { createCentreHours, loadWeekHours } from '../../src/handoff/hours.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createLogger, hashId } from '../../src/logger.js';
import { createFakeAnswers, reply, type FakeAnswers } from '../channels/helpers/fake-answers.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { createChatEraser, perChatTables, pruneExpired } from '../../src/privacy/per-chat.js';

const hours = createCentreHours(loadWeekHours(), loadWorkingCalendar());
/** Monday 7 December 2026, 09:00 in Vietnam: the centre is open. */
const MONDAY_9 = new Date('2026-12-07T02:00:00Z');
/** Sunday 6 December 2026, 10:00 in Vietnam: closed until Monday 07:30. */
const SUNDAY_10 = new Date('2026-12-06T03:00:00Z');

function recordingSender(channel: ChannelSender['channel']) {
  const sent: { chatId: string; reply: Reply }[] = [];
  let failures: Error[] = [];
  return {
    sent,
    failWith(...errs: Error[]) {
      failures = errs;
    },
    sender: {
      channel,
      async send(chatId: string, r: Reply) {
        const f = failures.shift();
        if (f) throw f;
        sent.push({ chatId, reply: r });
      },
    } satisfies ChannelSender,
  };
}

const msg = (text: string, chatId = 'c1', over: Partial<Incoming> = {}): Incoming => ({ channel: 'telegram', chatId, text, receivedAt: new Date(), ...over });

describe.each(dbBackends)('handoff service ($backend)', ({ backend }) => {
  let db: TestDb;
  let clock: Date;
  let inner: FakeAnswers;
  let telegram: ReturnType<typeof recordingSender>;
  let staffLines: string[];
  let service: HandoffService;
  let answers: ReturnType<HandoffService['wrap']>;

  const build = (database: Db, senders: ChannelSender[]) =>
    createHandoffService({
      store: createHandoffStore(database),
      hours,
      centre: { name: 'Trung tâm thử nghiệm' },
      logger: createLogger({ level: 'silent' }),
      senders,
      pullChannels: ['web'],
      notifyStaff: async (line) => void staffLines.push(line),
      inboxUrl: 'https://motcua.example/admin/inbox',
      clock: () => clock,
    });

  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    await db.query('DELETE FROM handoffs');
    clock = MONDAY_9;
    inner = createFakeAnswers();
    inner.respond((i) => (/cháy/.test(i.text) ? reply({ outcome: 'emergency', text: 'Gọi ngay 114' }) : reply({ text: `Bot: ${i.text}` })));
    telegram = recordingSender('telegram');
    staffLines = [];
    service = build(db, [telegram.sender]);
    answers = service.wrap(inner);
  });

  it('opens on "tôi muốn gặp cán bộ", routes the citizen to the officer, delivers the reply, and hands back on close', async () => {
    const opened = await answers.handle(msg('Tôi muốn gặp cán bộ'));
    expect(opened.outcome).toBe('handoff');
    expect(opened.text).toContain('Cán bộ sẽ trả lời ngay tại đây');
    expect(opened.text).toContain('đang trong giờ làm việc');
    expect(inner.seen).toHaveLength(0);
    // The officers' group hears of it, without the citizen's id or words.
    expect(staffLines).toHaveLength(1);
    expect(staffLines[0]).toContain('https://motcua.example/admin/inbox');
    expect(staffLines[0]).not.toContain('c1');
    expect(staffLines[0]).not.toContain('Tôi muốn');

    const routed = await answers.handle(msg('hồ sơ đất của tôi nộp tuần trước, số 0912 345 678'));
    expect(routed.text).toBe('');
    expect(inner.seen).toHaveLength(0);

    const [h] = await service.listOpen();
    expect(h).toMatchObject({ channel: 'telegram', status: 'open' });
    expect(h!.messages.map((m) => m.from)).toEqual(['citizen', 'bot', 'citizen']);
    expect(h!.messages[2]!.text).toContain('0912 345 678');
    expect(h!.waitingSince).toEqual(MONDAY_9);

    clock = new Date(MONDAY_9.getTime() + 5 * 60_000);
    await service.reply(h!.id, 'Chào anh, tôi đã xem hồ sơ.');
    expect(telegram.sent).toEqual([{ chatId: 'c1', reply: expect.objectContaining({ text: 'Cán bộ Trung tâm:\nChào anh, tôi đã xem hồ sơ.' }) }]);
    const afterReply = (await service.listOpen())[0]!;
    expect(afterReply.waitingSince).toBeUndefined();
    expect(afterReply.messages.at(-1)).toMatchObject({ from: 'staff', delivery: 'sent' });

    expect(await service.close(h!.id)).toBe(true);
    expect(telegram.sent.at(-1)!.reply).toMatchObject({ feedback: true, text: expect.stringContaining('Cán bộ đã kết thúc') });
    expect(await service.listOpen()).toEqual([]);
    expect(await service.close(h!.id)).toBe(false);

    // The 👍 goes to the handoff, then the bot answers questions again.
    const rated = await answers.handle(msg('', 'c1', { action: { type: 'feedback', value: 'up' } }));
    expect(rated.text).toContain('Cảm ơn anh/chị đã đánh giá');
    const [row] = await db.query<{ rating: string; chat_id: string | null; chat_key: string | null }>('SELECT rating, chat_id, chat_key FROM handoffs');
    // The raw id is gone once the closing is done; only the chat key (a hash) remains for deletion and retention.
    expect(row).toEqual({ rating: 'up', chat_id: null, chat_key: `telegram:${hashId('telegram:c1')}` });
    const again = await answers.handle(msg('đăng ký khai sinh cần gì'));
    expect(again.text).toBe('Bot: đăng ký khai sinh cần gì');
  });

  it('"kết thúc" and /bot return to the bot with a 👍/👎 offer; a later question is the bot\'s', async () => {
    await answers.handle(msg('/canbo', 'c2', { command: { name: 'canbo', args: '' } }));
    const ended = await answers.handle(msg('kết thúc ạ', 'c2'));
    expect(ended).toMatchObject({ outcome: 'handoff', feedback: true, text: expect.stringContaining('Đã kết thúc') });
    expect((await answers.handle(msg('lệ phí kết hôn', 'c2'))).text).toBe('Bot: lệ phí kết hôn');

    await answers.handle(msg('', 'c3', { action: { type: 'handoff' } }));
    expect((await service.listOpen()).map((h) => h.messages[0]!.text)).toEqual(['(bấm nút: Gặp cán bộ)']);
    const bot = await answers.handle(msg('/bot', 'c3', { command: { name: 'bot', args: '' } }));
    expect(bot.text).toContain('Đã kết thúc');
    // Deleting one's data during a handoff ends it and goes to the core, which asks for the confirmation.
    await answers.handle(msg('gặp cán bộ', 'c11'));
    const erase = await answers.handle(msg('/xoadulieu', 'c11', { command: { name: 'xoadulieu', args: '' } }));
    expect(erase.text).toBe('Bot: /xoadulieu');
    expect((await answers.handle(msg('đồng ý', 'c11'))).text).toBe('Bot: đồng ý');
    // "kết thúc" inside a sentence, with no handoff, is an ordinary question.
    expect((await answers.handle(msg('thủ tục kết thúc khi nào', 'c3'))).text).toBe('Bot: thủ tục kết thúc khi nào');
  });

  it('answers an emergency with the core even during a handoff, and the officer sees both', async () => {
    await answers.handle(msg('cho tôi nói chuyện với người thật', 'c4'));
    const r = await answers.handle(msg('cứu với, nhà tôi đang cháy', 'c4'));
    expect(r).toMatchObject({ outcome: 'emergency', text: 'Gọi ngay 114' });
    const [h] = await service.listOpen();
    expect(h!.messages.slice(-2).map((m) => [m.from, m.text])).toEqual([
      ['citizen', 'cứu với, nhà tôi đang cháy'],
      ['bot', 'Gọi ngay 114'],
    ]);
  });

  it('lets the bot answer when the handoff state cannot be read, and answers politely when opening fails', async () => {
    const real = createHandoffStore(db);
    const make = (over: Partial<typeof real>) =>
      createHandoffService({ store: { ...real, ...over }, hours, centre: { name: 'T' }, logger: createLogger({ level: 'silent' }), senders: [] }).wrap(inner);
    const down = make({ current: async () => Promise.reject(new Error('connection refused')) });
    expect((await down.handle(msg('gặp cán bộ', 'c20'))).text).toBe('Bot: gặp cán bộ');
    const broken = make({ open: async () => Promise.reject(new Error('disk full')) });
    expect(await broken.handle(msg('gặp cán bộ', 'c21'))).toMatchObject({ outcome: 'error', text: expect.stringContaining('Xin lỗi') });
  });

  it('reads many chats at once right (their lookups share statements)', async () => {
    const chats = Array.from({ length: 24 }, (_, i) => `burst-${i}`);
    await Promise.all(chats.filter((_, i) => i % 2 === 0).map((c) => answers.handle(msg('gặp cán bộ', c))));
    const replies = await Promise.all(chats.map((c) => answers.handle(msg('lệ phí bao nhiêu', c))));
    // Chats with an officer are silent, the others get the bot.
    expect(replies.map((r) => r.text)).toEqual(chats.map((_, i) => (i % 2 === 0 ? '' : 'Bot: lệ phí bao nhiêu')));
  });

  it('closes a handoff nobody wrote in for a week; the chat\'s next message is the bot\'s', async () => {
    await answers.handle(msg('gặp cán bộ', 'c30'));
    clock = new Date(MONDAY_9.getTime() + 6 * 86_400_000);
    await service.tick();
    expect(await service.listOpen()).toHaveLength(1);
    clock = new Date(MONDAY_9.getTime() + 8 * 86_400_000);
    await service.tick();
    expect(await service.listOpen()).toEqual([]);
    expect(await db.query('SELECT closed_by FROM handoffs')).toEqual([{ closed_by: 'stale' }]);
    expect((await answers.handle(msg('lệ phí bao nhiêu', 'c30'))).text).toBe('Bot: lệ phí bao nhiêu');
    expect(await db.query('SELECT chat_id FROM handoffs')).toEqual([{ chat_id: null }]);
  });

  it('leaves the officers\' own group to the bot', async () => {
    const group = createHandoffService({
      store: createHandoffStore(db),
      hours,
      centre: { name: 'T' },
      logger: createLogger({ level: 'silent' }),
      senders: [],
      staffChat: { channel: 'telegram', chatId: '-100777' },
    }).wrap(inner);
    expect((await group.handle(msg('/canbo', '-100777', { command: { name: 'canbo', args: '' } }))).text).toBe('Bot: /canbo');
    expect(await service.listOpen()).toEqual([]);
  });

  it('says from when an officer answers outside hours and on a holiday', async () => {
    clock = SUNDAY_10;
    const sunday = await answers.handle(msg('gặp cán bộ', 'c5'));
    expect(sunday.text).toContain('ngoài giờ làm việc');
    expect(sunday.text).toContain('từ 07h30 thứ Hai, 07/12/2026');
    // 1 January 2027 is a Friday and Tết Dương lịch: the next hours are Saturday morning's.
    clock = new Date('2027-01-01T02:00:00Z');
    const holiday = await answers.handle(msg('gặp cán bộ', 'c6'));
    expect(holiday.text).toContain('từ 07h30 thứ Bảy, 02/01/2027');
    // Asking again while waiting says it is already with an officer.
    expect((await answers.handle(msg('/canbo', 'c6', { command: { name: 'canbo', args: '' } }))).text).toContain('đang chờ cán bộ');
    expect(staffLines).toHaveLength(2);
  });

  it('marks a reply the platform refuses as undeliverable, and retries one that failed on the network', async () => {
    await answers.handle(msg('gặp nhân viên', 'c7'));
    const [h] = await service.listOpen();
    telegram.failWith(Object.assign(new Error('Forbidden'), { error_code: 403, description: 'Forbidden: bot was blocked by the user' }));
    await service.reply(h!.id, 'Anh còn cần hỗ trợ không?');
    let last = (await service.listOpen())[0]!.messages.at(-1)!;
    expect(last).toMatchObject({ delivery: 'failed', deliveryError: '403 Forbidden: bot was blocked by the user' });

    telegram.failWith(Object.assign(new Error('socket hang up'), { name: 'HttpError' }));
    await service.reply(h!.id, 'Lần hai');
    last = (await service.listOpen())[0]!.messages.at(-1)!;
    expect(last.delivery).toBe('pending');
    // The lease keeps another round off it until it runs out.
    expect(await service.tick()).toBe(0);
    await db.query(`UPDATE handoff_messages SET claimed_until = now() - interval '1 second' WHERE delivery = 'pending'`);
    expect(await service.tick()).toBe(1);
    expect(telegram.sent.at(-1)!.reply.text).toContain('Lần hai');
  });

  it('hands the web page its messages once, and tells it when the officer is gone', async () => {
    const web = (text: string, over: Partial<Incoming> = {}) => msg(text, 'web-abc', { channel: 'web', ...over });
    await answers.handle(web('cho tôi hỏi nhân viên'));
    expect(await service.take('web', 'web-abc')).toEqual({ open: true, messages: [] });
    const [h] = await service.listOpen();
    await service.reply(h!.id, 'Xin chào, tôi là cán bộ tiếp nhận.');
    expect(telegram.sent).toHaveLength(0);
    const first = await service.take('web', 'web-abc');
    expect(first.messages).toEqual([expect.objectContaining({ from: 'staff', text: 'Cán bộ Trung tâm:\nXin chào, tôi là cán bộ tiếp nhận.', feedback: false })]);
    expect((await service.take('web', 'web-abc')).messages).toEqual([]);
    await service.close(h!.id);
    expect(await service.take('web', 'web-abc')).toEqual({ open: false, messages: [expect.objectContaining({ from: 'bot', feedback: true })] });
    expect(await service.take('web', 'someone-else')).toEqual({ open: false, messages: [] });
  });

  it('sends a reply posted on one worker once, with two workers delivering at the same time', async () => {
    const other = backend === 'postgres' ? createPostgresDb({ connectionString: db.url!, max: 3 }) : db;
    try {
      const telegramB = recordingSender('telegram');
      const workerB = build(other, [telegramB.sender]);
      await answers.handle(msg('gặp cán bộ', 'c8'));
      const [h] = await service.listOpen();
      const replies = Array.from({ length: 5 }, (_, i) => `Trả lời ${i + 1}`);
      await Promise.all([
        ...replies.map((t) => service.reply(h!.id, t)),
        workerB.tick(),
        service.tick(),
        workerB.tick(),
        workerB.tick(),
      ]);
      await Promise.all([service.tick(), workerB.tick()]);
      const all = [...telegram.sent, ...telegramB.sent].map((s) => s.reply.text).sort();
      expect(all).toEqual(replies.map((t) => `Cán bộ Trung tâm:\n${t}`).sort());
      // Two workers reading the web page's messages at once hand each out once.
      await answers.handle(msg('gặp cán bộ', 'web-2', { channel: 'web' }));
      const web = (await service.listOpen()).find((x) => x.channel === 'web')!;
      for (const t of replies) await service.reply(web.id, t);
      const taken = await Promise.all([service.take('web', 'web-2'), workerB.take('web', 'web-2'), service.take('web', 'web-2')]);
      expect(taken.flatMap((t) => t.messages).map((m) => m.text).sort()).toEqual(replies.map((t) => `Cán bộ Trung tâm:\n${t}`).sort());
    } finally {
      if (other !== db) await other.close();
    }
  });

  it('deletes a chat\'s handoffs by its key or raw id, and prunes closed ones past retention', async () => {
    const store = createHandoffStore(db);
    await answers.handle(msg('gặp cán bộ', 'c9'));
    await answers.handle(msg('gặp cán bộ', 'c10'));
    expect(await store.deleteChat('telegram:unrelated', { channel: 'telegram', chatId: 'c9' })).toBe(1);
    const [b] = await service.listOpen();
    expect(await service.close(b!.id)).toBe(true);
    await store.forget(b!.id, 'telegram:key-10');
    expect(await store.pruneOlderThan(new Date(MONDAY_9.getTime() - 1000))).toBe(0);
    expect(await store.pruneOlderThan(new Date(MONDAY_9.getTime() + 1000))).toBe(1);
    expect(await db.query('SELECT id FROM handoffs')).toEqual([]);
    expect(await db.query('SELECT id FROM handoff_messages')).toEqual([]);
  });

  it('is part of a citizen\'s deletion and of retention (src/privacy/per-chat.ts)', async () => {
    expect(perChatTables.map((t) => t.table)).toContain('handoffs');
    const erase = createChatEraser({ db, clock: () => clock });
    // One open (raw id), one finished and forgotten (chat key): both go.
    await answers.handle(msg('gặp cán bộ', 'c12'));
    await answers.handle(msg('kết thúc', 'c12'));
    await answers.handle(msg('lệ phí kết hôn', 'c12'));
    await answers.handle(msg('gặp cán bộ', 'c12'));
    await answers.handle(msg('gặp cán bộ', 'c13'));
    const items = await erase({ channel: 'telegram', chatId: 'c12' });
    expect(items.find((i) => i.table === 'handoffs')?.count).toBe(2);
    const left = await db.query<{ chat_id: string }>('SELECT chat_id FROM handoffs');
    expect(left).toEqual([{ chat_id: 'c13' }]);
    const [other] = await service.listOpen();
    await service.close(other!.id);
    const pruned = await pruneExpired(db, new Date(MONDAY_9.getTime() + 2 * 86_400_000), 1);
    expect(pruned.handoffs).toBe(1);
  });
});
