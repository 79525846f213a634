import type { Db } from '../db/db.js';
import type { Level } from '../catalog/schema.js';
import { analyzeText, type TextAnalysis } from '../text/analyze.js';
import { levelFreeName } from '../text/names.js';
import type { Lexicon } from '../text/lexicon.js';
import { chunkKinds, type ChunkKind } from './chunks.js';
import { askingTokens, documentLength, documentTerms, focusedQueryTerms } from './terms.js';
import type { Embedder, SearchHit, SearchOptions, SearchResult, SearchSignals, Searcher } from './types.js';
import { foldSyllable, syllables } from '../text/normalize.js';
import { actionsDisagree, actionsIn } from '../text/language.js';

/**
 * Hybrid search over an in-memory index loaded from the `chunks` table.
 *
 * Why in memory: PGlite runs one query at a time and the web chat, the bots and the admin page all search; a BM25
 * inverted index plus a dense matrix of 2,642 × 7 chunk vectors answers in a few milliseconds in-process, while
 * PostgreSQL/pgvector stays the store (and the engine for the at-scale benchmark). `refresh()` reloads after a sync.
 *
 * Ranking: BM25 over four term channels (folded syllables and bigrams always; accented ones when the question has
 * accents), aggregated per procedure with the name chunk (name, aliases, field) weighted above the best body chunk;
 * cosine similarity of the question's embedding with each chunk (max per procedure); the two rankings fused by
 * weighted reciprocal rank fusion. Procedures with the same name at several levels are collapsed into one hit.
 */

export interface RankingParams {
  k1: number;
  b: number;
  /** Weight of the name chunk's BM25 in the procedure's lexical score. */
  nameWeight: number;
  /** Weight of the best body chunk. */
  bodyWeight: number;
  /** Weight of the sum of the other body chunks. */
  restWeight: number;
  /** RRF constant and channel weights. */
  rrfK: number;
  lexicalWeight: number;
  vectorWeight: number;
  /** How many candidates per channel enter fusion. */
  candidates: number;
  /** Confidence at or above which `confident` is true. */
  confidentAt: number;
  /** Terms found in more than this share of chunks are ignored. */
  maxDf: number;
  /** Bonus (in units of the best possible fused score) for covering the procedure's name. */
  coverWeight: number;
  /** Weight of terms from sentences that tell the story rather than ask (see focusedQueryTerms). */
  storyWeight: number;
  /** 'rrf': reciprocal rank fusion; 'score': lexical and vector scores normalised by the best candidate, summed. */
  fusion: 'rrf' | 'score';
  /** Share of its score a procedure loses when its name's variant actions disagree with the question's (see actionsDisagree). */
  actionPenalty: number;
  /**
   * Share of its score a listed-only procedure loses (only the province's list names it: no documents, deadlines or
   * fees), so that a detailed procedure with a comparable match ranks first; a clearly better listed-only match still wins.
   */
  listedOnlyPenalty: number;
  /**
   * How confidence is made from the evidence for the top hit (weights summing to 1): the share of its name the question
   * covers, its lexical margin over the runner-up (doubled, at most 1), and its vector similarity.
   */
  confidenceWeights: { cover: number; margin: number; vector: number };
}

export const defaultRankingParams: RankingParams = {
  k1: 1.2,
  b: 0.75,
  nameWeight: 1.5,
  bodyWeight: 1,
  restWeight: 0.1,
  rrfK: 10,
  lexicalWeight: 1,
  vectorWeight: 0.3,
  candidates: 50,
  confidentAt: 0.5,
  maxDf: 0.5,
  coverWeight: 0.3,
  storyWeight: 0.6,
  fusion: 'score',
  actionPenalty: 0.15,
  listedOnlyPenalty: 0.2,
  confidenceWeights: { cover: 0.6, margin: 0.25, vector: 0.15 },
};

export interface SearcherDeps {
  db: Db;
  embedder: Embedder;
  lexicon?: Lexicon;
  params?: Partial<RankingParams>;
}

export interface ExplainedSearchResult extends SearchResult {
  analysis: TextAnalysis;
}

export interface RefreshableSearcher extends Searcher {
  /** Reloads the in-memory index from the database (after syncIndex). */
  refresh(): Promise<{ procedures: number; chunks: number; ms: number }>;
  /** Same as search, with the text analysis (expansions, notes) used. */
  searchExplained(question: string, options?: SearchOptions): Promise<ExplainedSearchResult>;
}

