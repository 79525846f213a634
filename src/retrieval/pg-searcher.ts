import { toSql } from 'pgvector';
import type { Db } from '../db/db.js';
import type { Level } from '../catalog/schema.js';
import { analyzeText } from '../text/analyze.js';
import type { Lexicon } from '../text/lexicon.js';
import type { Embedder, SearchHit, Searcher } from './types.js';
import { defaultRankingParams, type RankingParams } from './searcher.js';

/**
 * Hybrid search done by PostgreSQL itself, for catalogs too large to hold in memory (tens of thousands of
 * procedures): lexical candidates from the `tsv` GIN index (folded syllable bigrams of the question, OR-ed, ranked by
 * ts_rank over name chunks), vector candidates from an HNSW index over `embedding::vector(dims)` (see ensureHnswIndex), fused per
 * procedure like the in-memory searcher. Less precise than the in-memory BM25 (ts_rank has no IDF); meant for scale.
 */
export interface PgSearcherDeps {
  db: Db;
  embedder: Embedder;
  lexicon?: Lexicon;
  /**
   * The same ranking configuration as the in-memory searcher (channel weights, candidates per channel, confidentAt);
   * the database computes neither BM25 nor name cover, so the rest does not apply here.
   */
  params?: Partial<RankingParams>;
}

/** Creates the HNSW index for this embedder's vectors (partial and on a cast, since the column has no fixed size). */
export async function ensureHnswIndex(db: Db, embedder: Embedder): Promise<void> {
  const name = `chunks_hnsw_${embedder.id.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`.slice(0, 60);
  const id = embedder.id.replace(/'/g, "''");
  await db.exec(
    `CREATE INDEX IF NOT EXISTS ${name} ON chunks USING hnsw ((embedding::vector(${embedder.dimensions})) vector_cosine_ops) WHERE embedder = '${id}'`,
  );
}

export function createPgSearcher(deps: PgSearcherDeps): Searcher {
  const P = { ...defaultRankingParams, ...deps.params };
  const k = P.candidates;
  // The best fused score possible (first in both channels): scores and confidence are shares of it, as in memory.
  const maxFused = P.lexicalWeight + P.vectorWeight;
  const dims = deps.embedder.dimensions;
  // The HNSW index is partial on the embedder id: the predicate must be a literal for the planner to use it.
  const idLiteral = `'${deps.embedder.id.replace(/'/g, "''")}'`;
  // Lexemes found in more than 1% of chunks ("hoso", "giayto", "dangky"): they match half the table and make ts_rank
  // slow while saying little. Read once from ts_stat (a few seconds at 50k procedures), then dropped from queries.
  let common: Promise<Set<string>> | undefined;
  const commonLexemes = () =>
    (common ??= (async () => {
      const [{ n }] = await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks WHERE embedder = $1`, [
        deps.embedder.id,
      ]) as [{ n: number }];
      const id = deps.embedder.id.replace(/'/g, "''");
      const rows = await deps.db.query<{ word: string }>(
        `SELECT word FROM ts_stat($$SELECT tsv FROM chunks WHERE embedder = '${id}'$$) WHERE ndoc > $1`,
        [Math.max(50, Math.floor(n * 0.01))],
      );
      return new Set(rows.map((r) => r.word));
    })());
  return {
    async search(question, options = {}) {
      const t0 = performance.now();
      const top = Math.max(1, Math.min(options.top ?? 5, 100));
      const a = analyzeText(question, deps.lexicon);
      const grams = new Set(a.bigrams.map((b) => b.replace('_', '')));
      for (const e of a.expansions) for (const ph of e.to) for (const b of analyzeText(ph, deps.lexicon).bigrams) grams.add(b.replace('_', ''));
      const frequent = await commonLexemes();
      const tsq = [...grams].filter((g) => /^[a-z0-9]+$/.test(g) && !frequent.has(g)).join(' | ');
      const [qv] = await deps.embedder.embed([a.syllables.map((s) => s.text).join(' ')]);
      // The two channels are independent: on a pool they run on two connections at once.
      const [lexRows, vecRows] = await Promise.all([
        tsq
          ? deps.db.query<{ code: string; r: number }>(
              // Name chunks only (name, aliases, field): body chunks run to thousands of lexemes and ts_rank has to
              // read each one; the vector channel covers the body.
              `SELECT code, ts_rank(tsv, q) AS r
                 FROM chunks, to_tsquery('simple', $1) q
                WHERE kind = 'name' AND tsv @@ q AND embedder = $2
                ORDER BY r DESC LIMIT $3`,
              [tsq, deps.embedder.id, k],
            )
          : Promise.resolve([]),
        qv
          ? deps.db.query<{ code: string; sim: number }>(
              `SELECT code, 1 - (embedding::vector(${dims}) <=> $1::vector(${dims})) AS sim
                 FROM chunks WHERE embedder = ${idLiteral}
                ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT $2`,
              [toSql(qv), k * 2],
            )
          : Promise.resolve([]),
      ]);
      const fused = new Map<string, number>();
      const lMax = lexRows[0]?.r || 1;
      for (const r of lexRows) fused.set(r.code, (fused.get(r.code) ?? 0) + P.lexicalWeight * (r.r / lMax));
      const vMax = vecRows[0]?.sim ?? 1;
      const seenVec = new Set<string>();
      for (const r of vecRows) {
        if (seenVec.has(r.code)) continue;
        seenVec.add(r.code);
        fused.set(r.code, (fused.get(r.code) ?? 0) + P.vectorWeight * (r.sim / (vMax || 1)));
      }
      let ranked = [...fused].sort((x, y) => y[1] - x[1]);
      if (options.codes) ranked = ranked.filter(([c]) => options.codes!.includes(c));
      ranked = ranked.slice(0, top);
      const meta = ranked.length
        ? await deps.db.query<{ code: string; name: string; field: string; levels: unknown }>(
            `SELECT code, name, field, data->'levels' AS levels FROM procedures WHERE code = ANY($1::text[])`,
            [ranked.map(([c]) => c)],
          )
        : [];
      const byCode = new Map(meta.map((m) => [m.code, m]));
      const results: SearchHit[] = ranked.map(([code, s]) => ({
        code,
        name: byCode.get(code)?.name ?? code,
        score: Math.round(Math.min(1, s / maxFused) * 1000) / 1000,
        field: byCode.get(code)?.field,
        levels: Array.isArray(byCode.get(code)?.levels) ? (byCode.get(code)!.levels as Level[]) : [],
      }));
      // Without name cover or a BM25 margin, confidence is the top hit's share of the best possible fused score: a
      // procedure first in both channels reaches 1.
      const confidence = results[0]?.score ?? 0;
      return {
        results,
        confidence,
        confident: confidence >= P.confidentAt,
        ms: Math.round((performance.now() - t0) * 100) / 100,
      };
    },
  };
}
