import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../../config.js';
import type { Db } from '../../db/db.js';
import type { Procedure } from '../../catalog/schema.js';
import type { Searcher } from '../../retrieval/types.js';
import { parseSince, reportToCsv, type ReportService } from '../../analytics/report.js';
import { AppError, errorBody } from '../../errors.js';
import type { AppEnv } from '../app.js';
import { createInboxRoutes, type InboxDeps } from './inbox.js';
import { createCatalogAdminRoutes, type CatalogAdminDeps } from './catalog-admin.js';
import { createStaffRoutes, hasRole, type StaffRole, type StaffStore } from './staff.js';
import { createPrivacyRoutes } from './privacy.js';
import type { ChatEraser } from '../../privacy/per-chat.js';
import {
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  bearerOf,
  isBearerValid,
  createAuthThrottle,
  createMemoryAdminSessions,
  safeEqual,
  type AdminSessionStore,
  type AuthThrottle,
} from './auth.js';
import { badSincePage, disabledPage, loginPage, lookupPage, notFoundPage, overviewPage, procedurePage } from './pages.js';

export interface AdminLookup {
  searcher: Searcher;
  getProcedure(code: string): Promise<Procedure | null> | Procedure | null;
  /** Plain-text full record (e.g. renderProcedureText); shown escaped under the structured view. */
  renderProcedure?(p: Procedure): string;
}

export interface AdminDeps {
  config: Pick<Config, 'ADMIN_TOKEN'> & Partial<Pick<Config, 'PUBLIC_URL'>>;
  /** Used for the "interactions stored" line; optional. */
  db?: Db;
  report: ReportService;
  lookup: AdminLookup;
  /** The officers' inbox (src/handoff); absent: no inbox routes. */
  inbox?: InboxDeps;
  /** Warnings shown at the top of the overview (e.g. dossier codes being guessed); a failure shows none. */
  alerts?: () => Promise<string[]>;
  /** Corrections, centre notes, procedure history and the audit log (src/server/admin/catalog-admin.ts). */
  catalog?: CatalogAdminDeps;
  /** Staff deleting a citizen's data at the desk (src/privacy); absent: no such page. */
  erase?: ChatEraser;
  /** Where browser sessions live (serve: createDbAdminSessions, so every worker sees a logout); default in memory. */
  sessions?: AdminSessionStore;
  /** Failed attempts per client address; share one with createApp so /health's Bearer check counts too. */
  authThrottle?: AuthThrottle;
  clock?: () => Date;
  /** Named staff accounts (src/server/admin/staff.ts); absent: only ADMIN_TOKEN logs in. */
  staff?: StaffStore;
}

export interface AdminOptions {
  /** Where the sub-app is mounted; redirects and links use it. */
  basePath?: string;
}