interface ProcEntry {
  code: string;
  name: string;
  /** levelFreeName(name): equal for the same procedure published at several levels. */
  twinKey: string;
  field: string;
  levels: Level[];
  nameChunk: number;
  /** Chunks of a procedure are contiguous: [firstChunk, firstChunk + chunkCount). */
  firstChunk: number;
  chunkCount: number;
  /** Content bigrams of the name: used by the confidence value. */
  nameBigrams: string[];
  /** Folded content words of the level-free name: what tells it from a narrower variant (unaskedVariants). */
  nameTokens: ReadonlySet<string>;
  /** Variant actions in the level-free name ("cấp lại", "xóa"): see actionsDisagree. */
  actions: string[];
  /** Only the province's list names it (catalog origin 'province'). */
  listedOnly: boolean;
}

interface Index {
  procs: ProcEntry[];
  byCode: Map<string, number>;
  chunkProc: Int32Array;
  chunkKind: Uint8Array;
  chunkLen: Float32Array;
  avgLen: Float32Array;
  postings: Map<string, { ids: Int32Array; tfs: Float32Array }>;
  /** Per procedure two unit rows: the name chunk's vector, then the normalised centroid of the other chunks. */
  procVectors: Float64Array;
  dims: number;
  /** Procedures sharing a name once the level qualifier is removed (same procedure at several levels). */
  sameName: Map<string, number[]>;
  /** Per chunk, BM25's length normalisation k1 · (1 − b + b · len / avgLen), computed once per load. */
  norm: Float64Array;
  /** Per term, how many name chunks (name, aliases, field) contain it; terms of no name are absent. */
  nameDf: Map<string, number>;
  /** Procedures by the content words of their level-free names (nameTokens): word → procedure indices. */
  nameHolders: Map<string, number[]>;
}

interface ChunkRow {
  code: string;
  kind: string;
  name: string;
  body: string;
  /** number[] on both backends (pgvector's parser, see db/db.ts). */
  embedding: number[] | null;
  field: string;
  levels: unknown;
  aliases: unknown;
  listed_only: boolean;
}

function copyVector(v: number[] | null, dims: number, into: Float32Array, offset: number) {
  if (!v) return;
  const n = Math.min(dims, v.length);
  for (let k = 0; k < n; k++) into[offset + k] = v[k]!;
}

function actionsOfName(name: string): string[] {
  return actionsIn(syllables(levelFreeName(name)), true);
}

function nameTermsOf(name: string): { bigrams: string[]; tokens: Set<string> } {
  const t = analyzeText(name, { entries: [], byFirst: new Map() });
  return { bigrams: t.bigrams, tokens: new Set(t.tokens) };
}

