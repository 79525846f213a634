import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCatalogDb, loadQuestions } from '../../src/retrieval/eval.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher } from '../../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';
import { defaultLexicon } from '../../src/text/lexicon.js';
import { readKnowledgeProcedures } from '../../src/catalog/knowledge.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import { createEvalAnswerService, evaluateAnswers, type AnswerMetrics } from '../../src/answer/eval.js';

// The national catalog and the dev questions live in ../shared (never copied into the repository).
const shared = resolve(process.cwd(), '../shared');
const present = existsSync(resolve(shared, 'dvc-catalog')) && existsSync(resolve(shared, 'eval/dev_questions.jsonl'));

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
    metrics = await evaluateAnswers(
      createEvalAnswerService(built.db, searcher, lexicon),
      loadQuestions(resolve(shared, 'eval/dev_questions.jsonl')),
      loadQuestions(resolve(shared, 'eval/dev_unmatched.jsonl')),
    );
  }, 600_000);
  afterAll(async () => cleanup?.());

  it('invents no facts: every document, deadline, fee and number in each answer is in the cited record', () => {
    expect(metrics.ungrounded).toEqual([]);
  });

  it('does not answer most out-of-catalog questions', () => {
    expect(metrics.outNotAnswered / metrics.outOfCatalog).toBeGreaterThanOrEqual(0.75);
  });

  it('answers or offers the right procedure for most in-catalog questions', () => {
    // A floor well under what `npm run eval` reports, so that the suite catches a collapse, not noise.
    expect((metrics.answeredRight + metrics.clarifyWithRight) / metrics.inCatalog).toBeGreaterThanOrEqual(0.7);
    expect(metrics.answeredWrong / metrics.inCatalog).toBeLessThanOrEqual(0.2);
    expect(metrics.answeredRight / metrics.inCatalog).toBeGreaterThanOrEqual(0.55);
  });
});
