import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { createCentreHealthProbe } from '../../src/dossier/health.js';
import { createHttpDossierProvider } from '../../src/dossier/http-provider.js';
import { createSimulatorProvider } from '../../src/dossier/simulator.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createLogger } from '../../src/logger.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { startFakeCentreApi, type FakeCentreApi } from '../fakes/centre-api.js';
import type { AnswerService } from '../../src/channels/types.js';

const logger = createLogger({ level: 'silent' });
const answers: AnswerService = { handle: async () => ({ outcome: 'unresolved', text: '', citations: [], choices: [], feedback: false }) };

const ADMIN = 'health-admin-token-0123456789abcdef';

describe('/health reports the centre API to operators (with the admin token)', () => {
  let db: TestDb;
  let api: FakeCentreApi;
  beforeAll(async () => {
    db = await createTestDb();
    api = await startFakeCentreApi();
  });
  afterAll(async () => {
    await db.close();
    await api.close();
  });

  it('shows the simulator as ok', async () => {
    const provider = createSimulatorProvider({ calendar: loadWorkingCalendar() });
    const app = createApp({ db, logger, answers, probes: [createCentreHealthProbe(provider)], adminToken: ADMIN });
    const res = await app.request('/health', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, center: { ok: true, mode: 'simulator', circuit: 'closed' } });
  });

  it('shows an open circuit without failing /health, and no URL or token', async () => {
    api.setBehaviour('*', { kind: 'status', status: 500 });
    const provider = createHttpDossierProvider({
      baseUrl: api.url,
      token: 'sekret-token',
      retries: 0,
      breaker: { failureThreshold: 2 },
    });
    for (let i = 0; i < 2; i++) await provider.getDossier('H37.30-20261116-0001').catch(() => undefined);
    const app = createApp({ db, logger, answers, probes: [createCentreHealthProbe(provider)], adminToken: ADMIN });
    const res = await app.request('/health', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, center: { ok: false, mode: 'http', circuit: 'open', lastError: 'center_api:unavailable' } });
    const text = JSON.stringify(body);
    expect(text).not.toContain('sekret-token');
    expect(text).not.toContain(api.url);
  });
});
