import type { CircuitState } from './provider.js';

export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. Default 30 s. */
  openMs?: number;
  now?: () => number;
}

export interface CircuitBreaker {
  /** Whether a call may go out now; in half-open state only one trial at a time is allowed. */
  allow(): boolean;
  success(): void;
  failure(): void;
  state(): { circuit: CircuitState; consecutiveFailures: number; retryAt?: number };
}

/**
 * Stops hammering a centre API that keeps failing: after `failureThreshold` failures in a row every call fails fast
 * for `openMs`, then a single trial decides whether to close again.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const openMs = options.openMs ?? 30_000;
  const now = options.now ?? Date.now;
  let circuit: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;
  return {
    allow() {
      if (circuit === 'closed') return true;
      if (circuit === 'open' && now() - openedAt >= openMs) {
        circuit = 'half_open';
        trialInFlight = false;
      }
      if (circuit === 'half_open' && !trialInFlight) {
        trialInFlight = true;
        return true;
      }
      return false;
    },
    success() {
      circuit = 'closed';
      failures = 0;
      trialInFlight = false;
    },
    failure() {
      failures++;
      trialInFlight = false;
      if (circuit === 'half_open' || failures >= threshold) {
        circuit = 'open';
        openedAt = now();
      }
    },
    state() {
      // Report "half_open" once the wait is over even if no call has tried yet.
      const c = circuit === 'open' && now() - openedAt >= openMs ? 'half_open' : circuit;
      return { circuit: c, consecutiveFailures: failures, ...(c === 'open' ? { retryAt: openedAt + openMs } : {}) };
    },
  };
}
