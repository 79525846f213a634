/**
 * More cases of the answer service over an in-memory session store (see service.unit.test.ts for the routing basics):
 * level twins, follow-ups, two things in one message, the chooser and the agent with its tools, what commands pass to
 * the dossier port, how the session is merged and kept, what the analytics record and the log say. No database.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { composeAnswer } from '../../src/answer/compose.js';
import { createAnswerService, movesTo, namesAnother, type AgentPort, type AgentToolsPort, type AnswerDeps, type DossierPort, type RephrasePort } from '../../src/answer/service.js';
import type { ChatSession, SessionStore } from '../../src/answer/session.js';
import type { InteractionRecord } from '../../src/analytics/types.js';
import type { Incoming } from '../../src/core/types.js';
import type { SearchHit, SearchResult, Searcher } from '../../src/retrieval/types.js';
import { hashId } from '../../src/logger.js';
import { AppError, userMessages } from '../../src/errors.js';
import { all, birth, fakeSearcher, marriage, passportCentral, passportProvince, residenceA, residenceB } from './fixtures.js';

type Row = ChatSession;

function memorySessions(withDelete = true) {
  const rows = new Map<string, Row>();
  const store: SessionStore & { rows: Map<string, Row>; failGet: boolean; failSet: boolean; sets: Date[] } = {
    rows,
    failGet: false,
    failSet: false,
    sets: [],
    async get(key: string) {
      if (store.failGet) throw new Error('store get broke');
      return rows.get(key);
    },
    async set(key: string, s: Omit<ChatSession, 'updatedAt'>, now: Date) {
      if (store.failSet) throw new Error('store set broke');
      store.sets.push(now);
      rows.set(key, { ...s, updatedAt: now });
    },
  };
  if (withDelete) store.delete = async (key: string) => void rows.delete(key);
  return store;
}

const centre = { name: 'Trung tâm Kiểm Thử', hotline: '0299 111' };
const when = new Date('2026-12-02T08:30:00Z');
let records: InteractionRecord[];
let logs: Record<string, unknown>[];
let sessions: ReturnType<typeof memorySessions>;

function service(extra: Partial<AnswerDeps> = {}, searcher: Searcher = fakeSearcher()) {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  return createAnswerService({
    searcher,
    catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
    sessions,
    centre,
    logger,
    redact: (t) => t.replace(/\b0\d{9}\b/g, '<phone>'),
    recorder: { record: (r) => records.push(r), flush: async () => undefined },
    clock: () => when,
    ...extra,
  });
}

const msg = (text: string, more: Partial<Incoming> = {}): Incoming => ({ channel: 'telegram', chatId: 'c9', text, receivedAt: when, ...more });
const cmd = (name: string, args = '', more: Partial<Incoming> = {}) => msg('', { command: { name, args }, ...more });
const chatHash = (channel = 'telegram', chatId = 'c9') => hashId(`${channel}:${chatId}`);
const keyOf = (channel = 'telegram', chatId = 'c9') => `${channel}:${chatHash(channel, chatId)}`;
const theSession = (channel = 'telegram', chatId = 'c9') => sessions.rows.get(keyOf(channel, chatId));
const lastRecord = () => records.at(-1)!;

/** A searcher that returns fixed results, whatever is asked, and remembers what it was asked. */
function fixedSearcher(result: Partial<SearchResult> & { results: SearchHit[] }) {
  const asked: { q: string; top?: number }[] = [];
  const s: Searcher & { asked: typeof asked } = {
    asked,
    async search(q, o) {
      asked.push({ q, top: o?.top });
      return { confident: false, confidence: result.results[0]?.score ?? 0, ms: 0, ...result };
    },
  };
  return s;
}

const hit = (p: { code: string; name: string; levels?: SearchHit['levels'] }, score: number, more: Partial<SearchHit> = {}): SearchHit => ({ code: p.code, name: p.name, levels: p.levels, score, ...more });

beforeEach(() => {
  records = [];
  logs = [];
  sessions = memorySessions();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('a question whose procedure exists at several levels', () => {
  it('answers the top one and names the other level with its code', async () => {
    const r = await service().handle(msg('cấp hộ chiếu phổ thông lệ phí'));
    expect(r.outcome).toBe('answered');
    expect(r.citations.map((c) => c.code)).toEqual([passportProvince.code]);
    expect(r.text).toContain(`Thủ tục này cũng được thực hiện ở cấp trung ương (mã ${passportCentral.code}).`);
    expect(theSession()).toMatchObject({ lastCode: passportProvince.code, lastAspects: ['fee'], lastChoices: [] });
  });

  it('answers the level asked for and names the top one as the other', async () => {
    const r = await service().handle(msg('cấp hộ chiếu phổ thông cấp trung ương lệ phí'));
    expect(r.citations[0]!.code).toBe(passportCentral.code);
    expect(r.text).toContain(`Thủ tục này cũng được thực hiện ở cấp tỉnh (mã ${passportProvince.code}).`);
    expect(lastRecord().code).toBe(passportCentral.code);
  });

  it('takes the twins the searcher folded into a hit, whatever their names', async () => {
    const s = fixedSearcher({ results: [hit(residenceA, 0.9, { sameAs: [residenceB.code] })] });
    const r = await service({}, s).handle(msg('đăng ký cư trú'));
    expect(r.citations[0]!.code).toBe(residenceA.code);
    expect(r.text).toContain(`(mã ${residenceB.code})`);
  });

  it('a hit with another name is not a twin, and a twin missing from the catalog is not named', async () => {
    const s = fixedSearcher({ results: [hit(passportProvince, 0.9), hit(birth, 0.2), hit(passportCentral, 0.9)] });
    const r = await service({}, s).handle(msg('hộ chiếu'));
    expect(r.citations[0]!.code).toBe(passportProvince.code);
    expect(r.text).toContain(`(mã ${passportCentral.code})`);
    expect(r.text).not.toContain(`(mã ${birth.code})`);
    const gone = service({ catalog: { getProcedure: async (code) => (code === passportCentral.code ? undefined : all.find((p) => p.code === code)) } }, s);
    const alone = await gone.handle(msg('hộ chiếu', { chatId: 'other' }));
    expect(alone.citations[0]!.code).toBe(passportProvince.code);
    expect(alone.text).not.toContain('Thủ tục này cũng được thực hiện');
  });

  it('a confident answer whose record is gone from the catalog is unresolved and forgets the last procedure', async () => {
    const s = service({ catalog: { getProcedure: async (code) => (code === marriage.code ? marriage : undefined) } });
    await s.handle(msg('đăng ký kết hôn cần gì'));
    expect(theSession()!.lastCode).toBe(marriage.code);
    const r = await s.handle(msg('đăng ký khai sinh cần gì'));
    expect(r.outcome).toBe('unresolved');
    expect(r.text).toContain(centre.hotline);
    expect(theSession()).toMatchObject({ lastCode: undefined, lastChoices: [], lastOutcome: 'unresolved', lastQuestion: 'đăng ký khai sinh cần gì' });
  });
});

describe('follow-ups', () => {
  it('a follow-up naming another level answers that level with the aspects asked before', async () => {
    const searcher = fakeSearcher();
    const s = service({}, searcher);
    await s.handle(msg('cấp hộ chiếu phổ thông lệ phí'));
    const r = await s.handle(msg('còn ở cấp trung ương thì sao'));
    expect(r.outcome).toBe('answered');
    expect(r.citations[0]!.code).toBe(passportCentral.code);
    expect(r.feedback).toBe(true);
    expect(r.text).not.toContain('Tờ khai đề nghị cấp hộ chiếu');
    expect(searcher.calls.at(-1)).toBe(passportProvince.name);
    expect(theSession()).toMatchObject({ lastCode: passportCentral.code, lastAspects: ['fee'], lastQuestion: 'còn ở cấp trung ương thì sao' });
    expect(lastRecord()).toMatchObject({ code: passportCentral.code, outcome: 'answered' });
    expect(lastRecord().candidates.map((c) => c.code)).toContain(passportProvince.code);
  });

  it('a follow-up naming another level and a new aspect answers that aspect', async () => {
    const s = service();
    await s.handle(msg('cấp hộ chiếu phổ thông lệ phí'));
    await s.handle(msg('còn ở cấp trung ương thì giấy tờ cần gì'));
    expect(theSession()).toMatchObject({ lastCode: passportCentral.code, lastAspects: ['documents'] });
  });

  it('a level the last procedure lacks keeps it, its aspects, and asks for no feedback', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn lệ phí bao nhiêu'));
    const r = await s.handle(msg('còn ở cấp tỉnh thì sao'));
    expect(r).toMatchObject({ outcome: 'answered', feedback: false, choices: [] });
    expect(r.citations).toEqual([{ code: marriage.code, name: marriage.name, url: marriage.sourceUrl, asOf: marriage.updatedAt }]);
    expect(theSession()).toMatchObject({ lastCode: marriage.code, lastAspects: ['fee'], lastOutcome: 'answered' });
    expect(lastRecord()).toMatchObject({ code: marriage.code, candidates: [] });
  });

  it('a level asked whose search finds nothing of the last procedure says there is no such level', async () => {
    const s = fixedSearcher({ results: [hit(passportProvince, 1)], confident: true, confidence: 1 });
    const svc = service({}, s);
    await svc.handle(msg('hộ chiếu'));
    const other = fixedSearcher({ results: [hit(birth, 1)], confident: true, confidence: 1 });
    sessions.rows.set(keyOf(), { ...theSession()!, lastCode: passportProvince.code });
    const r = await service({}, other).handle(msg('còn ở cấp trung ương thì sao'));
    expect(r.text).toMatch(/^Theo nguồn, thủ tục này được thực hiện ở Cấp tỉnh; tôi không tìm thấy bản ở cấp anh\/chị hỏi\./);
    expect(other.asked).toEqual([{ q: passportProvince.name, top: 8 }]);
  });

  it('a short follow-up with an aspect answers the last procedure with that aspect, searching once', async () => {
    const searcher = fakeSearcher();
    const s = service({}, searcher);
    await s.handle(msg('đăng ký kết hôn lệ phí bao nhiêu'));
    const before = searcher.calls.length;
    const r = await s.handle(msg('còn thời hạn thì sao'));
    expect(r.citations[0]!.code).toBe(marriage.code);
    expect(r.text).toContain('Ngay trong ngày');
    expect(searcher.calls.length - before).toBe(1);
    expect(theSession()).toMatchObject({ lastCode: marriage.code, lastAspects: ['deadline'] });
  });

  it('a follow-up that confidently names another procedure is answered as a new question, with one search', async () => {
    const searcher = fakeSearcher();
    const s = service({}, searcher);
    await s.handle(msg('đăng ký kết hôn cần gì'));
    const before = searcher.calls.length;
    const r = await s.handle(msg('còn lệ phí đăng ký khai sinh'));
    expect(r.citations[0]!.code).toBe(birth.code);
    expect(searcher.calls.length - before).toBe(1);
    expect(theSession()).toMatchObject({ lastCode: birth.code, lastAspects: ['fee'] });
  });

  it('a follow-up whose words name something else is a new question even when nothing is found for it', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn cần gì'));
    const r = await s.handle(msg('lệ phí hộ kinh doanh cửa hàng'));
    expect(r.outcome).toBe('unresolved');
    expect(theSession()!.lastCode).toBeUndefined();
  });

  it('the same procedure at another level found first is still the last one', async () => {
    const s = service();
    await s.handle(msg('cấp hộ chiếu phổ thông cấp trung ương lệ phí'));
    expect(theSession()!.lastCode).toBe(passportCentral.code);
    const r = await s.handle(msg('còn lệ phí cấp hộ chiếu phổ thông ở trong nước'));
    expect(r.citations[0]!.code).toBe(passportCentral.code);
    expect(r.text).not.toContain('Thủ tục này cũng được thực hiện');
  });

  it('a follow-up about a procedure gone from the catalog is searched as a new question', async () => {
    sessions.rows.set(keyOf(), { lastCode: '9.999999', lastAspects: ['fee'], lastChoices: [], updatedAt: when });
    const r = await service().handle(msg('còn thời hạn thì sao'));
    expect(r.outcome).toBe('unresolved');
  });
});

