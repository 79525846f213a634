import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createCore, type Core } from '../../src/runtime.js';
import { createPostgresDb } from '../../src/db/postgres.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { createCorrectionStore } from '../../src/catalog/corrections.js';
import { setCentreNote } from '../../src/catalog/centre-notes.js';
import type { Procedure } from '../../src/catalog/schema.js';
import type { Db } from '../../src/db/db.js';
import { createTestDb, dbBackends, type TestDb } from '../helpers/db.js';

const newProcedure: Procedure = {
  code: '9.700001',
  name: 'Cấp phép thả đèn trời mẫu',
  aliases: [],
  field: 'Thử nghiệm',
  levels: ['xa'],
  channels: [{ mode: 'truc_tiep', deadline: { text: '3 ngày làm việc' }, fee: { text: 'Không thu phí' } }],
  documents: [{ name: 'Tờ khai thả đèn trời' }],
  steps: [],
  conditions: [],
  legalBasis: [],
  origin: 'knowledge',
  notes: [],
};

const ask = (core: Core, text: string, chat: string) => core.answers.handle({ channel: 'web', chatId: chat, text, receivedAt: new Date() });
const codesOf = (r: { citations: { code: string }[] }) => r.citations.map((c) => c.code);

/**
 * Running workers pick up catalog changes without a restart: PGlite has one worker per data directory (the change is
 * made through its own database), PostgreSQL two workers with their own pools on one database.
 */
describe.each(dbBackends)('catalog changes reach running workers ($backend)', { timeout: 240_000 }, ({ backend }) => {
  let db: TestDb;
  const cores: Core[] = [];
  const extraDbs: Db[] = [];
  const dirs: string[] = [];
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    db = await createTestDb(backend);
    const start = async (own: Db) => {
      const dir = mkdtempSync(join(tmpdir(), 'motcua-reload-'));
      dirs.push(dir);
      const config = parseConfig({ DATA_DIR: dir, ...(db.url ? { DATABASE_URL: db.url } : {}) });
      return createCore(config, logger, { db: own, record: false, provinceList: false });
    };
    cores.push(await start(db));
    if (backend === 'postgres') {
      const second = createPostgresDb({ connectionString: db.url!, max: 3 });
      extraDbs.push(second);
      cores.push(await start(second));
    }
  }, 240_000);
  afterAll(async () => {
    // The first core's database is the test database (closed below); close the cores' other resources first.
    for (const c of cores.slice(1)) await c.close().catch(() => undefined);
    await cores[0]?.catalogWatcher.stop();
    await db?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers a procedure imported after start, once the version check runs, on every worker', async () => {
    for (const core of cores) expect(codesOf(await ask(core, 'thả đèn trời mẫu cần giấy tờ gì', `a-${cores.indexOf(core)}`))).not.toContain('9.700001');
    await createCatalogRepository(db).upsertProcedures([newProcedure], { source: 'knowledge' });
    for (const core of cores) expect(await core.catalogWatcher.check()).toBe(true);
    for (const core of cores) {
      const r = await ask(core, 'cấp phép thả đèn trời mẫu cần giấy tờ gì', `b-${cores.indexOf(core)}`);
      expect(codesOf(r)).toContain('9.700001');
      expect(r.text).toContain('Tờ khai thả đèn trời');
      expect(r.text).toMatch(/cập nhật ngày \d{2}\/\d{2}\/\d{4}/);
    }
  });

  it('answers a corrected question with the chosen procedure, with or without diacritics, on every worker', async () => {
    const question = 'muốn xin thả lồng đèn bay lên trời dịp lễ hội';
    for (const core of cores) expect(codesOf(await ask(core, question, `c-${cores.indexOf(core)}`))).not.toContain('9.700001');
    const saved = await createCorrectionStore(db).add({ question, code: '9.700001', actor: 'test' });
    expect(saved).toMatchObject({ question, code: '9.700001' });
    for (const core of cores) await core.catalogWatcher.check();
    for (const core of cores) {
      const i = cores.indexOf(core);
      const r1 = await ask(core, question, `d-${i}`);
      expect(r1.outcome).toBe('answered');
      expect(codesOf(r1)).toEqual(['9.700001']);
      const r2 = await ask(core, 'Muon xin tha long den bay len troi dip le hoi?', `e-${i}`);
      expect(codesOf(r2)).toEqual(['9.700001']);
    }
    await createCorrectionStore(db).remove(saved.id, 'test');
    for (const core of cores) await core.catalogWatcher.check();
    for (const core of cores) expect(codesOf(await ask(core, question, `f-${cores.indexOf(core)}`))).not.toContain('9.700001');
  });

  it("shows the centre's note apart from the facts, with its date", async () => {
    await setCentreNote(db, { code: '9.700001', text: 'Nộp tại quầy số 3, tầng 1.', actor: 'test' });
    for (const core of cores) await core.catalogWatcher.check();
    for (const core of cores) {
      const r = await ask(core, 'cấp phép thả đèn trời mẫu nộp ở đâu', `g-${cores.indexOf(core)}`);
      expect(r.text).toMatch(/Ghi chú của Trung tâm \(\d{2}\/\d{2}\/\d{4}\): Nộp tại quầy số 3, tầng 1\./);
    }
  });

  it('stops answering a retired procedure', async () => {
    await createCatalogRepository(db).retireMissing('knowledge', []);
    for (const core of cores) await core.catalogWatcher.check();
    for (const core of cores) {
      const r = await ask(core, 'cấp phép thả đèn trời mẫu cần giấy tờ gì', `h-${cores.indexOf(core)}`);
      expect(codesOf(r)).not.toContain('9.700001');
    }
  });
});
