/**
 * Handoffs for the managers' report: how many conversations went to an officer per day (Vietnam days) and how long
 * citizens waited for the first officer reply (median, in seconds), overall and by the procedure the conversation was
 * about when one was known. Reads only counts and times from `handoffs`: no text, no chat.
 */
import type { Queryable } from '../db/db.js';
import { vnDay } from '../dossier/calendar.js';

export interface HandoffGroupStats {
  opened: number;
  /** Handoffs an officer replied to. */
  answered: number;
  /** Median seconds from opening to the first officer reply, over those answered; null when none was. */
  median_first_reply_seconds: number | null;
}

export interface HandoffStats extends HandoffGroupStats {
  daily: (HandoffGroupStats & { day: string })[];
  by_procedure: (HandoffGroupStats & { code: string; name: string })[];
}

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function group(rows: { wait?: number }[]): HandoffGroupStats {
  const waits = rows.flatMap((r) => (r.wait === undefined ? [] : [r.wait]));
  const m = median(waits);
  return { opened: rows.length, answered: waits.length, median_first_reply_seconds: m === null ? null : Math.round(m) };
}

/** Handoffs opened in [since, until). `nameOf` names procedures (their code when it cannot). */
export async function handoffStats(db: Queryable, since: Date, until: Date, nameOf: (codes: string[]) => Promise<Map<string, string>>): Promise<HandoffStats> {
  const rows = (
    await db.query<{ procedure_code: string | null; opened_at: Date | string; first_reply_at: Date | string | null }>(
      `SELECT procedure_code, opened_at, first_reply_at FROM handoffs WHERE opened_at >= $1 AND opened_at < $2 ORDER BY opened_at`,
      [since.toISOString(), until.toISOString()],
    )
  ).map((r) => {
    const opened = new Date(r.opened_at);
    return {
      code: r.procedure_code ?? undefined,
      day: vnDay(opened),
      ...(r.first_reply_at ? { wait: Math.max(0, (new Date(r.first_reply_at).getTime() - opened.getTime()) / 1000) } : {}),
    };
  });
  const by = <K extends string>(key: (r: (typeof rows)[number]) => K | undefined) => {
    const m = new Map<K, typeof rows>();
    for (const r of rows) {
      const k = key(r);
      if (k !== undefined) m.set(k, [...(m.get(k) ?? []), r]);
    }
    return m;
  };
  const days = by((r) => r.day);
  const procs = by((r) => r.code);
  const names = await nameOf([...procs.keys()]);
  return {
    ...group(rows),
    daily: [...days].map(([day, rs]) => ({ day, ...group(rs) })),
    by_procedure: [...procs]
      .map(([code, rs]) => ({ code, name: names.get(code) ?? code, ...group(rs) }))
      .sort((a, b) => b.opened - a.opened || a.code.localeCompare(b.code)),
  };
}
