// npm run bench — speed and memory, every row against a baseline measured in the same run (machines here are shared
// and noisy: read the ratios). Options: --quick (small loads, a smoke run), --json (rows as JSON),
// --updates N --chats N --concurrency N (webhook load), --catalog DIR, --questions FILE.
// Real PostgreSQL rows run when DATABASE_URL is set (a throw-away database is created and dropped).
import { resolve } from 'node:path';
import { loadQuestions } from './eval/retrieval.js';
import { row, skipped, formatTable, type BenchRow } from './bench/rows.js';
import { bareNodeRssMb, maxRssMb, pgliteOpenRssMb, startRssSampler } from './bench/memory.js';
import { buildEmbeddedCatalog, importCatalog, measureLatency, parseAllJson } from './bench/catalog.js';
import { measureWebhookThroughput, pipelineTarget, processTarget, trivialTarget, workersTarget, type WebhookLoadOptions, type WebhookLoadResult } from './bench/webhook.js';
import { createBenchDatabase } from './bench/postgres.js';
import { runBenchRetrieval } from './bench/retrieval-at-scale.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : def;
};
const quick = flag('quick');
const json = flag('json');
const shared = resolve(process.cwd(), '../shared');
const catalogDir = opt('catalog', resolve(shared, 'dvc-catalog'));
const questions = loadQuestions(opt('questions', resolve(shared, 'eval/dev_questions.jsonl')));
const databaseUrl = process.env.DATABASE_URL || undefined;
const load: WebhookLoadOptions = {
  updates: Number(opt('updates', quick ? '200' : '2000')),
  chats: Number(opt('chats', quick ? '50' : '500')),
  concurrency: Number(opt('concurrency', quick ? '16' : '64')),
  texts: questions.map((x) => x.q),
};
const rounds = quick ? 1 : 3;
const THROUGHPUT_TARGET = 300;
const RSS_TARGET_MB = 600;

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const rows: BenchRow[] = [];
const sampler = startRssSampler();

// Memory baselines first, in child processes, so they do not add to this process's peak.
const bareRss = bareNodeRssMb();
const pgliteRss = pgliteOpenRssMb();

// 1. Import on the embedded database.
sampler.phase('import');
log(`import: ${catalogDir}`);
const parsed = parseAllJson(catalogDir);
const built = await buildEmbeddedCatalog(catalogDir);
const n = built.procedures.length;
rows.push(
  row({
    section: 'import',
    metric: `${n} portal records → embedded DB`,
    value: built.readMs + built.upsertMs,
    unit: 'ms',
    baseline: { label: `read + JSON.parse of ${parsed.files} files`, value: parsed.ms },
    note: `read+validate+convert ${built.readMs.toFixed(0)} ms, upsert ${built.upsertMs.toFixed(0)} ms; PGlite create+migrate ${built.openMs.toFixed(0)} ms not included`,
  }),
);

// 2. Index, search and answer latency on the dev questions.
sampler.phase('search+answer');
log(`search/answer: ${questions.length} questions × ${rounds}`);
const lat = await measureLatency(built.db, built.procedures, questions, rounds);
rows.push(
  row({ section: 'index', metric: `${lat.chunks} chunks, hash embedder`, value: lat.indexMs, unit: 'ms', baseline: { label: 'MiniSearch index build, same records', value: lat.bm25BuildMs } }),
  row({ section: 'search', metric: `p50 (${lat.search.n} queries)`, value: lat.search.p50, unit: 'ms', baseline: { label: 'MiniSearch BM25 p50', value: lat.bm25.p50 } }),
  row({ section: 'search', metric: 'p95', value: lat.search.p95, unit: 'ms', baseline: { label: 'MiniSearch BM25 p95', value: lat.bm25.p95 }, target: '≤ 20', met: lat.search.p95 <= 20 }),
  row({ section: 'answer', metric: `p50 (${lat.answer.n} questions)`, value: lat.answer.p50, unit: 'ms', baseline: { label: 'MiniSearch BM25 p50', value: lat.bm25.p50 } }),
  row({ section: 'answer', metric: 'p95', value: lat.answer.p95, unit: 'ms', baseline: { label: 'MiniSearch BM25 p95', value: lat.bm25.p95 } }),
);

