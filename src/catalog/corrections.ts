/**
 * Staff corrections (table corrections, migration 011): "this question means this procedure". A correction is data,
 * kept apart from the catalog so re-imports never touch it, exportable as JSON. Questions are matched by their folded
 * key (diacritics, case and punctuation ignored), so "giấy phép nuôi yến" and "giay phep nuoi yen" are one question.
 *
 * The answer path uses them through {@link withCorrections}: a search for a corrected question puts the chosen
 * procedure first with full evidence, so the decision answers with it. Each worker keeps them in memory and reloads
 * them when the catalog version moves (catalog/version.ts), so every worker answers with a new correction at once.
 */
import type { Db } from '../db/db.js';
import { AppError } from '../errors.js';
import type { SearchHit, SearchOptions, SearchResult, Searcher } from '../retrieval/types.js';
import type { Level } from './schema.js';
import { nameKey } from './repository.js';
import { bumpCatalogVersion } from './version.js';
import { recordAudit } from './audit.js';

export interface Correction {
  id: number;
  question: string;
  code: string;
  createdBy: string;
  createdAt: string;
}

/** The key two phrasings of one question share: folded, punctuation dropped, spaces collapsed. */
export function questionKey(question: string): string {
  return nameKey(question).replace(/\./g, ' ').replace(/\s+/g, ' ').trim();
}

const MAX_QUESTION = 500;

interface Row {
  id: string | number;
  question: string;
  code: string;
  created_by: string;
  created_at: Date | string;
}

const toCorrection = (r: Row): Correction => ({
  id: Number(r.id),
  question: r.question,
  code: r.code,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
});

export interface CorrectionStore {
  /**
   * Stores "question → code" (the same question asked again replaces its code). Throws http:validation for an empty
   * or too long question, and for a code that is not an answered procedure.
   */
  add(input: { question: string; code: string; actor: string }): Promise<Correction>;
  list(): Promise<Correction[]>;
  /** false when there was no such correction. */
  remove(id: number, actor: string): Promise<boolean>;
}

export function createCorrectionStore(db: Db): CorrectionStore {
  return {
    async add({ question, code, actor }) {
      const q = question.replace(/\s+/g, ' ').trim();
      const key = questionKey(q);
      if (!key) throw new AppError('http:validation', { message: 'question: the question text is required' });
      if (q.length > MAX_QUESTION) throw new AppError('http:validation', { message: `question: at most ${MAX_QUESTION} characters` });
      const c = code.trim();
      const [proc] = await db.query<{ code: string }>(`SELECT code FROM procedures WHERE code = $1 AND retired_at IS NULL`, [c]);
      if (!proc) throw new AppError('http:validation', { message: `code: no answered procedure has code ${c.slice(0, 40)}` });
      const row = await db.transaction(async (tx) => {
        const [r] = await tx.query<Row>(
          `INSERT INTO corrections (question, question_key, code, created_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (question_key) DO UPDATE SET question = EXCLUDED.question, code = EXCLUDED.code,
             created_by = EXCLUDED.created_by, created_at = now()
           RETURNING id, question, code, created_by, created_at`,
          [q, key, c, actor],
        );
        await recordAudit(tx, { actor, action: 'correction.add', target: c, details: { id: Number(r!.id), question: q } });
        await bumpCatalogVersion(tx);
        return r!;
      });
      return toCorrection(row);
    },
    async list() {
      const rows = await db.query<Row>(`SELECT id, question, code, created_by, created_at FROM corrections ORDER BY created_at DESC, id DESC`);
      return rows.map(toCorrection);
    },
    async remove(id, actor) {
      return db.transaction(async (tx) => {
        const rows = await tx.query<Row>(`DELETE FROM corrections WHERE id = $1 RETURNING id, question, code, created_by, created_at`, [id]);
        if (!rows[0]) return false;
        await recordAudit(tx, { actor, action: 'correction.remove', target: rows[0].code, details: { id, question: rows[0].question } });
        await bumpCatalogVersion(tx);
        return true;
      });
    },
  };
}

interface Target {
  code: string;
  name: string;
  field: string;
  levels: Level[];
}

export interface CorrectionIndex {
  /** The procedure a stored correction maps this question to, if any (retired procedures never). */
  match(question: string): Target | undefined;
  /** Reloads from the database (after the catalog version moved). */
  reload(): Promise<number>;
}

export function createCorrectionIndex(db: Db): CorrectionIndex {
  let byKey = new Map<string, Target>();
  return {
    match(question) {
      return byKey.get(questionKey(question));
    },
    async reload() {
      const rows = await db.query<{ question_key: string; code: string; name: string; field: string; levels: unknown }>(
        `SELECT c.question_key, c.code, p.name, p.field, p.data->'levels' AS levels
           FROM corrections c JOIN procedures p ON p.code = c.code AND p.retired_at IS NULL`,
      );
      byKey = new Map(rows.map((r) => [r.question_key, { code: r.code, name: r.name, field: r.field, levels: Array.isArray(r.levels) ? (r.levels as Level[]) : [] }]));
      return byKey.size;
    },
  };
}

/**
 * A searcher that answers corrected questions with the procedure staff chose: that procedure first, with the
 * evidence of a question that names it whole (the decision then answers), the searcher's other hits after it.
 * Any other question goes to the searcher unchanged.
 */
export function withCorrections<S extends Searcher>(searcher: S, corrections: CorrectionIndex): S {
  const search = async (question: string, options: SearchOptions = {}): Promise<SearchResult> => {
    const target = corrections.match(question);
    if (!target || (options.codes && !options.codes.includes(target.code))) return searcher.search(question, options);
    const found = await searcher.search(question, options);
    const top = Math.max(1, Math.min(options.top ?? 5, 100));
    const own = found.results.find((h) => h.code === target.code || h.sameAs?.includes(target.code));
    const hit: SearchHit = own && own.code === target.code
      ? { ...own, score: 1 }
      : { code: target.code, name: target.name, score: 1, field: target.field, levels: target.levels, matched: ['correction'] };
    const rest = found.results.filter((h) => h !== own).slice(0, top - 1);
    return {
      ...found,
      results: [hit, ...rest],
      confident: true,
      confidence: 1,
      signals: { cover: 1, margin: 1, queryCover: 1, nameQueryCover: 1, rivalCover: 0, actionsAgree: true },
    };
  };
  return Object.assign(Object.create(searcher) as S, searcher, { search });
}

/** The stored corrections, loaded: `withCorrections(searcher, await loadCorrections(db))` runs an eval with them. */
export async function loadCorrections(db: Db): Promise<CorrectionIndex> {
  const index = createCorrectionIndex(db);
  await index.reload();
  return index;
}
