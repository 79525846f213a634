import { toSql } from 'pgvector';
import type { Db, Queryable } from '../db/db.js';
import { procedureSchema, type Procedure } from '../catalog/schema.js';
import { AppError } from '../errors.js';
import { foldedTokens } from '../text/normalize.js';
import { chunkProcedure, type Chunk } from './chunks.js';
import type { Embedder } from './types.js';

export interface SyncResult {
  /** Procedures indexed for the first time. */
  added: number;
  /** Procedures re-indexed because their content hash or the embedder changed. */
  updated: number;
  /** Procedures dropped from the index because they left the catalog. */
  removed: number;
  unchanged: number;
  /** Chunks written by this sync. */
  chunks: number;
  ms: number;
}

export interface SyncOptions {
  /** Procedures per transaction (and per embed call). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Folded syllables and bigrams, space separated: the lexical column. Bigrams are the two syllables joined without a
 * separator ("giayphep") because PostgreSQL's text-search parser splits on "_".
 */
function lexemesOf(text: string): string {
  const t = foldedTokens(text);
  const out: string[] = [...t];
  for (let i = 0; i + 1 < t.length; i++) out.push(`${t[i]}${t[i + 1]}`);
  return out.join(' ');
}

/**
 * Brings the `chunks` table in line with `procedures`: re-chunks and re-embeds only procedures whose content_hash (or
 * the embedder id) differs from what was indexed, and removes chunks of procedures that are gone.
 * Each batch commits on its own, so an interrupted sync resumes where it stopped. Throws AppError('catalog:invalid')
 * naming the code when a stored procedure does not match the schema; embedder errors propagate.
 */
export async function syncIndex(db: Db, embedder: Embedder, options: SyncOptions = {}): Promise<SyncResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 100;
  // Retired procedures (catalog lifecycle) leave the index as if they had left the catalog.
  const current = await db.query<{ code: string; content_hash: string }>(
    `SELECT code, content_hash FROM procedures WHERE retired_at IS NULL`,
  );
  const indexed = await db.query<{ code: string; content_hash: string; embedder: string }>(
    `SELECT code, content_hash, embedder FROM retrieval_index`,
  );
  const seen = new Map(indexed.map((r) => [r.code, r]));
  const todo: string[] = [];
  let added = 0;
  let updated = 0;
  for (const r of current) {
    const s = seen.get(r.code);
    if (!s) {
      added++;
      todo.push(r.code);
    } else if (s.content_hash !== r.content_hash || s.embedder !== embedder.id) {
      updated++;
      todo.push(r.code);
    }
  }
  // Chunks of procedures that left the catalog went with them (ON DELETE CASCADE); a retired one keeps its row, so
  // its chunks are removed here. Forget their index state too.
  const live = new Set(current.map((r) => r.code));
  const gone = indexed.filter((r) => !live.has(r.code)).map((r) => r.code);
  if (gone.length) {
    await db.transaction(async (tx) => {
      await tx.query(`DELETE FROM chunks WHERE code = ANY($1::text[])`, [gone]);
      await tx.query(`DELETE FROM retrieval_index WHERE code = ANY($1::text[])`, [gone]);
    });
  }
  let chunks = 0;
  for (let i = 0; i < todo.length; i += batchSize) {
    const codes = todo.slice(i, i + batchSize);
    const rows = await db.query<{ code: string; data: unknown; content_hash: string }>(
      `SELECT code, data, content_hash FROM procedures WHERE code = ANY($1::text[])`,
      [codes],
    );
    const perProc: { code: string; hash: string; chunks: Chunk[] }[] = rows.map((r) => {
      const parsed = procedureSchema.safeParse(typeof r.data === 'string' ? JSON.parse(r.data) : r.data);
      if (!parsed.success) {
        throw new AppError('catalog:invalid', {
          message: `procedure ${r.code}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
        });
      }
      const p: Procedure = { ...parsed.data, code: r.code };
      return { code: r.code, hash: r.content_hash, chunks: chunkProcedure(p) };
    });
    const all = perProc.flatMap((p) => p.chunks);
    const vectors = all.length ? await embedder.embed(all.map((c) => c.body)) : [];
    // One statement for the batch's chunks and one for its index rows: a catalog of many small procedures (the
    // province's list) would otherwise cost two round trips per procedure.
    await db.transaction(async (tx) => {
      await tx.query(`DELETE FROM chunks WHERE code = ANY($1::text[])`, [codes]);
      const hashes = new Map(perProc.map((p) => [p.code, p.hash]));
      await insertChunks(tx, all, vectors, embedder.id, (code) => hashes.get(code)!);
      if (perProc.length) {
        await tx.query(
          `INSERT INTO retrieval_index (code, content_hash, embedder, chunks, indexed_at)
           SELECT r.code, r.content_hash, $2, r.chunks, now()
             FROM jsonb_to_recordset($1::jsonb) AS r(code text, content_hash text, chunks integer)
           ON CONFLICT (code) DO UPDATE SET content_hash = EXCLUDED.content_hash, embedder = EXCLUDED.embedder,
             chunks = EXCLUDED.chunks, indexed_at = now()`,
          [JSON.stringify(perProc.map((p) => ({ code: p.code, content_hash: p.hash, chunks: p.chunks.length }))), embedder.id],
        );
      }
    });
    chunks += all.length;
    options.onProgress?.(Math.min(i + batchSize, todo.length), todo.length);
  }
  return {
    added,
    updated,
    removed: gone.length,
    unchanged: current.length - added - updated,
    chunks,
    ms: performance.now() - started,
  };
}

// PostgreSQL accepts at most 65,535 parameters per statement: 8 per chunk.
const CHUNKS_PER_INSERT = 4000;

async function insertChunks(tx: Queryable, chunks: Chunk[], vectors: number[][], embedderId: string, hashOf: (code: string) => string) {
  for (let start = 0; start < chunks.length; start += CHUNKS_PER_INSERT) {
    const params: unknown[] = [];
    const values: string[] = [];
    chunks.slice(start, start + CHUNKS_PER_INSERT).forEach((c, j) => {
      const b = params.length;
      params.push(c.code, c.kind, c.name, c.body, lexemesOf(c.body), toSql(vectors[start + j] ?? []), embedderId, hashOf(c.code));
      values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::vector, $${b + 7}, $${b + 8})`);
    });
    await tx.query(
      `INSERT INTO chunks (code, kind, name, body, lexemes, embedding, embedder, content_hash) VALUES ${values.join(', ')}`,
      params,
    );
  }
}