describe('two things in one message', () => {
  it('offers both procedures and forgets the last one', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn cần gì'));
    const r = await s.handle(msg('đăng ký khai sinh và đăng ký kết hôn'));
    expect(r.outcome).toBe('clarify');
    expect(r.text).toMatch(/^Câu hỏi của anh\/chị nhắc tới hai việc, mỗi việc là một thủ tục riêng\. Anh\/chị gõ số để xem từng thủ tục:\n1\. Đăng ký khai sinh \(Cấp xã\) — mã 9\.000001\n2\. Đăng ký kết hôn \(Cấp xã\) — mã 9\.000002\n\nNếu không có/);
    expect(r.choices.map((c) => c.code)).toEqual([birth.code, marriage.code]);
    expect(theSession()).toMatchObject({ lastCode: undefined, lastAspects: [], lastOutcome: 'clarify' });
    expect(theSession()!.lastChoices.map((c) => c.index)).toEqual([1, 2]);
    expect(lastRecord()).toMatchObject({ outcome: 'clarify', code: undefined });
    expect(lastRecord().candidates.length).toBeGreaterThan(1);
  });

  it('keeps the aspects asked for the choice', async () => {
    const s = service();
    await s.handle(msg('làm giấy khai sinh và giấy đăng ký kết hôn cần gì'));
    expect(theSession()!.lastAspects).toEqual(['documents']);
    const r = await s.handle(msg('2'));
    expect(r.citations[0]!.code).toBe(marriage.code);
    expect(r.text).toContain('Tờ khai đăng ký kết hôn');
  });

  it('takes "tôi chọn số 1" typed after the list as the first choice', async () => {
    const s = service();
    await s.handle(msg('làm giấy khai sinh và giấy đăng ký kết hôn cần gì'));
    const r = await s.handle(msg('tôi chọn số 1'));
    expect(r.outcome).toBe('answered');
    expect(r.citations[0]!.code).toBe(birth.code);
  });

  it('takes "cái thứ hai" typed after the list as the second choice', async () => {
    const s = service();
    const list = await s.handle(msg('làm giấy khai sinh và giấy đăng ký kết hôn cần gì'));
    const r = await s.handle(msg('cái thứ hai'));
    expect(r.outcome).toBe('answered');
    expect(r.citations[0]!.code).toBe(list.choices[1]!.code);
  });

  it('is not two things when one side names nothing or both name the same procedure', async () => {
    const nothing = await service().handle(msg('đăng ký khai sinh và ốc vít'));
    expect(nothing.outcome).toBe('answered');
    expect(nothing.citations[0]!.code).toBe(birth.code);
    const twins = await service().handle(msg('hộ chiếu phổ thông cấp tỉnh và hộ chiếu phổ thông cấp trung ương', { chatId: 'x2' }));
    expect(twins.text).not.toMatch(/hai việc/);
  });

  it('a side that covers little of its procedure does not count; a third of it does', async () => {
    const sided = (cover: number): Searcher => ({
      async search(q) {
        const p = /khai sinh/.test(q) && !/kết hôn/.test(q) ? birth : /kết hôn/.test(q) && !/khai sinh/.test(q) ? marriage : undefined;
        const results = p ? [hit(p, 0.9)] : [hit(birth, 0.5), hit(marriage, 0.5)];
        return { results, confident: false, confidence: 0.5, ms: 0, signals: { cover, margin: 0.5, queryCover: 0.9, nameQueryCover: 0.9, rivalCover: 0, actionsAgree: true } };
      },
    });
    const low = await service({}, sided(0.29)).handle(msg('đăng ký khai sinh và đăng ký kết hôn'));
    expect(low.text).not.toMatch(/hai việc/);
    const enough = await service({}, sided(0.3)).handle(msg('đăng ký khai sinh và đăng ký kết hôn', { chatId: 'x3' }));
    expect(enough.text).toMatch(/hai việc/);
    expect(enough.choices.map((c) => c.code)).toEqual([birth.code, marriage.code]);
  });
});

