/**
 * Recording search results once, for replay: in-catalog generated queries, the same queries with their procedure left
 * out of the catalog (leave-one-out: now no procedure answers them), and the dev questions.
 */
import type { Procedure } from '../../src/catalog/schema.js';
import type { EvalQuestion } from './retrieval.js';
import type { Searcher } from '../../src/retrieval/types.js';
import { analyzeText } from '../../src/text/analyze.js';
import { emptyLexicon } from '../../src/text/lexicon.js';
import { understand } from '../../src/answer/understand.js';
import type { GeneratedQuery } from './generate.js';
import type { Recorded } from './replay.js';

/** As many hits as the answer service asks for before it decides. */
export const SERVICE_TOP = 8;

const keep = (r: Awaited<ReturnType<Searcher['search']>>): Recorded['found'] => ({ results: r.results, confidence: r.confidence, signals: r.signals });

export async function recordGenerated(searcher: Searcher, queries: readonly GeneratedQuery[]): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const g of queries) out.push({ found: keep(await searcher.search(g.q, { top: SERVICE_TOP })), right: g.right });
  return out;
}

/**
 * Whether a query still has an answer once its procedure is left out: every content word of it is in another
 * procedure's name or aliases ("cấp giấy phép lái xe", made from "Cấp lại giấy phép lái xe" by dropping "lại", is a
 * fine question about "Cấp giấy phép lái xe"). Such queries do not simulate an out-of-catalog question.
 */
export function createStillAnswerable(catalog: readonly Procedure[]): (g: GeneratedQuery) => boolean {
  const sets = catalog.map((p) => new Set(analyzeText([p.name, ...p.aliases].join(' . '), emptyLexicon).tokens));
  const holders = new Map<string, number[]>();
  sets.forEach((set, i) => {
    for (const t of set) holders.set(t, [...(holders.get(t) ?? []), i]);
  });
  return (g) => {
    // What names the procedure: the aspect asked ('… cần giấy tờ gì') and the framing are not part of it.
    const tokens = [...new Set(understand(g.q).topic)];
    if (!tokens.length) return true;
    const rarest = tokens.reduce((a, b) => ((holders.get(a)?.length ?? 0) <= (holders.get(b)?.length ?? 0) ? a : b));
    return (holders.get(rarest) ?? []).some((i) => !g.right.includes(catalog[i]!.code) && tokens.every((t) => sets[i]!.has(t)));
  };
}

/**
 * Each query searched over the catalog without its procedure and that procedure's same-name twins (the searcher's
 * allow-list), so that it becomes an out-of-catalog question: any answer is a wrong one.
 */
export async function recordLeaveOneOut(searcher: Searcher, queries: readonly GeneratedQuery[], catalog: readonly Procedure[]): Promise<Recorded[]> {
  const all = catalog.map((p) => p.code);
  const out: Recorded[] = [];
  for (const g of queries) {
    const left = new Set(g.right);
    const found = await searcher.search(g.q, { top: SERVICE_TOP, codes: all.filter((c) => !left.has(c)) });
    out.push({ found: keep(found), right: [] });
  }
  return out;
}

export async function recordQuestions(searcher: Searcher, questions: readonly EvalQuestion[], outOfCatalog: boolean): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const x of questions) out.push({ found: keep(await searcher.search(x.q, { top: SERVICE_TOP })), right: outOfCatalog ? [] : x.codes });
  return out;
}
