/**
 * The answer service over an in-memory session store: its routing (commands, buttons, dossier, erase, choices,
 * hand-off offers) and what it records and keeps, without a database, so that mutation testing
 * (scripts/stryker.config.mjs) can run it once per mutant. service.test.ts covers the same service on the databases.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAnswerService, namesAnother, type AnswerDeps, type DossierPort, type RephrasePort } from '../../src/answer/service.js';
import type { ChatSession, SessionStore } from '../../src/answer/session.js';
import type { InteractionRecord } from '../../src/analytics/types.js';
import type { Incoming } from '../../src/core/types.js';
import type { Searcher } from '../../src/retrieval/types.js';
import { all, birth, fakeSearcher, marriage } from './fixtures.js';

function memorySessions(): SessionStore & { rows: Map<string, ChatSession>; failGet?: boolean; failSet?: boolean } {
  const rows = new Map<string, ChatSession>();
  const store = {
    rows,
    failGet: false,
    failSet: false,
    async get(key: string) {
      if (store.failGet) throw new Error('db down');
      return rows.get(key);
    },
    async set(key: string, s: Omit<ChatSession, 'updatedAt'>, now: Date) {
      if (store.failSet) throw new Error('db down');
      rows.set(key, { ...s, updatedAt: now });
    },
    async delete(key: string) {
      rows.delete(key);
    },
  };
  return store;
}

const centre = { name: 'Trung tâm Thử', hotline: '0200 000' };
let records: InteractionRecord[];
let calls: string[];
let sessions: ReturnType<typeof memorySessions>;

const dossier: DossierPort = {
  detect: (t) => /\bHS-\d{4}\b/i.exec(t)?.[0].toUpperCase(),
  async lookup({ code }) {
    calls.push(`lookup:${code}`);
    return { text: `tra ${code}` };
  },
  async follow({ code }) {
    calls.push(`follow:${code}`);
    return { text: `theo dõi ${code}` };
  },
  async unfollow({ code }) {
    calls.push(`unfollow:${code ?? '*'}`);
    return { text: 'đã hủy' };
  },
};

function service(extra: Partial<AnswerDeps> = {}, searcher: Searcher = fakeSearcher()) {
  return createAnswerService({
    searcher,
    catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
    sessions,
    centre,
    logger: pino({ level: 'silent' }),
    redact: (t) => t.replace(/\b0\d{9}\b/g, '[SĐT]'),
    recorder: { record: (r) => records.push(r), flush: async () => undefined },
    clock: () => new Date('2026-12-01T03:00:00Z'),
    ...extra,
  });
}
const msg = (text: string, more: Partial<Incoming> = {}): Incoming => ({ channel: 'web', chatId: 'u1', text, receivedAt: new Date(), ...more });
const cmd = (name: string, args = '') => msg('', { command: { name, args } });
const onlySession = () => [...sessions.rows.values()][0];

beforeEach(() => {
  records = [];
  calls = [];
  sessions = memorySessions();
});

describe('namesAnother', () => {
  it('needs two topic words, most of them foreign to the last procedure', () => {
    expect(namesAnother(['ket', 'hon'], marriage)).toBe(false);
    expect(namesAnother(['ho'], marriage)).toBe(false);
    expect(namesAnother(['kinh', 'doanh'], marriage)).toBe(true);
    // One foreign word of two is not most of them; two of three is.
    expect(namesAnother(['ket', 'doanh'], marriage)).toBe(false);
    expect(namesAnother(['ket', 'kinh', 'doanh'], marriage)).toBe(true);
    expect(namesAnother(['ket', 'hon', 'kinh', 'doanh'], marriage)).toBe(false);
    // The field's words count as the procedure's own.
    expect(namesAnother(['ho', 'tich'], birth)).toBe(false);
  });
});

describe('answer service routing', () => {
  it('answers a question, keeps what was asked in the session and records it with its candidates', async () => {
    const r = await service().handle(msg('đăng ký khai sinh lệ phí bao nhiêu, gọi 0912345678'));
    expect(r).toMatchObject({ outcome: 'answered', feedback: true, choices: [] });
    expect(r.citations.map((c) => c.code)).toEqual(['9.000001']);
    expect(onlySession()).toMatchObject({
      lastCode: '9.000001',
      lastAspects: ['fee'],
      lastChoices: [],
      lastQuestion: 'đăng ký khai sinh lệ phí bao nhiêu, gọi [SĐT]',
      lastOutcome: 'answered',
    });
    expect(onlySession()!.pending).toBeUndefined();
    expect(records).toHaveLength(1);
    const rec = records[0]!;
    expect(rec).toMatchObject({ channel: 'web', outcome: 'answered', code: '9.000001', aspects: ['fee'] });
    expect(rec.text).toBe('đăng ký khai sinh lệ phí bao nhiêu, gọi [SĐT]');
    expect(rec.candidates[0]).toEqual({ code: '9.000001', score: 1 });
    expect(rec.latencyMs).toBeGreaterThanOrEqual(0);
    expect(rec.at).toEqual(new Date('2026-12-01T03:00:00Z'));
  });

  it('cuts a long message and a long stored question', async () => {
    await service().handle(msg(`đăng ký khai sinh ${'a'.repeat(3000)}`));
    expect(onlySession()!.lastQuestion).toHaveLength(500);
    expect(records[0]!.text).toHaveLength(1000);
  });

  it('gives the greeting, help, thanks and the empty-message hint as small talk, saving no session', async () => {
    const s = service();
    expect((await s.handle(msg('xin chào'))).text).toContain(centre.name);
    expect((await s.handle(msg('cảm ơn'))).text).toMatch(/^Cảm ơn anh\/chị!/);
    expect((await s.handle(msg('   '))).text).toMatch(/vui lòng nhập câu hỏi/);
    for (const c of ['start', 'help', 'unknowncommand']) expect((await s.handle(cmd(c))).outcome).toBe('smalltalk');
    expect((await s.handle(cmd('help'))).text).toMatch(/^Tôi có thể giúp/);
    expect((await s.handle(cmd('unknowncommand'))).text).toMatch(/^Tôi có thể giúp/);
    expect((await s.handle(cmd('start'))).text).toMatch(/^Xin chào/);
    expect(sessions.rows.size).toBe(0);
  });

  it('numbers the choices with their level and code, and a number picks one with the aspects asked', async () => {
    const s = service();
    const r = await s.handle(msg('đăng ký cư trú thường trú tạm trú lệ phí'));
    expect(r.outcome).toBe('clarify');
    expect(r.text).toMatch(/^Câu hỏi của anh\/chị có thể liên quan/);
    expect(r.text).toContain(`\n1. ${r.choices[0]!.name} (Cấp xã) — mã ${r.choices[0]!.code}\n2. `);
    expect(r.text).toMatch(/\n\nNếu không có thủ tục nào đúng/);
    expect(onlySession()).toMatchObject({ lastCode: undefined, lastOutcome: 'clarify', lastAspects: ['fee'] });
    expect(onlySession()!.lastChoices).toHaveLength(2);
    const bad = await s.handle(msg('7'));
    expect(bad).toMatchObject({ outcome: 'clarify', text: 'Danh sách chỉ có 2 lựa chọn. Anh/chị gõ số từ 1 đến 2.' });
    expect(bad.choices).toHaveLength(2);
    const picked = await s.handle(msg('2'));
    expect(picked.citations[0]!.code).toBe(r.choices[1]!.code);
    expect(picked.text).toContain('Nguồn chưa ghi phí, lệ phí');
    expect(picked.text).not.toContain('Thành phần hồ sơ');
    expect(onlySession()).toMatchObject({ lastCode: r.choices[1]!.code, lastChoices: [] });
    expect(records.at(-1)!.code).toBe(r.choices[1]!.code);
  });

  it('says there is nothing to choose from without a list', async () => {
    const r = await service().handle(msg('1'));
    expect(r.outcome).toBe('smalltalk');
    expect(r.text).toMatch(/^Hiện không có danh sách/);
  });

  it('a listed procedure gone from the catalog is unresolved', async () => {
    const s = service({ catalog: { getProcedure: async () => undefined } });
    const r = await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect(r.outcome).toBe('clarify');
    expect((await s.handle(msg('1'))).outcome).toBe('unresolved');
  });

  it('"xem thêm" shows the full record of the last procedure, or asks which one', async () => {
    const s = service();
    expect((await s.handle(msg('xem thêm'))).text).toMatch(/^Anh\/chị muốn xem thêm về thủ tục nào/);
    await s.handle(msg('đăng ký khai sinh cần gì'));
    const more = await s.handle(msg('xem thêm'));
    expect(more.text).toContain('Trình tự thực hiện');
    expect(records.at(-1)!.code).toBe('9.000001');
  });

  it('/tt by code, by name, with nothing, or with nothing plausible', async () => {
    const s = service({ renderFull: (p) => `FULL ${p.code}` });
    expect((await s.handle(cmd('tt'))).text).toMatch(/^Cách dùng: \/tt/);
    const byCode = await s.handle(cmd('tt', ' 9.000002 '));
    expect(byCode).toMatchObject({ outcome: 'answered', text: 'FULL 9.000002', feedback: true });
    expect(onlySession()).toMatchObject({ lastCode: '9.000002', lastAspects: [] });
    expect(records.at(-1)).toMatchObject({ text: '/tt  9.000002', code: '9.000002' });
    expect((await s.handle(cmd('tt', 'đăng ký kết hôn'))).text).toBe('FULL 9.000002');
    const none = await s.handle(cmd('tt', 'xyz'));
    expect(none.outcome).toBe('unresolved');
    expect(none.text).toContain('"xyz"');
    // Without renderFull the composed full answer is shown.
    expect((await service().handle(cmd('tt', '9.000001'))).text).toContain('Trình tự thực hiện');
  });

  it('/tt does not show an unrelated record for a name found with little confidence', async () => {
    const weak: Searcher = { search: async () => ({ results: [{ code: '9.000001', name: birth.name, levels: birth.levels, score: 0.01 }], confident: false, confidence: 0.01, ms: 0 }) };
    expect((await service({}, weak).handle(cmd('tt', 'khai sinh'))).outcome).toBe('unresolved');
  });

  it('/gopy records the redacted comment against the last procedure', async () => {
    const s = service();
    expect((await s.handle(cmd('gopy'))).text).toMatch(/^Cách dùng: \/gopy/);
    await s.handle(msg('đăng ký kết hôn cần gì'));
    const r = await s.handle(cmd('gopy', 'gọi tôi 0912345678'));
    expect(r.outcome).toBe('feedback');
    expect(records.at(-1)).toMatchObject({ comment: 'gọi tôi [SĐT]', code: '9.000002', text: '/gopy gọi tôi [SĐT]' });
  });

  it('feedback buttons and words are recorded against the last procedure', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn cần gì'));
    const up = await s.handle(msg('', { action: { type: 'feedback', value: 'up' } }));
    expect(up).toMatchObject({ outcome: 'feedback', text: 'Cảm ơn anh/chị đã phản hồi! Chúc anh/chị làm thủ tục thuận lợi.' });
    expect(records.at(-1)).toMatchObject({ feedback: 'up', code: '9.000002' });
    const down = await s.handle(msg('', { action: { type: 'feedback', value: 'down' } }));
    expect(down.text).toMatch(/^Xin lỗi vì câu trả lời chưa đúng ý/);
    expect(records.at(-1)).toMatchObject({ feedback: 'down' });
    expect((await s.handle(msg('hay quá, đúng rồi'))).outcome).toBe('feedback');
    expect(records.at(-1)!.feedback).toBe('up');
  });

  it('routes dossier codes and commands to the dossier port, masking the code in the record', async () => {
    const s = service({ dossier });
    expect((await s.handle(msg('tra hồ sơ HS-1234'))).text).toBe('tra HS-1234');
    await s.handle(msg('theo dõi hồ sơ HS-1234'));
    await s.handle(msg('ngừng theo dõi hồ sơ HS-1234'));
    await s.handle(cmd('hoso', 'hs 5678'));
    await s.handle(cmd('theodoi', 'HS-9999'));
    await s.handle(cmd('huytheodoi'));
    expect(calls).toEqual(['lookup:HS-1234', 'follow:HS-1234', 'unfollow:HS-1234', 'lookup:HS5678', 'follow:HS-9999', 'unfollow:*']);
    expect(records.at(-2)!.text).toBe('/theodoi [MÃ HỒ SƠ]');
    expect(records.at(-1)!.text).toBe('/huytheodoi');
    const usage = await s.handle(cmd('hoso'));
    expect(usage).toMatchObject({ outcome: 'dossier' });
    expect(usage.text).toMatch(/^Anh\/chị vui lòng gửi mã hồ sơ/);
    expect((await s.handle(msg('theo dõi hồ sơ'))).text).toMatch(/^Anh\/chị vui lòng gửi mã hồ sơ/);
    expect((await s.handle(msg('ngừng theo dõi hồ sơ'))).text).toBe('đã hủy');
    expect(calls.at(-1)).toBe('unfollow:*');
  });

  it('without a dossier port says lookups are off, for codes, commands and free text', async () => {
    const s = service({ centre: { ...centre, dossierLookup: 'https://tra.example' } });
    for (const m of [cmd('hoso', 'X'), msg('tra hồ sơ H37.12-20260105-0001'), msg('theo dõi hồ sơ')]) {
      const r = await s.handle(m);
      expect(r.outcome).toBe('dossier');
      expect(r.text).toContain('https://tra.example');
    }
  });

  it('asks before erasing, erases only on a confirmation, and stores nothing of that turn', async () => {
    const erased: string[] = [];
    const erase = async (chat: { chatId: string }) => (erased.push(chat.chatId), [{ table: 'interactions', label: 'câu hỏi', count: 2 }]);
    const s = service({ erase });
    await s.handle(msg('đăng ký kết hôn cần gì'));
    const ask = await s.handle(cmd('xoadulieu'));
    expect(ask.text).toMatch(/Gõ "đồng ý" để xóa/);
    expect(onlySession()!.pending).toBe('erase');
    // Anything else cancels, and the pending question does not carry over.
    expect((await s.handle(msg('thôi'))).text).toMatch(/^Đã hủy yêu cầu xóa/);
    expect(onlySession()!.pending).toBeUndefined();
    expect(onlySession()!.lastCode).toBe('9.000002');
    await s.handle(msg('/xoadulieu'));
    expect(onlySession()!.pending).toBe('erase');
    const before = records.length;
    const done = await s.handle(msg('đồng ý'));
    expect(done.text).toMatch(/^Đã xóa dữ liệu của anh\/chị/);
    expect(erased).toEqual(['u1']);
    expect(sessions.rows.size).toBe(0);
    expect(records).toHaveLength(before);
  });

  it('a command or button while an erase is pending cancels it', async () => {
    const s = service({ erase: async () => [] });
    await s.handle(cmd('xoadulieu'));
    expect((await s.handle(cmd('help'))).text).toMatch(/^Đã hủy yêu cầu xóa/);
    await s.handle(cmd('xoadulieu'));
    expect((await s.handle(msg('', { action: { type: 'feedback', value: 'up' } }))).text).toMatch(/^Đã hủy/);
    await s.handle(cmd('xoadulieu'));
    expect((await s.handle(msg('đồng ý'))).text).toMatch(/không còn lưu dữ liệu nào/);
  });

  it('without an eraser, /xoadulieu says deletion is off', async () => {
    const r = await service().handle(cmd('xoadulieu'));
    expect(r.text).toMatch(/^Chức năng xóa dữ liệu chưa được bật/);
    expect(r.text).toContain('0200 000');
    expect(sessions.rows.size).toBe(0);
  });

  it('offers an officer after an unresolved answer and after a second list in a row, only when enabled', async () => {
    const s = service({ offerHandoff: true });
    const lost = await s.handle(msg('ốc vít bulông'));
    expect(lost.offerHandoff).toBe(true);
    expect(lost.text).toMatch(/\n\nAnh\/chị cũng có thể gặp cán bộ/);
    const first = await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect(first.offerHandoff).toBeUndefined();
    const second = await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect(second.offerHandoff).toBe(true);
    const answered = await s.handle(msg('đăng ký khai sinh cần gì'));
    expect(answered.offerHandoff).toBeUndefined();
    expect((await service().handle(msg('ốc vít bulông', { chatId: 'u2' }))).offerHandoff).toBeUndefined();
  });

  it('keeps answering when the session store fails, and records a failed search as an error', async () => {
    sessions.failGet = true;
    sessions.failSet = true;
    const r = await service().handle(msg('đăng ký khai sinh cần gì'));
    expect(r.outcome).toBe('answered');
    const broken: Searcher = { search: async () => Promise.reject(Object.assign(new Error('gone'), { code: 'x' })) };
    const e = await service({}, broken).handle(msg('đăng ký khai sinh'));
    expect(e.outcome).toBe('error');
    expect(records.at(-1)!.outcome).toBe('error');
  });

  it('passes the redacted question to the rephraser, and not for the full record', async () => {
    const seen: string[] = [];
    const rephraser: RephrasePort = { rephrase: async (x) => (seen.push(x.question), { text: `R: ${x.grounded.slice(0, 10)}`, used: 'llm' }) };
    const s = service({ rephraser });
    const r = await s.handle(msg('đăng ký khai sinh cần gì 0912345678'));
    expect(r.text).toMatch(/^R: /);
    expect(seen).toEqual(['đăng ký khai sinh cần gì [SĐT]']);
    const more = await s.handle(msg('xem thêm'));
    expect(more.text).not.toMatch(/^R: /);
  });

  it('a chooser sure of one candidate answers it; otherwise its wording heads the list', async () => {
    const sure = service({ chooser: { choose: async ({ candidates }) => ({ code: candidates[1]!.code }) } });
    const r = await sure.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect(r.outcome).toBe('answered');
    const asks = service({ chooser: { choose: async () => ({ ask: 'Anh/chị hỏi thủ tục nào?' }) } });
    const c = await asks.handle(msg('đăng ký cư trú thường trú tạm trú', { chatId: 'u3' }));
    expect(c.outcome).toBe('clarify');
    expect(c.text).toMatch(/^Anh\/chị hỏi thủ tục nào\?\n1\. /);
  });

  it('adds notes for outdated premises to the answer', async () => {
    const r = await service({ notesFor: () => ['Ghi chú thử.'] }).handle(msg('đăng ký khai sinh cần gì'));
    expect(r.text).toContain('Ghi chú thử.');
  });

  it('a follow-up uses the last aspects when it names none, and a level the procedure lacks is said so', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn lệ phí bao nhiêu'));
    const again = await s.handle(msg('còn ở cấp tỉnh thì sao'));
    expect(again.outcome).toBe('answered');
    expect(again.text).toMatch(/^Theo nguồn, thủ tục này được thực hiện ở Cấp xã; tôi không tìm thấy bản ở cấp anh\/chị hỏi\./);
    expect(again.citations[0]!.code).toBe('9.000002');
  });
});
