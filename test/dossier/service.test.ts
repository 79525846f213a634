import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';
import { startFakeCentreApi, nationalRecord, type FakeCentreApi } from '../fakes/centre-api.js';
import { createHttpDossierProvider } from '../../src/dossier/http-provider.js';
import { createDossierService, type DossierService, type DossierServiceOptions } from '../../src/dossier/service.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createSimulatorProvider, SIM_MOVING_CODE } from '../../src/dossier/simulator.js';
import { STATUSES, type DossierStatus } from '../../src/dossier/status.js';
import { createLogger } from '../../src/logger.js';
import { userMessages } from '../../src/errors.js';
import type { DossierProvider } from '../../src/dossier/provider.js';

const logger = createLogger({ level: 'silent' });
const calendar = loadWorkingCalendar();
const CODE = 'H37.30-20261116-0004';
const CHAT = 'chat-hash-1';

describe.each(dbBackends)('dossier service ($backend)', ({ backend }) => {
  let db: TestDb;
  let api: FakeCentreApi;
  let now: Date;
  const clock = () => now;

  beforeAll(async () => {
    api = await startFakeCentreApi({ token: 'tok' });
    db = await createTestDb(backend);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.exec('TRUNCATE dossier_lookups, dossier_throttle, dossier_subscriptions');
    now = new Date('2026-11-17T10:00:00+07:00');
    api.setBehaviour('*', undefined);
    api.requests.length = 0;
  });

  const httpProvider = (o: { timeoutMs?: number; token?: string } = {}) =>
    createHttpDossierProvider({ baseUrl: api.url, token: o.token ?? 'tok', timeoutMs: o.timeoutMs ?? 500, retryDelaysMs: [5] });
  const service = (provider: DossierProvider = httpProvider(), options: DossierServiceOptions = {}): DossierService =>
    createDossierService({ db, provider, logger, clock, calendar }, options);

  describe('each national status', () => {
    const expectations: Record<DossierStatus, RegExp> = {
      1: /chờ cán bộ kiểm tra/,
      2: /giữ phiếu hẹn/,
      3: /nộp hồ sơ mới/,
      4: /chờ đến ngày hẹn/,
      5: /giấy tờ còn thiếu/,
      6: /nộp phí, lệ phí/,
      7: /nộp hồ sơ mới/,
      8: /liên hệ Trung tâm/,
      9: /để nhận kết quả/,
      10: /hoàn tất/,
    };
    it.each(Object.keys(expectations).map(Number) as DossierStatus[])('status %i: says where it is and what to do', async (status) => {
      api.setDossier(
        nationalRecord(CODE, {
          TrangThaiHoSo: status,
          ...(status >= 9 ? { NgayKetThucXuLy: '20261118150000' } : {}),
          ...(status === 10 ? { NgayTra: '20261119090000' } : {}),
        }),
      );
      const r = await service().lookup({ chatHash: CHAT, text: `hồ sơ ${CODE.toLowerCase()} sao rồi` });
      expect(r).toMatchObject({ outcome: 'dossier', status, code: CODE, result: 'found' });
      expect(r.text).toContain(`Trạng thái: ${STATUSES[status].label}`);
      expect(r.text).toMatch(expectations[status]);
      expect(r.text).toContain('Đăng ký khai sinh');
      expect(r.text).toContain('Ngày tiếp nhận: 16/11/2026');
      expect(r.text).toContain('Ngày hẹn trả: 19/11/2026');
      expect(r.text).toContain('Đơn vị xử lý: UBND phường Lương Văn Tri');
      expect(r.text).toContain('Chủ hồ sơ: N*** V*** A*');
      expect(r.text).not.toMatch(/Nguyễn|Văn An/);
      expect(r.text.includes('/theodoi')).toBe(![3, 7, 8, 9, 10].includes(status));
    });
  });

  it('says how many working days are left while on time', async () => {
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 4, NgayHenTra: '20261119170000' }));
    const r = await service().lookup({ chatHash: CHAT, code: CODE });
    expect(r.text).toContain('Còn 2 ngày làm việc đến ngày hẹn trả (đang trong hạn).');
  });

  it('says overdue by working days, weekends excluded', async () => {
    now = new Date('2026-11-24T09:00:00+07:00');
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 4, NgayHenTra: '20261119170000' }));
    const r = await service().lookup({ chatHash: CHAT, code: CODE });
    // Fri 20, Mon 23, Tue 24.
    expect(r.text).toContain('Đã quá ngày hẹn trả 3 ngày làm việc.');
    expect(r.text).toContain('phiếu xin lỗi');
  });

  it('counts overdue days across Tết 2026', async () => {
    now = new Date('2026-02-24T09:00:00+07:00');
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 2, NgayTiepNhan: '20260209080000', NgayHenTra: '20260213170000' }));
    const r = await service().lookup({ chatHash: CHAT, code: CODE });
    expect(r.text).toContain('Đã quá ngày hẹn trả 2 ngày làm việc.');
  });

  it('judges a finished dossier against its due date', async () => {
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 9, NgayHenTra: '20261119170000', NgayKetThucXuLy: '20261123100000' }));
    const late = await service().lookup({ chatHash: CHAT, code: CODE });
    // Fri 20 and Mon 23 after the due Thursday.
    expect(late.text).toContain('trễ 2 ngày làm việc');
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 9, NgayHenTra: '20261119170000', NgayKetThucXuLy: '20261119100000' }));
    const onTime = await service().lookup({ chatHash: CHAT, code: CODE });
    expect(onTime.text).toContain('đúng hạn');
  });

  it('says so when the centre does not know the code', async () => {
    const r = await service().lookup({ chatHash: CHAT, code: ' h37.30-20261116-9999 ' });
    expect(r).toMatchObject({ result: 'not_found', code: 'H37.30-20261116-9999' });
    expect(r.text).toContain('Không tìm thấy hồ sơ có mã H37.30-20261116-9999');
  });

  it('asks for a code when the text has none, without calling the centre', async () => {
    const r = await service().lookup({ chatHash: CHAT, text: 'tôi muốn tra hồ sơ 1.001193' });
    expect(r.result).toBe('invalid');
    expect(r.text).toContain('mã hồ sơ');
    expect(api.requests).toHaveLength(0);
  });

  it.each([
    ['401', { kind: 'status', status: 401 } as const, userMessages['center_api:unauthorized']],
    ['500', { kind: 'status', status: 500 } as const, userMessages['center_api:unavailable']],
    ['malformed JSON', { kind: 'raw', body: '{"MaHoSo":' } as const, userMessages['center_api:bad_response']],
  ])('centre answers %s: a clear message', async (_n, behaviour, message) => {
    api.setBehaviour('*', behaviour);
    const r = await service().lookup({ chatHash: CHAT, code: CODE });
    expect(r.result).toBe('error');
    expect(r.text).toContain(message);
    expect(r.text).toContain(CODE);
  });

  it('a hanging centre gets the citizen a clear message by the lookup deadline', async () => {
    api.setBehaviour('*', { kind: 'hang' });
    const started = performance.now();
    const r = await service(httpProvider({ timeoutMs: 5000 }), { lookupDeadlineMs: 300 }).lookup({ chatHash: CHAT, code: CODE });
    const ms = performance.now() - started;
    expect(r.result).toBe('error');
    expect(r.text).toContain(userMessages['center_api:timeout']);
    expect(ms).toBeLessThan(3000);
  });

  it('a provider that never settles still yields a reply by the deadline', async () => {
    const stuck: DossierProvider = {
      mode: 'http',
      getDossier: () => new Promise(() => undefined),
      state: () => ({ mode: 'http', circuit: 'closed', consecutiveFailures: 0 }),
    };
    const r = await service(stuck, { lookupDeadlineMs: 100 }).lookup({ chatHash: CHAT, code: CODE });
    expect(r.text).toContain(userMessages['center_api:timeout']);
  });

  it('a database failure still gets the citizen a polite message', async () => {
    const broken = { ...db, query: async () => Promise.reject(new Error('connection lost')) } as TestDb;
    const r = await createDossierService({ db: broken, provider: httpProvider(), logger, clock, calendar }).lookup({
      chatHash: CHAT,
      code: CODE,
    });
    expect(r.result).toBe('error');
    expect(r.text).toContain(userMessages['db:unavailable']);
  });

  it('audits each lookup with the hashed chat, code, result and time, and no name', async () => {
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: 6 }));
    const s = service();
    await s.lookup({ chatHash: CHAT, code: CODE });
    await s.lookup({ chatHash: CHAT, code: 'H37.30-20261116-7777' });
    api.setBehaviour('*', { kind: 'status', status: 500 });
    await s.lookup({ chatHash: CHAT, code: CODE });
    const rows = await db.query<Record<string, unknown>>(
      `SELECT chat_hash, code, result, status, error_code, at FROM dossier_lookups ORDER BY id`,
    );
    expect(rows.map(({ at, ...r }) => r)).toEqual([
      { chat_hash: CHAT, code: CODE, result: 'found', status: 6, error_code: null },
      { chat_hash: CHAT, code: 'H37.30-20261116-7777', result: 'not_found', status: null, error_code: null },
      { chat_hash: CHAT, code: CODE, result: 'error', status: null, error_code: 'center_api:unavailable' },
    ]);
    expect(new Date(rows[0]?.at as string).toISOString()).toBe(now.toISOString());
    expect(JSON.stringify(rows)).not.toContain('Nguyễn');
  });

  it('allows 10 lookups per chat per 10 minutes, shared by every service instance on the database', async () => {
    api.setDossier(nationalRecord(CODE));
    const a = service();
    const b = service();
    for (let i = 0; i < 10; i++) expect((await (i % 2 ? a : b).lookup({ chatHash: CHAT, code: CODE })).result).toBe('found');
    const blocked = await a.lookup({ chatHash: CHAT, code: CODE });
    expect(blocked.result).toBe('throttled');
    expect(blocked.text).toContain('thử lại sau khoảng 10 phút');
    expect((await b.lookup({ chatHash: 'other-chat', code: CODE })).result).toBe('found');
    expect(api.requests).toHaveLength(11);

    now = new Date(now.getTime() + 10 * 60_000);
    expect((await a.lookup({ chatHash: CHAT, code: CODE })).result).toBe('found');
  });

  it('cools a chat down after 5 consecutive not-found codes', async () => {
    api.setDossier(nationalRecord(CODE));
    const s = service();
    for (let i = 1; i <= 4; i++) await s.lookup({ chatHash: CHAT, code: `H37.30-20261116-900${i}` });
    // A found dossier resets the streak.
    expect((await s.lookup({ chatHash: CHAT, code: CODE })).result).toBe('found');
    for (let i = 1; i <= 5; i++) {
      now = new Date(now.getTime() + 60_000);
      expect((await s.lookup({ chatHash: CHAT, code: `H37.30-20261116-800${i}` })).result).toBe('not_found');
    }
    const r = await s.lookup({ chatHash: CHAT, code: CODE });
    expect(r.result).toBe('throttled');
    expect(r.text).toContain('tạm dừng khoảng 15 phút');
    now = new Date(now.getTime() + 15 * 60_000);
    expect((await s.lookup({ chatHash: CHAT, code: CODE })).result).toBe('found');
  });

  it('answers from the built-in simulator', async () => {
    let t = Date.parse('2026-11-25T09:00:00+07:00');
    const sim = createSimulatorProvider({ calendar, now: () => t, movingStepMs: 60_000 });
    now = new Date(t);
    const s = service(sim, { throttle: { limit: 100 } });
    for (const d of sim.list()) {
      const r = await s.lookup({ chatHash: CHAT, text: `tra cứu ${d.code}` });
      expect(r.status, d.code).toBe(d.status);
    }
    expect(new Set(sim.list().map((d) => d.status)).size).toBe(10);
    expect((await s.lookup({ chatHash: CHAT, code: 'H37.30-20261116-0005' })).text).toContain('Đã quá ngày hẹn trả');
    t += 60_000;
    expect((await s.lookup({ chatHash: CHAT, code: SIM_MOVING_CODE })).status).toBe(4);
  });
});
