// Retrieval at scale: the national catalog replicated ×20 (codes suffixed, ~53k procedures) on real PostgreSQL +
// pgvector with an HNSW index. Prints import/index/HNSW build times and search p50/p95 of the database-side searcher.
// Usage: DATABASE_URL=postgres://... npx tsx scripts/bench-retrieval.ts [--times 20] [--catalog DIR] [--keep]
// Skips (exit 0) with a message when DATABASE_URL is unset or the server has no vector extension.
import { resolve } from 'node:path';
import pg from 'pg';
import { createPostgresDb } from '../src/db/postgres.js';
import { migrate } from '../src/db/migrate.js';
import { readDvcDirectory } from '../src/catalog/import-dvc.js';
import { createCatalogRepository } from '../src/catalog/repository.js';
import { syncIndex } from '../src/retrieval/indexer.js';
import { createLocalEmbedder } from '../src/retrieval/embedders.js';
import { createPgSearcher, ensureHnswIndex } from '../src/retrieval/pg-searcher.js';
import { loadQuestions, percentile, rankOf } from './eval/retrieval.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const url = process.env.DATABASE_URL;
if (!url) {
  console.log('bench-retrieval: skipped — DATABASE_URL is not set (needs PostgreSQL with pgvector; see scripts/setup-postgres.sh)');
  process.exit(0);
}
const times = Number(arg('times', '20'));
const catalogDir = arg('catalog', resolve(process.cwd(), '../shared/dvc-catalog'));
const questions = loadQuestions(arg('questions', resolve(process.cwd(), '../shared/eval/dev_questions.jsonl')));

const admin = new pg.Client({ connectionString: url });
await admin.connect();
const ext = await admin.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
if (!ext.rowCount) {
  await admin.end();
  console.log('bench-retrieval: skipped — the PostgreSQL server has no "vector" extension (run scripts/setup-postgres.sh)');
  process.exit(0);
}
// One database per run, so two runs on one server do not drop each other's data.
const dbName = `motcua_bench_retrieval_${process.pid}`;
await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const u = new URL(url);
u.pathname = `/${dbName}`;
const db = createPostgresDb({ connectionString: u.toString(), max: 4 });
try {
  await migrate(db);
  const { procedures } = readDvcDirectory(catalogDir);
  const replicated = Array.from({ length: times }, (_, i) =>
    procedures.map((p) => (i === 0 ? p : { ...p, code: `${p.code}-r${i}` })),
  ).flat();
  let t = performance.now();
  await createCatalogRepository(db).upsertProcedures(replicated, { source: 'dvc', batchSize: 500 });
  const importS = (performance.now() - t) / 1000;
  console.log(`imported ${replicated.length} procedures (${procedures.length} × ${times}) in ${importS.toFixed(1)} s`);

  const embedder = createLocalEmbedder('hash');
  t = performance.now();
  let last = 0;
  const sync = await syncIndex(db, embedder, {
    batchSize: 250,
    onProgress: (done, total) => {
      if (done - last >= 5000 || done === total) {
        last = done;
        process.stderr.write(`  indexed ${done}/${total}\n`);
      }
    },
  });
  const indexS = (performance.now() - t) / 1000;
  t = performance.now();
  await ensureHnswIndex(db, embedder);
  const hnswS = (performance.now() - t) / 1000;
  await db.exec('ANALYZE chunks');
  console.log(`indexed ${sync.chunks} chunks (${embedder.id}) in ${indexS.toFixed(1)} s; HNSW index built in ${hnswS.toFixed(1)} s`);

  const searcher = createPgSearcher({ db, embedder });
  for (const q of questions.slice(0, 5)) await searcher.search(q.q, { top: 10 });
  const ms: number[] = [];
  let top1 = 0;
  let r5 = 0;
  for (let round = 0; round < 3; round++) {
    for (const q of questions) {
      const r = await searcher.search(q.q, { top: 10 });
      ms.push(r.ms);
      if (round === 0) {
        // Replicas share names: a suffixed copy of a right code counts as right.
        const rank = rankOf(r.results.map((h) => ({ code: h.code.replace(/-r\d+$/, '') })), q.codes);
        if (rank === 1) top1++;
        if (rank >= 1 && rank <= 5) r5++;
      }
    }
  }
  console.log(
    `search (PostgreSQL: GIN tsvector + HNSW, ${replicated.length} procedures): p50 ${percentile(ms, 50).toFixed(1)} ms, ` +
      `p95 ${percentile(ms, 95).toFixed(1)} ms over ${ms.length} queries; top-1 ${(top1 / questions.length).toFixed(2)}, ` +
      `R@5 ${(r5 / questions.length).toFixed(2)} (replicas count as right)`,
  );
} finally {
  await db.close();
  if (!process.argv.includes('--keep')) {
    const a = new pg.Client({ connectionString: url });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await a.end();
  }
}
