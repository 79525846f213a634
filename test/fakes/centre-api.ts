/**
 * An in-process fake of the centre API (the national-format contract) on 127.0.0.1:0. Dossiers are plain records;
 * a behaviour per code (or '*') makes it answer with a status, a raw body, or hang.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type FakeBehaviour =
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'raw'; body: string; contentType?: string }
  | { kind: 'hang' };

export interface FakeCentreApi {
  url: string;
  /** Every request seen: path (with query) and the Authorization header. */
  requests: { path: string; authorization?: string }[];
  setDossier(record: Record<string, unknown> & { MaHoSo: string }): void;
  /** Overrides the answer for one code, or for every code with '*'; undefined clears it. `times` limits it to the next n requests. */
  setBehaviour(code: string, behaviour: FakeBehaviour | undefined, options?: { times?: number }): void;
  close(): Promise<void>;
}

export async function startFakeCentreApi(options: { token?: string } = {}): Promise<FakeCentreApi> {
  const dossiers = new Map<string, Record<string, unknown>>();
  const behaviours = new Map<string, FakeBehaviour & { times?: number }>();
  const requests: FakeCentreApi['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const m = /^\/dossiers\/([^/?]+)$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const code = decodeURIComponent(m[1] ?? '');
    const key = behaviours.has(code) ? code : '*';
    const b = behaviours.get(key);
    if (b?.times !== undefined && --b.times <= 0) behaviours.delete(key);
    if (b?.kind === 'hang') return;
    if (b?.kind === 'status') {
      res.writeHead(b.status, { 'content-type': 'application/json' }).end(b.body ?? '{}');
      return;
    }
    if (b?.kind === 'raw') {
      res.writeHead(200, { 'content-type': b.contentType ?? 'application/json' }).end(b.body);
      return;
    }
    const d = dossiers.get(code);
    if (!d) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(d));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setDossier: (r) => void dossiers.set(r.MaHoSo, r),
    setBehaviour: (code, b, o) => void (b ? behaviours.set(code, { ...b, times: o?.times }) : behaviours.delete(code)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A national-format record with sensible defaults. */
export function nationalRecord(code: string, overrides: Record<string, unknown> = {}): Record<string, unknown> & { MaHoSo: string } {
  return {
    MaHoSo: code,
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    ChuHoSo: 'Nguyễn Văn An',
    NgayTiepNhan: '20261116083000',
    NgayHenTra: '2026-11-19T17:00:00+07:00',
    TrangThaiHoSo: 4,
    DonViXuLy: 'UBND phường Lương Văn Tri',
    ...overrides,
  };
}