async function loadIndex(db: Db, embedder: Embedder, P: Pick<RankingParams, 'k1' | 'b'>): Promise<Index> {
  const rows = await db.query<ChunkRow>(
    `SELECT c.code, c.kind, c.name, c.body, c.embedding, p.field,
            p.data->'levels' AS levels, p.data->'aliases' AS aliases, (p.data->>'origin') = 'province' AS listed_only
       FROM chunks c JOIN procedures p ON p.code = c.code
      WHERE c.embedder = $1
      ORDER BY c.code, c.kind`,
    [embedder.id],
  );
  const dims = embedder.dimensions;
  const procs: ProcEntry[] = [];
  const byCode = new Map<string, number>();
  const n = rows.length;
  const chunkProc = new Int32Array(n);
  const chunkKind = new Uint8Array(n);
  const chunkLen = new Float32Array(n);
  const vectors = new Float32Array(n * dims);
  const building = new Map<string, { ids: number[]; tfs: number[] }>();
  const kindTotals = new Float64Array(chunkKinds.length);
  const kindCounts = new Float64Array(chunkKinds.length);
  rows.forEach((r, i) => {
    let pi = byCode.get(r.code);
    if (pi === undefined) {
      pi = procs.length;
      byCode.set(r.code, pi);
      // Cover counts the words of the procedure, not its level qualifier ("thực hiện tại cấp tỉnh").
      const terms = nameTermsOf(levelFreeName(r.name));
      procs.push({
        code: r.code,
        name: r.name,
        twinKey: levelFreeName(r.name),
        field: r.field,
        levels: Array.isArray(r.levels) ? (r.levels as Level[]) : [],
        nameChunk: -1,
        firstChunk: i,
        chunkCount: 0,
        nameBigrams: terms.bigrams,
        nameTokens: terms.tokens,
        actions: actionsOfName(r.name),
        listedOnly: r.listed_only === true,
      });
    }
    const kind = Math.max(0, chunkKinds.indexOf(r.kind as ChunkKind));
    if (kind === 0) procs[pi]!.nameChunk = i;
    procs[pi]!.chunkCount++;
    chunkProc[i] = pi;
    chunkKind[i] = kind;
    const tf = documentTerms(r.body);
    const len = documentLength(tf);
    chunkLen[i] = len;
    kindTotals[kind]! += len;
    kindCounts[kind]! += 1;
    for (const [t, c] of tf) {
      let p = building.get(t);
      if (!p) building.set(t, (p = { ids: [], tfs: [] }));
      p.ids.push(i);
      p.tfs.push(c);
    }
    copyVector(r.embedding, dims, vectors, i * dims);
  });
  const postings = new Map<string, { ids: Int32Array; tfs: Float32Array }>();
  for (const [t, p] of building) postings.set(t, { ids: Int32Array.from(p.ids), tfs: Float32Array.from(p.tfs) });
  const avgLen = new Float32Array(chunkKinds.length);
  for (let k = 0; k < chunkKinds.length; k++) avgLen[k] = kindCounts[k]! ? kindTotals[k]! / kindCounts[k]! : 1;
  const procVectors = new Float32Array(procs.length * 2 * dims);
  procs.forEach((p, pi) => {
    for (let c = p.firstChunk; c < p.firstChunk + p.chunkCount; c++) {
      const row = (2 * pi + (chunkKind[c] === 0 ? 0 : 1)) * dims;
      for (let k = 0; k < dims; k++) procVectors[row + k]! += vectors[c * dims + k]!;
    }
    for (const row of [2 * pi * dims, (2 * pi + 1) * dims]) {
      let n = 0;
      for (let k = 0; k < dims; k++) n += procVectors[row + k]! ** 2;
      n = Math.sqrt(n);
      if (n > 0) for (let k = 0; k < dims; k++) procVectors[row + k]! /= n;
    }
  });
  const sameName = new Map<string, number[]>();
  procs.forEach((p, i) => {
    const list = sameName.get(p.twinKey);
    if (list) list.push(i);
    else sameName.set(p.twinKey, [i]);
  });
  const nameHolders = new Map<string, number[]>();
  procs.forEach((p, i) => {
    for (const t of p.nameTokens) {
      const list = nameHolders.get(t);
      if (list) list.push(i);
      else nameHolders.set(t, [i]);
    }
  });
  const nameDf = new Map<string, number>();
  for (const [t, p] of postings) {
    if (t.includes('_') || t.startsWith('~')) continue;
    let k = 0;
    for (let j = 0; j < p.ids.length; j++) if (chunkKind[p.ids[j]!] === 0) k++;
    if (k) nameDf.set(t, k);
  }
  const norm = new Float64Array(n);
  for (let c = 0; c < n; c++) norm[c] = P.k1 * (1 - P.b + (P.b * chunkLen[c]!) / avgLen[chunkKind[c]!]!);
  // Built in float32 (as stored), scanned as float64: the same values, without a conversion per multiply.
  return { procs, byCode, chunkProc, chunkKind, chunkLen, avgLen, postings, procVectors: Float64Array.from(procVectors), dims, sameName, norm, nameDf, nameHolders };
}

/** BM25 of one query term added to each chunk it occurs in (a small function of its own: V8 optimises it alone). */
function addBm25(chunkScore: Float64Array, ids: Int32Array, tfs: Float32Array, wi: number, k1: number, norm: Float64Array): void {
  for (let j = 0; j < ids.length; j++) {
    const c = ids[j]!;
    const tf = tfs[j]!;
    chunkScore[c]! += (wi * (tf * (k1 + 1))) / (tf + norm[c]!);
  }
}

/**
 * Dense scores: the question vector's dot product with each procedure's two rows (name, centroid of the rest), the
 * larger of the two per procedure into `out`. The hottest loop at catalog scale; four accumulators let the CPU
 * overlap the multiplies.
 */
