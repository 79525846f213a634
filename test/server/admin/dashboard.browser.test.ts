import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createLogger } from '../../../src/logger.js';
import { createInteractionRecorder } from '../../../src/analytics/recorder.js';
import { createReportService } from '../../../src/analytics/report.js';
import { listen, type Listening } from '../../../src/server/listen.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { T0, fixtureInteractions, insertProcedures } from '../../analytics/fixture.js';
import { TOKEN, buildApp } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(process.cwd(), 'test-artifacts');
const since = new Date(T0.getTime() - 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!existsSync(CHROMIUM))('admin dashboard in a browser', () => {
  let db: TestDb;
  let dataDir: string;
  let server: Listening;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    db = await createTestDb('pglite');
    dataDir = await mkdtemp(join(tmpdir(), 'motcua-browser-'));
    await insertProcedures(db);
    const recorder = createInteractionRecorder({ db, dataDir, logger: createLogger({ level: 'silent' }) });
    for (const r of fixtureInteractions()) recorder.record(r);
    await recorder.close();
    server = await listen(buildApp({ token: TOKEN, db, report: createReportService({ db }) }), { port: 0, host: '127.0.0.1' });
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
    await rm(dataDir, { recursive: true, force: true });
  });

  it('logs in, shows the charts and a cluster, downloads the CSV, logs out — without any outside request', async () => {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'vi-VN', viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin)) return route.continue();
      outside.push(url);
      return route.abort();
    });

    await page.goto(`${origin}/admin?since=${since}`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('Mã truy cập không đúng');

    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${origin}/admin`);
    await page.goto(`${origin}/admin?since=${since}`);

    const line = page.locator('svg.chart-line').first();
    await line.waitFor();
    expect((await line.boundingBox())!.width).toBeGreaterThan(300);
    expect(await line.locator('polyline').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('svg.chart-bar rect').count()).toBeGreaterThan(3);
    expect(await page.locator('#total-unresolved b').textContent()).toBe('21');

    const cluster = page.locator('tr.cluster', { hasText: 'xin cấp phép nuôi chim yến' });
    await expect.poll(() => cluster.count()).toBe(1);
    expect(await cluster.locator('td.n').textContent()).toBe('4');
    expect(await cluster.locator('a', { hasText: '2.000001' }).count()).toBe(1);

    await page.screenshot({ path: join(artifacts, 'admin-dashboard.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-link')]);
    expect(download.suggestedFilename()).toMatch(/^motcua-bao-cao-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).toContain('xin cấp phép nuôi chim yến');
    expect(csv.split('\r\n')[0]).toContain('section,code,name');

    await page.click('header button[type=submit]');
    await page.waitForURL(`${origin}/admin/login`);
    await page.goto(`${origin}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');

    expect(outside).toEqual([]);
    await context.close();
  });
});