describe('clarifications and the chooser', () => {
  it('lists a choice without a level without brackets', async () => {
    const s = fixedSearcher({ results: [hit({ code: 'A1', name: 'Việc một' }, 0.5), hit({ code: 'B2', name: 'Việc hai', levels: [] }, 0.5)], confidence: 0.5 });
    const r = await service({}, s).handle(msg('việc gì đó'));
    expect(r.outcome).toBe('clarify');
    expect(r.text).toContain('\n1. Việc một — mã A1\n2. Việc hai — mã B2\n\n');
    expect(s.asked).toEqual([{ q: 'việc gì đó', top: 8 }]);
  });

  it('gives the chooser the redacted question and the candidates; a code it invents is not answered', async () => {
    const seen: unknown[] = [];
    const s = service({ chooser: { choose: async (x) => (seen.push(x), { code: '1.234567' }) } });
    const r = await s.handle(msg('đăng ký cư trú thường trú tạm trú 0912345678'));
    expect(seen).toEqual([
      {
        question: 'đăng ký cư trú thường trú tạm trú <phone>',
        candidates: [
          { code: residenceA.code, name: residenceA.name },
          { code: residenceB.code, name: residenceB.name },
        ],
      },
    ]);
    expect(r.outcome).toBe('clarify');
    expect(r.text).toMatch(/^Câu hỏi của anh\/chị có thể liên quan/);
  });

  it('a chosen candidate missing from the catalog leaves the list', async () => {
    const s = service({ chooser: { choose: async ({ candidates }) => ({ code: candidates[0]!.code }) }, catalog: { getProcedure: async () => undefined } });
    const r = await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect(r.outcome).toBe('clarify');
    expect(r.choices).toHaveLength(2);
  });

  it('a chooser sure of one answers it and keeps it as the last procedure', async () => {
    const s = service({ chooser: { choose: async () => ({ code: residenceB.code, ask: 'không dùng' }) } });
    const r = await s.handle(msg('đăng ký cư trú thường trú tạm trú lệ phí'));
    expect(r.citations[0]!.code).toBe(residenceB.code);
    expect(r.text).not.toContain('không dùng');
    expect(theSession()).toMatchObject({ lastCode: residenceB.code, lastAspects: ['fee'], lastChoices: [] });
  });

  it('an unresolved question keeps no procedure, keeps the question, and records its candidates rounded', async () => {
    const hits = Array.from({ length: 10 }, (_, i) => hit({ code: `C${i}`, name: `Thủ tục ${i}` }, 0.0123456 + i / 1000));
    const r = await service({}, fixedSearcher({ results: hits, confidence: 0.05 })).handle(msg('ốc vít'));
    expect(r).toMatchObject({ outcome: 'unresolved', feedback: false, citations: [], choices: [] });
    expect(theSession()).toMatchObject({ lastCode: undefined, lastChoices: [], lastQuestion: 'ốc vít', lastOutcome: 'unresolved' });
    const rec = lastRecord();
    expect(rec.candidates).toHaveLength(8);
    expect(rec.candidates[0]).toEqual({ code: 'C0', score: 0.012 });
    expect(rec.candidates[7]).toEqual({ code: 'C7', score: 0.019 });
    expect(rec.code).toBeUndefined();
  });
});

describe('choosing from a list', () => {
  it('a choice button picks by index with the aspects and question of the list', async () => {
    const questions: string[] = [];
    const rephraser: RephrasePort = { rephrase: async (x) => (questions.push(x.question), { text: x.grounded, used: 'fallback' }) };
    const s = service({ rephraser });
    await s.handle(msg('đăng ký cư trú thường trú tạm trú lệ phí'));
    const r = await s.handle(msg('', { action: { type: 'choice', index: 1 } }));
    expect(r.citations[0]!.code).toBe(residenceA.code);
    expect(r.feedback).toBe(true);
    expect(r.text).not.toContain('Tờ khai thay đổi thông tin cư trú');
    expect(questions).toEqual(['đăng ký cư trú thường trú tạm trú lệ phí']);
    expect(theSession()).toMatchObject({ lastCode: residenceA.code, lastAspects: ['fee'], lastChoices: [], lastQuestion: 'đăng ký cư trú thường trú tạm trú lệ phí' });
    expect(lastRecord()).toMatchObject({ code: residenceA.code, outcome: 'answered', aspects: [] });
  });

  it('a choice button without a list, or out of range, says so', async () => {
    const s = service();
    const none = await s.handle(msg('', { action: { type: 'choice', index: 1 } }));
    expect(none).toMatchObject({ outcome: 'smalltalk', text: 'Hiện không có danh sách nào để chọn. Anh/chị vui lòng gửi câu hỏi về thủ tục cần làm.' });
    await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    const bad = await s.handle(msg('', { action: { type: 'choice', index: 3 } }));
    expect(bad.outcome).toBe('clarify');
    expect(bad.choices.map((c) => c.code)).toEqual([residenceA.code, residenceB.code]);
    // A wrong number changes nothing kept.
    expect(theSession()!.lastChoices).toHaveLength(2);
  });

  it('"chọn 2" picks the second; a list picked from with no question kept sends an empty question', async () => {
    const s = service();
    await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect((await s.handle(msg('chọn 2'))).citations[0]!.code).toBe(residenceB.code);
    const questions: string[] = [];
    sessions.rows.set(keyOf(), { lastChoices: [{ index: 1, code: birth.code, name: birth.name }], lastAspects: [], updatedAt: when });
    await service({ rephraser: { rephrase: async (x) => (questions.push(x.question), { text: 'ok', used: 'llm' }) } }).handle(msg('1'));
    expect(questions).toEqual(['']);
  });
});

describe('the agent', () => {
  it('is used instead of the rephraser, with the redacted question, the aspects, the grounded text and the record', async () => {
    const inputs: Parameters<AgentPort['answer']>[0][] = [];
    const agent: AgentPort = { answer: async (x) => (inputs.push(x), { text: `agent: ${x.records[0]!.code}`, used: 'llm' }) };
    const rephraser: RephrasePort = { rephrase: async () => ({ text: 'rephrased', used: 'llm' }) };
    const r = await service({ agent, rephraser }).handle(msg('đăng ký khai sinh lệ phí 0912345678'));
    expect(r.text).toBe(`agent: ${birth.code}`);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ question: 'đăng ký khai sinh lệ phí <phone>', aspects: ['fee'], records: [birth] });
    expect(inputs[0]!.grounded).toContain('Miễn lệ phí');
  });

  it('is not asked for the full record', async () => {
    const agent: AgentPort = { answer: async () => ({ text: 'agent', used: 'llm' }) };
    const s = service({ agent });
    await s.handle(msg('đăng ký khai sinh cần gì'));
    const more = await s.handle(msg('xem thêm'));
    expect(more.text).not.toBe('agent');
    expect(more.text).toContain('Trình tự thực hiện');
    expect((await s.handle(cmd('tt', birth.code))).text).not.toBe('agent');
  });

  it('its tools search the redacted text, read a record in full, and look up a dossier under the asker\'s limits', async () => {
    let tools: AgentToolsPort | undefined;
    const agent: AgentPort = { answer: async (x) => ((tools = x.tools), { text: x.grounded, used: 'fallback' }) };
    const lookups: unknown[] = [];
    const dossier: DossierPort = {
      detect: (t) => (/HS-\d+/.exec(t) ? 'HS-FOUND' : undefined),
      lookup: async (x) => (lookups.push(x), { text: `hồ sơ ${x.code}, gọi 0911222333` }),
      follow: async () => ({ text: '' }),
      unfollow: async () => ({ text: '' }),
    };
    const searcher = fakeSearcher();
    await service({ agent, dossier }, searcher).handle(msg('đăng ký khai sinh cần gì', { limitKey: 'ip-1' }));
    expect(tools).toBeDefined();
    const found = await tools!.search('đăng ký kết hôn 0912345678');
    expect(searcher.calls.at(-1)).toBe('đăng ký kết hôn <phone>');
    expect(found[0]).toEqual({ code: marriage.code, name: marriage.name });
    expect(Object.keys(found[0]!)).toEqual(['code', 'name']);
    expect(await tools!.lookup(birth.code)).toContain('Trình tự thực hiện');
    expect(await tools!.lookup('0.000000')).toBeUndefined();
    expect(await tools!.dossierStatus('xin tra HS-12')).toBe('hồ sơ HS-FOUND, gọi <phone>');
    expect(await tools!.dossierStatus('ab 12 cd')).toBe('hồ sơ AB12CD, gọi <phone>');
    expect(lookups).toEqual([
      { chatHash: chatHash(), limitKey: hashId('limit:telegram:ip-1'), code: 'HS-FOUND' },
      { chatHash: chatHash(), limitKey: hashId('limit:telegram:ip-1'), code: 'AB12CD' },
    ]);
  });

  it('its search asks for the top five', async () => {
    let tools: AgentToolsPort | undefined;
    const agent: AgentPort = { answer: async (x) => ((tools = x.tools), { text: x.grounded, used: 'fallback' }) };
    const s = fixedSearcher({ results: [hit(birth, 1)], confident: true, confidence: 1 });
    await service({ agent }, s).handle(msg('khai sinh'));
    await tools!.search('kết hôn');
    expect(s.asked.at(-1)).toEqual({ q: 'kết hôn', top: 5 });
  });

  it('without a dossier port its dossier tool says lookups are off', async () => {
    let tools: AgentToolsPort | undefined;
    const agent: AgentPort = { answer: async (x) => ((tools = x.tools), { text: x.grounded, used: 'fallback' }) };
    await service({ agent }).handle(msg('đăng ký khai sinh cần gì'));
    expect(await tools!.dossierStatus('HS-1')).toMatch(/^Chức năng tra cứu hồ sơ chưa được bật\. Anh\/chị vui lòng liên hệ Trung tâm Kiểm Thử/);
  });
});

