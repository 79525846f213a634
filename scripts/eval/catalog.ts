/**
 * The catalog as deployed, for the evaluation scripts: the portal records in a fresh embedded database, the shipped
 * knowledge/ procedures merged over them (curated fields and aliases win), indexed with a local embedder.
 */
import { buildCatalogDb } from './retrieval.js';
import { syncIndex } from '../../src/retrieval/indexer.js';
import { createSearcher, type RefreshableSearcher } from '../../src/retrieval/searcher.js';
import { createLocalEmbedder } from '../../src/retrieval/embedders.js';
import { readKnowledgeProcedures } from '../../src/catalog/knowledge.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import type { Procedure } from '../../src/catalog/schema.js';
import type { Db } from '../../src/db/db.js';

/** Portal records with the shipped procedures in place of those with the same code (the repository keeps the same codes). */
export function mergeProcedures(portal: readonly Procedure[], shipped: readonly Procedure[]): Procedure[] {
  const byCode = new Map(portal.map((p) => [p.code, p]));
  for (const p of shipped) byCode.set(p.code, p);
  return [...byCode.values()];
}

export async function buildMergedCatalog(catalogDir: string, knowledgeDir = 'knowledge/procedures'): Promise<{
  db: Db;
  searcher: RefreshableSearcher;
  procedures: Procedure[];
  cleanup(): Promise<void>;
}> {
  const built = await buildCatalogDb(catalogDir);
  const { procedures: shipped } = readKnowledgeProcedures(knowledgeDir);
  await createCatalogRepository(built.db).upsertProcedures(shipped, { source: 'knowledge' });
  const embedder = createLocalEmbedder('hash', {});
  await syncIndex(built.db, embedder);
  const searcher = createSearcher({ db: built.db, embedder });
  await searcher.refresh();
  return { db: built.db, searcher, procedures: mergeProcedures(built.procedures, shipped), cleanup: built.cleanup };
}
