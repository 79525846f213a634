import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { Hono } from 'hono';
import type { AppEnv } from './app.js';

export interface Listening {
  port: number;
  /** Stops accepting, waits for in-flight requests (up to graceMs), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/** Opens the HTTP port; resolves when listening. Port 0 picks a free one. */
export function listen(app: Hono<AppEnv>, options: { port: number; host?: string }): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      resolve({
        port: info.port,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const s = server as Server;
            const timer = setTimeout(() => {
              s.closeAllConnections?.();
              done();
            }, graceMs);
            timer.unref();
            s.close(() => {
              clearTimeout(timer);
              done();
            });
            s.closeIdleConnections?.();
          }),
      });
    }) as Server;
    server.once('error', reject);
  });
}
