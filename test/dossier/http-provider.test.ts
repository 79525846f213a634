import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCentreApi, nationalRecord, type FakeCentreApi } from '../fakes/centre-api.js';
import { createHttpDossierProvider, type HttpDossierProviderOptions } from '../../src/dossier/http-provider.js';
import { createCentreHealthProbe } from '../../src/dossier/health.js';
import { parseCentreDate } from '../../src/dossier/national-format.js';
import { AppError } from '../../src/errors.js';

const CODE = 'H37.30-20261116-0004';
let api: FakeCentreApi;

beforeEach(async () => {
  api = await startFakeCentreApi({ token: 'tok-123' });
});
afterEach(async () => {
  await api.close();
});

const provider = (o: Partial<HttpDossierProviderOptions> = {}) =>
  createHttpDossierProvider({ baseUrl: api.url, token: 'tok-123', timeoutMs: 300, retryDelaysMs: [5, 10], ...o });

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

describe('HTTP centre adapter (national format)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('reads status %i', async (status) => {
    api.setDossier(nationalRecord(CODE, { TrangThaiHoSo: status }));
    const d = await provider().getDossier(CODE);
    expect(d?.status).toBe(status);
    expect(d?.code).toBe(CODE);
  });

  it('sends the bearer token and the code in the path', async () => {
    api.setDossier(nationalRecord(CODE));
    await provider().getDossier(CODE);
    expect(api.requests).toEqual([{ path: `/dossiers/${encodeURIComponent(CODE)}`, authorization: 'Bearer tok-123' }]);
  });

  it('maps every field, accepts both date formats and ignores extra fields', async () => {
    api.setDossier(
      nationalRecord(CODE, {
        TrangThaiHoSo: '10',
        NgayTiepNhan: '20261116083000',
        NgayHenTra: '2026-11-19',
        NgayKetThucXuLy: '2026-11-18T15:00:00+07:00',
        NgayTra: '2026-11-19T02:00:00Z',
        GhiChu: 'extra',
        ThongTinKhac: { a: 1 },
      }),
    );
    const d = await provider().getDossier(CODE);
    expect(d).toEqual({
      code: CODE,
      procedureCode: '1.001193',
      procedureName: 'Đăng ký khai sinh',
      applicantName: 'Nguyễn Văn An',
      receivedAt: new Date('2026-11-16T01:30:00Z'),
      dueAt: new Date('2026-11-18T17:00:00Z'),
      status: 10,
      finishedAt: new Date('2026-11-18T08:00:00Z'),
      returnedAt: new Date('2026-11-19T02:00:00Z'),
      unit: 'UBND phường Lương Văn Tri',
    });
  });

  it('returns null on 404', async () => {
    expect(await provider().getDossier('H37.30-20261116-9999')).toBeNull();
  });

  it('401 is center_api:unauthorized and is not retried', async () => {
    const err = await errorOf(provider({ token: 'wrong' }).getDossier(CODE));
    expect(err.code).toBe('center_api:unauthorized');
    expect(api.requests).toHaveLength(1);
    expect(JSON.stringify({ message: err.message, cause: String(err.cause) })).not.toContain('wrong');
  });

  it('500 is retried twice, then center_api:unavailable', async () => {
    api.setBehaviour('*', { kind: 'status', status: 500 });
    const err = await errorOf(provider().getDossier(CODE));
    expect(err.code).toBe('center_api:unavailable');
    expect(api.requests).toHaveLength(3);
  });

  it('recovers when a retry succeeds', async () => {
    api.setDossier(nationalRecord(CODE));
    api.setBehaviour(CODE, { kind: 'status', status: 503 }, { times: 1 });
    expect((await provider().getDossier(CODE))?.status).toBe(4);
    expect(api.requests).toHaveLength(2);
  });

  it('a hanging centre is center_api:timeout after timeout × 3 attempts', async () => {
    api.setBehaviour('*', { kind: 'hang' });
    const started = performance.now();
    const err = await errorOf(provider({ timeoutMs: 100 }).getDossier(CODE));
    expect(err.code).toBe('center_api:timeout');
    expect(api.requests).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('gives up as soon as the caller aborts', async () => {
    api.setBehaviour('*', { kind: 'hang' });
    const started = performance.now();
    const err = await errorOf(provider({ timeoutMs: 5000 }).getDossier(CODE, { signal: AbortSignal.timeout(150) }));
    expect(err.code).toBe('center_api:timeout');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(api.requests).toHaveLength(1);
  });

  it.each([
    ['malformed JSON', '{"MaHoSo": "H37', 'malformed JSON'],
    ['an HTML error page', '<html>Bad gateway</html>', 'malformed JSON'],
    ['a status out of range', JSON.stringify(nationalRecord(CODE, { TrangThaiHoSo: 11 })), 'TrangThaiHoSo'],
    ['an unreadable date', JSON.stringify(nationalRecord(CODE, { NgayHenTra: '19/11/2026' })), 'NgayHenTra'],
    ['a missing field', JSON.stringify({ MaHoSo: CODE }), 'MaTTHC'],
    ['an array', '[]', '(body)'],
  ])('%s is center_api:bad_response, not retried', async (_name, body, mentions) => {
    api.setBehaviour('*', { kind: 'raw', body });
    const err = await errorOf(provider().getDossier(CODE));
    expect(err.code).toBe('center_api:bad_response');
    expect(err.message).toContain(mentions);
    expect(api.requests).toHaveLength(1);
  });

  it('a body over the size limit is center_api:bad_response', async () => {
    api.setBehaviour('*', { kind: 'raw', body: JSON.stringify(nationalRecord(CODE, { pad: 'x'.repeat(5000) })) });
    const err = await errorOf(provider({ maxBodyBytes: 1000 }).getDossier(CODE));
    expect(err.code).toBe('center_api:bad_response');
  });

  it('an unreachable centre is center_api:unavailable', async () => {
    const url = api.url;
    await api.close();
    const err = await errorOf(createHttpDossierProvider({ baseUrl: url, retries: 0 }).getDossier(CODE));
    expect(err.code).toBe('center_api:unavailable');
    api = await startFakeCentreApi();
  });

  it('opens the circuit after repeated failures, fails fast, and closes after a good trial', async () => {
    let now = 1_000_000;
    api.setBehaviour('*', { kind: 'status', status: 500 });
    const p = provider({ retries: 0, breaker: { failureThreshold: 3, openMs: 30_000 }, now: () => now });
    const probe = createCentreHealthProbe(p);
    for (let i = 0; i < 3; i++) expect((await errorOf(p.getDossier(CODE))).code).toBe('center_api:unavailable');
    expect(await probe.check()).toMatchObject({ ok: false, mode: 'http', circuit: 'open', consecutiveFailures: 3, lastError: 'center_api:unavailable' });
    expect((await errorOf(p.getDossier(CODE))).code).toBe('center_api:circuit_open');
    expect(api.requests).toHaveLength(3);

    now += 30_000;
    api.setBehaviour('*', undefined);
    api.setDossier(nationalRecord(CODE));
    expect((await p.getDossier(CODE))?.status).toBe(4);
    expect(await probe.check()).toMatchObject({ ok: true, circuit: 'closed', consecutiveFailures: 0 });
  });

  it('a failed half-open trial opens the circuit again', async () => {
    let now = 0;
    api.setBehaviour('*', { kind: 'status', status: 502 });
    const p = provider({ retries: 0, breaker: { failureThreshold: 1, openMs: 1000 }, now: () => now });
    await errorOf(p.getDossier(CODE));
    now += 1000;
    expect(p.state().circuit).toBe('half_open');
    expect((await errorOf(p.getDossier(CODE))).code).toBe('center_api:unavailable');
    expect((await errorOf(p.getDossier(CODE))).code).toBe('center_api:circuit_open');
  });
});

describe('parseCentreDate', () => {
  it.each([
    ['20261116083000', '2026-11-16T01:30:00.000Z'],
    ['20261116', '2026-11-15T17:00:00.000Z'],
    ['2026-11-16', '2026-11-15T17:00:00.000Z'],
    ['2026-11-16T08:30:00', '2026-11-16T01:30:00.000Z'],
    ['2026-11-16 08:30', '2026-11-16T01:30:00.000Z'],
    ['2026-11-16T08:30:00.123+07:00', '2026-11-16T01:30:00.123Z'],
    ['2026-11-16T01:30:00Z', '2026-11-16T01:30:00.000Z'],
  ])('%s → %s', (raw, iso) => {
    expect(parseCentreDate(raw)?.toISOString()).toBe(iso);
  });
  it.each(['16/11/2026', '20261131000000', '2026-02-30', 'hôm nay', ''])('rejects %j', (raw) => {
    expect(parseCentreDate(raw)).toBeUndefined();
  });
});