describe('commands', () => {
  it('/start greets with the centre name and /help lists what can be done', async () => {
    const s = service();
    expect((await s.handle(cmd('start'))).text).toContain('trợ lý tra cứu thủ tục hành chính của Trung tâm Kiểm Thử.');
    expect((await s.handle(cmd('help'))).text).toContain('/tt <mã hoặc tên thủ tục>');
    expect(lastRecord()).toMatchObject({ text: '/help', aspects: [], outcome: 'smalltalk' });
  });

  it('/tt with a code-like word not in the catalog searches the redacted words for one result', async () => {
    const s = fixedSearcher({ results: [hit(marriage, 0.9)], confidence: 0.9 });
    const r = await service({}, s).handle(cmd('tt', 'KH-01 0912345678'));
    expect(s.asked).toEqual([{ q: 'KH-01 <phone>', top: 1 }]);
    expect(r.citations[0]!.code).toBe(marriage.code);
    const byWord = fixedSearcher({ results: [hit(marriage, 0.9)], confidence: 0.9 });
    await service({}, byWord).handle(cmd('tt', 'KH01'));
    expect(byWord.asked).toHaveLength(1);
  });

  it('/tt reads a code of either shape straight from the catalog', async () => {
    const odd = { ...birth, code: 'QD-2024.7' };
    const s = fixedSearcher({ results: [] });
    const svc = service({ catalog: { getProcedure: async (c) => (c === odd.code ? odd : c === marriage.code ? marriage : undefined) } }, s);
    expect((await svc.handle(cmd('tt', 'QD-2024.7'))).citations[0]!.code).toBe('QD-2024.7');
    expect((await svc.handle(cmd('tt', marriage.code))).citations[0]!.code).toBe(marriage.code);
    expect(s.asked).toEqual([]);
  });

  it('/tt accepts a name found at the lowest plausible confidence, not below it', async () => {
    const at = (confidence: number) => fixedSearcher({ results: [hit(birth, confidence)], confidence });
    expect((await service({ thresholds: { clarifyMin: 0.4 } }, at(0.4)).handle(cmd('tt', 'khai sinh'))).outcome).toBe('answered');
    expect((await service({ thresholds: { clarifyMin: 0.4 } }, at(0.39)).handle(cmd('tt', 'khai sinh'))).outcome).toBe('unresolved');
    expect((await service({}, fixedSearcher({ results: [], confidence: 0.9 })).handle(cmd('tt', 'khai sinh'))).outcome).toBe('unresolved');
  });

  it('/tt not found quotes at most 100 characters of what was typed', async () => {
    const long = 'ơ'.repeat(150);
    const r = await service({}, fixedSearcher({ results: [] })).handle(cmd('tt', long));
    expect(r.text).toBe(`Không tìm thấy thủ tục "${'ơ'.repeat(100)}". Anh/chị thử gõ mã thủ tục (ví dụ 1.001193) hoặc tên khác.`);
    expect(r.citations).toEqual([]);
  });

  it('/tt replaces the last procedure and clears its aspects, keeping the question and the list', async () => {
    const s = service();
    await s.handle(msg('đăng ký cư trú thường trú tạm trú lệ phí'));
    const r = await s.handle(cmd('tt', birth.code));
    expect(r.citations).toEqual([{ code: birth.code, name: birth.name, url: birth.sourceUrl, asOf: birth.updatedAt }]);
    expect(theSession()).toMatchObject({ lastCode: birth.code, lastAspects: [], lastQuestion: 'đăng ký cư trú thường trú tạm trú lệ phí', lastOutcome: 'answered' });
    expect(theSession()!.lastChoices).toHaveLength(2);
  });

  it('dossier commands pass the chat, its hash and the sender\'s limit key; a code not detected is normalised', async () => {
    const seen: { op: string; x: unknown }[] = [];
    const dossier: DossierPort = {
      detect: () => undefined,
      lookup: async (x) => (seen.push({ op: 'lookup', x }), { text: 'L' }),
      follow: async (x) => (seen.push({ op: 'follow', x }), { text: 'F' }),
      unfollow: async (x) => (seen.push({ op: 'unfollow', x }), { text: 'U' }),
    };
    const s = service({ dossier });
    const from = { channel: 'zalo' as const, chatId: 'z1', userRef: 'user-7' };
    expect(await s.handle(cmd('hoso', ' ab 12-x ', from))).toMatchObject({ outcome: 'dossier', text: 'L' });
    expect((await s.handle(cmd('theodoi', 'cd 34', from))).text).toBe('F');
    expect((await s.handle(cmd('huytheodoi', 'ef 56', from))).text).toBe('U');
    expect((await s.handle(cmd('huytheodoi', '', from))).text).toBe('U');
    const limitKey = hashId('limit:zalo:user-7');
    const h = chatHash('zalo', 'z1');
    expect(seen).toEqual([
      { op: 'lookup', x: { chatHash: h, limitKey, code: 'AB12-X' } },
      { op: 'follow', x: { channel: 'zalo', chatId: 'z1', chatHash: h, limitKey, code: 'CD34' } },
      { op: 'unfollow', x: { channel: 'zalo', chatId: 'z1', chatHash: h, code: 'EF56' } },
      { op: 'unfollow', x: { channel: 'zalo', chatId: 'z1', chatHash: h, code: undefined } },
    ]);
    expect((await s.handle(cmd('theodoi', '   ', from))).text).toMatch(/^Anh\/chị vui lòng gửi mã hồ sơ/);
    expect(seen).toHaveLength(4);
    expect(sessions.rows.size).toBe(0);
  });

  it('the limit key is the sender\'s limitKey, else the user, else the chat', async () => {
    const keys: string[] = [];
    const dossier: DossierPort = { detect: (t) => t, lookup: async (x) => (keys.push(x.limitKey), { text: '' }), follow: async () => ({ text: '' }), unfollow: async () => ({ text: '' }) };
    const s = service({ dossier });
    await s.handle(cmd('hoso', 'X1', { limitKey: 'addr', userRef: 'u' }));
    await s.handle(cmd('hoso', 'X1', { userRef: 'u' }));
    await s.handle(cmd('hoso', 'X1'));
    expect(keys).toEqual([hashId('limit:telegram:addr'), hashId('limit:telegram:u'), hashId('limit:telegram:c9')]);
  });

  it('records a dossier command without its code, and other commands redacted', async () => {
    const dossier: DossierPort = { detect: () => undefined, lookup: async () => ({ text: '' }), follow: async () => ({ text: '' }), unfollow: async () => ({ text: '' }) };
    const s = service({ dossier });
    await s.handle(cmd('hoso', '  '));
    expect(lastRecord().text).toBe('/hoso');
    await s.handle(cmd('hoso', 'ABC123'));
    expect(lastRecord().text).toBe('/hoso [MÃ HỒ SƠ]');
    await s.handle(cmd('tt', 'gọi 0912345678 '));
    expect(lastRecord().text).toBe('/tt gọi <phone>');
    await s.handle(cmd('gopy', 'x'.repeat(1500)));
    expect(lastRecord().text).toHaveLength(1000);
  });

  it('/gopy keeps at most 2000 characters, without a procedure when none was asked', async () => {
    const r = await service().handle(cmd('gopy', `  ${'y'.repeat(2500)}  `));
    expect(r).toMatchObject({ outcome: 'feedback', text: 'Cảm ơn anh/chị đã góp ý! Nội dung đã được chuyển tới Trung tâm.', feedback: false });
    expect(lastRecord().comment).toBe('y'.repeat(2000));
    expect(lastRecord().code).toBeUndefined();
    expect(sessions.rows.size).toBe(0);
  });
});