function maxDotPerProc(q: Float64Array, V: Float64Array, d: number, out: Float64Array): void {
  const d4 = d - (d % 4);
  const rows = 2 * out.length;
  for (let r = 0; r < rows; r++) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    const o = r * d;
    for (let k = 0; k < d4; k += 4) {
      a0 += q[k]! * V[o + k]!;
      a1 += q[k + 1]! * V[o + k + 1]!;
      a2 += q[k + 2]! * V[o + k + 2]!;
      a3 += q[k + 3]! * V[o + k + 3]!;
    }
    for (let k = d4; k < d; k++) a0 += q[k]! * V[o + k]!;
    const dot = a0 + a1 + a2 + a3;
    const p = r >> 1;
    if (dot > out[p]!) out[p] = dot;
  }
}

/**
 * The k best positive scores, best first, ties in index order (what a stable sort of all of them would give), kept in
 * a small sorted list instead of sorting thousands of procedures per query.
 */
export function topIndices(scores: Float64Array, k: number, allowed?: Uint8Array): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s > 0) || (allowed && !allowed[i])) continue;
    if (top.length === k && s <= scores[top[k - 1]!]!) continue;
    // After every kept index with a score ≥ s: equal scores stay in index order.
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (scores[top[mid]!]! >= s) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/**
 * Creates the searcher. The index is loaded on first search (or by refresh()); it holds chunks indexed with this
 * embedder's id, so syncIndex(db, embedder) must have run. Throws what the database or the embedder throws.
 */
