// npm run eval — retrieval quality on the dev questions against the MiniSearch BM25 baseline, on a fresh embedded
// database built from ../shared/dvc-catalog. Options: --catalog DIR --questions FILE --unmatched FILE --verbose
// --embedder hash|idf (local embedders to compare) --vector-weight W (0 = lexical only)
import { resolve } from 'node:path';
import {
  buildCatalogDb,
  createBm25Baseline,
  evaluate,
  loadQuestions,
  stripDiacritics,
  type RetrievalMetrics,
} from '../src/retrieval/eval.js';
import { syncIndex } from '../src/retrieval/indexer.js';
import { createSearcher } from '../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../src/retrieval/embedders.js';
import { readKnowledgeProcedures } from '../src/catalog/knowledge.js';
import { createCatalogRepository } from '../src/catalog/repository.js';
import { createEvalAnswerService, evaluateAnswers } from '../src/answer/eval.js';
import { chunkProcedure } from '../src/retrieval/chunks.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const verbose = process.argv.includes('--verbose');
const shared = resolve(process.cwd(), '../shared');
const catalogDir = arg('catalog', resolve(shared, 'dvc-catalog'));
const questions = loadQuestions(arg('questions', resolve(shared, 'eval/dev_questions.jsonl')));
const unmatched = loadQuestions(arg('unmatched', resolve(shared, 'eval/dev_unmatched.jsonl')));
const embedderName = arg('embedder', 'hash');

const t0 = performance.now();
const built = await buildCatalogDb(catalogDir);
const tImport = performance.now() - t0;
try {
  const corpus = embedderName === 'idf' ? built.procedures.flatMap((p) => chunkProcedure(p).map((c) => c.body)) : undefined;
  const embedder = createLocalEmbedder(embedderName, { corpus });
  const t1 = performance.now();
  const sync = await syncIndex(built.db, embedder);
  const tIndex = performance.now() - t1;
  const vectorWeight = process.argv.includes('--vector-weight') ? Number(arg('vector-weight', '0.3')) : undefined;
  const searcher = createSearcher({ db: built.db, embedder, params: vectorWeight === undefined ? {} : { vectorWeight } });
  const loaded = await searcher.refresh();
  console.log(
    `catalog: ${built.procedures.length} procedures (${built.errors} files skipped), import ${(tImport / 1000).toFixed(1)} s; ` +
      `index (${embedder.id}): ${sync.chunks} chunks in ${(tIndex / 1000).toFixed(1)} s; load ${(loaded.ms / 1000).toFixed(1)} s`,
  );
  // Warm-up so that the first timed query does not pay for JIT compilation.
  for (const x of questions.slice(0, 5)) await searcher.search(x.q, { top: 10 });

  const ours = (q: string) => searcher.search(q, { top: 10 });
  const typed = await evaluate(questions, ours);
  const bare = await evaluate(questions, ours, stripDiacritics);
  const bm25 = createBm25Baseline(built.procedures);
  const bmTyped = await evaluate(questions, bm25);
  const bmBare = await evaluate(questions, bm25, stripDiacritics);
  const um = await evaluate(unmatched, ours);
  const notConfident = um.results.filter((r) => !r.confident).length;
  const confidentRight = typed.results.filter((r, i) => r.confident && typed.ranks[i] === 1).length;
  const confidentWrong = typed.results.filter((r, i) => r.confident && typed.ranks[i] !== 1).length;

  const f = (x: number) => x.toFixed(2);
  const ratio = (a: number, b: number) => (b > 0 ? `×${(a / b).toFixed(2)}` : '—');
  const row = (label: string, a: RetrievalMetrics, b: RetrievalMetrics) =>
    console.log(
      `${label.padEnd(24)} top-1 ${f(a.top1)} vs ${f(b.top1)} (${ratio(a.top1, b.top1)})  ` +
        `R@5 ${f(a.recall5)} vs ${f(b.recall5)} (${ratio(a.recall5, b.recall5)})  ` +
        `MRR@10 ${f(a.mrr10)} vs ${f(b.mrr10)} (${ratio(a.mrr10, b.mrr10)})  ` +
        `p50/p95 ${a.p50.toFixed(1)}/${a.p95.toFixed(1)} ms vs ${b.p50.toFixed(1)}/${b.p95.toFixed(1)} ms`,
    );
  console.log(`\nretrieval on ${questions.length} dev questions — ours vs MiniSearch BM25 (name, field, body)`);
  row('as typed', typed.metrics, bmTyped.metrics);
  row('diacritics stripped', bare.metrics, bmBare.metrics);
  console.log(
    `\nout of catalog: ${notConfident}/${unmatched.length} not confident; ` +
      `in catalog: ${confidentRight} confident and right at top-1, ${confidentWrong} confident but wrong`,
  );
  if (verbose) {
    questions.forEach((x, i) => {
      const r = typed.results[i]!;
      console.log(
        `${String(typed.ranks[i]).padStart(2)} ${String(bare.ranks[i]).padStart(2)} c=${r.confidence.toFixed(2)} [${x.codes.join(',')}] ${x.q.slice(0, 90).replace(/\n/g, ' ')}\n      → ${r.results.slice(0, 3).map((h) => `${h.code} ${h.name.slice(0, 50)}`).join(' | ')}`,
      );
    });
    unmatched.forEach((x, i) => {
      const r = um.results[i]!;
      console.log(`UM c=${r.confidence.toFixed(2)} ${x.q.slice(0, 80)} → ${r.results[0]?.code} ${r.results[0]?.name.slice(0, 60)}`);
    });
  }

  // As deployed: the shipped knowledge/ merged over the portal records (curated fields and aliases win), then the
  // deterministic answer core (no LLM) on the same questions.
  const { procedures: shipped } = readKnowledgeProcedures('knowledge/procedures');
  await createCatalogRepository(built.db).upsertProcedures(shipped, { source: 'knowledge' });
  await syncIndex(built.db, embedder);
  await searcher.refresh();
  const merged = await evaluate(questions, ours);
  const mergedBare = await evaluate(questions, ours, stripDiacritics);
  console.log(`\nwith the ${shipped.length} shipped knowledge/ procedures merged over the portal records`);
  row('as typed', merged.metrics, bmTyped.metrics);
  row('diacritics stripped', mergedBare.metrics, bmBare.metrics);

  const answers = await evaluateAnswers(createEvalAnswerService(built.db, searcher), questions, unmatched);
  const share = (k: number, n: number) => `${k}/${n} = ${(k / Math.max(1, n)).toFixed(2)}`;
  console.log(`\nanswers (deterministic core, no LLM) on the same catalog`);
  console.log(`in catalog:     answered with the right procedure cited first ${share(answers.answeredRight, answers.inCatalog)}; ` +
    `asked to choose with the right one offered ${share(answers.clarifyWithRight, answers.inCatalog)}; ` +
    `together ${share(answers.answeredRight + answers.clarifyWithRight, answers.inCatalog)}; ` +
    `answered wrong ${answers.answeredWrong}, clarify without it ${answers.clarifyWithoutRight}, unresolved ${answers.unresolved}`);
  console.log(`out of catalog: not answered ${share(answers.outNotAnswered, answers.outOfCatalog)}`);
  console.log(`grounding:      ${answers.ungrounded.length} answers with a fact not in the cited record`);
  console.log(`answer latency: p50 ${answers.p50.toFixed(1)} ms, p95 ${answers.p95.toFixed(1)} ms (search p95 as typed above: ${typed.metrics.p95.toFixed(1)} ms)`);
} finally {
  await built.cleanup();
}
