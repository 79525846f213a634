import type { Server } from 'node:http';

/** Calls a fake peer received, with waiting for a count of one method. Shared by the fake Telegram and Zalo APIs. */
export function createCallLog<C extends { method: string }>() {
  const calls: C[] = [];
  const listeners = new Set<() => void>();
  const callsOf = (method: string) => calls.filter((c) => c.method === method);
  return {
    calls,
    callsOf,
    record(call: C) {
      calls.push(call);
      for (const l of [...listeners]) l();
    },
    waitFor(method: string, n = 1, timeoutMs = 5000): Promise<C[]> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (callsOf(method).length >= n) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(callsOf(method));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${n} × ${method} (saw ${callsOf(method).length})`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
