import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app.js';
import { createWebChat } from '../../../src/channels/web/routes.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { captureLogger, createFakeAnswers } from '../helpers/fake-answers.js';
import { scriptedReply } from './fake-core.js';

describe('web chat page', () => {
  let db: Db;
  const answers = createFakeAnswers();
  answers.respond(scriptedReply);
  const app = () => createApp({ db, logger: captureLogger().logger, answers, webChat: createWebChat() });
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => db?.close());

  it('serves a Vietnamese page at / that loads only its own files', async () => {
    const res = await app().request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('name="viewport"');
    expect(html).toContain('aria-live="polite"');
    expect(html).toContain('<label for="question"');
    // No absolute URLs: nothing is fetched from another origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves its script and stylesheet with the right types and no external references', async () => {
    for (const [path, type] of [['/web/chat.js', 'text/javascript'], ['/web/chat.css', 'text/css']] as const) {
      const res = await app().request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await res.text();
      expect(body).not.toMatch(/https?:\/\/|@import|url\(/);
    }
  });

  it('never renders server text as HTML in the page script', async () => {
    const js = await (await app().request('/web/chat.js')).text();
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('keeps the health and chat API routes working next to the page', async () => {
    const res = await app().request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chatId: 'web-1', text: '', action: { type: 'choice', index: 2, code: '2.000528' } }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ citations: [{ code: '2.000528' }], feedback: true });
    expect((await app().request('/health')).status).toBe(200);
  });

  it('escapes a custom title', async () => {
    const res = await createApp({ db, logger: captureLogger().logger, answers, webChat: createWebChat({ title: 'Trung tâm <Lạng Sơn>' }) }).request('/');
    expect(await res.text()).toContain('<title>Trung tâm &lt;Lạng Sơn&gt;</title>');
  });
});