// 3. Telegram webhook throughput: baseline, embedded, PostgreSQL.
const loadLabel = `${load.updates} updates / ${load.chats} chats, ${load.concurrency} in flight`;
const webhookNote = (r: WebhookLoadResult) => {
  const parts = [`${r.answered}/${r.updates} answered in ${r.seconds.toFixed(1)} s`];
  if (r.sendMessage !== r.updates) parts.push(`${r.sendMessage} sendMessage`);
  if (r.notices) parts.push(`${r.notices} failure/too-fast notices`);
  if (r.refused) parts.push(`${r.refused} refused`);
  if (r.retries) parts.push(`${r.retries} 503 retries`);
  if (r.otherCalls.sendChatAction) parts.push(`${r.otherCalls.sendChatAction} sendChatAction`);
  return parts.join(', ');
};
sampler.phase('webhook-baseline');
log(`webhook baseline: ${loadLabel}`);
const base = await measureWebhookThroughput(trivialTarget(), load);
const baseline = { label: 'trivial handler: ack + 1 sendMessage echo', value: base.perSecond };
/** One webhook row: answered updates/s against the trivial handler; met only when every update was answered. */
const webhookRow = (metric: string, r: WebhookLoadResult) =>
  row({
    section: 'webhook',
    metric,
    value: r.perSecond,
    unit: '/s',
    baseline,
    target: `≥ ${THROUGHPUT_TARGET}`,
    met: r.perSecond >= THROUGHPUT_TARGET && r.answered === r.updates,
    note: webhookNote(r),
  });

sampler.phase('webhook-embedded');
log(`webhook on the embedded database: ${loadLabel}`);
const embedded = await measureWebhookThroughput(pipelineTarget({ db: built.db }), load); // closes built.db when drained
built.cleanup();
rows.push(webhookRow(`answered updates/s, embedded, ${n}-record catalog (${loadLabel})`, embedded));

// The same load on what `npm start` serves out of the box: the shipped knowledge/ catalog in a fresh embedded
// database. Against the row above it shows what the size of the catalog (search) costs per update.
sampler.phase('webhook-shipped');
log(`webhook on the embedded database with the shipped knowledge/ catalog: ${loadLabel}`);
const shipped = await measureWebhookThroughput(pipelineTarget(), load);
rows.push(webhookRow('answered updates/s, embedded, shipped knowledge/ catalog (npm start)', shipped));

// The server in its own process, as `npm start` runs it: the load generator and fake Bot API (Telegram, in
// production) no longer share its thread. Its own peak RSS is read from /proc before it stops.
log(`webhook on \`npm start\` in its own process (embedded, shipped catalog): ${loadLabel}`);
let serverPeakRss: number | undefined;
let initHelperRss: number | undefined;
const separate = await measureWebhookThroughput(
  processTarget({ onPeakRss: (mb) => (serverPeakRss = mb), onInitHelperRss: (mb) => (initHelperRss = mb) }),
  load,
);
rows.push(webhookRow('answered updates/s, `npm start` in its own process (embedded, shipped catalog)', separate));

sampler.phase('webhook-postgres');
if (!databaseUrl) {
  rows.push(skipped('webhook', 'answered updates/s, PostgreSQL', 'skipped: DATABASE_URL is not set'));
} else {
  const pgdb = await createBenchDatabase(databaseUrl);
  if ('skipped' in pgdb) rows.push(skipped('webhook', 'answered updates/s, PostgreSQL', `skipped: ${pgdb.skipped}`));
  else {
    try {
      log('import on PostgreSQL');
      const imp = await importCatalog(pgdb.db, catalogDir);
      await pgdb.db.close();
      rows.push(
        row({
          section: 'import',
          metric: `${imp.procedures.length} portal records → PostgreSQL`,
          value: imp.readMs + imp.upsertMs,
          unit: 'ms',
          baseline: { label: `read + JSON.parse of ${parsed.files} files`, value: parsed.ms },
          note: `read+validate+convert ${imp.readMs.toFixed(0)} ms, upsert ${imp.upsertMs.toFixed(0)} ms`,
        }),
      );
      log(`webhook on PostgreSQL: ${loadLabel}`);
      const onPg = await measureWebhookThroughput(pipelineTarget({ databaseUrl: pgdb.url }), load);
      rows.push(webhookRow(`answered updates/s, PostgreSQL, ${n}-record catalog`, onPg));
    } finally {
      await pgdb.drop();
    }
  }

  // Scale-out on this machine: `npm start` processes on one PostgreSQL database with the shipped catalog, one worker
  // and then two behind a round-robin sender (fresh update and chat ids for the second load on the same database).
  const wdb = await createBenchDatabase(databaseUrl, 'workers');
  if ('skipped' in wdb) rows.push(skipped('webhook', 'answered updates/s, workers on PostgreSQL', `skipped: ${wdb.skipped}`));
  else {
    try {
      await wdb.db.close();
      log(`webhook on 1 and 2 \`npm start\` workers on PostgreSQL (shipped catalog): ${loadLabel}`);
      const one = await measureWebhookThroughput(processTarget({ databaseUrl: wdb.url }), load);
      const two = await measureWebhookThroughput(workersTarget(2, wdb.url), {
        ...load,
        firstUpdateId: 10_000_000,
        firstChatId: 800_000,
      });
      rows.push(
        webhookRow('answered updates/s, 1 `npm start` worker on PostgreSQL, shipped catalog', one),
        webhookRow('answered updates/s, 2 `npm start` workers (round-robin) on PostgreSQL, shipped catalog', two),
      );
    } finally {
      await wdb.drop();
    }
  }
}
const peaks = sampler.peaks();

