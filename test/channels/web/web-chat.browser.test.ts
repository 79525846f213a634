/**
 * The web chat in a real browser: Debian's chromium driven by playwright-core against createApp with a scripted
 * AnswerService on 127.0.0.1:0. Skipped (with a message) only when /usr/bin/chromium is absent; CI installs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../../src/server/app.js';
import { listen, type Listening } from '../../../src/server/listen.js';
import { createWebChat } from '../../../src/channels/web/routes.js';
import type { Db } from '../../../src/db/db.js';
import { createTestDb } from '../../helpers/db.js';
import { captureLogger, createFakeAnswers } from '../helpers/fake-answers.js';
import { citedUrl, scriptedReply } from './fake-core.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web-chat browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url);

describe.skipIf(!hasChromium)('web chat in chromium', () => {
  let db: Db;
  let server: Listening;
  let browser: Browser;
  let base: string;
  const answers = createFakeAnswers();
  answers.respond(scriptedReply);

  /** The conversation scrolls itself to the newest message (smooth scrolling may take a moment). */
  const scrolledToEnd = (page: import('playwright-core').Page) =>
    page.waitForFunction(() => {
      const log = document.getElementById('log')!;
      return log.scrollTop + log.clientHeight >= log.scrollHeight - 2;
    });

  beforeAll(async () => {
    db = await createTestDb();
    const app = createApp({ db, logger: captureLogger('warn').logger, answers, webChat: createWebChat() });
    server = await listen(app, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close(1000);
    await db?.close();
  });

  it('asks a question, offers choices, shows the cited answer after a click and takes feedback', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
    const foreign: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) foreign.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));

    await page.goto(base + '/');
    await expect(page.title()).resolves.toBe('Trợ lý thủ tục hành chính');

    const input = page.getByLabel('Câu hỏi của anh/chị');
    await input.fill('làm giấy khai sinh cho con cần gì');
    await input.press('Enter');

    const choice = page.getByRole('button', { name: /^2\. Đăng ký khai sinh có yếu tố nước ngoài/ });
    await choice.waitFor();
    await expect(page.getByRole('button', { name: /^1\. Đăng ký khai sinh \(Cấp xã\)/ }).isVisible()).resolves.toBe(true);
    await choice.click();

    const link = page.getByRole('link', { name: '2.000528 — Đăng ký khai sinh có yếu tố nước ngoài' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(citedUrl);
    await expect(page.getByRole('log').textContent()).resolves.toContain('Tờ khai đăng ký khai sinh');
    expect(answers.seen.at(-1)).toMatchObject({ channel: 'web', action: { type: 'choice', index: 2, code: '2.000528' } });
    // The choice buttons are spent once used.
    await expect(choice.isDisabled()).resolves.toBe(true);
    await scrolledToEnd(page);
    await page.screenshot({ path: new URL('web-chat-answer.png', ARTIFACTS).pathname });

    // Feedback from the keyboard: focus the 👍 button and press Enter.
    const up = page.getByRole('button', { name: /👍/ });
    await up.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Cảm ơn anh/chị đã phản hồi!').waitFor();
    expect(answers.seen.at(-1)?.action).toEqual({ type: 'feedback', value: 'up' });
    await scrolledToEnd(page);
    await page.screenshot({ path: new URL('web-chat-feedback.png', ARTIFACTS).pathname });

    // Fits a phone screen: the page itself never scrolls (the conversation does), the input stays in view.
    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      y: document.documentElement.scrollHeight - document.documentElement.clientHeight,
    }));
    expect(overflow).toEqual({ x: 0, y: 0 });
    await expect(input.isVisible()).resolves.toBe(true);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('tells the citizen politely when the server cannot answer', async () => {
    const page = await browser.newPage();
    await page.route('**/api/chat', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal","message":"internal error"}' }));
    await page.goto(base + '/');
    await page.getByLabel('Câu hỏi của anh/chị').fill('xin chào');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.getByText('Xin lỗi, chưa gửi được câu hỏi').waitFor();
    await expect(page.getByRole('button', { name: 'Gửi' }).isEnabled()).resolves.toBe(true);
    await page.close();
  });
});
