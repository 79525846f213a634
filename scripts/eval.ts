// npm run eval — retrieval quality on the dev questions against the MiniSearch BM25 baseline, then the answer core's
// outcomes, on a fresh embedded database built from ../shared/dvc-catalog. Every *.jsonl in ../shared/eval is read
// (dev_questions* in catalog, dev_unmatched* out of catalog) and reported per file and together.
// Then the thresholds calibrated on queries generated from the catalog (as `npm run calibrate`) beside the current
// defaults, and a k-fold check on the dev questions. Options: --catalog DIR --dev DIR --questions FILE[,FILE]
// --unmatched FILE[,FILE] --verbose --quick (fewer generated queries)
// --embedder hash|idf (local embedders to compare) --vector-weight W (0 = lexical only)
// --corrections FILE (staff corrections as exported by `cli corrections export` or GET /admin/api/corrections: the dev
// answers are then counted with and without them)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createCorrectionStore, loadCorrections, withCorrections } from '../src/catalog/corrections.js';
import {
  buildCatalogDb,
  createBm25Baseline,
  evaluate,
  stripDiacritics,
  type EvalQuestion,
  type RetrievalMetrics,
} from './eval/retrieval.js';
import { syncIndex } from '../src/retrieval/indexer.js';
import { createSearcher } from '../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../src/retrieval/embedders.js';
import { readKnowledgeProcedures } from '../src/catalog/knowledge.js';
import { createCatalogRepository } from '../src/catalog/repository.js';
import { createEvalAnswerService, evaluateAnswers } from './eval/answers.js';
import { defaultThresholds } from '../src/answer/decide.js';
import { chunkProcedure } from '../src/retrieval/chunks.js';
import { devFilesIn, loadDevSets } from './eval/dev-sets.js';
import { addCounts, emptyCounts, tally, type AnswerCounts, type Recorded } from './eval/replay.js';
import { answersHeader, answersRow, countsOfMetrics, retrievalText, thresholdsText } from './eval/report.js';
import { calibrate, defaultCalibrationOptions, kFoldCheck, quickCalibrationOptions, recordCalibrationData } from './eval/calibration.js';
import { mergeProcedures } from './eval/catalog.js';
import { recordQuestions } from './eval/record.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const verbose = process.argv.includes('--verbose');
const shared = resolve(process.cwd(), '../shared');
const catalogDir = arg('catalog', resolve(shared, 'dvc-catalog'));
const devDir = arg('dev', resolve(shared, 'eval'));
const listed = [arg('questions', ''), arg('unmatched', '')].flatMap((x) => x.split(',')).filter(Boolean);
const devSets = loadDevSets(listed.length ? listed : devFilesIn(devDir));
const inSets = devSets.filter((s) => !s.outOfCatalog);
const outSets = devSets.filter((s) => s.outOfCatalog);
const questions: EvalQuestion[] = inSets.flatMap((s) => s.questions);
const unmatched: EvalQuestion[] = outSets.flatMap((s) => s.questions);
const embedderName = arg('embedder', 'hash');
const calibrationOptions = process.argv.includes('--quick') ? quickCalibrationOptions : defaultCalibrationOptions;

