import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCatalogDb, loadQuestions } from '../../scripts/eval/retrieval.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher } from '../../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';
import { defaultLexicon } from '../../src/text/lexicon.js';
import { readKnowledgeProcedures } from '../../src/catalog/knowledge.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { createEvalAnswerService, evaluateAnswers, type AnswerMetrics } from '../../scripts/eval/answers.js';
import { readSourceTexts } from '../../src/catalog/source-text.js';

// The national catalog and the dev questions live in ../shared (never copied into the repository).
const shared = resolve(process.cwd(), '../shared');
const inCatalogFiles = ['dev_questions.jsonl', 'dev_questions_2.jsonl'].map((f) => resolve(shared, 'eval', f));
const outOfCatalogFiles = ['dev_unmatched.jsonl', 'dev_unmatched_2.jsonl'].map((f) => resolve(shared, 'eval', f));
const present = existsSync(resolve(shared, 'dvc-catalog')) && [...inCatalogFiles, ...outOfCatalogFiles].every((f) => existsSync(f));

describe.runIf(present)('answers to the dev questions over the national catalog', () => {
  let metrics: AnswerMetrics;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const built = await buildCatalogDb(resolve(shared, 'dvc-catalog'));
    cleanup = built.cleanup;
    // As deployed: portal records with our curated knowledge/ merged over them.
    await createCatalogRepository(built.db).upsertProcedures(readKnowledgeProcedures('knowledge/procedures').procedures, { source: 'knowledge' });
    const embedder = createLocalEmbedder('hash');
    await syncIndex(built.db, embedder);
    const lexicon = defaultLexicon();
    const searcher = createSearcher({ db: built.db, embedder, lexicon });
    await searcher.refresh();
    // Answers are checked against what each record was built from: the portal record as crawled, the curated YAML.
    const sources = readSourceTexts({ dvcDir: resolve(shared, 'dvc-catalog'), knowledgeDir: 'knowledge/procedures' });
    metrics = await evaluateAnswers(
      createEvalAnswerService(built.db, searcher, lexicon),
      inCatalogFiles.flatMap((f) => loadQuestions(f)),
      outOfCatalogFiles.flatMap((f) => loadQuestions(f)),
      (code) => sources.get(code),
    );
    const share = (n: number, of: number) => (n / of).toFixed(2);
    console.log(
      `dev set: ${metrics.inCatalog} in catalog — answered right ${share(metrics.answeredRight, metrics.inCatalog)}, ` +
        `wrong ${share(metrics.answeredWrong, metrics.inCatalog)}, ` +
        `helped ${share(metrics.answeredRight + metrics.clarifyWithRight, metrics.inCatalog)}; ` +
        `${metrics.outOfCatalog} out of catalog — held back ${share(metrics.outNotAnswered, metrics.outOfCatalog)}; ` +
        `${metrics.ungrounded.length} answers with an ungrounded fact`,
    );
  }, 600_000);
  afterAll(async () => cleanup?.());

  it('invents no facts: every document, deadline, fee and number in each answer is in the cited record\'s source', () => {
    expect(metrics.ungrounded).toEqual([]);
  });

  // Floors are set under what `npm run eval` reports over the four files with the catalog-calibrated rule (measured
  // 2026-12-04: answered right 0.18, wrong 0.00, right procedure answered or offered 0.90, out-of-catalog held back
  // 1.00), so that the suite catches a collapse — above all more wrong answers — not noise or a small trade-off.
  it('does not answer most out-of-catalog questions', () => {
    expect(metrics.outNotAnswered / metrics.outOfCatalog).toBeGreaterThanOrEqual(0.85);
  });

  it('answers or offers the right procedure for most in-catalog questions, and rarely answers wrong', () => {
    expect((metrics.answeredRight + metrics.clarifyWithRight) / metrics.inCatalog).toBeGreaterThanOrEqual(0.8);
    expect(metrics.answeredWrong / metrics.inCatalog).toBeLessThanOrEqual(0.05);
    expect(metrics.answeredRight / metrics.inCatalog).toBeGreaterThanOrEqual(0.1);
  });
});
