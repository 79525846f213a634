/**
 * The audit log (table audit_log, migration 011): who changed what — corrections, centre notes, imports — shown on the
 * dashboard. Details are operator data (codes, counts), never citizens' personal data.
 */
import type { Queryable } from '../db/db.js';

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target?: string;
  details: Record<string, unknown>;
}

export async function recordAudit(
  db: Queryable,
  entry: { actor: string; action: string; target?: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.query(`INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4::jsonb)`, [
    entry.actor.slice(0, 100),
    entry.action.slice(0, 60),
    entry.target?.slice(0, 200) ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
}

export async function listAudit(db: Queryable, options: { limit?: number } = {}): Promise<AuditEntry[]> {
  const rows = await db.query<{ id: string | number; at: Date | string; actor: string; action: string; target: string | null; details: Record<string, unknown> }>(
    `SELECT id, at, actor, action, target, details FROM audit_log ORDER BY at DESC, id DESC LIMIT $1`,
    [Math.max(1, Math.min(options.limit ?? 50, 500))],
  );
  return rows.map((r) => ({ id: Number(r.id), at: new Date(r.at), actor: r.actor, action: r.action, ...(r.target ? { target: r.target } : {}), details: r.details ?? {} }));
}