/** Every dev file through an answer service: each file's metrics and counts, and the counts together. */
async function answerDevSets(service: Parameters<typeof evaluateAnswers>[0]) {
  const perFile: { file: string; metrics: Awaited<ReturnType<typeof evaluateAnswers>>; counts: AnswerCounts }[] = [];
  let together = emptyCounts();
  for (const s of devSets) {
    const metrics = await evaluateAnswers(service, s.outOfCatalog ? [] : s.questions, s.outOfCatalog ? s.questions : []);
    const counts = countsOfMetrics(metrics);
    together = addCounts(together, counts);
    perFile.push({ file: s.file, metrics, counts });
  }
  return { perFile, together };
}

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
  console.log(`\nretrieval on ${questions.length} dev questions (${inSets.map((s) => s.file).join(', ')}) — ours vs MiniSearch BM25 (name, field, body)`);
  row('as typed', typed.metrics, bmTyped.metrics);
  row('diacritics stripped', bare.metrics, bmBare.metrics);
  const perFile = async (label: string) => {
    if (inSets.length < 2) return;
    for (const s of inSets) {
      const [a, b] = [await evaluate(s.questions, ours), await evaluate(s.questions, bm25)];
      row(`${label} ${s.file.replace(/\.jsonl$/, '')}`, a.metrics, b.metrics);
    }
  };
  await perFile('typed');
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
  await perFile('typed');

  // The thresholds calibrated on the catalog alone (generated queries and their leave-one-out twins), as
  // `npm run calibrate` does; the dev questions only check them.
  const data = await recordCalibrationData(searcher, mergeProcedures(built.procedures, shipped), calibrationOptions);
  const catalogRecords = [...data.generated, ...data.leaveOneOut];
  const pick = calibrate(catalogRecords);
  const settings = [
    ['current defaults', defaultThresholds],
    [`calibrated on the catalog${pick.feasible ? '' : ' (held-back floor not met)'}`, pick.thresholds],
  ] as const;
  console.log(
    `
generated from the catalog (seed ${calibrationOptions.seed}): ${data.queries.length} queries, search ${retrievalText(data.generated)}; ` +
      `leave-one-out ${data.leaveOneOut.length} (searched in ${(data.ms / 1000).toFixed(1)} s)`,
  );

  // Dev questions through the answer service itself, per file and together; generated and leave-one-out by replaying
  // decide() on their recorded search results (the service decides from the same search, top 8).
  const devRecords: Recorded[] = [];
  for (const s of devSets) devRecords.push(...(await recordQuestions(searcher, s.questions, s.outOfCatalog)));
  let grounding = '';
  for (const [label, th] of settings) {
    const service = createEvalAnswerService(built.db, searcher, undefined, th);
    console.log(`
answers (deterministic core, no LLM), ${label}: ${thresholdsText(th)}`);
    console.log(answersHeader);
    console.log(answersRow('generated (replay)', tally(data.generated, th)));
    console.log(answersRow('leave-one-out (replay)', tally(data.leaveOneOut, th)));
    const { perFile, together } = await answerDevSets(service);
    const ms: number[] = [];
    let ungrounded = 0;
    for (const { file, metrics: a, counts } of perFile) {
      ms.push(a.p50, a.p95);
      ungrounded += a.ungrounded.length;
      console.log(answersRow(file, counts));
    }
    console.log(answersRow('all dev files', together));
    console.log(answersRow('all dev files (replay)', tally(devRecords, th)));
    grounding += `${label}: ${ungrounded} answers with a fact not in the cited record; answer latency p50 per file ${ms.filter((_, i) => i % 2 === 0).map((x) => x.toFixed(1)).join('/')} ms, p95 ${ms.filter((_, i) => i % 2 === 1).map((x) => x.toFixed(1)).join('/')} ms\n`;
  }
  process.stdout.write(`\n${grounding}(search p95 as typed above: ${typed.metrics.p95.toFixed(1)} ms)\n`);

  // k-fold on the dev questions: thresholds fitted on the catalog records plus four folds, counted on the fifth.
  const K = 5;
  const t2 = performance.now();
  const kf = kFoldCheck(devRecords, catalogRecords, K, calibrationOptions.seed, undefined, pick.model);
  console.log(`
k-fold (k=${K}, seeded folds stratified in / out of catalog; fitted on generated + leave-one-out + the other folds, ${((performance.now() - t2) / 1000).toFixed(1)} s)`);
  kf.folds.forEach((f, i) => console.log(`fold ${i + 1}: ${thresholdsText(f.thresholds)}`));
  console.log(answersHeader);
  const mean = (get: (c: AnswerCounts) => [number, number]) => {
    const xs = kf.folds.map((f) => get(f.heldOut)).filter(([, n]) => n > 0);
    return (xs.reduce((a, [k, n]) => a + k / n, 0) / Math.max(1, xs.length)).toFixed(2);
  };
  console.log(answersRow('held-out folds, pooled', kf.pooled));
  console.log(
    `${'held-out folds, mean of folds'.padEnd(30)} ${''.padStart(5)} ${mean((c) => [c.answeredRight, c.inCatalog]).padStart(6)} ` +
      `${mean((c) => [c.answeredWrong, c.inCatalog]).padStart(6)} ${mean((c) => [c.helped, c.inCatalog]).padStart(6)} ` +
      `${mean((c) => [c.unresolved, c.inCatalog]).padStart(6)} ${''.padStart(5)} ${mean((c) => [c.heldBack, c.outOfCatalog]).padStart(9)}`,
  );
  console.log(answersRow('full dev, catalog-calibrated', tally(devRecords, pick.thresholds)));

  const correctionsFile = arg('corrections', '');
  if (correctionsFile) {
    const raw = JSON.parse(readFileSync(correctionsFile, 'utf8')) as unknown;
    const list = (Array.isArray(raw) ? raw : (raw as { corrections?: unknown[] }).corrections ?? []) as { question: string; code: string }[];
    const store = createCorrectionStore(built.db);
    let kept = 0;
    for (const c of list) kept += await store.add({ question: c.question, code: c.code, actor: 'eval' }).then(() => 1, () => 0);
    const corrected = withCorrections(searcher, await loadCorrections(built.db));
    console.log(`\ndev answers with ${kept} of ${list.length} staff corrections (${correctionsFile}) beside the same without, current defaults`);
    console.log(answersHeader);
    for (const [label, s] of [['without corrections', searcher], ['with corrections', corrected]] as const) {
      const { together } = await answerDevSets(createEvalAnswerService(built.db, s, undefined, defaultThresholds));
      console.log(answersRow(label, together));
    }
  }
} finally {
  await built.cleanup();
}
