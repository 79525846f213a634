import type { Config } from '../config.js';
import type { WorkingCalendar } from './calendar.js';
import { createHttpDossierProvider } from './http-provider.js';
import type { DossierProvider } from './provider.js';
import { createSimulatorProvider } from './simulator.js';

/** The HTTP adapter when CENTER_API_URL is set, otherwise the built-in simulator. */
export function createDossierProviderFromConfig(
  config: Pick<Config, 'CENTER_API_URL' | 'CENTER_API_TOKEN'>,
  deps: { calendar: WorkingCalendar },
): DossierProvider {
  if (config.CENTER_API_URL) {
    return createHttpDossierProvider({ baseUrl: config.CENTER_API_URL, token: config.CENTER_API_TOKEN });
  }
  return createSimulatorProvider({ calendar: deps.calendar });
}
