/**
 * The browser chat: GET / serves our own page (HTML, CSS, JS from ./public; no CDN, no external requests) which talks
 * to POST /api/chat (served by createApp). Mount as `webChat` in createApp. Files are read once at creation.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppEnv } from '../../server/app.js';

export interface WebChatOptions {
  /** Directory with index.html, chat.css, chat.js (default: ./public next to this file). */
  publicDir?: URL;
  /** Page title shown in the header and the tab (default "Trợ lý thủ tục hành chính"). */
  title?: string;
}

/** Only our own origin: the page must work offline from the internet and leak nothing to third parties. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  // No other site may frame the chat (clickjacking a citizen into sending a dossier code or /xoadulieu).
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function createWebChat(options: WebChatOptions = {}): Hono<AppEnv> {
  const dir = options.publicDir ?? new URL('./public/', import.meta.url);
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  const title = escapeHtml(options.title ?? 'Trợ lý thủ tục hành chính');
  const html = read('index.html').replaceAll('{{title}}', title);
  const css = read('chat.css');
  const js = read('chat.js');

  const headers = (type: string) => ({
    'content-type': type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });

  const app = new Hono<AppEnv>();
  app.get('/', (c) => c.body(html, 200, headers('text/html; charset=utf-8')));
  app.get('/web/chat.css', (c) => c.body(css, 200, headers('text/css; charset=utf-8')));
  app.get('/web/chat.js', (c) => c.body(js, 200, headers('text/javascript; charset=utf-8')));
  return app;
}