describe('dossier codes in free text', () => {
  const seen: string[] = [];
  const dossier: DossierPort = {
    detect: (t) => /\bHS\d{3}\b/.exec(t)?.[0],
    lookup: async (x) => (seen.push(`lookup ${x.code} ${x.limitKey === hashId('limit:telegram:c9')}`), { text: 'tra' }),
    follow: async (x) => (seen.push(`follow ${x.code} ${x.channel} ${x.chatId} ${x.chatHash === chatHash()}`), { text: 'theo' }),
    unfollow: async (x) => (seen.push(`unfollow ${x.code} ${x.channel} ${x.chatId} ${x.chatHash === chatHash()}`), { text: 'huy' }),
  };
  beforeEach(() => void (seen.length = 0));

  it('looks up, follows or stops following the code found, as the words ask', async () => {
    const s = service({ dossier });
    expect(await s.handle(msg('hồ sơ HS123 sao rồi'))).toMatchObject({ outcome: 'dossier', text: 'tra', citations: [], feedback: false });
    expect((await s.handle(msg('theo dõi hồ sơ HS456'))).text).toBe('theo');
    expect((await s.handle(msg('ngừng theo dõi hồ sơ HS789'))).text).toBe('huy');
    expect(seen).toEqual(['lookup HS123 true', 'follow HS456 telegram c9 true', 'unfollow HS789 telegram c9 true']);
    expect(sessions.rows.size).toBe(0);
  });

  it('"ngừng theo dõi" with nothing else stops every subscription of this chat', async () => {
    const r = await service({ dossier }).handle(msg('ngừng theo dõi hồ sơ'));
    expect(r).toMatchObject({ outcome: 'dossier', text: 'huy' });
    expect(seen).toEqual(['unfollow undefined telegram c9 true']);
  });

  it('"theo dõi" with other words than the dossier is a question', async () => {
    const r = await service({ dossier }).handle(msg('theo dõi hồ sơ đăng ký kết hôn'));
    expect(r.outcome).not.toBe('dossier');
    expect(seen).toEqual([]);
  });

  it('a code-like thing in a greeting is not looked up', async () => {
    const r = await service({ dossier }).handle(msg('xin chào HS123'));
    expect(r.outcome).toBe('smalltalk');
    expect(seen).toEqual([]);
  });

  it('without a port a code in free text or "ngừng theo dõi" says lookups are off', async () => {
    const s = service();
    const code = await s.handle(msg('hồ sơ H37.12-20260105-0001 đến đâu rồi'));
    expect(code).toMatchObject({ outcome: 'dossier' });
    expect(code.text).toMatch(/^Chức năng tra cứu hồ sơ chưa được bật\. Anh\/chị vui lòng liên hệ Trung tâm Kiểm Thử, đường dây nóng 0299 111\.$/);
    expect((await s.handle(msg('ngừng theo dõi hồ sơ'))).text).toMatch(/^Chức năng tra cứu hồ sơ chưa được bật/);
    expect((await s.handle(cmd('huytheodoi'))).text).toMatch(/^Chức năng tra cứu hồ sơ chưa được bật/);
  });
});

describe('small talk, feedback and emergencies', () => {
  it('an emergency gives the emergency numbers and keeps no session', async () => {
    const r = await service().handle(msg('cháy nhà cứu với'));
    expect(r).toMatchObject({ outcome: 'emergency', citations: [], choices: [], feedback: false });
    expect(r.text).toContain('114');
    expect(sessions.rows.size).toBe(0);
    expect(lastRecord()).toMatchObject({ outcome: 'emergency', aspects: [] });
  });

  it('thanks, greeting, help words and an empty message, with their exact texts', async () => {
    const s = service();
    expect((await s.handle(msg('cảm ơn'))).text).toBe('Cảm ơn anh/chị! Nếu cần tra cứu thêm thủ tục nào, anh/chị cứ hỏi nhé.');
    expect((await s.handle(msg(''))).text).toBe('Anh/chị vui lòng nhập câu hỏi về thủ tục hành chính, ví dụ "làm căn cước cho con cần gì?".');
    expect((await s.handle(msg('xin chào'))).outcome).toBe('smalltalk');
    expect((await s.handle(msg('bạn giúp được gì'))).text).toMatch(/^Tôi có thể giúp:/);
    expect(sessions.rows.size).toBe(0);
  });

  it('a message without text is taken as empty', async () => {
    const r = await service().handle({ channel: 'web', chatId: 'w', receivedAt: when } as unknown as Incoming);
    expect(r.text).toMatch(/^Anh\/chị vui lòng nhập câu hỏi/);
    expect(lastRecord().text).toBe('');
  });

  it('a thumbs-down is recorded as negative feedback on the last procedure and gives the contact', async () => {
    const s = service();
    await s.handle(msg('đăng ký khai sinh cần gì'));
    const r = await s.handle(msg('👎'));
    expect(r.outcome).toBe('feedback');
    expect(r.text).toContain('liên hệ Trung tâm Kiểm Thử, đường dây nóng 0299 111.');
    expect(lastRecord()).toMatchObject({ feedback: 'down', code: birth.code });
    const up = await s.handle(msg('👍'));
    expect(up.text).toBe('Cảm ơn anh/chị đã phản hồi! Chúc anh/chị làm thủ tục thuận lợi.');
    expect(lastRecord()).toMatchObject({ feedback: 'up', code: birth.code });
    // Feedback leaves the session as it was.
    expect(theSession()!.lastOutcome).toBe('answered');
  });

  it('a feedback button without any answer records no procedure', async () => {
    const r = await service().handle(msg('', { action: { type: 'feedback', value: 'down' } }));
    expect(r.text).toMatch(/^Xin lỗi vì câu trả lời chưa đúng ý/);
    expect(lastRecord()).toMatchObject({ feedback: 'down', code: undefined });
  });

  it('"xem thêm" gives the full record without notes or the rephraser, and leaves the session', async () => {
    const rephrased: string[] = [];
    const s = service({ notesFor: (t) => (t.includes('xem') ? ['GHI CHÚ'] : []), rephraser: { rephrase: async (x) => (rephrased.push(x.question), { text: x.grounded, used: 'fallback' }) } });
    await s.handle(msg('đăng ký kết hôn lệ phí'));
    const more = await s.handle(msg('xem thêm'));
    expect(more).toMatchObject({ outcome: 'answered', feedback: true });
    expect(more.text).toContain('Tờ khai đăng ký kết hôn');
    expect(more.text).not.toContain('GHI CHÚ');
    expect(rephrased).toEqual(['đăng ký kết hôn lệ phí']);
    expect(theSession()).toMatchObject({ lastAspects: ['fee'], lastQuestion: 'đăng ký kết hôn lệ phí' });
    expect(lastRecord()).toMatchObject({ code: marriage.code, outcome: 'answered' });
  });

  it('without a last procedure "xem thêm" records no procedure', async () => {
    await service().handle(msg('xem thêm'));
    expect(lastRecord()).toMatchObject({ outcome: 'smalltalk', code: undefined });
  });
});