// 5. Retrieval at scale (issue 4), in a child process: its memory is not ours.
sampler.phase('at-scale');
if (!databaseUrl) rows.push(skipped('at scale', 'retrieval ×20 on PostgreSQL + pgvector', 'skipped: DATABASE_URL is not set'));
else {
  log('retrieval at scale: scripts/bench-retrieval.ts');
  const s = await runBenchRetrieval(databaseUrl, { timeoutMs: 20 * 60_000, args: quick ? ['--times', '2'] : [] });
  if (s.skipped) rows.push(skipped('at scale', 'retrieval on PostgreSQL + pgvector', `skipped: ${s.skipped}`));
  else {
    const label = `${s.procedures ?? '?'} procedures`;
    const perProc = n / lat.indexMs;
    rows.push(
      row({
        section: 'at scale',
        metric: `import ${label} → PostgreSQL`,
        value: s.importS === undefined ? null : s.importS * 1000,
        unit: 'ms',
        baseline: { label: `embedded import of ${n}, this run`, value: built.readMs + built.upsertMs },
      }),
      row({
        section: 'at scale',
        metric: `index ${s.chunks ?? '?'} chunks + HNSW`,
        value: s.indexS === undefined ? null : (s.indexS + (s.hnswS ?? 0)) * 1000,
        unit: 'ms',
        baseline: { label: `embedded index of ${n}, this run`, value: lat.indexMs },
        note: `index ${s.indexS ?? '?'} s + HNSW ${s.hnswS ?? '?'} s; ${(perProc * 1000).toFixed(0)} procedures/s embedded`,
      }),
      row({ section: 'at scale', metric: `search p50, ${label} (${s.queries ?? '?'} queries)`, value: s.p50 ?? null, unit: 'ms', baseline: { label: `in-process search at ${n}`, value: lat.search.p50 } }),
      row({
        section: 'at scale',
        metric: `search p95, ${label}`,
        value: s.p95 ?? null,
        unit: 'ms',
        baseline: { label: `in-process search at ${n}`, value: lat.search.p95 },
        target: '≤ 50',
        met: s.p95 === undefined ? null : s.p95 <= 50,
        note: [s.top1 !== undefined ? `top-1 ${s.top1}, R@5 ${s.recall5}` : '', s.problem ?? ''].filter(Boolean).join('; '),
      }),
    );
  }
}

// 4. Memory.
sampler.stop();
const peak = maxRssMb();
rows.push(
  row({
    section: 'memory',
    metric: 'peak RSS, whole bench process',
    value: peak,
    unit: 'MB',
    baseline: { label: 'bare node process', value: bareRss },
    target: `≤ ${RSS_TARGET_MB}`,
    met: peak <= RSS_TARGET_MB,
    note: `per phase: ${Object.entries(peaks).filter(([k]) => k !== 'start').map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} MB`,
  }),
  row({
    section: 'memory',
    metric: 'peak RSS while serving (embedded webhook phase)',
    value: peaks['webhook-embedded'] ?? null,
    unit: 'MB',
    baseline: { label: 'node + PGlite opened (child)', value: pgliteRss },
    target: `≤ ${RSS_TARGET_MB}`,
    met: peaks['webhook-embedded'] === undefined ? null : peaks['webhook-embedded'] <= RSS_TARGET_MB,
  }),
  row({
    section: 'memory',
    metric: 'peak RSS of the `npm start` server process under the webhook load (its own process)',
    value: serverPeakRss ?? null,
    unit: 'MB',
    baseline: { label: 'node + PGlite opened (child)', value: pgliteRss },
    target: `≤ ${RSS_TARGET_MB}`,
    met: serverPeakRss === undefined ? null : serverPeakRss <= RSS_TARGET_MB,
    note: 'first start: the embedded database is created by a helper process that exits before the server opens it',
  }),
  row({
    section: 'memory',
    metric: 'peak RSS of that first-start helper (initdb, once, before the server opens the database)',
    value: initHelperRss ?? null,
    unit: 'MB',
    baseline: { label: 'node + PGlite opened (child)', value: pgliteRss },
  }),
);

const order = ['import', 'index', 'search', 'answer', 'webhook', 'memory', 'at scale'];
rows.sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
if (json) process.stdout.write(JSON.stringify({ quick, load, rows }, null, 2) + '\n');
else {
  console.log(`\nmotcua bench${quick ? ' (--quick)' : ''} — node ${process.version}, ${new Date().toISOString()}`);
  console.log(formatTable(rows));
  console.log('\nratio = ours / baseline (baselines ran in this same process, just before). Timings vary on shared machines.');
}
