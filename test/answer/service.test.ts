import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAnswerService, type DossierPort } from '../../src/answer/service.js';
import { defaultThresholds } from '../../src/answer/decide.js';
import { createSessionStore } from '../../src/answer/session.js';
import type { InteractionRecord } from '../../src/analytics/types.js';
import type { Incoming } from '../../src/channels/types.js';
import type { Searcher } from '../../src/retrieval/types.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { all, fakeSearcher } from './fixtures.js';

const centre = { name: 'Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn', hotline: '0000' };

describe.each(dbBackends)('answer service on $backend', ({ backend }) => {
  let db: TestDb;
  let records: InteractionRecord[];
  let dossierCalls: string[];
  let clock: Date;
  const dossier: DossierPort = {
    detect: (t) => /\bH37[.\w-]*\d{4}\b/i.exec(t)?.[0].toUpperCase(),
    async lookup({ code }) {
      dossierCalls.push(`lookup:${code}`);
      return { text: `Hồ sơ ${code}: đang xử lý` };
    },
    async follow({ code }) {
      dossierCalls.push(`follow:${code}`);
      return { text: `Đã theo dõi ${code}` };
    },
    async unfollow({ code }) {
      dossierCalls.push(`unfollow:${code ?? ''}`);
      return { text: 'Đã hủy theo dõi' };
    },
  };
  const service = (searcher: Searcher = fakeSearcher()) =>
    createAnswerService({
      searcher,
      catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
      sessions: createSessionStore(db, { timeoutMinutes: 30 }),
      centre,
      logger: pino({ level: 'silent' }),
      redact: (t) => t.replace(/\b0\d{9}\b/g, '[SĐT]'),
      recorder: { record: (r) => records.push(r), flush: async () => undefined },
      notesFor: (t) => (/hộ khẩu/i.test(t) ? ['Sổ hộ khẩu giấy không còn được sử dụng.'] : []),
      dossier,
      clock: () => clock,
    });
  const msg = (text: string, chatId = 'c1'): Incoming => ({ channel: 'web', chatId, text, receivedAt: clock });

  beforeAll(async () => {
    db = await createTestDb(backend);
  });
  afterAll(async () => db?.close());
  beforeEach(async () => {
    records = [];
    dossierCalls = [];
    clock = new Date('2026-11-25T08:00:00Z');
    await db.query('DELETE FROM chat_sessions');
  });

  it('answers the asked aspect with verbatim facts and a citation', async () => {
    const r = await service().handle(msg('Đăng ký khai sinh cần giấy tờ gì và lệ phí bao nhiêu?'));
    expect(r.outcome).toBe('answered');
    expect(r.citations[0]).toMatchObject({ code: '9.000001', url: 'https://example.org/khai-sinh' });
    expect(r.text).toContain('Tờ khai đăng ký khai sinh — 1 bản chính');
    expect(r.text).toContain('- Trực tiếp, Trực tuyến: Miễn lệ phí');
    expect(r.text.indexOf('Thành phần hồ sơ')).toBeLessThan(r.text.indexOf('Phí, lệ phí'));
    expect(r.text).toMatch(/Nguồn: thủ tục "Đăng ký khai sinh", mã 9\.000001/);
    expect(r.feedback).toBe(true);
  });

  it('resolves a follow-up against the last procedure', async () => {
    const s = service();
    await s.handle(msg('thủ tục đăng ký kết hôn'));
    const r = await s.handle(msg('còn lệ phí thì sao?'));
    expect(r.outcome).toBe('answered');
    expect(r.citations[0]?.code).toBe('9.000002');
    expect(r.text).toContain('Phí, lệ phí:\n- Trực tiếp: Miễn lệ phí');
  });

  it('reads only the cited procedure for a fresh question in a chat that has a last procedure', async () => {
    const reads: string[] = [];
    const s = createAnswerService({
      searcher: fakeSearcher(),
      catalog: { getProcedure: async (code) => (reads.push(code), all.find((p) => p.code === code)) },
      sessions: createSessionStore(db, { timeoutMinutes: 30 }),
      centre,
      logger: pino({ level: 'silent' }),
      redact: (t) => t,
      clock: () => clock,
    });
    await s.handle(msg('thủ tục đăng ký kết hôn'));
    reads.length = 0;
    const r = await s.handle(msg('Đăng ký khai sinh cần giấy tờ gì và lệ phí bao nhiêu?'));
    expect(r.citations[0]?.code).toBe('9.000001');
    expect(reads).toEqual(['9.000001']);
  });

  it('asks to choose when two procedures are close, and "2" picks the second', async () => {
    const s = service();
    const r = await s.handle(msg('đăng ký cư trú thường trú tạm trú cần gì'));
    expect(r.outcome).toBe('clarify');
    expect(r.choices.map((c) => c.code).sort()).toEqual(['9.000005', '9.000006']);
    const second = r.choices[1]!;
    const picked = await s.handle(msg('2'));
    expect(picked.outcome).toBe('answered');
    expect(picked.citations[0]?.code).toBe(second.code);
    expect(picked.text).toContain('Thành phần hồ sơ');
  });

  it('answers a middle-band hit that has no close rival, and asks when one is close', async () => {
    const [a, b] = [all.find((p) => p.code === '9.000005')!, all.find((p) => p.code === '9.000006')!];
    const hit = (p: typeof a, score: number) => ({ code: p.code, name: p.name, levels: p.levels, field: p.field, score });
    const fixed = (scores: [number, number], confidence: number) => ({
      search: async () => ({ results: [hit(a, scores[0]), hit(b, scores[1])], confident: false, confidence, ms: 0 }),
    });
    // No rival within closeRatio (0.8) of the top and confidence ≥ aloneMin (0.4): nothing to choose between.
    const alone = await service(fixed([0.9, 0.6], 0.45)).handle(msg('câu hỏi'));
    expect(alone.outcome).toBe('answered');
    expect(alone.citations[0]?.code).toBe(a.code);
    // The same lone hit with less confidence, and a close rival with the same confidence, both ask.
    expect((await service(fixed([0.9, 0.6], 0.35)).handle(msg('câu hỏi', 'c2'))).outcome).toBe('clarify');
    const close = await service(fixed([0.9, 0.8], 0.45)).handle(msg('câu hỏi', 'c3'));
    expect(close.outcome).toBe('clarify');
    expect(close.choices.map((c) => c.code)).toEqual([a.code, b.code]);
    expect((await service(fixed([0.9, 0.6], defaultThresholds.clarifyMin / 2)).handle(msg('câu hỏi', 'c4'))).outcome).toBe('unresolved');
  });

  it('answers a choice button the same way as typing its number', async () => {
    const s = service();
    const r = await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    const picked = await s.handle({ ...msg(''), action: { type: 'choice', index: 1, code: r.choices[0]!.code } });
    expect(picked.citations[0]?.code).toBe(r.choices[0]!.code);
  });

  it('forgets the context after the session time-out', async () => {
    const s = service();
    await s.handle(msg('thủ tục đăng ký kết hôn'));
    clock = new Date(clock.getTime() + 31 * 60_000);
    const r = await s.handle(msg('còn lệ phí thì sao?'));
    expect(r.outcome).toBe('unresolved');
  });

  it('says honestly when it does not know, and records the question for managers', async () => {
    const r = await service().handle(msg('Doanh nghiệp bao nhiêu lao động thì phải đóng bảo hiểm? SĐT 0912345678'));
    expect(r.outcome).toBe('unresolved');
    expect(r.text).toMatch(/chưa tìm được thủ tục phù hợp/);
    expect(r.text).toContain('0000');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'unresolved', channel: 'web' });
    expect(records[0]!.text).toContain('[SĐT]');
    expect(records[0]!.text).not.toContain('0912345678');
    expect(records[0]!.chatHash).not.toBe('c1');
  });

  it('gives emergency numbers first for an emergency happening now', async () => {
    const r = await service().handle(msg('cứu với nhà tôi đang cháy'));
    expect(r.outcome).toBe('emergency');
    expect(r.text).toMatch(/114/);
    expect(r.text).toMatch(/115/);
    expect(r.text).toMatch(/113/);
  });

  it('treats a question about fire-safety or accident procedures as ordinary', async () => {
    const s = service();
    expect((await s.handle(msg('thủ tục thẩm duyệt phòng cháy chữa cháy cho nhà xưởng'))).outcome).not.toBe('emergency');
    expect((await s.handle(msg('bị tai nạn lao động thì hưởng chế độ gì'))).outcome).not.toBe('emergency');
  });

  it('hands dossier codes to the dossier flow, including "theo dõi"', async () => {
    const s = service();
    expect((await s.handle(msg('tra hồ sơ H37.12-20260105-0001 giúp tôi'))).outcome).toBe('dossier');
    await s.handle(msg('theo dõi hồ sơ H37.12-20260105-0001'));
    await s.handle({ ...msg(''), command: { name: 'huytheodoi', args: '' } });
    expect(dossierCalls).toEqual(['lookup:H37.12-20260105-0001', 'follow:H37.12-20260105-0001', 'unfollow:']);
  });

  it('records negative feedback against the last procedure', async () => {
    const s = service();
    await s.handle(msg('thủ tục đăng ký kết hôn'));
    const r = await s.handle(msg('sai rồi'));
    expect(r.outcome).toBe('feedback');
    expect(records.at(-1)).toMatchObject({ feedback: 'down', code: '9.000002' });
  });

  it('answers greetings and thanks without searching', async () => {
    const searcher = fakeSearcher();
    const s = service(searcher);
    expect((await s.handle(msg('xin chào'))).outcome).toBe('smalltalk');
    expect((await s.handle(msg('cảm ơn bạn'))).outcome).toBe('smalltalk');
    expect(searcher.calls).toEqual([]);
  });

  it('mentions the same procedure at another level and switches on "thế còn ở cấp trung ương?"', async () => {
    const s = service();
    const r = await s.handle(msg('cấp hộ chiếu phổ thông ở trong nước lệ phí bao nhiêu'));
    expect(r.outcome).toBe('answered');
    expect(r.text).toMatch(/cũng được thực hiện ở/);
    // Said just before the citation, which stays the last paragraph.
    const paragraphs = r.text.split('\n\n');
    expect(paragraphs.at(-2)).toMatch(/cũng được thực hiện ở/);
    expect(paragraphs.at(-1)).toMatch(/^Nguồn: /);
    const first = r.citations[0]!.code;
    const other = await s.handle(msg(first === '9.000003' ? 'thế còn ở cấp trung ương?' : 'thế còn ở cấp tỉnh?'));
    expect(other.citations[0]?.code).not.toBe(first);
    expect(other.citations[0]?.code).toMatch(/9\.00000[34]/);
  });

  it('adds the lexicon note for an outdated premise', async () => {
    const r = await service().handle(msg('đăng ký thường trú nhập hộ khẩu cần giấy tờ gì'));
    expect(r.text).toContain('Lưu ý: Sổ hộ khẩu giấy không còn được sử dụng.');
  });

  it('turns a failure into a polite error reply and still records it', async () => {
    const broken = { calls: [], search: async () => Promise.reject(new Error('index gone')) };
    const r = await service(broken as never).handle(msg('đăng ký khai sinh'));
    expect(r.outcome).toBe('error');
    expect(r.text).toMatch(/Xin lỗi/);
    expect(records.at(-1)?.outcome).toBe('error');
  });

  it('shows the full record for /tt and "xem thêm"', async () => {
    const s = service();
    const r = await s.handle({ ...msg(''), command: { name: 'tt', args: '9.000001' } });
    expect(r.text).toContain('Trình tự thực hiện');
    expect(r.text).toContain('Kết quả: Giấy khai sinh');
    const more = await s.handle(msg('xem thêm'));
    expect(more.text).toContain('Trường hợp ủy quyền người khác đi đăng ký');
  });

  it('reads following and stopping in free text, with or without a dossier code', async () => {
    const s = service();
    await s.handle(msg('ngừng theo dõi hồ sơ H37.12-20260105-0002 giúp tôi'));
    await s.handle(msg('theo doi ho so H37.12-20260105-0002'));
    const stopAll = await s.handle(msg('thôi theo dõi hồ sơ'));
    expect(stopAll.outcome).toBe('dossier');
    const noCode = await s.handle(msg('theo dõi hồ sơ'));
    expect(noCode.outcome).toBe('dossier');
    expect(noCode.text).toMatch(/mã hồ sơ/);
    expect(dossierCalls).toEqual(['unfollow:H37.12-20260105-0002', 'follow:H37.12-20260105-0002', 'unfollow:']);
  });

  it('a follow-up that names another topic is a new question, not more about the last answer', async () => {
    const s = service();
    const first = await s.handle(msg('đăng ký khai sinh cần giấy tờ gì'));
    expect(first.citations[0]?.code).toBe('9.000001');
    // Short, with an aspect word — but about marriage, not the birth registration just answered.
    const next = await s.handle(msg('đăng ký kết hôn thì nộp ở đâu'));
    expect(next.citations.map((c) => c.code)).toEqual(['9.000002']);
    // A true follow-up refers to the procedure just answered.
    const fee = await s.handle(msg('còn lệ phí thì sao?'));
    expect(fee.citations.map((c) => c.code)).toEqual(['9.000002']);
  });
});