describe('erasing a chat\'s data', () => {
  it('a pending erase is ignored when no eraser is configured', async () => {
    sessions.rows.set(keyOf(), { lastAspects: [], lastChoices: [], pending: 'erase', updatedAt: when });
    const r = await service().handle(msg('đồng ý'));
    expect(r.text).not.toMatch(/^Đã hủy yêu cầu xóa/);
    expect(r.text).not.toMatch(/^Đã xóa/);
  });

  it('"/xoadulieu" typed as text asks only when an eraser exists', async () => {
    const erase = async () => [];
    expect((await service({ erase }).handle(msg('  /XOADULIEU  '))).text).toMatch(/Gõ "đồng ý" để xóa/);
    expect(theSession()!.pending).toBe('erase');
    expect((await service().handle(msg('/xoadulieu', { chatId: 'nobody' }))).text).not.toMatch(/Gõ "đồng ý" để xóa/);
    expect((await service({ erase }).handle(msg('/xoadulieu ngay', { chatId: 'n2' }))).text).not.toMatch(/Gõ "đồng ý" để xóa/);
  });

  it('uses the privacy cues it is given', async () => {
    const erased: unknown[] = [];
    const privacyCues = { isEraseRequest: (t: string) => t === 'quên tôi đi', isConfirmation: (t: string) => t === 'chắc chắn' };
    const s = service({ privacyCues, erase: async (x) => (erased.push(x), []) });
    expect((await s.handle(msg('quên tôi đi'))).text).toMatch(/Gõ "đồng ý" để xóa/);
    expect((await s.handle(msg('chắc chắn', { userRef: 'ref-1' }))).text).toBe('Trợ lý không còn lưu dữ liệu nào của anh/chị trong cuộc trò chuyện này.');
    expect(erased).toEqual([{ channel: 'telegram', chatId: 'c9', userRef: 'ref-1' }]);
  });

  it('a confirmation says what was deleted, logs it, and works with a store that cannot delete', async () => {
    sessions = memorySessions(false);
    const erase = async () => [
      { table: 'interactions', label: 'câu hỏi', count: 3 },
      { table: 'subscriptions', label: 'hồ sơ đang theo dõi', count: 0 },
      { table: 'lookups', label: 'lần tra cứu', count: 1 },
    ];
    const s = service({ erase });
    await s.handle(msg('xóa dữ liệu của tôi'));
    expect(theSession()!.pending).toBe('erase');
    const n = records.length;
    const r = await s.handle(msg('đồng ý'));
    expect(r).toMatchObject({ outcome: 'smalltalk', text: 'Đã xóa dữ liệu của anh/chị: 3 câu hỏi, 1 lần tra cứu. Số liệu thống kê chung (không kèm nội dung câu hỏi, không gắn với anh/chị) vẫn được giữ.' });
    expect(records).toHaveLength(n);
    const line = logs.find((l) => l.msg === "chat data erased at the citizen's request");
    expect(line).toMatchObject({ erased: ['interactions:3', 'lookups:1'], chat: chatHash(), channel: 'telegram', level: 30 });
  });

  it('a choice button while an erase is pending cancels it and keeps the rest of the session', async () => {
    const s = service({ erase: async () => [] });
    await s.handle(msg('đăng ký kết hôn lệ phí'));
    await s.handle(cmd('xoadulieu'));
    const r = await s.handle(msg('', { action: { type: 'choice', index: 1 } }));
    expect(r.text).toBe('Đã hủy yêu cầu xóa dữ liệu. Dữ liệu của anh/chị vẫn được giữ như cũ.');
    expect(theSession()).toMatchObject({ lastCode: marriage.code, lastAspects: ['fee'], lastQuestion: 'đăng ký kết hôn lệ phí', lastOutcome: 'smalltalk' });
    expect(theSession()!.pending).toBeUndefined();
    expect(lastRecord()).toMatchObject({ outcome: 'smalltalk', code: undefined });
  });
});

describe('what is kept and recorded', () => {
  it('keeps the session under the channel and the hashed chat, stamped with the clock', async () => {
    await service().handle(msg('đăng ký khai sinh cần gì'));
    expect([...sessions.rows.keys()]).toEqual([`telegram:${chatHash()}`]);
    expect(sessions.sets).toEqual([when]);
    expect(lastRecord()).toMatchObject({ chatHash: chatHash(), channel: 'telegram', at: when });
  });

  it('cuts the text at 2000 characters before anything else sees it', async () => {
    const seen: number[] = [];
    await service({ redact: (t) => (seen.push(t.length), t) }).handle(msg(`đăng ký khai sinh ${'b'.repeat(2500)}`));
    expect(seen).toEqual([2000]);
  });

  it('redacts the text once per message', async () => {
    let n = 0;
    await service({ redact: (t) => (n++, t) }).handle(msg('đăng ký khai sinh cần gì'));
    expect(n).toBe(1);
  });

  it('passes the text of the message to the notes', async () => {
    const asked: string[] = [];
    await service({ notesFor: (t) => (asked.push(t), []) }).handle(msg('đăng ký khai sinh cần gì'));
    expect(asked).toEqual(['đăng ký khai sinh cần gì']);
  });

  it('rounds the latency to a tenth of a millisecond', async () => {
    const times = [1000, 1012.3456];
    vi.spyOn(performance, 'now').mockImplementation(() => times.shift() ?? 2000);
    await service().handle(msg('xin chào'));
    expect(lastRecord().latencyMs).toBe(12.3);
  });

  it('records the aspects understood even when the message is not a question', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn lệ phí'));
    expect(lastRecord().aspects).toEqual(['fee']);
    await s.handle(cmd('help'));
    expect(lastRecord().aspects).toEqual([]);
  });

  it('logs a session store that cannot be read or written, and still answers', async () => {
    sessions.failGet = true;
    sessions.failSet = true;
    const r = await service().handle(msg('đăng ký khai sinh cần gì'));
    expect(r.outcome).toBe('answered');
    expect(logs.find((l) => l.msg === 'session unavailable')).toMatchObject({ level: 40, err: 'store get broke', chat: chatHash() });
    expect(logs.find((l) => l.msg === 'session not saved')).toMatchObject({ level: 40, err: 'store set broke' });
    expect(lastRecord().outcome).toBe('answered');
  });

  it('a failure becomes the polite text for its code, logged with the code', async () => {
    const broken: Searcher = { search: async () => Promise.reject(new AppError('db:unavailable', { message: 'pool gone' })) };
    const r = await service({}, broken).handle(msg('đăng ký khai sinh'));
    expect(r).toEqual({ outcome: 'error', text: userMessages['db:unavailable'], citations: [], choices: [], feedback: false });
    expect(logs.find((l) => l.msg === 'answer failed')).toMatchObject({ level: 50, err: { message: 'pool gone', code: 'db:unavailable' } });
    expect(lastRecord()).toMatchObject({ outcome: 'error', aspects: [], candidates: [] });
    expect(sessions.rows.size).toBe(0);
  });
});

describe('offering an officer', () => {
  it('after a list following an answer, no; after a list following a list, yes; never when off', async () => {
    const s = service({ offerHandoff: true });
    await s.handle(msg('đăng ký khai sinh cần gì'));
    const first = await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect(first.offerHandoff).toBeUndefined();
    expect(first.text).not.toContain('Gặp cán bộ');
    const second = await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    expect(second.text.endsWith('\n\nAnh/chị cũng có thể gặp cán bộ của Trung tâm ngay trong cuộc trò chuyện này: gõ /canbo hoặc bấm "Gặp cán bộ".')).toBe(true);
    expect(second.choices).toHaveLength(2);
    const off = service({ offerHandoff: false });
    await off.handle(msg('đăng ký cư trú thường trú tạm trú', { chatId: 'o' }));
    expect((await off.handle(msg('đăng ký cư trú thường trú tạm trú', { chatId: 'o' }))).offerHandoff).toBeUndefined();
  });

  it('a bad number after a list counts as a second list; an unresolved answer is offered once', async () => {
    const s = service({ offerHandoff: true });
    await s.handle(msg('đăng ký cư trú thường trú tạm trú'));
    const bad = await s.handle(msg('9'));
    expect(bad.offerHandoff).toBe(true);
    const lost = await s.handle(msg('ốc vít bulông'));
    expect(lost.offerHandoff).toBe(true);
    expect(lost.text.split('gặp cán bộ').length).toBe(2);
  });
});

