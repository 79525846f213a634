import type { HealthProbe } from '../core/types.js';
import type { DossierProvider } from './provider.js';

/**
 * /health component "center": the provider's mode and circuit state. ok is false while the circuit is open, which
 * /health reports without failing (only the database decides its status code).
 */
export function createCentreHealthProbe(provider: DossierProvider): HealthProbe {
  return {
    name: 'center',
    async check() {
      const s = provider.state();
      return { ok: s.circuit !== 'open', ...s };
    },
  };
}