export function createSearcher(deps: SearcherDeps): RefreshableSearcher {
  const P: RankingParams = { ...defaultRankingParams, ...deps.params };
  let index: Promise<Index> | undefined;
  const load = () => loadIndex(deps.db, deps.embedder, P);
  const getIndex = () => (index ??= load());

  async function run(question: string, options: SearchOptions = {}): Promise<ExplainedSearchResult> {
    const t0 = performance.now();
    const ix = await getIndex();
    const top = Math.max(1, Math.min(options.top ?? 5, 100));
    const analysis = analyzeText(question, deps.lexicon);
    const nProcs = ix.procs.length;
    let allowed: Uint8Array | undefined;
    if (options.codes) {
      allowed = new Uint8Array(nProcs);
      for (const c of options.codes) {
        const i = ix.byCode.get(c);
        if (i !== undefined) allowed[i] = 1;
      }
    }

    // Lexical: BM25 per chunk, then per procedure.
    const nChunks = ix.chunkProc.length;
    const chunkScore = new Float64Array(nChunks);
    const N = nChunks;
    const norm = ix.norm;
    for (const { term, weight } of focusedQueryTerms(question, deps.lexicon, P.storyWeight, analysis)) {
      const p = ix.postings.get(term);
      // Terms in more than half of all chunks say nothing and cost the most time.
      if (!p || p.ids.length > N * P.maxDf) continue;
      const idf = Math.log(1 + (N - p.ids.length + 0.5) / (p.ids.length + 0.5));
      addBm25(chunkScore, p.ids, p.tfs, weight * idf, P.k1, norm);
    }
    const nameS = new Float64Array(nProcs);
    const bodyMax = new Float64Array(nProcs);
    const bodySum = new Float64Array(nProcs);
    for (let c = 0; c < nChunks; c++) {
      const s = chunkScore[c]!;
      if (!s) continue;
      const p = ix.chunkProc[c]!;
      if (ix.chunkKind[c] === 0) nameS[p] = s;
      else {
        bodySum[p]! += s;
        if (s > bodyMax[p]!) bodyMax[p] = s;
      }
    }
    const lex = new Float64Array(nProcs);
    for (let p = 0; p < nProcs; p++) {
      lex[p] = P.nameWeight * nameS[p]! + P.bodyWeight * bodyMax[p]! + P.restWeight * (bodySum[p]! - bodyMax[p]!);
    }
    const lexTop = topIndices(lex, P.candidates, allowed);

    // Dense: cosine with each procedure's name vector and with the centroid of its other chunks (two rows per
    // procedure instead of seven keeps this a few milliseconds).
    const vec = new Float64Array(nProcs);
    if (P.vectorWeight > 0 && ix.dims > 0) {
      const qText = [
        analysis.syllables.map((s) => s.text).join(' '),
        ...analysis.expansions.flatMap((e) => e.to),
      ].join(' ');
      const [qv] = await deps.embedder.embed([qText]);
      if (qv && qv.length === ix.dims) {
        maxDotPerProc(Float64Array.from(Float32Array.from(qv)), ix.procVectors, ix.dims, vec);
      }
    }
    const vecTop = P.vectorWeight > 0 ? topIndices(vec, P.candidates, allowed) : [];

    // Fusion.
    const fused = new Map<number, number>();
    if (P.fusion === 'rrf') {
      lexTop.forEach((p, r) => fused.set(p, (fused.get(p) ?? 0) + P.lexicalWeight / (P.rrfK + r + 1)));
      vecTop.forEach((p, r) => fused.set(p, (fused.get(p) ?? 0) + P.vectorWeight / (P.rrfK + r + 1)));
    } else {
      // Same scale as RRF's best (1 / (k + 1)) so that coverWeight and scores mean the same in both modes.
      const unit = 1 / (P.rrfK + 1);
      const lMax = lexTop.length ? lex[lexTop[0]!]! : 1;
      const vMax = vecTop.length ? vec[vecTop[0]!]! : 1;
      const vMin = vecTop.length ? vec[vecTop[vecTop.length - 1]!]! : 0;
      for (const p of new Set([...lexTop, ...vecTop])) {
        const l = lMax > 0 ? lex[p]! / lMax : 0;
        const v = vMax > vMin ? Math.max(0, (vec[p]! - vMin) / (vMax - vMin)) : 0;
        fused.set(p, unit * (P.lexicalWeight * l + P.vectorWeight * v));
      }
    }
    const maxFused = (P.lexicalWeight + P.vectorWeight) / (P.rrfK + 1) + P.coverWeight / (P.rrfK + 1);
    const qb = queryBigrams(analysis);
    if (P.coverWeight > 0) for (const [p, s] of fused) fused.set(p, s + (P.coverWeight * nameCover(ix.procs[p]!, qb)) / (P.rrfK + 1));
    const asked = queryActions(analysis);
    if (P.actionPenalty > 0) for (const [p, s] of fused) if (actionsDisagree(asked, ix.procs[p]!.actions)) fused.set(p, s * (1 - P.actionPenalty));
    if (P.listedOnlyPenalty > 0) for (const [p, s] of fused) if (ix.procs[p]!.listedOnly) fused.set(p, s * (1 - P.listedOnlyPenalty));
    const ranked = [...fused].sort((a, b) => b[1] - a[1] || lex[b[0]]! - lex[a[0]]!);

    const results: SearchHit[] = [];
    const taken = new Set<number>();
    for (const [p, s] of ranked) {
      if (results.length >= top) break;
      if (taken.has(p)) continue;
      const e = ix.procs[p]!;
      const twins = (ix.sameName.get(e.twinKey) ?? [p]).filter((i) => !allowed || allowed[i]);
      for (const t of twins) taken.add(t);
      const levels = [...new Set(twins.flatMap((t) => ix.procs[t]!.levels))];
      const matched: string[] = [];
      for (let c = e.firstChunk; c < e.firstChunk + e.chunkCount; c++) {
        if (chunkScore[c]! > 0) matched.push(chunkKinds[ix.chunkKind[c]!]!);
      }
      const hit: SearchHit = {
        code: e.code,
        name: e.name,
        score: Math.round((s / maxFused) * 1000) / 1000,
        field: e.field,
        levels,
        matched,
      };
      if (twins.length > 1) hit.sameAs = twins.filter((t) => t !== p).map((t) => ix.procs[t]!.code);
      results.push(hit);
    }

    const said = queryTokens(analysis);
    const unasked = results.length > 1 ? unaskedVariants(ix, results, said) : [];
    const top1 = topEvidence(ix, qb, ranked, lex, new Set(unasked.map((c) => ix.procs[ix.byCode.get(c)!]!.twinKey)));
    const confidence = confidenceOf(top1, vec, P.confidenceWeights);
    const signals = top1 ? signalsOf(ix, qb, top1, analysis, asked, askingTokens(question, deps.lexicon, analysis)) : undefined;
    if (signals && unasked.length) signals.unasked = unasked;
    if (signals && !signals.actionsAgree) {
      const agreeing = results.slice(1).filter((h) => !actionsDisagree(asked, ix.procs[ix.byCode.get(h.code)!]!.actions)).map((h) => h.code);
      if (agreeing.length) signals.actionRivals = agreeing;
    }
    if (signals) signals.nameFits = nameFitsOf(ix, said, allowed);
    return {
      results,
      confident: results.length > 0 && confidence >= P.confidentAt,
      confidence,
      signals,
      ms: Math.round((performance.now() - t0) * 100) / 100,
      analysis,
    };
  }

  return {
    async search(question, options) {
      const { analysis: _a, ...r } = await run(question, options);
      return r;
    },
    searchExplained: run,
    async refresh() {
      const t0 = performance.now();
      index = load();
      const ix = await index;
      // One throw-away query compiles the hot loops, so the first real question is not the slow one.
      await run('thủ tục đăng ký cấp giấy phép', { top: 1 });
      return { procedures: ix.procs.length, chunks: ix.chunkProc.length, ms: performance.now() - t0 };
    },
  };
}