describe('finding the last procedure at another level', () => {
  /** A session whose last answer was the province passport, and a searcher that finds `results` for its name. */
  async function askCentralAfterProvince(results: SearchHit[]) {
    sessions.rows.set(keyOf(), { lastCode: passportProvince.code, lastAspects: ['fee'], lastChoices: [], updatedAt: when });
    return service({}, fixedSearcher({ results, confident: true, confidence: 1 })).handle(msg('còn ở cấp trung ương thì sao'));
  }

  it('by a twin the searcher folded in', async () => {
    const r = await askCentralAfterProvince([hit({ ...passportCentral, name: 'Hộ chiếu (tên khác)' }, 1, { sameAs: [passportProvince.code] })]);
    expect(r.citations[0]!.code).toBe(passportCentral.code);
  });

  it('by the same name without its level', async () => {
    const r = await askCentralAfterProvince([hit(passportCentral, 1)]);
    expect(r.citations[0]!.code).toBe(passportCentral.code);
    expect(theSession()).toMatchObject({ lastCode: passportCentral.code, lastAspects: ['fee'] });
  });

  it('not by another procedure that happens to be found', async () => {
    const r = await askCentralAfterProvince([hit(birth, 1, { sameAs: ['9.000777'] })]);
    expect(r.citations[0]!.code).toBe(passportProvince.code);
    expect(r.text).toMatch(/^Theo nguồn/);
  });
});

describe('catalog reads', () => {
  function countingCatalog() {
    const reads: string[] = [];
    return { reads, catalog: { getProcedure: async (code: string) => (reads.push(code), all.find((p) => p.code === code)) } };
  }

  it('a fresh question reads no record for the last procedure', async () => {
    const { reads, catalog } = countingCatalog();
    const s = service({ catalog });
    await s.handle(msg('đăng ký kết hôn cần gì'));
    reads.length = 0;
    await s.handle(msg('cho tôi hỏi thủ tục đăng ký khai sinh cho con tôi mới sinh ở quê ngoại thì cần chuẩn bị những gì'));
    expect(reads).not.toContain(marriage.code);
    expect(reads).toContain(birth.code);
  });

  it('"xem thêm" with nothing asked before reads nothing', async () => {
    const { reads, catalog } = countingCatalog();
    await service({ catalog }).handle(msg('xem thêm'));
    expect(reads).toEqual([]);
  });
});

describe('two things, level twins and the search of each side', () => {
  it('each side is searched for its top four, and two levels of one procedure are not two things', async () => {
    const asked: { q: string; top?: number }[] = [];
    const searcher: Searcher = {
      async search(q, o) {
        asked.push({ q, top: o?.top });
        const both = [hit(passportProvince, 0.9), hit(passportCentral, 0.9)];
        const results = /trung ương/.test(q) && !/tỉnh/.test(q) ? [hit(passportCentral, 0.9)] : /tỉnh/.test(q) && !/trung ương/.test(q) ? [hit(passportProvince, 0.9)] : both;
        return { results, confident: false, confidence: 0.9, ms: 0 };
      },
    };
    const r = await service({}, searcher).handle(msg('hộ chiếu cấp tỉnh và hộ chiếu cấp trung ương'));
    expect(asked.filter((a) => a.top === 4)).toHaveLength(2);
    expect(r.text).not.toMatch(/hai việc/);
    expect(r.outcome).toBe('answered');
  });
});

describe('without a clock', () => {
  it('stamps the record and the session with the current time', async () => {
    const before = Date.now();
    const s = createAnswerService({
      searcher: fakeSearcher(),
      catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
      sessions,
      centre,
      logger: pino({ level: 'silent' }),
      redact: (t) => t,
      recorder: { record: (r) => records.push(r), flush: async () => undefined },
    });
    await s.handle(msg('đăng ký khai sinh cần gì'));
    const at = records[0]!.at.getTime();
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(sessions.sets[0]!.getTime()).toBe(at);
  });
});

describe('exact outcomes and texts', () => {
  it('usage and small-talk replies carry their outcome', async () => {
    const s = service({ dossier: { detect: () => undefined, lookup: async () => ({ text: '' }), follow: async () => ({ text: '' }), unfollow: async () => ({ text: 'bỏ hết' }) } });
    expect(await s.handle(cmd('tt'))).toMatchObject({ outcome: 'smalltalk', feedback: false });
    expect(await s.handle(cmd('gopy', '  '))).toMatchObject({ outcome: 'smalltalk', text: 'Cách dùng: /gopy <nội dung góp ý>. Góp ý được gửi ẩn danh tới Trung tâm.' });
    expect(await s.handle(cmd('xoadulieu'))).toMatchObject({ outcome: 'smalltalk' });
    expect(await s.handle(msg('  '))).toMatchObject({ outcome: 'smalltalk' });
    expect(await s.handle(msg('bạn giúp được gì'))).toMatchObject({ outcome: 'smalltalk' });
    expect(await s.handle(msg('cảm ơn'))).toMatchObject({ outcome: 'smalltalk' });
    expect(await s.handle(cmd('huytheodoi'))).toMatchObject({ outcome: 'dossier', text: 'bỏ hết' });
    expect(await s.handle(msg('theo dõi hồ sơ'))).toMatchObject({ outcome: 'dossier' });
  });

  it('asking to erase, by command or by words, is small talk that waits for the answer', async () => {
    const s = service({ erase: async () => [] });
    expect(await s.handle(cmd('xoadulieu'))).toMatchObject({ outcome: 'smalltalk', feedback: false });
    expect(theSession()).toMatchObject({ pending: 'erase', lastAspects: [], lastChoices: [], lastOutcome: 'smalltalk' });
    expect(theSession()!.lastCode).toBeUndefined();
    expect(await s.handle(msg('xóa dữ liệu của tôi', { chatId: 'e2' }))).toMatchObject({ outcome: 'smalltalk' });
    expect(theSession('telegram', 'e2')).toMatchObject({ pending: 'erase', lastAspects: [], lastChoices: [] });
  });

  it('/tt in a new chat keeps an empty list', async () => {
    await service().handle(cmd('tt', birth.code));
    expect(theSession()).toMatchObject({ lastCode: birth.code, lastAspects: [], lastChoices: [] });
  });

  it('an answer is the composed record and nothing else when there are no notes, twins or rephraser', async () => {
    const r = await service().handle(msg('đăng ký khai sinh lệ phí'));
    expect(r.text).toBe(composeAnswer(birth, ['fee']));
  });

  it('"xem thêm" is the full record as composed, with no note added', async () => {
    const s = service({ notesFor: () => ['GHI CHÚ'] });
    await s.handle(msg('đăng ký kết hôn lệ phí'));
    expect((await s.handle(msg('xem thêm'))).text).toBe(composeAnswer(marriage, [], { full: true }));
    expect((await s.handle(cmd('tt', marriage.code))).text).toBe(composeAnswer(marriage, [], { full: true }));
  });

  it('the agent\'s lookup tool gives the full record as composed', async () => {
    let tools: AgentToolsPort | undefined;
    const agent: AgentPort = { answer: async (x) => ((tools = x.tools), { text: x.grounded, used: 'fallback' }) };
    await service({ agent }).handle(msg('đăng ký khai sinh cần gì'));
    expect(await tools!.lookup(marriage.code)).toBe(composeAnswer(marriage, [], { full: true }));
  });

  it('works without a recorder', async () => {
    const s = createAnswerService({
      searcher: fakeSearcher(),
      catalog: { getProcedure: async (code) => all.find((p) => p.code === code) },
      sessions,
      centre,
      logger: pino({ level: 'silent' }),
      redact: (t) => t,
    });
    expect((await s.handle(msg('đăng ký khai sinh cần gì'))).outcome).toBe('answered');
  });

  it('a thumbs-up in a new chat is feedback on nothing', async () => {
    const r = await service().handle(msg('👍'));
    expect(r.outcome).toBe('feedback');
    expect(lastRecord()).toMatchObject({ feedback: 'up', code: undefined });
  });
});

describe('namesAnother', () => {
  it('counts the words of the aliases as the procedure\'s own', () => {
    expect(namesAnother(['lam', 'giay'], marriage)).toBe(false);
  });
});

