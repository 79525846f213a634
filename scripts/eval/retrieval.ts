/**
 * Retrieval evaluation over the national catalog (used by `npm run eval`; the answer layer's evaluation can reuse
 * loadQuestions / buildCatalogDb and add its own section). Reads ../shared files at run time; nothing is copied.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import type { Db } from '../../src/db/db.js';
import { createPgliteDb } from '../../src/db/pglite.js';
import { migrate } from '../../src/db/migrate.js';
import { readDvcDirectory } from '../../src/catalog/import-dvc.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import type { Procedure } from '../../src/catalog/schema.js';
import { foldText, stripDiacritics } from '../../src/text/normalize.js';
import type { SearchResult } from '../../src/retrieval/types.js';

export interface EvalQuestion {
  q: string;
  codes: string[];
  aspect?: string;
}

export interface RetrievalMetrics {
  n: number;
  top1: number;
  recall5: number;
  mrr10: number;
  p50: number;
  p95: number;
}

export interface EvalRun {
  metrics: RetrievalMetrics;
  /** Per question: rank (1-based) of the first right code, or 0 when not in the top 10. */
  ranks: number[];
  results: SearchResult[];
}

/** Reads a JSON-lines question file; lines without `q` are skipped. */
export function loadQuestions(path: string): EvalQuestion[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalQuestion)
    .filter((x) => typeof x.q === 'string')
    .map((x) => ({ ...x, codes: Array.isArray(x.codes) ? x.codes : [] }));
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Rank of the first right code in a ranked list of codes (sameAs twins count), 0 when absent. */
export function rankOf(ranked: { code: string; sameAs?: string[] }[], right: string[]): number {
  const i = ranked.findIndex((h) => right.includes(h.code) || (h.sameAs ?? []).some((c) => right.includes(c)));
  return i < 0 ? 0 : i + 1;
}

export function metricsOf(ranks: number[], ms: number[]): RetrievalMetrics {
  const n = ranks.length || 1;
  return {
    n: ranks.length,
    top1: ranks.filter((r) => r === 1).length / n,
    recall5: ranks.filter((r) => r >= 1 && r <= 5).length / n,
    mrr10: ranks.reduce((s, r) => s + (r >= 1 && r <= 10 ? 1 / r : 0), 0) / n,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
  };
}

/** Runs questions through a search function (top 10). */
export async function evaluate(
  questions: EvalQuestion[],
  search: (q: string) => Promise<SearchResult>,
  transform: (q: string) => string = (q) => q,
): Promise<EvalRun> {
  const ranks: number[] = [];
  const ms: number[] = [];
  const results: SearchResult[] = [];
  for (const x of questions) {
    const r = await search(transform(x.q));
    results.push(r);
    ranks.push(rankOf(r.results, x.codes));
    ms.push(r.ms);
  }
  return { metrics: metricsOf(ranks, ms), ranks, results };
}

export { stripDiacritics };

/** A fresh embedded database (in a temp dir) with the catalog imported from the portal records in `catalogDir`. */
export async function buildCatalogDb(catalogDir: string): Promise<{ db: Db; procedures: Procedure[]; errors: number; cleanup(): Promise<void> }> {
  const { procedures, errors } = readDvcDirectory(catalogDir);
  const dir = mkdtempSync(join(tmpdir(), 'motcua-eval-'));
  const db = await createPgliteDb({ dataDir: join(dir, 'pglite') });
  await migrate(db);
  await createCatalogRepository(db).upsertProcedures(procedures, { source: 'dvc' });
  return {
    db,
    procedures,
    errors: errors.length,
    async cleanup() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The baseline from the issue: MiniSearch 7.2 BM25 over name, field and body (all text fields), default options.
 * `fold` lowers and strips accents on both sides (the "naive folding" variant).
 */
export function createBm25Baseline(procedures: Procedure[], options: { fold?: boolean } = {}) {
  const body = (p: Procedure) =>
    [
      p.raw?.documents ?? p.documents.map((d) => d.name).join('\n'),
      p.raw?.steps ?? p.steps.join('\n'),
      p.raw?.conditions ?? p.conditions.join('\n'),
      p.raw?.channels ?? '',
      p.raw?.result ?? p.result ?? '',
      p.raw?.legalBasis ?? p.legalBasis.map((l) => l.title).join('\n'),
      p.agency ?? '',
      p.audience ?? '',
    ].join('\n');
  const ms = new MiniSearch<{ id: string; name: string; field: string; body: string }>({
    fields: ['name', 'field', 'body'],
    storeFields: ['name'],
    ...(options.fold ? { processTerm: (t: string) => foldText(t) } : {}),
  });
  ms.addAll(procedures.map((p) => ({ id: p.code, name: p.name, field: p.field, body: body(p) })));
  return async (q: string): Promise<SearchResult> => {
    const t0 = performance.now();
    const hits = ms.search(q).slice(0, 10);
    return {
      results: hits.map((h) => ({ code: String(h.id), name: String(h.name), score: h.score })),
      confident: hits.length > 0,
      confidence: 0,
      ms: performance.now() - t0,
    };
  };
}
