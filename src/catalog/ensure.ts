import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { readKnowledgeProcedures, type KnowledgeProblem } from './knowledge.js';
import { createCatalogRepository, type UpsertCounts } from './repository.js';
import { readProvinceListFile } from './province-list.js';

/** The province's lists we ship in our compact form (knowledge/province/*.json), sorted. */
function shippedProvinceLists(knowledgeDir: string): string[] {
  const dir = join(knowledgeDir, 'province');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

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
  /** Import the shipped province list (knowledge/province/) when no province list was ever imported (default true). */
  provinceList?: boolean;
}

export interface EnsureCatalogResult extends UpsertCounts {
  /** false when the catalog already had procedures and nothing was done. */
  seeded: boolean;
  problems: KnowledgeProblem[];
  /** Listed-only and listed procedures added from the shipped province list (0 when it was imported before). */
  provinceListed: number;
}

/**
 * Imports the shipped knowledge/ catalog when the procedures table is empty (first start of `serve`). Valid records
 * are imported even when some files have problems; each problem is logged with file, record and field. Never
 * touches a catalog that already has procedures.
 */
export async function ensureCatalog(db: Db, options: EnsureCatalogOptions): Promise<EnsureCatalogResult> {
  const repo = createCatalogRepository(db);
  const provinceListed = options.provinceList === false ? 0 : await ensureProvinceList(db, options);
  if ((await repo.count()) > provinceListed) return { seeded: false, imported: 0, updated: 0, unchanged: 0, problems: [], provinceListed };
  const dir = resolveProceduresDir(options.knowledgeDir);
  if (!existsSync(dir)) {
    options.logger.warn({ dir }, 'catalog is empty and the knowledge directory does not exist');
    return { seeded: false, imported: 0, updated: 0, unchanged: 0, problems: [], provinceListed };
  }
  const { procedures, problems } = readKnowledgeProcedures(dir);
  for (const p of problems) options.logger.error(p, 'knowledge record skipped');
  const counts = await repo.upsertProcedures(procedures, { source: 'knowledge' });
  options.logger.info({ dir, ...counts, problems: problems.length }, 'catalog seeded from knowledge');
  return { seeded: true, ...counts, problems, provinceListed };
}

/**
 * Imports the shipped province list once: when no province list was ever imported (catalog_imports), so a list an
 * operator imported later, or retired, is never overwritten by the shipped one. Returns the codes it added.
 */
async function ensureProvinceList(db: Db, options: EnsureCatalogOptions): Promise<number> {
  const files = shippedProvinceLists(options.knowledgeDir);
  if (!files.length) return 0;
  const [seen] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog_imports WHERE source = 'province'`);
  if (seen && seen.n > 0) return 0;
  const repo = createCatalogRepository(db);
  let added = 0;
  for (const file of files) {
    const { procedures } = readProvinceListFile(file);
    const id = await repo.startImport('province', relative(options.knowledgeDir, file));
    const counts = await repo.upsertProcedures(procedures, { source: 'province', importId: id });
    await repo.finishImport(id, { ...counts, shipped: true });
    added += counts.imported;
    options.logger.info({ file, ...counts }, 'province list imported from knowledge/');
  }
  return added;
}
