/**
 * The procedure catalog in the database (table `procedures`, migrations 002 and 011). Each row keeps the sources of a
 * procedure side by side — `knowledge` (our curated record), `imported` (parsed from the national portal) and
 * `province` (the province's published list) — and the merged record that is served in `data`, with `content_hash`
 * over `data` for re-indexing. Every write records what changed in the served record (procedure_changes) and bumps
 * the catalog version that running workers poll (catalog/version.ts).
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/db.js';
import type { Procedure } from './schema.js';
import { nameKey } from '../text/names.js';

export { levelFreeName, nameKey } from '../text/names.js';
import { bumpCatalogVersion } from './version.js';

export type CatalogSource = 'knowledge' | 'dvc' | 'province';

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
  /** The import run (startImport) the recorded changes belong to. */
  importId?: number;
}

/** One field of the served record that an import changed. Values are shown to staff, shortened when long. */
export interface FieldChange {
  field: string;
  before?: string;
  after?: string;
}

export interface ProcedureChange {
  code: string;
  source: CatalogSource;
  kind: 'added' | 'updated' | 'retired' | 'restored' | 'source_dropped';
  fields: FieldChange[];
  at: Date;
}

export interface RetireResult {
  /** Codes no source lists any more: retired (not answered, not searched). */
  retired: number;
  /** Codes this source dropped that another source still lists (served from the others). */
  dropped: number;
}

export interface CatalogEntry {
  procedure: Procedure;
  origin: CatalogSource;
  /** Which sources contributed to the served record. */
  sources: { knowledge: boolean; dvc: boolean; province: boolean };
  /** Only the province's list names it: no documents, deadlines or fees. */
  listedOnly: boolean;
  /** Set when retired: no longer answered or searched. */
  retiredAt?: Date;
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
  /** Procedures answered (not retired). */
  procedures: number;
  /** Of those, with documents, deadlines or fees from the curated catalog or the national portal. */
  detailed: number;
  /** Of those, named only by the province's list (answered with name, field, online level and link). */
  listedOnly: number;
  /** Of the detailed ones, also listed by the province. */
  detailedAndListed: number;
  retired: number;
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
  /**
   * For codes this source once listed and `keep` does not: drops the source's record; a code no source lists any more
   * is retired (kept for staff, not answered). Bumps the catalog version when anything changed.
   */
  retireMissing(source: CatalogSource, keep: readonly string[], options?: { importId?: number }): Promise<RetireResult>;
  /** Records an import run; its id ties the changes it makes together. */
  startImport(source: CatalogSource, file?: string): Promise<number>;
  finishImport(id: number, counts: Record<string, unknown>): Promise<void>;
  /** What imports changed in this procedure, newest first. */
  history(code: string, options?: { limit?: number }): Promise<ProcedureChange[]>;
  /** Procedures whose name or aliases match the text (diacritics and case ignored), best first; retired ones excluded. */
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

/**
 * The served record from all three sources. Curated and portal records merge as {@link mergeProcedures} says; the
 * province's list adds its mark (pages, online level, decision) to such a record without touching its facts. A code
 * only the list names is served as the list's record (origin 'province', "listed-only").
 */
function serveProcedure(knowledge: Procedure | undefined, imported: Procedure | undefined, province: Procedure | undefined): Procedure {
  if (!knowledge && !imported) {
    if (!province) throw new Error('serveProcedure needs at least one record');
    return province;
  }
  const base = mergeProcedures(knowledge, imported);
  if (!province?.province) return base;
  const out: Procedure = { ...base, province: province.province };
  // Levels are facts the list does establish; only fill them when the detailed record leaves them empty.
  if (!out.levels.length && province.levels.length) out.levels = province.levels;
  return out;
}

const shorten = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const t = typeof v === 'string' ? v : stableStringify(v);
  return t.length > 400 ? `${t.slice(0, 400)} …` : t;
};

/** The top-level fields that differ between two served records (undefined = absent). */
function diffProcedures(before: Procedure | undefined, after: Procedure | undefined): FieldChange[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const out: FieldChange[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = isPresent(a[k]) ? stableStringify(a[k]) : undefined;
    const y = isPresent(b[k]) ? stableStringify(b[k]) : undefined;
    if (x === y) continue;
    const change: FieldChange = { field: k };
    const bv = shorten(isPresent(a[k]) ? a[k] : undefined);
    const av = shorten(isPresent(b[k]) ? b[k] : undefined);
    if (bv !== undefined) change.before = bv;
    if (av !== undefined) change.after = av;
    out.push(change);
  }
  return out;
}

interface StoredRow {
  code: string;
  knowledge: Procedure | null;
  imported: Procedure | null;
  province: Procedure | null;
  data: Procedure;
  retired_at: Date | string | null;
}

const sourceColumn = (s: CatalogSource) => (s === 'knowledge' ? 'knowledge' : s === 'dvc' ? 'imported' : 'province');

const originOf = (k: unknown, i: unknown): CatalogSource => (k ? 'knowledge' : i ? 'dvc' : 'province');