const SECURITY_HEADERS: Record<string, string> = {
  // No scripts anywhere on these pages; charts are inline SVG; nothing is fetched from elsewhere.
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

const sinceParam = (c: Context) => (c.req.query('since') ?? '30d').trim().slice(0, 32) || '30d';

/**
 * The managers' dashboard and its JSON/CSV API, to be mounted at `basePath` (default /admin).
 * Access needs ADMIN_TOKEN: `Authorization: Bearer <token>`, or the session cookie set by the login form. Without it,
 * /api/* answers 401 JSON and pages redirect to the login form. With no ADMIN_TOKEN configured every route answers 503
 * with a page (or JSON) explaining how to enable it.
 */
export function createAdminRoutes(deps: AdminDeps, options: AdminOptions = {}): Hono<AppEnv> {
  const base = (options.basePath ?? '/admin').replace(/\/$/, '');
  const token = deps.config.ADMIN_TOKEN;
  const app = new Hono<AppEnv>();
  const throttle = deps.authThrottle ?? createAuthThrottle();
  const sessions = deps.sessions ?? createMemoryAdminSessions();
  const now = deps.clock ?? (() => new Date());
  const addressOf = (c: Context) => c.get('clientAddress') ?? 'unknown';
  const tooMany = 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.';

  app.use('*', async (c, next) => {
    // The overview lives at `${base}`; a trailing slash is the same page.
    if (c.req.path === `${base}/`) {
      const url = new URL(c.req.url);
      return c.redirect(`${base}${url.search}`, 301);
    }
    await next();
    // A page with its own policy keeps it (the inbox allows its own script, nothing else).
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (k !== 'Content-Security-Policy' || !c.res.headers.has(k)) c.res.headers.set(k, v);
  });

  const isApi = (c: Context) => c.req.path.startsWith(`${base}/api/`);

  if (!token) {
    app.all('*', (c) =>
      isApi(c)
        ? c.json(errorBody('admin:disabled', 'Trang quản trị đang tắt: chưa cấu hình ADMIN_TOKEN.'), 503)
        : c.html(disabledPage(base), 503),
    );
    return app;
  }

  const secureCookie = (c: Context) =>
    Boolean(deps.config.PUBLIC_URL?.startsWith('https:')) || new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
  /**
   * 'ok', 'none' (no credentials) or 'bad' (a wrong Bearer token, counted against the address) or 'blocked' (a Bearer
   * token from an address that failed too often: refused unread). A live session cookie is not throttled.
   */
  const authOf = async (c: Context): Promise<'ok' | 'none' | 'bad' | 'blocked'> => {
    const bearer = bearerOf(c.req.header('authorization'));
    if (bearer !== undefined) {
      if (throttle.blocked(addressOf(c))) return 'blocked';
      if (safeEqual(bearer, token)) return 'ok';
      throttle.fail(addressOf(c));
      c.get('log')?.warn({ admin: 'bearer_failed' }, 'admin bearer token wrong');
      return 'bad';
    }
    return (await sessions.isValid(getCookie(c, SESSION_COOKIE), token, now())) ? 'ok' : 'none';
  };

  app.get('/login', async (c) => ((await authOf(c)) === 'ok' ? c.redirect(base, 302) : c.html(loginPage(base))));

  app.post('/login', async (c) => {
    if (throttle.blocked(addressOf(c))) return c.html(loginPage(base, tooMany), 429);
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (deps.staff && typeof body.name === 'string' && body.name.trim()) {
      const account = await deps.staff.verify(body.name, typeof body.password === 'string' ? body.password : '');
      if (!account) {
        throttle.fail(addressOf(c));
        c.get('log')?.warn({ admin: 'staff_login_failed' }, 'staff login failed');
        return c.html(loginPage(base, 'Tên đăng nhập hoặc mật khẩu không đúng.'), 401);
      }
      const value = await sessions.create(token, new Date(now().getTime() + SESSION_TTL_SECONDS * 1000), account.name);
      setCookie(c, SESSION_COOKIE, value, { path: base, httpOnly: true, sameSite: 'Strict', secure: secureCookie(c), maxAge: SESSION_TTL_SECONDS });
      return c.redirect(base, 303);
    }
    const given = typeof body.token === 'string' ? body.token : '';
    if (!given || !safeEqual(given, token)) {
      throttle.fail(addressOf(c));
      c.get('log')?.warn({ admin: 'login_failed' }, 'admin login failed');
      return c.html(loginPage(base, 'Mã truy cập không đúng.'), 401);
    }
    const value = await sessions.create(token, new Date(now().getTime() + SESSION_TTL_SECONDS * 1000));
    setCookie(c, SESSION_COOKIE, value, {
      path: base,
      httpOnly: true,
      sameSite: 'Strict',
      secure: secureCookie(c),
      maxAge: SESSION_TTL_SECONDS,
    });
    return c.redirect(base, 303);
  });

  app.post('/logout', async (c) => {
    // The session ends on the server, not only in this browser: a copied cookie stops working too.
    await sessions.revoke(getCookie(c, SESSION_COOKIE), token);
    deleteCookie(c, SESSION_COOKIE, { path: base, httpOnly: true, sameSite: 'Strict', secure: secureCookie(c) });
    return c.redirect(`${base}/login`, 303);
  });

  /**
   * Who is asking, once authenticated: ADMIN_TOKEN (Bearer or its login) acts as an admin named "admin"; a staff
   * session as its account, with the account's current role (a removed account's session ends at once).
   */
  const who = new WeakMap<Request, { name: string; role: StaffRole }>();
  const identify = async (c: Context): Promise<{ name: string; role: StaffRole } | undefined> => {
    if (isBearerValid(c.req.header('authorization'), token)) return { name: 'admin', role: 'admin' };
    const staff = await sessions.staffOf(getCookie(c, SESSION_COOKIE), token, now());
    if (!staff) return { name: 'admin', role: 'admin' };
    const role = deps.staff ? await deps.staff.roleOf(staff) : undefined;
    return role ? { name: staff, role } : undefined;
  };
  // Viewers read; editors also change (corrections, notes, inbox replies); admins also manage accounts.
  const neededRole = (c: Context): StaffRole =>
    c.req.path.startsWith(`${base}/api/staff`) ? 'admin' : c.req.method === 'GET' || c.req.method === 'HEAD' ? 'viewer' : 'editor';
  const actorOf = (c: Context) => who.get(c.req.raw)?.name ?? 'admin';

  app.use('*', async (c, next) => {
    const auth = await authOf(c);
    if (auth === 'ok') {
      const id = await identify(c);
      if (!id) {
        if (isApi(c)) throw new AppError('http:unauthorized', { message: 'this staff account no longer exists' });
        return c.redirect(`${base}/login`, 302);
      }
      if (!hasRole(id.role, neededRole(c))) {
        return isApi(c)
          ? c.json(errorBody('http:forbidden', `role ${id.role} may not do this (needs ${neededRole(c)})`), 403)
          : c.html(loginPage(base, 'Tài khoản của anh/chị không có quyền làm việc này.'), 403);
      }
      who.set(c.req.raw, id);
      return next();
    }
    if (auth === 'blocked') {
      return isApi(c)
        ? c.json(errorBody('http:rate_limited', 'too many failed attempts from this address; try again in a few minutes'), 429, { 'retry-after': '300' })
        : c.html(loginPage(base, tooMany), 429);
    }
    if (isApi(c)) throw new AppError('http:unauthorized', { message: 'admin token required (Authorization: Bearer … or log in at /admin/login)' });
    return c.redirect(`${base}/login`, 302);
  });

  const stored = async () => {
    if (!deps.db) return undefined;
    try {
      const [r] = await deps.db.query<{ count: number; last_at: Date | string | null }>(
        `SELECT count(*)::int AS count, max(at) AS last_at FROM interactions`,
      );
      return r ? { count: Number(r.count), lastAt: r.last_at ? new Date(r.last_at).toISOString() : null } : undefined;
    } catch {
      return undefined; // the line is informative only
    }
  };

  app.get('/', async (c) => {
    const since = sinceParam(c);
    let from: Date;
    try {
      from = parseSince(since);
    } catch {
      return c.html(badSincePage(base, since), 400);
    }
    const report = await deps.report.report({ since: from });
    const alerts = deps.alerts ? await deps.alerts().catch(() => []) : [];
    return c.html(overviewPage({ base, since, report, stored: await stored(), alerts }));
  });

  if (deps.inbox) app.route('/', createInboxRoutes({ ...deps.inbox, staffOf: deps.inbox.staffOf ?? actorOf }, base));
  if (deps.catalog) app.route('/', createCatalogAdminRoutes({ ...deps.catalog, actorOf: deps.catalog.actorOf ?? actorOf }, base));
  if (deps.staff) app.route('/', createStaffRoutes(deps.staff, actorOf));
  if (deps.erase) app.route('/', createPrivacyRoutes({ erase: deps.erase }, base));

  app.get('/api/report', async (c) => c.json(await deps.report.report({ since: parseSince(sinceParam(c)) })));

  app.get('/api/report.csv', async (c) => {
    const since = sinceParam(c);
    const report = await deps.report.report({ since: parseSince(since) });
    const day = new Date().toISOString().slice(0, 10);
    return c.body(reportToCsv(report), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="motcua-bao-cao-${day}.csv"`,
    });
  });

  app.get('/lookup', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 300);
    const result = q ? await deps.lookup.searcher.search(q, { top: 20 }) : undefined;
    return c.html(lookupPage({ base, q, result }));
  });

  app.get('/api/search', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 300);
    if (!q) throw new AppError('http:validation', { message: 'q: a search text is required' });
    return c.json(await deps.lookup.searcher.search(q, { top: 20 }));
  });

  app.get('/procedures/:code', async (c) => {
    const code = c.req.param('code');
    const procedure = /^[0-9A-Za-z][0-9A-Za-z._-]{1,39}$/.test(code) ? await deps.lookup.getProcedure(code) : null;
    if (!procedure) return c.html(notFoundPage(base, code.slice(0, 40)), 404);
    return c.html(procedurePage({ base, procedure, text: deps.lookup.renderProcedure?.(procedure) }));
  });

  return app;
}