/** The variant actions of a question: in its own words (framing and cost/time phrases removed) and those its lexicon words imply. */
function queryActions(a: TextAnalysis): string[] {
  const out = actionsIn(a.syllables, a.accented);
  for (const x of a.expansions) {
    // An everyday word implies a variant only when every meaning the lexicon gives it names one ("mất căn cước" →
    // "cấp lại thẻ căn cước"); "làm căn cước" means the card itself, first or renewed, and implies none.
    const acts = x.to.map((ph) => actionsIn(syllables(ph), true));
    if (acts.every((list) => list.length)) out.push(...acts.flat());
  }
  return [...new Set(out)];
}

/** Whether a sorted posting list has an id in [lo, hi). */
function hasIdIn(ids: Int32Array, lo: number, hi: number): boolean {
  let a = 0;
  let b = ids.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (ids[m]! < lo) a = m + 1;
    else b = m;
  }
  return a < ids.length && ids[a]! < hi;
}

interface TopEvidence {
  /** The top procedure. */
  p: number;
  /** The best other procedure (not a level twin of the top one), if any. */
  second: number | undefined;
  /** Share of the top name the question covers. */
  cover: number;
  /** Lexical margin of the top procedure over `second` (1 without one). */
  margin: number;
}

/**
 * What both the confidence value and the signals read about the top hit. The runner-up is the best other procedure:
 * the top one's level twins are the same answer, and hits the question tells apart from the top one
 * (unaskedVariants) are not what it means, so neither is a rival.
 */
function topEvidence(ix: Index, qb: Set<string>, ranked: [number, number][], lex: Float64Array, notRivals: ReadonlySet<string>): TopEvidence | undefined {
  const first = ranked[0];
  if (!first) return undefined;
  const p = first[0];
  const group = ix.procs[p]!.twinKey;
  const second = ranked.find(([q]) => ix.procs[q]!.twinKey !== group && !notRivals.has(ix.procs[q]!.twinKey))?.[0];
  const margin = second === undefined ? 1 : Math.max(0, (lex[p]! - lex[second]!) / (lex[p]! || 1));
  return { p, second, cover: nameCover(ix.procs[p]!, qb), margin };
}

/** The evidence for the decision: name cover, lexical margin, and how much of the question the top procedure covers. */
function signalsOf(ix: Index, qb: Set<string>, top: TopEvidence, analysis: TextAnalysis, asked: string[], tokens: string[]): SearchSignals {
  const { p, second, margin } = top;
  const e = ix.procs[p]!;
  // Words the lexicon translated are judged by their catalog wording, which the ranking already used.
  const translated = new Set(analysis.expansions.flatMap((x) => x.from.split(' ').map(foldSyllable)));
  const N = ix.chunkProc.length;
  const names = ix.procs.length;
  let total = 0;
  let covered = 0;
  let nameTotal = 0;
  let nameCovered = 0;
  // Words of the sentences that ask: the story around them may mention anything.
  for (const t of new Set(tokens)) {
    if (translated.has(t) || /^\d+$/.test(t)) continue;
    const post = ix.postings.get(t);
    const df = post ? post.ids.length : 0;
    if (df > N * 0.5) continue;
    const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
    total += idf;
    if (post && hasIdIn(post.ids, e.firstChunk, e.firstChunk + e.chunkCount)) covered += idf;
    const ndf = ix.nameDf.get(t);
    if (ndf && e.nameChunk >= 0) {
      const w = Math.log(1 + names / ndf);
      nameTotal += w;
      if (hasIdIn(post!.ids, e.nameChunk, e.nameChunk + 1)) nameCovered += w;
    }
  }
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    cover: r(top.cover),
    rivalCover: second === undefined ? 0 : r(nameCover(ix.procs[second]!, qb)),
    margin: r(Math.min(1, margin)),
    queryCover: r(total > 0 ? covered / total : 1),
    nameQueryCover: r(nameTotal > 0 ? nameCovered / nameTotal : 1),
    actionsAgree: !actionsDisagree(asked, e.actions),
  };
}

