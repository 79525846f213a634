/**
 * The procedure catalog in the database (table `procedures`, migration 002). Each row keeps the two sources of a
 * procedure side by side — `knowledge` (our curated record) and `imported` (parsed from the national portal) — and
 * the merged record that is served in `data`, with `content_hash` over `data` for re-indexing.
 */
import { foldText } from '../text/normalize.js';
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/db.js';
import type { Procedure } from './schema.js';

export type CatalogSource = 'knowledge' | 'dvc';

export interface UpsertCounts {
  /** Codes that were not in the catalog before. */
  imported: number;
  /** Codes whose record from this source changed (the served record may or may not change, see the merge rule). */
  updated: number;
  /** Codes whose record from this source is byte-for-byte the same as stored: nothing was written. */
  unchanged: number;
}

export interface UpsertOptions {
  source: CatalogSource;
  /** Records written per transaction (default 250). */
  batchSize?: number;
  /** Called after each batch with the number of records handled so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface CatalogEntry {
  procedure: Procedure;
  origin: CatalogSource;
  /** Which sources contributed to the served record. */
  sources: { knowledge: boolean; dvc: boolean };
  contentHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NameMatch {
  code: string;
  name: string;
  field: string;
  /** 0..1, higher is better. */
  score: number;
}

export interface CatalogStats {
  procedures: number;
  fields: number;
  /** Rows in the retrieval index table `chunks`; 0 when that table does not exist yet. */
  chunks: number;
}

export interface CatalogRepository {
  /**
   * Stores records from one source by code. A record identical to the stored one from the same source changes
   * nothing (not even updated_at). Otherwise the served record is recomputed with {@link mergeProcedures}.
   */
  upsertProcedures(list: readonly Procedure[], options: UpsertOptions): Promise<UpsertCounts>;
  getProcedure(code: string): Promise<CatalogEntry | undefined>;
  /** Procedures whose name or aliases match the text (diacritics and case ignored), best first. */
  findByName(text: string, options?: { limit?: number }): Promise<NameMatch[]>;
  listCodes(): Promise<string[]>;
  stats(): Promise<CatalogStats>;
  count(): Promise<number>;
}

/** JSON with object keys sorted and undefined dropped, so equal records always give equal strings. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableStringify(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}

export function contentHash(p: Procedure): string {
  return createHash('sha256').update(stableStringify(p)).digest('hex');
}

const isPresent = (v: unknown): boolean =>
  v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'string' && v.trim() === '');

/**
 * MERGE RULE — when both a curated (knowledge/) and an imported (national portal) record exist for one code:
 * - The served record starts from the curated one. Every field the curated record fills (name, aliases, field,
 *   levels, agency, submitAt, audience, channels, documents, steps, conditions, result, legalBasis, decision,
 *   sourceUrl, updatedAt, notes) is served as curated, whole: imported text never replaces or mixes into it
 *   (a curated `documents` list is not extended with imported items, a curated channel is not given an imported fee).
 * - A field the curated record leaves empty (absent, "" or []) is taken whole from the imported record, so the
 *   portal fills gaps such as levels, legal basis or the decision number.
 * - `raw` (original portal texts, for search and for display where parsing was unsure) is the union of both, the
 *   curated keys winning. `origin` is 'knowledge'.
 * The result depends only on the two stored records, never on the import order.
 */
export function mergeProcedures(knowledge: Procedure | undefined, imported: Procedure | undefined): Procedure {
  if (!knowledge && !imported) throw new Error('mergeProcedures needs at least one record');
  if (!knowledge) return imported!;
  if (!imported) return knowledge;
  const out: Record<string, unknown> = { ...imported };
  for (const [k, v] of Object.entries(knowledge)) {
    if (k === 'raw' || k === 'origin') continue;
    if (isPresent(v)) out[k] = v;
  }
  const raw = { ...(imported.raw ?? {}), ...(knowledge.raw ?? {}) };
  if (Object.keys(raw).length) out.raw = raw;
  else delete out.raw;
  out.origin = 'knowledge';
  return out as Procedure;
}

/** The folded text (see src/text) with punctuation other than dots turned into spaces: the key for name matching. */
export function nameKey(s: string): string {
  return foldText(s).replace(/[^a-z0-9.]+/g, ' ').trim();
}

/**
 * The name without its level qualifier ("(thực hiện tại cấp tỉnh)", "tại cấp xã") and a leading "Thủ tục", folded:
 * the national catalog publishes one procedure per level under such names (82 groups in the 2,642 portal records),
 * and a citizen asking about it means the procedure, whichever level then handles it.
 */
export function levelFreeName(name: string): string {
  return foldText(name)
    .replace(/\((thuc hien )?(tai )?cap [^)]*\)/g, '')
    .replace(/\b(thuc hien )?tai cap (tinh|xa|huyen|trung uong)\b/g, '')
    .replace(/^thu tuc\s+/, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface StoredRow {
  code: string;
  knowledge: Procedure | null;
  imported: Procedure | null;
}

const sourceColumn = (s: CatalogSource) => (s === 'knowledge' ? 'knowledge' : 'imported');

/** Normalises a value the way a jsonb round trip does (drops undefined), for comparisons. */
const asStored = (p: Procedure): Procedure => JSON.parse(JSON.stringify(p)) as Procedure;

export function createCatalogRepository(db: Db): CatalogRepository {
  async function writeBatch(tx: Queryable, list: Procedure[], source: CatalogSource, counts: UpsertCounts) {
    const codes = list.map((p) => p.code);
    const existing = await tx.query<StoredRow>(
      `SELECT code, knowledge, imported FROM procedures WHERE code IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(codes)],
    );
    const byCode = new Map(existing.map((r) => [r.code, r]));
    const rows: Record<string, unknown>[] = [];
    for (const incoming of list) {
      const p = asStored(incoming);
      const prev = byCode.get(p.code);
      const prevSame = prev ? prev[sourceColumn(source)] : null;
      if (prev && prevSame && stableStringify(prevSame) === stableStringify(p)) {
        counts.unchanged++;
        continue;
      }
      const knowledge = source === 'knowledge' ? p : (prev?.knowledge ?? undefined);
      const imported = source === 'dvc' ? p : (prev?.imported ?? undefined);
      const data = mergeProcedures(knowledge, imported);
      rows.push({
        code: p.code,
        name: data.name,
        field: data.field,
        origin: knowledge ? 'knowledge' : 'dvc',
        data,
        content_hash: contentHash(data),
        knowledge: knowledge ?? null,
        imported: imported ?? null,
      });
      if (prev) counts.updated++;
      else counts.imported++;
    }
    if (!rows.length) return;
    await tx.query(
      `INSERT INTO procedures (code, name, field, origin, data, content_hash, knowledge, imported)
       SELECT r.code, r.name, r.field, r.origin, r.data, r.content_hash, r.knowledge, r.imported
       FROM jsonb_to_recordset($1::jsonb)
         AS r(code text, name text, field text, origin text, data jsonb, content_hash text, knowledge jsonb, imported jsonb)
       ON CONFLICT (code) DO UPDATE SET
         name = EXCLUDED.name, field = EXCLUDED.field, origin = EXCLUDED.origin, data = EXCLUDED.data,
         content_hash = EXCLUDED.content_hash, knowledge = EXCLUDED.knowledge, imported = EXCLUDED.imported,
         updated_at = now()`,
      [JSON.stringify(rows)],
    );
  }

  return {
    async upsertProcedures(list, { source, batchSize = 250, onProgress }) {
      const counts: UpsertCounts = { imported: 0, updated: 0, unchanged: 0 };
      // Last record wins when a list repeats a code.
      const unique = [...new Map(list.map((p) => [p.code, p])).values()];
      for (let i = 0; i < unique.length; i += batchSize) {
        const batch = unique.slice(i, i + batchSize);
        await db.transaction((tx) => writeBatch(tx, batch, source, counts));
        onProgress?.(Math.min(i + batchSize, unique.length), unique.length);
      }
      return counts;
    },

    async getProcedure(code) {
      const rows = await db.query<{
        data: Procedure;
        origin: CatalogSource;
        content_hash: string;
        has_knowledge: boolean;
        has_imported: boolean;
        created_at: Date | string;
        updated_at: Date | string;
      }>(
        `SELECT data, origin, content_hash, knowledge IS NOT NULL AS has_knowledge, imported IS NOT NULL AS has_imported,
                created_at, updated_at
         FROM procedures WHERE code = $1`,
        [code.trim()],
      );
      const r = rows[0];
      if (!r) return undefined;
      return {
        procedure: r.data,
        origin: r.origin,
        sources: { knowledge: r.has_knowledge, dvc: r.has_imported },
        contentHash: r.content_hash,
        createdAt: new Date(r.created_at),
        updatedAt: new Date(r.updated_at),
      };
    },

    async findByName(text, options = {}) {
      const limit = options.limit ?? 10;
      const q = nameKey(text);
      if (!q) return [];
      const qTokens = new Set(q.split(' ').filter(Boolean));
      const rows = await db.query<{ code: string; name: string; field: string; aliases: string[] | null }>(
        `SELECT code, name, field, data->'aliases' AS aliases FROM procedures`,
      );
      const scored: NameMatch[] = [];
      for (const r of rows) {
        let best = 0;
        const candidates: [string, number][] = [[r.name, 1], ...(r.aliases ?? []).map((a): [string, number] => [a, 0.95])];
        for (const [label, weight] of candidates) {
          const f = nameKey(label);
          let s = 0;
          if (f === q) s = 1;
          else if (f.includes(q)) s = 0.7 + 0.25 * (q.length / f.length);
          else {
            const tokens = new Set(f.split(' '));
            let hit = 0;
            for (const t of qTokens) if (tokens.has(t)) hit++;
            const recall = hit / qTokens.size;
            s = recall >= 0.5 ? 0.6 * recall * (hit / tokens.size) ** 0.25 : 0;
          }
          best = Math.max(best, s * weight);
        }
        if (best > 0.3) scored.push({ code: r.code, name: r.name, field: r.field, score: Math.round(best * 1000) / 1000 });
      }
      scored.sort((a, b) => b.score - a.score || a.name.length - b.name.length || a.code.localeCompare(b.code));
      return scored.slice(0, limit);
    },

    async listCodes() {
      const rows = await db.query<{ code: string }>(`SELECT code FROM procedures ORDER BY code`);
      return rows.map((r) => r.code);
    },

    async stats() {
      const [row] = await db.query<{ procedures: number; fields: number; has_chunks: boolean }>(
        `SELECT count(*)::int AS procedures, count(DISTINCT field)::int AS fields,
                to_regclass('chunks') IS NOT NULL AS has_chunks
         FROM procedures`,
      );
      let chunks = 0;
      if (row?.has_chunks) {
        const [c] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks`);
        chunks = c?.n ?? 0;
      }
      return { procedures: row?.procedures ?? 0, fields: row?.fields ?? 0, chunks };
    },

    async count() {
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM procedures`);
      return row?.n ?? 0;
    },
  };
}
