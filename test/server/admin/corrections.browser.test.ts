import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createLogger } from '../../../src/logger.js';
import { createApp } from '../../../src/server/app.js';
import { createAdminRoutes } from '../../../src/server/admin/routes.js';
import { createInteractionRecorder } from '../../../src/analytics/recorder.js';
import { createReportService } from '../../../src/analytics/report.js';
import { createCorrectionIndex } from '../../../src/catalog/corrections.js';
import { listen, type Listening } from '../../../src/server/listen.js';
import type { AnswerService } from '../../../src/channels/types.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { T0, fixtureInteractions, insertProcedures } from '../../analytics/fixture.js';
import { TOKEN, fakeLookup } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(process.cwd(), 'test-artifacts');
const since = new Date(T0.getTime() - 86_400_000).toISOString().slice(0, 10);
const answers: AnswerService = { handle: async () => ({ outcome: 'smalltalk', text: '', citations: [], choices: [], feedback: false }) };

describe.skipIf(!existsSync(CHROMIUM))('correcting an unresolved question on the dashboard, in a browser', () => {
  let db: TestDb;
  let dataDir: string;
  let server: Listening;
  let browser: Browser;
  let origin: string;
  let applied = 0;

  // The config's hookTimeout (120 s): on a loaded machine opening PGlite and chromium took over a minute.
  beforeAll(async () => {
    db = await createTestDb('pglite');
    dataDir = await mkdtemp(join(tmpdir(), 'motcua-corr-browser-'));
    await insertProcedures(db);
    const recorder = createInteractionRecorder({ db, dataDir, logger: createLogger({ level: 'silent' }) });
    for (const r of fixtureInteractions()) recorder.record(r);
    await recorder.close();
    const admin = createAdminRoutes({
      config: { ADMIN_TOKEN: TOKEN },
      db,
      report: createReportService({ db }),
      lookup: fakeLookup,
      catalog: { db, searcher: fakeLookup.searcher, changed: async () => void applied++ },
    });
    const app = createApp({ db, logger: createLogger({ level: 'silent' }), answers, mounts: [{ path: '/admin', app: admin }] });
    server = await listen(app, { port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${server.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    await mkdir(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close(1000);
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('maps a cluster to the right procedure with the search box, saves, and the question is then matched with or without diacritics', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(origin)) return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    await page.goto(`${origin}/admin/login`);
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${origin}/admin`);
    await page.goto(`${origin}/admin?since=${since}`);

    const cluster = page.locator('tr.cluster', { hasText: 'xin cấp phép nuôi chim yến' });
    await cluster.locator('a.fix').click();
    await page.waitForURL(/\/admin\/corrections\/new\?/);
    expect(await page.inputValue('#question')).toBe('xin cấp phép nuôi chim yến');

    await page.fill('#q', 'giấy phép chim yến');
    await page.click('#find button[type=submit]');
    const option = page.locator('#candidates input[value="2.000001"]');
    await option.waitFor();
    await option.check();
    await page.click('#save button[type=submit]');
    await page.waitForURL(/\/admin\/corrections\?saved=\d+/);
    expect(await page.textContent('#saved')).toContain('Đã lưu');
    const row = page.locator('tr.correction', { hasText: 'xin cấp phép nuôi chim yến' });
    expect(await row.locator('a', { hasText: '2.000001' }).count()).toBe(1);
    expect(await page.locator('#audit td', { hasText: 'correction.add' }).count()).toBe(1);
    await page.screenshot({ path: join(artifacts, 'admin-corrections.png'), fullPage: true });
    expect(applied).toBe(1);

    const index = createCorrectionIndex(db);
    await index.reload();
    expect(index.match('Xin cap phep nuoi chim yen')?.code).toBe('2.000001');
    expect(index.match('xin cấp phép nuôi chim yến!')?.code).toBe('2.000001');

    await row.locator('button', { hasText: 'Xoá' }).click();
    await page.waitForURL(`${origin}/admin/corrections`);
    expect(await page.locator('tr.correction').count()).toBe(0);
    expect(outside).toEqual([]);
    await context.close();
  });
});
