/**
 * Catalog-side measurements on the embedded database: import of the national portal records, index build, and
 * search / answer latency on the dev questions — each against a baseline run in the same process just before.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db.js';
import { createPgliteDb } from '../../src/db/pglite.js';
import { migrate } from '../../src/db/migrate.js';
import { readDvcDirectory } from '../../src/catalog/import-dvc.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import type { Procedure } from '../../src/catalog/schema.js';
import { createBm25Baseline, percentile, type EvalQuestion } from '../eval/retrieval.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher } from '../../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';
import { defaultLexicon } from '../../src/text/lexicon.js';
import { createEvalAnswerService } from '../eval/answers.js';

const since = (t: number) => performance.now() - t;

/** Every *.json under dir, read and JSON.parse'd: the floor any importer pays. Returns ms and the file count. */
export function parseAllJson(dir: string): { ms: number; files: number } {
  const t = performance.now();
  let files = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        JSON.parse(readFileSync(p, 'utf8'));
        files++;
      }
    }
  };
  walk(dir);
  return { ms: since(t), files };
}

export interface ImportMeasure {
  procedures: Procedure[];
  /** readDvcDirectory: read, parse, validate and convert every record. */
  readMs: number;
  /** upsertProcedures into the database. */
  upsertMs: number;
}

/** Reads the portal records and upserts them into `db` (already open and migrated). */
export async function importCatalog(db: Db, catalogDir: string): Promise<ImportMeasure> {
  let t = performance.now();
  const { procedures } = readDvcDirectory(catalogDir);
  const readMs = since(t);
  t = performance.now();
  await createCatalogRepository(db).upsertProcedures(procedures, { source: 'dvc' });
  return { procedures, readMs, upsertMs: since(t) };
}

/** A fresh on-disk PGlite in a temp dir, migrated, with the catalog imported (the same steps as buildCatalogDb, timed). */
export async function buildEmbeddedCatalog(catalogDir: string): Promise<ImportMeasure & { openMs: number; db: Db; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-bench-catalog-'));
  const t = performance.now();
  const db = await createPgliteDb({ dataDir: join(dir, 'pglite') });
  await migrate(db);
  const openMs = since(t);
  const m = await importCatalog(db, catalogDir);
  return { ...m, openMs, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LatencyMeasure {
  indexMs: number;
  bm25BuildMs: number;
  chunks: number;
  search: { p50: number; p95: number; n: number };
  bm25: { p50: number; p95: number; n: number };
  answer: { p50: number; p95: number; n: number };
}

async function timeEach(qs: string[], rounds: number, fn: (q: string, i: number) => Promise<unknown>) {
  const ms: number[] = [];
  let i = 0;
  for (let r = 0; r < rounds; r++) {
    for (const q of qs) {
      const t = performance.now();
      await fn(q, i++);
      ms.push(since(t));
    }
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), n: ms.length };
}

/**
 * Indexes the catalog in `db` with the local embedder, then times our search, the MiniSearch BM25 baseline and the
 * deterministic answer service (createEvalAnswerService: no recording, no LLM) on the questions, wall clock per call,
 * after a warm-up of each.
 */
export async function measureLatency(db: Db, procedures: Procedure[], questions: EvalQuestion[], rounds: number): Promise<LatencyMeasure> {
  const embedder = createLocalEmbedder('hash');
  let t = performance.now();
  const sync = await syncIndex(db, embedder);
  const indexMs = since(t);
  const lexicon = defaultLexicon();
  const searcher = createSearcher({ db, embedder, lexicon });
  await searcher.refresh();
  t = performance.now();
  const bm25 = createBm25Baseline(procedures);
  const bm25BuildMs = since(t);
  const qs = questions.map((x) => x.q);
  const answers = createEvalAnswerService(db, searcher, lexicon);
  for (const q of qs.slice(0, 5)) {
    await searcher.search(q, { top: 10 });
    await bm25(q);
    await answers.handle({ channel: 'cli', chatId: 'bench-warmup', text: q, receivedAt: new Date() });
  }
  const bm = await timeEach(qs, rounds, (q) => bm25(q));
  const search = await timeEach(qs, rounds, (q) => searcher.search(q, { top: 10 }));
  // A fresh chat per question, as in the answer evaluation: no follow-up context between questions.
  const answer = await timeEach(qs, rounds, (q, i) => answers.handle({ channel: 'cli', chatId: `bench-${i}`, text: q, receivedAt: new Date() }));
  return { indexMs, bm25BuildMs, chunks: sync.chunks, search, bm25: bm, answer };
}
