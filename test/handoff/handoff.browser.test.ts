/**
 * The handoff in a real browser (Debian's chromium via playwright-core): a citizen on the web chat presses "Gặp cán bộ"
 * after an unresolved answer, an officer on /admin/inbox sees the conversation appear without reloading, opens the
 * masked number, replies; the reply appears on the citizen's page without a question; the officer closes, the citizen
 * gives 👍 and the bot answers again. Skipped (with a message) only when /usr/bin/chromium is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../src/server/app.js';
import { listen, type Listening } from '../../src/server/listen.js';
import { createWebChat } from '../../src/channels/web/routes.js';
import { createWebInboxRoute } from '../../src/channels/web/handoff-route.js';
import { createAdminRoutes } from '../../src/server/admin/routes.js';
import { createReportService } from '../../src/analytics/report.js';
import { redactPersonal } from '../../src/analytics/redact.js';
import { createHandoffService, type HandoffService } from '../../src/handoff/service.js';
import { createHandoffStore } from '../../src/handoff/store.js';
import { createCentreHours, loadWeekHours } from '../../src/handoff/hours.js';
import { loadWorkingCalendar } from '../../src/dossier/calendar.js';
import { createLogger } from '../../src/logger.js';
import type { Db } from '../../src/db/db.js';
import { createTestDb } from '../helpers/db.js';
import { createFakeAnswers, reply } from '../channels/helpers/fake-answers.js';
import { fakeLookup } from '../server/admin/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`handoff browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const ADMIN = 'browser-admin-token-0123456789abcdef';

describe.skipIf(!hasChromium)('handoff in chromium: web chat and officers\' inbox', () => {
  let db: Db;
  let server: Listening;
  let browser: Browser;
  let base: string;
  let service: HandoffService;

  beforeAll(async () => {
    db = await createTestDb();
    const inner = createFakeAnswers();
    inner.respond((i) =>
      /giấy phép bay/.test(i.text)
        ? reply({ outcome: 'unresolved', text: 'Xin lỗi, tôi chưa tìm được thủ tục phù hợp.', offerHandoff: true })
        : reply({ text: `Bot: ${i.text}` }),
    );
    const logger = createLogger({ level: 'silent' });
    service = createHandoffService({
      store: createHandoffStore(db),
      hours: createCentreHours(loadWeekHours(), loadWorkingCalendar()),
      centre: { name: 'Trung tâm' },
      logger,
      senders: [],
      pullChannels: ['web'],
    });
    const admin = createAdminRoutes({ config: { ADMIN_TOKEN: ADMIN }, db, report: createReportService({ db }), lookup: fakeLookup, inbox: { handoffs: service, mask: redactPersonal } });
    const app = createApp({
      db,
      logger,
      answers: service.wrap(inner),
      chatRateLimit: false,
      webChat: createWebChat(),
      mounts: [
        { path: '/admin', app: admin },
        { path: '/', app: createWebInboxRoute(service) },
      ],
    });
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

  const watchErrors = (page: Page) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) errors.push(`foreign request ${r.url()}`);
    });
    return errors;
  };

  it('a citizen reaches an officer and back, both pages updating on their own', async () => {
    const citizen = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'vi-VN' });
    const citizenErrors = watchErrors(citizen);
    await citizen.goto(base + '/');
    const input = citizen.getByLabel('Câu hỏi của anh/chị');
    await input.fill('xin giấy phép bay flycam');
    await input.press('Enter');
    await citizen.getByRole('button', { name: 'Gặp cán bộ' }).click();
    await citizen.getByText('Cán bộ sẽ trả lời ngay tại đây').waitFor();
    await input.fill('Số điện thoại của tôi là 0912345678');
    await input.press('Enter');
    await citizen.getByText('Đã gửi tới cán bộ.').waitFor();

    const officerContext = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${ADMIN}` }, locale: 'vi-VN' });
    const officer = await officerContext.newPage();
    const officerErrors = watchErrors(officer);
    await officer.goto(base + '/admin/inbox');
    await officer.getByRole('link', { name: /^#\d+ · Web · / }).waitFor();
    const log = officer.locator('#messages');
    await officer.getByText('Số điện thoại của tôi là [SĐT]').waitFor();
    expect(await log.textContent()).not.toContain('0912345678');
    await officer.getByRole('button', { name: 'Hiện đầy đủ' }).click();
    await officer.getByText('Số điện thoại của tôi là 0912345678').waitFor();

    // A new citizen message shows up in the open inbox without a reload.
    await input.fill('Tôi cần gấp ạ');
    await input.press('Enter');
    await officer.getByText('Tôi cần gấp ạ').waitFor({ timeout: 10_000 });

    await officer.getByLabel('Trả lời').fill('Chào anh, tôi sẽ gọi lại trong 10 phút.');
    await officer.getByRole('button', { name: 'Gửi' }).click();
    await officer.getByText('Đã gửi.').waitFor();
    await officer.screenshot({ path: new URL('handoff-inbox.png', ARTIFACTS).pathname });

    // The citizen asked nothing: the page fetches the officer's message by itself.
    await citizen.getByText('Chào anh, tôi sẽ gọi lại trong 10 phút.').waitFor({ timeout: 10_000 });
    await officer.getByRole('button', { name: 'Kết thúc cuộc trò chuyện' }).click();
    await citizen.getByText('Cán bộ đã kết thúc cuộc trò chuyện').waitFor({ timeout: 10_000 });
    await citizen.getByRole('button', { name: /👍/ }).last().click();
    await citizen.getByText('Cảm ơn anh/chị đã đánh giá').waitFor();
    await input.fill('lệ phí đăng ký kết hôn');
    await input.press('Enter');
    await citizen.getByText('Bot: lệ phí đăng ký kết hôn').waitFor();
    await citizen.screenshot({ path: new URL('handoff-web-chat.png', ARTIFACTS).pathname });
    await officer.getByText('Không có cuộc trò chuyện nào đang chờ.').waitFor({ timeout: 10_000 });

    expect(citizenErrors, citizenErrors.join("\n")).toEqual([]);
    expect(officerErrors, "officer").toEqual([]);
    await citizen.close();
    await officerContext.close();
  });
});
