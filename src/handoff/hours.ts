/**
 * When officers are at the centre: its opening hours (knowledge/centre.yaml, `centre.hours.value`) minus the public
 * holidays of the working calendar (knowledge/holidays.yaml). A make-up working day (ngày làm bù) on a weekend keeps
 * Monday's hours. All times are Vietnam time (UTC+7, no daylight saving).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { defaultCentrePath } from '../catalog/centre.js';
import { vnDay, type WorkingCalendar } from '../dossier/calendar.js';

const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

/** Minutes after midnight. */
export interface Slot {
  from: number;
  to: number;
}
/** Index 0 = Sunday … 6 = Saturday. */
export type WeekHours = Slot[][];

/** `from` is missing only when no opening hours fall in the next 60 days (a misconfigured file). */
export type Availability = { now: true } | { now: false; from?: Date };

export interface CentreHours {
  /** Whether officers work at `at`, else when they next start. */
  availability(at: Date): Availability;
}

const dayNames: Record<string, number> = {
  'chủ nhật': 0,
  'thứ hai': 1,
  'thứ ba': 2,
  'thứ tư': 3,
  'thứ năm': 4,
  'thứ sáu': 5,
  'thứ bảy': 6,
};
const weekdayLabel = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'] as const;

const time = z.string().regex(/^\d{2}:\d{2}$/, 'a time as "HH:MM"');
const hoursSchema = z.array(z.object({ days: z.string().min(1), from: time, to: time })).min(1);
const fileSchema = z.object({ centre: z.object({ hours: z.object({ value: hoursSchema }).loose() }).loose() });

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

function dayOf(name: string, source: string): number {
  const d = dayNames[name.trim().toLocaleLowerCase('vi').replace(/\s+/g, ' ')];
  if (d === undefined) throw new AppError('catalog:invalid', { message: `${source}: centre.hours: unknown day "${name}" (expected e.g. "Thứ Hai")` });
  return d;
}

/** "Thứ Hai - Thứ Bảy" or "Thứ Hai, Thứ Tư" or "Chủ nhật" → day indexes. */
function parseDays(text: string, source = 'centre.hours'): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [a, b] = part.split(/\s+-\s+|–/).map((s) => s.trim());
    if (!a) continue;
    const start = dayOf(a, source);
    if (!b) {
      out.add(start);
      continue;
    }
    const end = dayOf(b, source);
    for (let d = start; ; d = (d + 1) % 7) {
      out.add(d);
      if (d === end) break;
    }
  }
  return [...out];
}

function weekHoursOf(rows: z.infer<typeof hoursSchema>, source = 'centre.hours'): WeekHours {
  const week: WeekHours = [[], [], [], [], [], [], []];
  for (const r of rows) {
    const slot = { from: minutes(r.from), to: minutes(r.to) };
    if (slot.to <= slot.from) throw new AppError('catalog:invalid', { message: `${source}: centre.hours: "${r.from}" is not before "${r.to}"` });
    for (const d of parseDays(r.days, source)) week[d]!.push(slot);
  }
  for (const day of week) day.sort((a, b) => a.from - b.from);
  return week;
}

/** Reads the centre's hours; throws catalog:invalid naming the file and what is wrong. */
export function loadWeekHours(path = defaultCentrePath): WeekHours {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new AppError('catalog:invalid', { message: `cannot read ${path}`, cause });
  }
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new AppError('catalog:invalid', { message: `${path}: ${i?.path.join('.') || '(file)'}: ${i?.message}` });
  }
  return weekHoursOf(parsed.data.centre.hours.value, path);
}

export function createCentreHours(week: WeekHours, calendar: WorkingCalendar): CentreHours {
  function slotsOn(day: string): Slot[] {
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (calendar.holidayName(day) && !calendar.isWorkingDay(day)) return [];
    const own = week[dow]!;
    // A weekend day listed as a make-up working day works like a Monday.
    if (!own.length && (dow === 0 || dow === 6) && calendar.isWorkingDay(day)) return week[1]!;
    return own;
  }
  return {
    availability(at) {
      const today = vnDay(at);
      const midnight = Date.parse(`${today}T00:00:00Z`) - VN_OFFSET_MS;
      const nowMin = (at.getTime() - midnight) / 60_000;
      for (const s of slotsOn(today)) if (nowMin >= s.from && nowMin < s.to) return { now: true };
      for (let k = 0; k < 60; k++) {
        const dayStart = midnight + k * DAY_MS;
        const day = vnDay(new Date(dayStart + 12 * 3600_000));
        const next = slotsOn(day).find((s) => k > 0 || s.from > nowMin);
        if (next) return { now: false, from: new Date(dayStart + next.from * 60_000) };
      }
      return { now: false };
    },
  };
}

/** "07h30 thứ Hai, 07/12/2026" in Vietnam time. */
export function formatStart(at: Date): string {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  const [y, m, d] = local.toISOString().slice(0, 10).split('-');
  return `${hh}h${mm} ${weekdayLabel[local.getUTCDay()]}, ${d}/${m}/${y}`;
}
