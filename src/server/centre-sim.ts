/**
 * The centre API contract served over HTTP from any provider (normally the simulator): what `cli center-sim` runs
 * for demos and integration tests, and a reference for the province's IT centre.
 *   GET /dossiers/{code}  → 200 national sync record | 404 { error: "not_found" } | 401 when a token is required
 */
import { Hono } from 'hono';
import type { AppEnv } from './app.js';
import { timingSafeEqual } from 'node:crypto';
import { listen } from './listen.js';
import { AppError, errorBody } from '../errors.js';
import { loadWorkingCalendar } from '../dossier/calendar.js';
import { normalizeDossierCode } from '../dossier/code.js';
import { createSimulatorProvider } from '../dossier/simulator.js';
import { toNational } from '../dossier/national-format.js';
import type { DossierProvider } from '../dossier/provider.js';

export interface CentreSimOptions {
  provider: DossierProvider;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createCentreSimApp(options: CentreSimOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    if (options.token) {
      const auth = c.req.header('authorization') ?? '';
      if (!sameSecret(auth, `Bearer ${options.token}`)) return c.json(errorBody('http:unauthorized'), 401);
    }
    await next();
  });
  app.get('/dossiers/:code', async (c) => {
    const d = await options.provider.getDossier(normalizeDossierCode(c.req.param('code')));
    return d ? c.json(toNational(d)) : c.json(errorBody('http:not_found'), 404);
  });
  app.notFound((c) => c.json(errorBody('http:not_found'), 404));
  return app;
}

/** Starts the simulator behind the contract on a port (0 picks one); resolves when listening. */
export async function startCentreSim(options: { port: number; host?: string; token?: string }) {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new AppError('config:invalid', { message: `--port: expected an integer between 0 and 65535` });
  }
  const provider = createSimulatorProvider({ calendar: loadWorkingCalendar() });
  const server = await listen(createCentreSimApp({ provider, token: options.token }), {
    port: options.port,
    host: options.host ?? '127.0.0.1',
  });
  return { port: server.port, provider, close: () => server.close(1000) };
}
