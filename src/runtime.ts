/**
 * Builds the channel-free core from config: database (migrated), catalog (seeded from knowledge/ on first start),
 * retrieval index (synced, only what changed), analytics recorder, dossier service and the answer service.
 * Used by `serve` and by the CLI commands that answer questions.
 */
import { fileURLToPath } from 'node:url';
import type { Config } from './config.js';
import { isLlmEnabled } from './config.js';
import { useHashSecret, type Logger } from './logger.js';
import { resolveHashSecret } from './privacy/hash-secret.js';
import { createChatEraser, type ChatEraser } from './privacy/per-chat.js';
import type { Db } from './db/db.js';
import { openDb } from './db/open.js';
import { migrate } from './db/migrate.js';
import { ensureCatalog } from './catalog/ensure.js';
import { createCatalogWatcher, type CatalogWatcher } from './catalog/version.js';
import { createCorrectionIndex, withCorrections, type CorrectionIndex } from './catalog/corrections.js';
import { getCentreNote } from './catalog/centre-notes.js';
import { createCatalogRepository, type CatalogRepository } from './catalog/repository.js';
import { renderProcedureText } from './catalog/render-text.js';
import { loadCentreInfo } from './catalog/centre.js';
import { createProcedureCache } from './catalog/cache.js';
import { createLocalEmbedder } from './retrieval/embedders.js';
import { syncIndex } from './retrieval/indexer.js';
import { createSearcher, type RefreshableSearcher } from './retrieval/searcher.js';
import type { Embedder } from './retrieval/types.js';
import { defaultLexicon } from './text/lexicon.js';
import { analyzeText } from './text/analyze.js';
import { createInteractionRecorder, type InteractionRecorderHandle } from './analytics/recorder.js';
import { redactPersonal } from './analytics/redact.js';
import { loadWorkingCalendar } from './dossier/calendar.js';
import { createDossierProviderFromConfig, dossierSource } from './dossier/from-config.js';
import { createDossierService, type DossierService } from './dossier/service.js';
import type { DossierProvider } from './dossier/provider.js';
import { detectDossierCode } from './dossier/code.js';
import { createRephraser } from './llm/rephraser.js';
import { createChooser } from './llm/chooser.js';
import { createAgentAnswerer } from './llm/agent.js';
import { createOpenAiEmbedder } from './llm/openai-embedder.js';
import { createAnswerService, type DossierPort } from './answer/service.js';
import { createSessionStore } from './answer/session.js';
import type { AnswerService } from './channels/types.js';
import type { CentreInfo } from './answer/texts.js';

export const knowledgeDir = fileURLToPath(new URL('../knowledge', import.meta.url));

export interface Core {
  config: Config;
  db: Db;
  catalog: CatalogRepository;
  embedder: Embedder;
  searcher: RefreshableSearcher;
  recorder: InteractionRecorderHandle;
  dossierProvider: DossierProvider;
  dossier: DossierService;
  answers: AnswerService;
  centre: CentreInfo;
  /** Deletes one chat's data everywhere (a citizen's /xoadulieu, or staff at the desk). */
  eraseChat: ChatEraser;
  /** Polls the catalog version and reloads on change; start() it in servers, check() it after a change in-process. */
  catalogWatcher: CatalogWatcher;
  corrections: CorrectionIndex;
  /** Flushes analytics and closes the database. */
  close(): Promise<void>;
}

export function createEmbedder(config: Config): Embedder {
  return config.EMBEDDING_MODEL ? createOpenAiEmbedder({ config }) : createLocalEmbedder('hash');
}

/** Re-syncs the index with the catalog and reloads the in-memory search structures. */
async function refreshIndex(core: Pick<Core, 'db' | 'embedder' | 'searcher'>, logger: Logger) {
  const sync = await syncIndex(core.db, core.embedder);
  if (sync.added || sync.updated || sync.removed) logger.info(sync, 'retrieval index synced');
  return { sync, loaded: await core.searcher.refresh() };
}

/** Changes whenever the retrieval index does (a procedure indexed, re-indexed or removed). */
async function indexFingerprint(db: Db): Promise<string> {
  const [r] = await db.query<{ n: number; last: Date | string | null }>(`SELECT count(*)::int AS n, max(indexed_at) AS last FROM retrieval_index`);
  return `${r?.n ?? 0}:${r?.last ? new Date(r.last).getTime() : 0}`;
}

/** Advisory lock key for start-up writes (the per-migration lock in db/migrate.ts is 727274). */
const STARTUP_LOCK_KEY = 727275;

/**
 * Runs the start-up writes (migrations, catalog seed, index sync) while holding a PostgreSQL advisory lock, so that
 * workers starting together on one empty database do them once: the others wait, then find nothing left to do.
 * Without it one of them dies, on `CREATE TABLE IF NOT EXISTS schema_migrations` (which migrate() runs before its own
 * lock) or on a duplicate chunk key when both index the same procedures. The lock lives in its own transaction on one
 * pool connection while fn works through the others. PGlite is one process per DATA_DIR: no lock needed.
 */
