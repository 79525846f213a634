import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { readKnowledgeProcedures, type KnowledgeProblem } from './knowledge.js';
import { createCatalogRepository, type UpsertCounts } from './repository.js';

/**
 * knowledge/ holds more than procedures (centre.yaml, the lexicon): procedures live in its `procedures/` folder.
 * Given a directory that has such a folder, returns that folder; otherwise the directory itself.
 */
export function resolveProceduresDir(dir: string): string {
  const sub = join(dir, 'procedures');
  return existsSync(sub) && statSync(sub).isDirectory() ? sub : dir;
}

export interface EnsureCatalogOptions {
  /** knowledge/ (or its procedures/ folder). */
  knowledgeDir: string;
  logger: Logger;
}

export interface EnsureCatalogResult extends UpsertCounts {
  /** false when the catalog already had procedures and nothing was done. */
  seeded: boolean;
  problems: KnowledgeProblem[];
}

/**
 * Imports the shipped knowledge/ catalog when the procedures table is empty (first start of `serve`). Valid records
 * are imported even when some files have problems; each problem is logged with file, record and field. Never
 * touches a catalog that already has procedures.
 */
export async function ensureCatalog(db: Db, options: EnsureCatalogOptions): Promise<EnsureCatalogResult> {
  const repo = createCatalogRepository(db);
  if ((await repo.count()) > 0) return { seeded: false, imported: 0, updated: 0, unchanged: 0, problems: [] };
  const dir = resolveProceduresDir(options.knowledgeDir);
  if (!existsSync(dir)) {
    options.logger.warn({ dir }, 'catalog is empty and the knowledge directory does not exist');
    return { seeded: false, imported: 0, updated: 0, unchanged: 0, problems: [] };
  }
  const { procedures, problems } = readKnowledgeProcedures(dir);
  for (const p of problems) options.logger.error(p, 'knowledge record skipped');
  const counts = await repo.upsertProcedures(procedures, { source: 'knowledge' });
  options.logger.info({ dir, ...counts, problems: problems.length }, 'catalog seeded from knowledge');
  return { seeded: true, ...counts, problems };
}