/**
 * How sure we are that the top hit is what was asked, 0..1. Evidence: how much of the top procedure's name the
 * question covers (folded bigrams, lexicon expansions included), and the lexical margin over the runner-up.
 */
function confidenceOf(top: TopEvidence | undefined, vec: Float64Array, w: RankingParams['confidenceWeights']): number {
  if (!top) return 0;
  const c = w.cover * top.cover + w.margin * Math.min(1, top.margin * 2) + w.vector * Math.max(0, vec[top.p]!);
  return Math.round(Math.min(1, Math.max(0, c)) * 1000) / 1000;
}

const noLexicon = { entries: [], byFirst: new Map() };

// Expansion phrases come from the lexicon, a few hundred at most: each is analysed once.
const phraseTerms = new Map<string, Pick<TextAnalysis, 'bigrams' | 'tokens'>>();

/** The question's own terms of one kind (folded bigrams or content words), with those of its lexicon expansions. */
function withExpansions(a: TextAnalysis, kind: 'bigrams' | 'tokens'): Set<string> {
  const out = new Set(a[kind]);
  for (const x of a.expansions) {
    for (const ph of x.to) {
      let terms = phraseTerms.get(ph);
      if (!terms) {
        const t = analyzeText(ph, noLexicon);
        terms = { bigrams: t.bigrams, tokens: t.tokens };
        if (phraseTerms.size < 10_000) phraseTerms.set(ph, terms);
      }
      for (const term of terms[kind]) out.add(term);
    }
  }
  return out;
}

/** The question's folded bigrams, with those of its lexicon expansions. */
const queryBigrams = (a: TextAnalysis): Set<string> => withExpansions(a, 'bigrams');

/** The question's folded content words, with those of its lexicon expansions. */
const queryTokens = (a: TextAnalysis): Set<string> => withExpansions(a, 'tokens');

/**
 * The hits below the top one that the question tells apart from it: every word the top name has and theirs lacks is
 * in the question, and none of the words theirs adds. A narrower variant ("Đăng ký kết hôn có yếu tố nước ngoài",
 * "… lưu động" when the question says neither) or a sibling the question rules out ("khai tử" when it says "khai
 * sinh") is no rival to the top hit, however close its score; it is still offered when a list is given.
 */
function unaskedVariants(ix: Index, results: readonly SearchHit[], q: Set<string>): string[] {
  const top = ix.procs[ix.byCode.get(results[0]!.code)!]!;
  const topWords = [...top.nameTokens];
  const out: string[] = [];
  for (const h of results.slice(1)) {
    const e = ix.procs[ix.byCode.get(h.code)!]!;
    if (e.twinKey === top.twinKey) continue;
    const added = [...e.nameTokens].filter((t) => !top.nameTokens.has(t));
    if (!added.length || added.some((t) => q.has(t))) continue;
    if (topWords.every((t) => e.nameTokens.has(t) || q.has(t))) out.push(h.code);
  }
  return out;
}

/**
 * How many procedures (level twins counted once, within the allowed codes) have every naming word of the question in
 * their names: 1 or 2 when the question names one procedure, dozens for "xin xác nhận" or "làm giấy tờ", 0 when it
 * has no naming word or its words are spread over names (a story).
 */
function nameFitsOf(ix: Index, q: Set<string>, allowed?: Uint8Array): number {
  const words = [...q].filter((t) => ix.nameHolders.has(t));
  if (!words.length) return 0;
  const rarest = words.reduce((a, b) => (ix.nameHolders.get(a)!.length <= ix.nameHolders.get(b)!.length ? a : b));
  const groups = new Set<string>();
  for (const i of ix.nameHolders.get(rarest)!) {
    if (allowed && !allowed[i]) continue;
    const e = ix.procs[i]!;
    if (words.every((t) => e.nameTokens.has(t))) groups.add(e.twinKey);
  }
  return groups.size;
}

/** Share of the procedure name's bigrams that the question contains (0..1). */
function nameCover(e: ProcEntry, qb: Set<string>): number {
  const nb = e.nameBigrams;
  if (!nb.length) return 0;
  let n = 0;
  for (const b of nb) if (qb.has(b)) n++;
  return n / nb.length;
}