async function withStartupLock(db: Db, fn: () => Promise<void>): Promise<void> {
  if (db.kind !== 'postgres') return fn();
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${STARTUP_LOCK_KEY})`);
    await fn();
  });
}

export interface CoreOptions {
  /** An already open database (tests); otherwise opened from config. */
  db?: Db;
  /** Record interactions for the managers' report (default true; the CLI's eval-style batches turn it off). */
  record?: boolean;
  /** Import the shipped province list on first start (default true; tests of other things may skip its indexing time). */
  provinceList?: boolean;
}

export async function createCore(config: Config, logger: Logger, options: CoreOptions = {}): Promise<Core> {
  // Before anything names a chat: every stored or logged chat reference is keyed by it.
  useHashSecret(await resolveHashSecret(config, logger));
  const db = options.db ?? (await openDb(config, logger));
  try {
    const catalog = createCatalogRepository(db);
    const embedder = createEmbedder(config);
    const lexicon = defaultLexicon();
    const searcher = createSearcher({ db, embedder, lexicon });
    await withStartupLock(db, async () => {
      const applied = await migrate(db);
      if (applied.length) logger.info({ applied }, 'migrations applied');
      const seeded = await ensureCatalog(db, { knowledgeDir, logger, provinceList: options.provinceList });
      if (seeded.seeded) logger.info({ imported: seeded.imported }, 'catalog seeded from knowledge/');
      await refreshIndex({ db, embedder, searcher }, logger);
    });

    const recorder = createInteractionRecorder({ db, dataDir: config.DATA_DIR, logger });
    const calendar = loadWorkingCalendar();
    const dossierProvider = createDossierProviderFromConfig(config, { calendar });
    const dossier = createDossierService({ db, provider: dossierProvider, logger, calendar });
    const source = dossierSource(config);
    if (source === 'off') {
      logger.warn('CENTER_API_URL is not set and PUBLIC_URL is: dossier lookups are off (citizens are told so); set CENTER_API_URL, or CENTER_SIMULATOR=1 for demo dossiers');
    } else if (source === 'simulator' && config.PUBLIC_URL) {
      logger.warn('CENTER_SIMULATOR=1: citizens get the simulator\'s demo dossiers, not the centre\'s');
    }
    const dossierPort: DossierPort = {
      detect: detectDossierCode,
      lookup: ({ chatHash, limitKey, code }) => dossier.lookup({ chatHash, limitKey, code }),
      follow: ({ channel, chatId, chatHash, limitKey, code }) => dossier.follow({ channel, chatId, chatHash, limitKey, code }),
      unfollow: ({ channel, chatId, code }) => dossier.unfollow({ channel, chatId, code }),
    };
    // Retired procedures are not answered; a record without its own check date shows the day our catalog last changed it.
    // The centre's note rides along, apart from the facts (answer/compose shows it as "Ghi chú của Trung tâm").
    const procedures = createProcedureCache(async (code) => {
      const entry = await catalog.getProcedure(code);
      if (!entry || entry.retiredAt) return undefined;
      const note = await getCentreNote(db, code);
      return {
        ...entry.procedure,
        updatedAt: entry.procedure.updatedAt ?? entry.updatedAt.toISOString().slice(0, 10),
        ...(note ? { centreNote: { text: note.text, date: note.date } } : {}),
      };
    });
    // Staff corrections answer their question with the chosen procedure; imports, corrections and notes bump the
    // catalog version, and every worker that sees it move re-syncs the index (once, under the start-up lock), reloads
    // the searcher and the corrections, and forgets cached records.
    const corrections = createCorrectionIndex(db);
    await corrections.reload();
    const catalogWatcher = createCatalogWatcher({
      db,
      logger,
      intervalMs: config.CATALOG_RELOAD_SECONDS * 1000,
      onChange: async (version) => {
        await withStartupLock(db, async () => {
          await syncIndex(db, embedder);
        });
        // A correction or a note leaves the index as it was: reloading it (seconds) only when it changed.
        const fingerprint = await indexFingerprint(db);
        if (fingerprint !== indexedAs) await searcher.refresh();
        indexedAs = fingerprint;
        procedures.clear();
        const n = await corrections.reload();
        logger.info({ version, corrections: n }, 'catalog reloaded');
      },
    });
    let indexedAs = await indexFingerprint(db);
    await catalogWatcher.prime();
    const centre = loadCentreInfo();
    const sessions = createSessionStore(db, { timeoutMinutes: config.SESSION_TIMEOUT_MINUTES });
    const eraseChat = createChatEraser({
      db,
      beforeErase: () => recorder.flush(),
      forget: (chat) => sessions.delete?.(chat.sessionKey),
    });
    const answers = createAnswerService({
      searcher: withCorrections(searcher, corrections),
      catalog: { getProcedure: procedures.get },
      sessions,
      erase: eraseChat,
      centre,
      logger,
      redact: redactPersonal,
      recorder: options.record === false ? undefined : recorder,
      notesFor: (text) => analyzeText(text, lexicon).notes,
      dossier: source === 'off' ? undefined : dossierPort,
      rephraser: isLlmEnabled(config) && !config.LLM_AGENT ? createRephraser({ config, logger }) : undefined,
      agent: isLlmEnabled(config) && config.LLM_AGENT ? createAgentAnswerer({ config, logger }) : undefined,
      chooser: isLlmEnabled(config) && config.LLM_CHOOSER ? createChooser({ config, logger }) : undefined,
      renderFull: (p) => renderProcedureText(p),
      // `serve` puts the officers' handoff in front of these answers when the inbox exists (src/handoff/compose.ts).
      offerHandoff: Boolean(config.ADMIN_TOKEN),
    });
    return {
      config,
      db,
      catalog,
      embedder,
      searcher,
      recorder,
      dossierProvider,
      dossier,
      answers,
      centre,
      eraseChat,
      catalogWatcher,
      corrections,
      async close() {
        await catalogWatcher.stop();
        await recorder.close().catch((err) => logger.warn({ err: (err as Error).message }, 'analytics flush failed'));
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