/** Normalises a value the way a jsonb round trip does (drops undefined), for comparisons. */
const asStored = (p: Procedure): Procedure => JSON.parse(JSON.stringify(p)) as Procedure;

export function createCatalogRepository(db: Db): CatalogRepository {
  async function writeRows(tx: Queryable, rows: Record<string, unknown>[], changes: Record<string, unknown>[]) {
    if (rows.length) {
      await tx.query(
        `INSERT INTO procedures (code, name, field, origin, data, content_hash, knowledge, imported, province, retired_at)
         SELECT r.code, r.name, r.field, r.origin, r.data, r.content_hash, r.knowledge, r.imported, r.province, r.retired_at
         FROM jsonb_to_recordset($1::jsonb)
           AS r(code text, name text, field text, origin text, data jsonb, content_hash text, knowledge jsonb, imported jsonb,
                province jsonb, retired_at timestamptz)
         ON CONFLICT (code) DO UPDATE SET
           name = EXCLUDED.name, field = EXCLUDED.field, origin = EXCLUDED.origin, data = EXCLUDED.data,
           content_hash = EXCLUDED.content_hash, knowledge = EXCLUDED.knowledge, imported = EXCLUDED.imported,
           province = EXCLUDED.province, retired_at = EXCLUDED.retired_at, updated_at = now()`,
        [JSON.stringify(rows)],
      );
    }
    if (changes.length) {
      await tx.query(
        `INSERT INTO procedure_changes (code, source, kind, fields, import_id)
         SELECT c.code, c.source, c.kind, c.fields, c.import_id
         FROM jsonb_to_recordset($1::jsonb) AS c(code text, source text, kind text, fields jsonb, import_id bigint)`,
        [JSON.stringify(changes)],
      );
    }
    if (rows.length || changes.length) await bumpCatalogVersion(tx);
  }

  const rowOf = (code: string, k: Procedure | undefined, i: Procedure | undefined, pr: Procedure | undefined, data: Procedure, retiredAt: string | null) => ({
    code,
    name: data.name,
    field: data.field,
    origin: originOf(k, i),
    data,
    content_hash: contentHash(data),
    knowledge: k ?? null,
    imported: i ?? null,
    province: pr ?? null,
    retired_at: retiredAt,
  });

  async function writeBatch(tx: Queryable, list: Procedure[], source: CatalogSource, counts: UpsertCounts, importId?: number) {
    const codes = list.map((p) => p.code);
    const existing = await tx.query<StoredRow>(
      `SELECT code, knowledge, imported, province, data, retired_at FROM procedures
        WHERE code IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(codes)],
    );
    const byCode = new Map(existing.map((r) => [r.code, r]));
    const rows: Record<string, unknown>[] = [];
    const changes: Record<string, unknown>[] = [];
    for (const incoming of list) {
      const p = asStored(incoming);
      const prev = byCode.get(p.code);
      const prevSame = prev ? prev[sourceColumn(source)] : null;
      if (prev && prevSame && !prev.retired_at && stableStringify(prevSame) === stableStringify(p)) {
        counts.unchanged++;
        continue;
      }
      const knowledge = source === 'knowledge' ? p : (prev?.knowledge ?? undefined);
      const imported = source === 'dvc' ? p : (prev?.imported ?? undefined);
      const province = source === 'province' ? p : (prev?.province ?? undefined);
      const data = asStored(serveProcedure(knowledge, imported, province));
      rows.push(rowOf(p.code, knowledge, imported, province, data, null));
      const fields = diffProcedures(prev?.data, data);
      const kind = !prev ? 'added' : prev.retired_at ? 'restored' : 'updated';
      if (fields.length || kind !== 'updated') changes.push({ code: p.code, source, kind, fields, import_id: importId ?? null });
      if (prev) counts.updated++;
      else counts.imported++;
    }
    await writeRows(tx, rows, changes);
  }

  return {
    async upsertProcedures(list, { source, batchSize = 250, onProgress, importId }) {
      const counts: UpsertCounts = { imported: 0, updated: 0, unchanged: 0 };
      // Last record wins when a list repeats a code.
      const unique = [...new Map(list.map((p) => [p.code, p])).values()];
      for (let i = 0; i < unique.length; i += batchSize) {
        const batch = unique.slice(i, i + batchSize);
        await db.transaction((tx) => writeBatch(tx, batch, source, counts, importId));
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
        has_province: boolean;
        retired_at: Date | string | null;
        created_at: Date | string;
        updated_at: Date | string;
      }>(
        `SELECT data, origin, content_hash, knowledge IS NOT NULL AS has_knowledge, imported IS NOT NULL AS has_imported,
                province IS NOT NULL AS has_province, retired_at, created_at, updated_at
         FROM procedures WHERE code = $1`,
        [code.trim()],
      );
      const r = rows[0];
      if (!r) return undefined;
      return {
        procedure: r.data,
        origin: r.origin,
        sources: { knowledge: r.has_knowledge, dvc: r.has_imported, province: r.has_province },
        listedOnly: !r.has_knowledge && !r.has_imported,
        ...(r.retired_at ? { retiredAt: new Date(r.retired_at) } : {}),
        contentHash: r.content_hash,
        createdAt: new Date(r.created_at),
        updatedAt: new Date(r.updated_at),
      };
    },

    async retireMissing(source, keep, options = {}) {
      const col = sourceColumn(source);
      const result: RetireResult = { retired: 0, dropped: 0 };
      await db.transaction(async (tx) => {
        const gone = await tx.query<StoredRow>(
          `SELECT code, knowledge, imported, province, data, retired_at FROM procedures
            WHERE ${col} IS NOT NULL AND retired_at IS NULL AND code NOT IN (SELECT jsonb_array_elements_text($1::jsonb))`,
          [JSON.stringify([...new Set(keep)])],
        );
        const rows: Record<string, unknown>[] = [];
        const changes: Record<string, unknown>[] = [];
        const now = new Date().toISOString();
        for (const r of gone) {
          const k = source === 'knowledge' ? undefined : (r.knowledge ?? undefined);
          const i = source === 'dvc' ? undefined : (r.imported ?? undefined);
          const pr = source === 'province' ? undefined : (r.province ?? undefined);
          if (!k && !i && !pr) {
            // Nobody lists it: the last served record stays for staff, the row leaves answers and search.
            const kept = source === 'knowledge' ? r.knowledge : source === 'dvc' ? r.imported : r.province;
            rows.push(rowOf(r.code, source === 'knowledge' ? kept! : undefined, source === 'dvc' ? kept! : undefined, source === 'province' ? kept! : undefined, r.data, now));
            changes.push({ code: r.code, source, kind: 'retired', fields: [], import_id: options.importId ?? null });
            result.retired++;
          } else {
            const data = asStored(serveProcedure(k, i, pr));
            rows.push(rowOf(r.code, k, i, pr, data, null));
            changes.push({ code: r.code, source, kind: 'source_dropped', fields: diffProcedures(r.data, data), import_id: options.importId ?? null });
            result.dropped++;
          }
        }
        await writeRows(tx, rows, changes);
      });
      return result;
    },

    async startImport(source, file) {
      const [row] = await db.query<{ id: string | number }>(`INSERT INTO catalog_imports (source, file) VALUES ($1, $2) RETURNING id`, [source, file ?? null]);
      return Number(row!.id);
    },

    async finishImport(id, counts) {
      await db.query(`UPDATE catalog_imports SET counts = $2::jsonb WHERE id = $1`, [id, JSON.stringify(counts)]);
    },

    async history(code, options = {}) {
      const rows = await db.query<{ code: string; source: CatalogSource; kind: ProcedureChange['kind']; fields: FieldChange[]; at: Date | string }>(
        `SELECT code, source, kind, fields, at FROM procedure_changes WHERE code = $1 ORDER BY at DESC, id DESC LIMIT $2`,
        [code.trim(), options.limit ?? 50],
      );
      return rows.map((r) => ({ code: r.code, source: r.source, kind: r.kind, fields: r.fields ?? [], at: new Date(r.at) }));
    },

    async findByName(text, options = {}) {
      const limit = options.limit ?? 10;
      const q = nameKey(text);
      if (!q) return [];
      const qTokens = new Set(q.split(' ').filter(Boolean));
      const rows = await db.query<{ code: string; name: string; field: string; aliases: string[] | null }>(
        `SELECT code, name, field, data->'aliases' AS aliases FROM procedures WHERE retired_at IS NULL`,
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
      const [row] = await db.query<{
        procedures: number;
        fields: number;
        detailed: number;
        listed_only: number;
        detailed_listed: number;
        retired: number;
        has_chunks: boolean;
      }>(
        `SELECT count(*) FILTER (WHERE retired_at IS NULL)::int AS procedures,
                count(DISTINCT field) FILTER (WHERE retired_at IS NULL)::int AS fields,
                count(*) FILTER (WHERE retired_at IS NULL AND (knowledge IS NOT NULL OR imported IS NOT NULL))::int AS detailed,
                count(*) FILTER (WHERE retired_at IS NULL AND knowledge IS NULL AND imported IS NULL)::int AS listed_only,
                count(*) FILTER (WHERE retired_at IS NULL AND (knowledge IS NOT NULL OR imported IS NOT NULL) AND province IS NOT NULL)::int AS detailed_listed,
                count(*) FILTER (WHERE retired_at IS NOT NULL)::int AS retired,
                to_regclass('chunks') IS NOT NULL AS has_chunks
         FROM procedures`,
      );
      let chunks = 0;
      if (row?.has_chunks) {
        const [c] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM chunks`);
        chunks = c?.n ?? 0;
      }
      return {
        procedures: row?.procedures ?? 0,
        detailed: row?.detailed ?? 0,
        listedOnly: row?.listed_only ?? 0,
        detailedAndListed: row?.detailed_listed ?? 0,
        retired: row?.retired ?? 0,
        fields: row?.fields ?? 0,
        chunks,
      };
    },

    async count() {
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM procedures`);
      return row?.n ?? 0;
    },
  };
}
