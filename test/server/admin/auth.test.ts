import { describe, expect, it } from 'vitest';
import { TOKEN, buildApp, cookiePair } from './helpers.js';

const form = (token: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ token }).toString(),
});

describe('admin without ADMIN_TOKEN', () => {
  const app = buildApp({ token: undefined });

  it('shows a Vietnamese page explaining how to enable it', async () => {
    const res = await app.request('/admin');
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('Trang quản trị đang tắt');
    expect(html).toContain('ADMIN_TOKEN');
  });

  it('refuses the API, even with a bearer header', async () => {
    const res = await app.request('/admin/api/report', { headers: { authorization: 'Bearer anything-at-all-long' } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'admin:disabled' });
  });

  it('has no login form that could accept something', async () => {
    const res = await app.request('/admin/login', form('x'.repeat(20)));
    expect(res.status).toBe(503);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('admin with ADMIN_TOKEN', () => {
  it('answers 401 to the API without a token and with a wrong one', async () => {
    const app = buildApp({ token: TOKEN });
    const none = await app.request('/admin/api/report');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'http:unauthorized' });
    const wrong = await app.request('/admin/api/report', { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const csv = await app.request('/admin/api/report.csv', { headers: { authorization: 'Basic abc' } });
    expect(csv.status).toBe(401);
  });

  it('redirects pages to the login form without a session', async () => {
    const app = buildApp({ token: TOKEN });
    for (const path of ['/admin', '/admin/lookup?q=x', '/admin/procedures/2.000001']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/admin/login');
    }
  });

  it('serves the report to the right bearer token', async () => {
    const app = buildApp({ token: TOKEN });
    const res = await app.request('/admin/api/report?since=7d', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['answered_total', 'unresolved_total', 'by_procedure', 'by_aspect', 'questions']));
  });

  it('rejects a wrong login with 401 and no cookie', async () => {
    const app = buildApp({ token: TOKEN });
    const res = await app.request('/admin/login', form('wrong-token-wrong-token'));
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('Mã truy cập không đúng');
  });

  it('logs in with the form: an http-only, SameSite=Strict cookie that does not contain the token, then logs out', async () => {
    const app = buildApp({ token: TOKEN });
    const login = await app.request('/admin/login', form(TOKEN));
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/admin');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/admin/);
    expect(setCookie).not.toMatch(/Secure/); // plain http in tests
    expect(setCookie).not.toContain(TOKEN);
    const cookie = cookiePair(setCookie);

    const page = await app.request('/admin', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Tổng quan câu hỏi của người dân');
    const api = await app.request('/admin/api/report', { headers: { cookie } });
    expect(api.status).toBe(200);

    const logout = await app.request('/admin/logout', { method: 'POST', headers: { cookie } });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe('/admin/login');
    expect(logout.headers.get('set-cookie')).toMatch(/motcua_admin=;.*Max-Age=0/i);
  });

  it('marks the cookie Secure when served over https', async () => {
    const app = buildApp({ token: TOKEN, publicUrl: 'https://motcua.example.vn' });
    const login = await app.request('/admin/login', form(TOKEN));
    expect(login.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('rejects a tampered, unknown or foreign-token cookie, and a cookie after logout', async () => {
    const app = buildApp({ token: TOKEN });
    const good = cookiePair((await app.request('/admin/login', form(TOKEN))).headers.get('set-cookie')).split('=')[1]!;
    const tampered = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA');
    const otherApp = buildApp({ token: 'another-token-another-token-another' });
    const foreign = cookiePair((await otherApp.request('/admin/login', form('another-token-another-token-another'))).headers.get('set-cookie')).split('=')[1]!;
    for (const value of [tampered, foreign, TOKEN, 'v2.' + 'A'.repeat(43), 'v1.99999999999.x']) {
      const res = await app.request('/admin/api/report', { headers: { cookie: `motcua_admin=${value}` } });
      expect(res.status, value).toBe(401);
    }
    const ok = await app.request('/admin/api/report', { headers: { cookie: `motcua_admin=${good}` } });
    expect(ok.status).toBe(200);
    await app.request('/admin/logout', { method: 'POST', headers: { cookie: `motcua_admin=${good}` } });
    const after = await app.request('/admin/api/report', { headers: { cookie: `motcua_admin=${good}` } });
    expect(after.status).toBe(401);
  });

  it('stops accepting logins after repeated failures', async () => {
    const app = buildApp({ token: TOKEN });
    for (let i = 0; i < 10; i++) expect((await app.request('/admin/login', form(`wrong-${i}-xxxxxxxxxxxx`))).status).toBe(401);
    const res = await app.request('/admin/login', form(TOKEN));
    expect(res.status).toBe(429);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('treats /admin/ as /admin', async () => {
    const app = buildApp({ token: TOKEN });
    const res = await app.request('/admin/?since=7d');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/admin?since=7d');
  });

  it('sends a script-free content security policy and no caching', async () => {
    const app = buildApp({ token: TOKEN });
    const res = await app.request('/admin/login');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).not.toContain('script-src');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