describe('movesTo', () => {
  const stay = { ...marriage, name: 'Đăng ký tạm trú', aliases: [], field: 'Cư trú' };
  it('moves to a sibling that holds every topic word and keeps half of the last name', () => {
    expect(movesTo(['thuong', 'tru'], stay)('Đăng ký thường trú')).toBe(true);
    // Three of the four words of "đăng ký tạm trú" are kept: a sibling; one of four is not.
    expect(movesTo(['thuong', 'tru'], stay)('Xóa đăng ký thường trú')).toBe(true);
    expect(movesTo(['thuong', 'tru'], stay)('Xác nhận thường trú')).toBe(false);
  });
  it('does not move when the topic is the last procedure\'s own, when the hit misses a topic word, or when it is unrelated', () => {
    expect(movesTo(['tam', 'tru'], stay)('Đăng ký thường trú')).toBe(false);
    expect(movesTo(['thuong', 'tru', 'xe'], stay)('Đăng ký thường trú')).toBe(false);
    expect(movesTo(['thuong'], stay)('Thưởng thành tích')).toBe(false);
    expect(movesTo([], stay)('Đăng ký thường trú')).toBe(false);
  });
});

describe('more follow-ups', () => {
  it('the level the last procedure has, with no aspect, answers it again with the aspects before (it was taken for another procedure)', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn lệ phí'));
    const r = await s.handle(msg('còn ở cấp xã thì sao'));
    expect(r.citations[0]!.code).toBe(marriage.code);
    expect(r.text).toBe(composeAnswer(marriage, ['fee']));
    expect(theSession()).toMatchObject({ lastCode: marriage.code, lastAspects: ['fee'] });
  });

  it('a level the last procedure has does not by itself name another procedure; other words with it still do', async () => {
    const s = service();
    await s.handle(msg('đăng ký kết hôn lệ phí'));
    expect((await s.handle(msg('hộ kinh doanh cấp xã thì sao'))).outcome).toBe('unresolved');
    await s.handle(msg('đăng ký kết hôn lệ phí'));
    const r = await s.handle(msg('còn ở cấp xã thì sao'));
    expect(r.outcome).toBe('answered');
    expect(r.citations[0]!.code).toBe(marriage.code);
  });

  it('an aspect follow-up searches its text for eight and answers only that aspect', async () => {
    sessions.rows.set(keyOf(), { lastCode: marriage.code, lastAspects: ['fee'], lastChoices: [], updatedAt: when });
    const s = fixedSearcher({ results: [hit(marriage, 1)], confident: true, confidence: 1 });
    const r = await service({}, s).handle(msg('còn thời hạn thì sao'));
    expect(s.asked).toEqual([{ q: 'còn thời hạn thì sao', top: 8 }]);
    expect(r.text).toBe(composeAnswer(marriage, ['deadline']));
  });

  it('a hit for another procedure found without confidence does not replace the last one', async () => {
    sessions.rows.set(keyOf(), { lastCode: marriage.code, lastAspects: [], lastChoices: [], updatedAt: when });
    const s = fixedSearcher({ results: [hit(birth, 0.9)], confident: false, confidence: 0.9 });
    const r = await service({}, s).handle(msg('còn lệ phí thì sao'));
    expect(r.citations[0]!.code).toBe(marriage.code);
  });

  it('a level asked finds nothing when the search only finds another procedure at that level', async () => {
    sessions.rows.set(keyOf(), { lastCode: passportProvince.code, lastAspects: [], lastChoices: [], updatedAt: when });
    const r = await service({}, fixedSearcher({ results: [hit(birth, 1)], confident: true, confidence: 1 })).handle(msg('còn ở cấp xã thì sao'));
    expect(r.citations[0]!.code).toBe(passportProvince.code);
    expect(r.text).toMatch(/^Theo nguồn/);
  });

  it('the last procedure found by its code under another name leads to its twin', async () => {
    sessions.rows.set(keyOf(), { lastCode: passportProvince.code, lastAspects: [], lastChoices: [], updatedAt: when });
    const renamed = hit({ ...passportProvince, name: 'Hộ chiếu (cách gọi khác)' }, 1, { sameAs: [passportCentral.code] });
    const r = await service({}, fixedSearcher({ results: [renamed], confident: true, confidence: 1 })).handle(msg('còn ở cấp trung ương thì sao'));
    expect(r.citations[0]!.code).toBe(passportCentral.code);
  });
});

describe('more on two things', () => {
  /** Each side finds its own procedure; `weak` sides are found with too little confidence to be anything. */
  const sided = (weak: RegExp): Searcher => ({
    async search(q) {
      const p = /khai sinh/.test(q) && !/kết hôn/.test(q) ? birth : /kết hôn/.test(q) && !/khai sinh/.test(q) ? marriage : undefined;
      if (!p) return { results: [hit(birth, 0.6), hit(marriage, 0.6)], confident: false, confidence: 0.6, ms: 0 };
      return { results: [hit(p, 0.9)], confident: false, confidence: weak.test(q) ? 0.05 : 0.9, ms: 0 };
    },
  });

  it('a side found with too little confidence does not count, whichever side it is', async () => {
    for (const weak of [/kết hôn/, /khai sinh/]) {
      const r = await service({}, sided(weak)).handle(msg('đăng ký khai sinh và đăng ký kết hôn', { chatId: String(weak) }));
      expect(r.outcome).not.toBe('error');
      expect(r.text).not.toMatch(/hai việc/);
    }
    expect((await service({}, sided(/$^/)).handle(msg('đăng ký khai sinh và đăng ký kết hôn', { chatId: 'both' }))).text).toMatch(/hai việc/);
  });
});

describe('more on dossier words and erasing', () => {
  const seen: string[] = [];
  const dossier: DossierPort = {
    detect: () => undefined,
    lookup: async () => ({ text: 'tra' }),
    follow: async () => ({ text: 'theo' }),
    unfollow: async (x) => (seen.push(`unfollow ${x.code ?? '*'}`), { text: 'huy' }),
  };

  it('"ngừng theo dõi hồ sơ hộ tôi" stops every subscription; "theo dõi hồ sơ số" asks for the code', async () => {
    seen.length = 0;
    const s = service({ dossier });
    expect(await s.handle(msg('ngừng theo dõi hồ sơ hộ tôi'))).toMatchObject({ outcome: 'dossier', text: 'huy' });
    expect(seen).toEqual(['unfollow *']);
    expect((await s.handle(msg('theo dõi hồ sơ số'))).text).toMatch(/^Anh\/chị vui lòng gửi mã hồ sơ/);
  });

  it('"/xoadulieu" inside other words, or run into them, is not a request to erase', async () => {
    const s = service({ erase: async () => [] });
    expect((await s.handle(msg('lệnh /xoadulieu là gì'))).text).not.toMatch(/Gõ "đồng ý" để xóa/);
    expect((await s.handle(msg('/xoadulieunhe'))).text).not.toMatch(/Gõ "đồng ý" để xóa/);
    expect((await s.handle(msg('tôi gõ /xoadulieu'))).text).not.toMatch(/Gõ "đồng ý" để xóa/);
    expect(sessions.rows.size === 0 || theSession()!.pending === undefined).toBe(true);
  });

  it('a command or a button never confirms an erase, whatever text comes with it', async () => {
    const erased: string[] = [];
    const s = service({ erase: async (x) => (erased.push(x.chatId), []) });
    await s.handle(cmd('xoadulieu'));
    expect((await s.handle(msg('đồng ý', { command: { name: 'xoadulieu', args: '' } }))).text).toMatch(/^Đã hủy yêu cầu xóa/);
    await s.handle(cmd('xoadulieu'));
    expect((await s.handle(msg('đồng ý', { action: { type: 'feedback', value: 'up' } }))).text).toMatch(/^Đã hủy yêu cầu xóa/);
    expect(erased).toEqual([]);
  });
});

describe('/tt reads the catalog only for what looks like a code', () => {
  it('words around a code are searched, not read as a code', async () => {
    const reads: string[] = [];
    const catalog = { getProcedure: async (code: string) => (reads.push(code), all.find((p) => p.code === code)) };
    const s = service({ catalog }, fixedSearcher({ results: [hit(birth, 0.9)], confidence: 0.9 }));
    for (const arg of ['ab 9.000001', '9.000001 ab', 'ab cd']) await s.handle(cmd('tt', arg));
    expect(reads).toEqual([birth.code, birth.code, birth.code]);
  });
});
