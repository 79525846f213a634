import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { createInteractionRecorder } from '../../src/analytics/recorder.js';
import { createReportService, csvCell, isNegativeFeedbackText, parseSince, reportToCsv, type Report } from '../../src/analytics/report.js';
import type { Embedder } from '../../src/retrieval/types.js';
import { isAppError } from '../../src/errors.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { T0, fixtureInteractions, insertProcedures } from './fixture.js';

const DAY = 86_400_000;
const since = new Date(T0.getTime() - DAY);
const until = new Date(T0.getTime() + 20 * DAY);

describe.each(dbBackends)('report on $backend', ({ backend }) => {
  let db: TestDb;
  let dataDir: string;
  let report: Report;
  beforeAll(async () => {
    db = await createTestDb(backend);
    dataDir = await mkdtemp(join(tmpdir(), 'motcua-report-'));
    await insertProcedures(db);
    const recorder = createInteractionRecorder({ db, dataDir, logger: createLogger({ level: 'silent' }) });
    for (const r of fixtureInteractions()) recorder.record(r);
    await recorder.close();
    report = await createReportService({ db }).report({ since, until });
  });
  afterAll(async () => {
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts questions, answers and unresolved questions by all four rules', () => {
    expect(report.questions_total).toBe(74);
    expect(report.answered_total).toBe(67);
    expect(report.unresolved_total).toBe(21);
  });

  it('groups by procedure with names from the catalog', () => {
    const by = Object.fromEntries(report.by_procedure.map((p) => [p.code, p]));
    expect(by['1.001193']).toMatchObject({ name: 'Đăng ký khai sinh', total: 3, answered: 3, unresolved: 2, negative: 1, clarify: 0, repeated: 1 });
    expect(by['1.000894']).toMatchObject({ name: 'Đăng ký kết hôn', total: 5, answered: 3, unresolved: 1, negative: 0, clarify: 2 });
    expect(by['2.000002']).toMatchObject({ total: 20, unresolved: 12, answered: 20, negative: 12 });
    expect(by['2.000003']).toMatchObject({ total: 40, unresolved: 0 });
    expect(by['1.004227']).toMatchObject({ total: 1, unresolved: 1, negative: 1 });
    // Unresolved questions are charged to no procedure, however their weak candidates ranked.
    expect(by['2.000001']).toBeUndefined();
    expect(report.by_procedure[0]!.code).toBe('2.000002');
  });

  it('groups by aspect, questions without one under "general"', () => {
    expect(report.by_aspect).toEqual({
      documents: { total: 2, unresolved: 1, negative: 1, clarify: 0 },
      where: { total: 1, unresolved: 1, negative: 0, clarify: 0 },
      deadline: { total: 2, unresolved: 1, negative: 0, clarify: 0 },
      fee: { total: 21, unresolved: 12, negative: 12, clarify: 0 },
      steps: { total: 40, unresolved: 0, negative: 0, clarify: 0 },
      general: { total: 8, unresolved: 6, negative: 1, clarify: 2 },
    });
    expect(report.problem_areas[0]).toMatchObject({ code: '2.000002', aspect: 'fee', unresolved: 12 });
  });

  it('clusters near-identical unresolved questions with counts, dates and the candidates considered', () => {
    expect(report.questions.map((q) => q.count)).toEqual([12, 4, 1, 1, 1, 1, 1]);
    const yen = report.questions[1]!;
    expect(yen.text).toBe('xin cấp phép nuôi chim yến');
    expect(yen.examples).toHaveLength(4);
    expect(yen.firstAt).toBe(new Date(T0.getTime() + 60 * 60_000).toISOString());
    expect(yen.lastAt).toBe(new Date(T0.getTime() + (62 + 8 * 24 * 60) * 60_000).toISOString());
    expect(yen.candidates).toEqual(['2.000001', '2.000003']);
    expect(yen.reasons).toEqual({ unresolved: 4, clarify: 0, negative: 0, repeated: 0 });
    const texts = report.questions.map((q) => q.text);
    expect(texts).toContain('thủ tục kết hôn'); // clarify left unanswered
    expect(texts).toContain('đăng ký khai sinh mất bao lâu'); // asked again right after the answer
    expect(texts).toContain('làm giấy khai sinh cần giấy tờ gì'); // 👎 afterwards
    expect(texts).not.toContain('đăng ký kết hôn'); // clarify answered by a choice
    expect(texts.join(' ')).not.toContain('câu hỏi cũ'); // before the window
  });

  it('ranks confusing procedures by smoothed rates, so one unlucky question does not outrank a real problem', () => {
    expect(report.confusing.map((c) => c.code)).toEqual(['2.000002', '1.004227', '1.001193', '1.000894']);
    const one = report.confusing.find((c) => c.code === '1.004227')!;
    const many = report.confusing.find((c) => c.code === '2.000002')!;
    expect(one.unresolved / one.total).toBeGreaterThan(many.unresolved / many.total);
    expect(many.score).toBeGreaterThan(one.score);
    expect(many.excess).toBeGreaterThan(one.excess);
  });

  it('lists procedures the bot could not tell apart', () => {
    expect(report.confused_pairs).toEqual([
      { a: { code: '1.000894', name: 'Đăng ký kết hôn' }, b: { code: '1.004227', name: 'Đăng ký lại kết hôn' }, count: 2, unanswered: 1 },
    ]);
  });

  it('gives a weekly and daily trend that adds up to the totals', () => {
    expect(report.weekly.map((w) => w.start)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16']);
    expect(report.weekly.reduce((s, w) => s + w.questions, 0)).toBe(74);
    expect(report.weekly[2]).toMatchObject({ questions: 1, answered: 0, unresolved: 1, answer_rate: 0 });
    expect(report.daily.reduce((s, w) => s + w.answered, 0)).toBe(67);
    expect(report.daily).toHaveLength(22); // Nov 1 08:00 → Nov 22 08:00 touches 22 days
  });

  it('lists feedback newest first with the question it was about', () => {
    expect(report.feedback).toHaveLength(15);
    const times = report.feedback.map((f) => f.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(report.feedback).toContainEqual(
      expect.objectContaining({ feedback: 'up', code: '1.000894', name: 'Đăng ký kết hôn', question: 'lệ phí kết hôn' }),
    );
    expect(report.feedback).toContainEqual(
      expect.objectContaining({ feedback: 'down', code: '1.001193', comment: 'thiếu giấy chứng sinh', question: 'làm giấy khai sinh cần giấy tờ gì' }),
    );
    expect(report.feedback).toContainEqual(
      expect.objectContaining({ feedback: 'down', code: '1.004227', name: 'Đăng ký lại kết hôn', question: 'đăng ký lại kết hôn khi mất giấy' }),
    );
  });

  it('treats a clarify still inside its time-out as pending, not unresolved', async () => {
    const recorder = createInteractionRecorder({ db, dataDir, logger: createLogger({ level: 'silent' }) });
    recorder.record({
      at: new Date(), channel: 'web', chatHash: 'abcabcabcabcabc9', text: 'kết hôn lần hai', aspects: [], outcome: 'clarify',
      candidates: [{ code: '1.000894', score: 0.5 }, { code: '1.004227', score: 0.5 }], latencyMs: 5,
    });
    await recorder.close();
    const r = await createReportService({ db }).report({ since: new Date(Date.now() - 60_000) });
    expect(r.questions_total).toBe(1);
    expect(r.unresolved_total).toBe(0);
  });

  it('counts a "sai rồi" logged as a question as 👎 on the answer before it, not as a question', async () => {
    const t = new Date('2027-03-01T08:00:00Z');
    const recorder = createInteractionRecorder({ db, dataDir, logger: createLogger({ level: 'silent' }) });
    const base = { channel: 'zalo' as const, chatHash: 'feedfeedfeedfeed', aspects: ['fee'], candidates: [{ code: '1.001193', score: 0.9 }], latencyMs: 4 };
    recorder.record({ ...base, at: t, text: 'lệ phí khai sinh bao nhiêu', outcome: 'answered', code: '1.001193' });
    recorder.record({ ...base, at: new Date(t.getTime() + 60_000), text: 'Sai rồi ạ', outcome: 'unresolved', candidates: [] });
    await recorder.close();
    const r = await createReportService({ db }).report({ since: t, until: new Date(t.getTime() + 3_600_000) });
    expect(r.questions_total).toBe(1);
    expect(r.unresolved_total).toBe(1);
    expect(r.by_procedure[0]).toMatchObject({ code: '1.001193', negative: 1 });
    expect(r.questions[0]).toMatchObject({ text: 'lệ phí khai sinh bao nhiêu', reasons: { unresolved: 0, clarify: 0, negative: 1, repeated: 0 } });
  });

  it('merges clusters whose texts embed close together when an embedder is given', async () => {
    const embedder: Embedder = {
      id: 'fake', dimensions: 2,
      async embed(texts) {
        return texts.map((t) => (/kết hôn/.test(t) ? [1, 0] : [0, 1]));
      },
    };
    const r = await createReportService({ db, embedder }).report({ since, until });
    const merged = r.questions.find((q) => q.examples.includes('thủ tục kết hôn'))!;
    expect(merged.examples).toContain('đăng ký lại kết hôn khi mất giấy');
  });

  it('writes a CSV with one row per section item, safe to open in a spreadsheet', () => {
    const csv = reportToCsv(report);
    expect(csv.startsWith('\uFEFFsection,code,name')).toBe(true);
    const lines = csv.trim().split('\r\n');
    expect(lines.filter((l) => l.startsWith('question,'))).toHaveLength(7);
    expect(lines.filter((l) => l.startsWith('procedure,'))).toHaveLength(5);
    expect(csv).toContain('xin cấp phép nuôi chim yến');
  });
});

describe('report helpers', () => {
  it.each(['sai rồi', 'Sai rồi ạ', 'không đúng', 'chưa đúng nhé', 'trả lời sai', '👎'])('reads "%s" as negative feedback', (t) => {
    expect(isNegativeFeedbackText(t)).toBe(true);
  });
  it.each(['sai tên trong giấy khai sinh thì làm sao', 'không đúng hạn thì có bị phạt không', 'đúng rồi'])('reads "%s" as a question', (t) => {
    expect(isNegativeFeedbackText(t)).toBe(false);
  });

  const now = new Date('2026-11-25T00:00:00Z');
  it.each([
    ['30d', '2026-10-26T00:00:00.000Z'],
    ['2w', '2026-11-11T00:00:00.000Z'],
    ['24h', '2026-11-24T00:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
  ])('parses since=%s', (input, expected) => {
    expect(parseSince(input, now).toISOString()).toBe(expected);
  });

  it('rejects a since it cannot read with a validation error', () => {
    expect(() => parseSince('last month', now)).toThrowError(expect.objectContaining({ code: 'http:validation' }));
    try {
      parseSince('x');
    } catch (e) {
      expect(isAppError(e, 'http:validation')).toBe(true);
    }
  });

  it('neutralises spreadsheet formulas and quotes separators in CSV cells', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
  });
});
