/**
 * The centre's notes on procedures (table centre_notes, migration 011): a local counter, a local fee with the
 * resolution that sets it, the desk's opening hours. Staff write them; answers show them as "Ghi chú của Trung tâm"
 * with their date, apart from the catalog's facts. Re-imports never touch them.
 */
import type { Db, Queryable } from '../db/db.js';
import { AppError } from '../errors.js';
import { recordAudit } from './audit.js';
import { bumpCatalogVersion } from './version.js';

export interface CentreNote {
  code: string;
  text: string;
  /** YYYY-MM-DD of the last change. */
  date: string;
  updatedBy: string;
}

const MAX_NOTE = 1000;

interface Row {
  code: string;
  text: string;
  updated_by: string;
  updated_at: Date | string;
}

const toNote = (r: Row): CentreNote => ({ code: r.code, text: r.text, date: new Date(r.updated_at).toISOString().slice(0, 10), updatedBy: r.updated_by });

export async function getCentreNote(db: Queryable, code: string): Promise<CentreNote | undefined> {
  const [r] = await db.query<Row>(`SELECT code, text, updated_by, updated_at FROM centre_notes WHERE code = $1`, [code]);
  return r ? toNote(r) : undefined;
}

export async function listCentreNotes(db: Queryable): Promise<CentreNote[]> {
  const rows = await db.query<Row>(`SELECT code, text, updated_by, updated_at FROM centre_notes ORDER BY updated_at DESC`);
  return rows.map(toNote);
}

/** Sets (or with an empty text removes) the note. Throws http:validation (too long) or http:not_found (no such code). */
export async function setCentreNote(db: Db, input: { code: string; text: string; actor: string }): Promise<CentreNote | undefined> {
  const text = input.text.replace(/\r\n/g, '\n').trim();
  if (text.length > MAX_NOTE) throw new AppError('http:validation', { message: `text: at most ${MAX_NOTE} characters` });
  const [proc] = await db.query<{ code: string }>(`SELECT code FROM procedures WHERE code = $1`, [input.code]);
  if (!proc) throw new AppError('http:not_found', { message: `no procedure has code ${input.code.slice(0, 40)}` });
  return db.transaction(async (tx) => {
    let note: CentreNote | undefined;
    if (!text) await tx.query(`DELETE FROM centre_notes WHERE code = $1`, [input.code]);
    else {
      const [r] = await tx.query<Row>(
        `INSERT INTO centre_notes (code, text, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (code) DO UPDATE SET text = EXCLUDED.text, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING code, text, updated_by, updated_at`,
        [input.code, text, input.actor],
      );
      note = toNote(r!);
    }
    await recordAudit(tx, { actor: input.actor, action: text ? 'note.set' : 'note.remove', target: input.code, details: text ? { text } : {} });
    await bumpCatalogVersion(tx);
    return note;
  });
}
