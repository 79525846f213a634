import type { Config } from '../config.js';
import type { WorkingCalendar } from './calendar.js';
import { createHttpDossierProvider } from './http-provider.js';
import type { DossierProvider } from './provider.js';
import { createSimulatorProvider } from './simulator.js';

export type DossierSource = 'http' | 'simulator' | 'off';

/**
 * Where dossier lookups go: the centre's API when CENTER_API_URL is set; otherwise the simulator's demo dossiers —
 * but not in a deployment (PUBLIC_URL set), where a citizen would take a demo status for their own, unless
 * CENTER_SIMULATOR=1 says the demo is wanted. 'off': lookups answer that the feature is not enabled.
 */
export function dossierSource(config: Pick<Config, 'CENTER_API_URL' | 'PUBLIC_URL' | 'CENTER_SIMULATOR'>): DossierSource {
  if (config.CENTER_API_URL) return 'http';
  return config.PUBLIC_URL && !config.CENTER_SIMULATOR ? 'off' : 'simulator';
}

/** The HTTP adapter when CENTER_API_URL is set, otherwise the built-in simulator (see dossierSource for when it is used). */
export function createDossierProviderFromConfig(
  config: Pick<Config, 'CENTER_API_URL' | 'CENTER_API_TOKEN'>,
  deps: { calendar: WorkingCalendar },
): DossierProvider {
  if (config.CENTER_API_URL) {
    return createHttpDossierProvider({ baseUrl: config.CENTER_API_URL, token: config.CENTER_API_TOKEN });
  }
  return createSimulatorProvider({ calendar: deps.calendar });
}
