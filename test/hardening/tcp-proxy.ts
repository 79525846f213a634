/**
 * A small TCP proxy on 127.0.0.1 for fault tests: point a client at it, then stop() it (every open connection is cut
 * and new ones are refused, like a database host going away) and start() it again on the same port. `delayMs` holds
 * back each chunk from the client, to make a peer slow.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  readonly up: boolean;
  /** Connections accepted so far. */
  readonly accepted: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, options: { delayMs?: number } = {}): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let accepted = 0;

  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };

  async function listen() {
    server = createServer((client) => {
      accepted++;
      const upstream = createConnection(target);
      track(client);
      track(upstream);
      if (options.delayMs) {
        client.on('data', (chunk) => {
          client.pause();
          setTimeout(() => {
            if (!upstream.destroyed) upstream.write(chunk);
            client.resume();
          }, options.delayMs);
        });
      } else client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  }

  async function stop() {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const sock of sockets) sock.destroy();
    await closed;
  }

  await listen();
  return {
    get port() {
      return port;
    },
    get up() {
      return server !== undefined;
    },
    get accepted() {
      return accepted;
    },
    stop,
    async start() {
      if (!server) await listen();
    },
    close: stop,
  };
}
