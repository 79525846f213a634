import { describe, expect, it } from 'vitest';
import { createSimulatorProvider, SIM_MOVING_CODE } from '../../src/dossier/simulator.js';
import { createCentreSimApp, startCentreSim } from '../../src/server/centre-sim.js';
import { createHttpDossierProvider } from '../../src/dossier/http-provider.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createDossierProviderFromConfig } from '../../src/dossier/from-config.js';

const calendar = loadWorkingCalendar();

describe('built-in simulator', () => {
  it('has a demo dossier in each of the 10 states, received in the past, one of them overdue', () => {
    for (const startAt of ['2026-11-26T03:30:00+07:00', '2026-11-28T10:00:00+07:00', '2027-02-08T09:00:00+07:00']) {
      const t = Date.parse(startAt);
      const sim = createSimulatorProvider({ calendar, now: () => t });
      const list = sim.list();
      expect(new Set(list.map((d) => d.status)).size, startAt).toBe(10);
      for (const d of list) {
        expect(d.receivedAt.getTime(), d.code).toBeLessThanOrEqual(t);
        expect(d.dueAt.getTime(), d.code).toBeGreaterThan(d.receivedAt.getTime());
      }
      expect(list.some((d) => d.status === 4 && d.dueAt.getTime() < t)).toBe(true);
    }
  });

  it('moves the demo dossier 2 → 4 → 9 → 10 over time', async () => {
    let t = Date.parse('2026-11-25T09:00:00+07:00');
    const sim = createSimulatorProvider({ calendar, now: () => t, movingStepMs: 1000 });
    const seen: number[] = [];
    for (let i = 0; i < 5; i++, t += 1000) seen.push((await sim.getDossier(SIM_MOVING_CODE))?.status ?? 0);
    expect(seen).toEqual([2, 4, 9, 10, 10]);
  });

  it('serves the centre API contract', async () => {
    const sim = createSimulatorProvider({ calendar });
    const app = createCentreSimApp({ provider: sim, token: 'demo-token' });
    expect((await app.request('/dossiers/H37.30-20261116-0004')).status).toBe(401);
    const auth = { headers: { Authorization: 'Bearer demo-token' } };
    const ok = await app.request('/dossiers/h37.30-20261116-0004', auth);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ MaHoSo: 'H37.30-20261116-0004', MaTTHC: '1.000656', TrangThaiHoSo: 4 });
    expect((await app.request('/dossiers/H37.30-20261116-4242', auth)).status).toBe(404);
  });

  it('round-trips every demo dossier through the HTTP adapter', async () => {
    const sim = await startCentreSim({ port: 0, token: 'demo-token' });
    try {
      const http = createHttpDossierProvider({ baseUrl: `http://127.0.0.1:${sim.port}`, token: 'demo-token', retries: 0 });
      for (const d of sim.provider.list().filter((x) => x.code !== SIM_MOVING_CODE)) {
        const got = await http.getDossier(d.code);
        expect(got, d.code).toEqual(d);
      }
    } finally {
      await sim.close();
    }
  });
});

describe('createDossierProviderFromConfig', () => {
  it('uses the HTTP adapter when CENTER_API_URL is set and the simulator otherwise', () => {
    expect(createDossierProviderFromConfig({ CENTER_API_URL: 'http://127.0.0.1:1', CENTER_API_TOKEN: 't' }, { calendar }).mode).toBe('http');
    expect(createDossierProviderFromConfig({ CENTER_API_URL: undefined, CENTER_API_TOKEN: undefined }, { calendar }).mode).toBe('simulator');
  });
});
