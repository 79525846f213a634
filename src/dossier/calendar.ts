/**
 * Working-day arithmetic for due dates: Saturdays, Sundays and the public holidays in knowledge/holidays.yaml are not
 * working days. All dates are calendar days in Vietnam time (UTC+7, no daylight saving).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../errors.js';

const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

const defaultHolidaysPath = fileURLToPath(new URL('../../knowledge/holidays.yaml', import.meta.url));

const dayString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as "YYYY-MM-DD"');
const holidaysFileSchema = z.object({
  years: z.array(z.number().int().min(2000).max(2100)).min(1),
  holidays: z.array(
    z.object({ date: dayString, name: z.string().min(1), uncertain: z.boolean().optional() }),
  ),
  workdays: z.array(z.object({ date: dayString, name: z.string().optional() }).or(dayString)).default([]),
});
export type HolidaysFile = z.infer<typeof holidaysFileSchema>;

/** The Vietnam calendar day of an instant, as "YYYY-MM-DD". */
export function vnDay(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** "dd/MM/yyyy" in Vietnam time. */
export function formatVnDate(at: Date): string {
  const [y, m, d] = vnDay(at).split('-');
  return `${d}/${m}/${y}`;
}

function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}
function dayFromNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export interface WorkingCalendar {
  /** false on weekends and listed holidays, true on listed make-up working days. */
  isWorkingDay(day: string): boolean;
  holidayName(day: string): string | undefined;
  /** Whether holidays of this year are in the calendar (outside it only weekends count). */
  covers(year: number): boolean;
  /**
   * Working days strictly after `from`'s day up to and including `to`'s day (Vietnam days); negative when `to` is
   * before `from`. 0 when both are the same day.
   */
  workingDaysBetween(from: Date, to: Date): number;
  /** The Vietnam day (as midnight UTC+7) `n` working days after `from`'s day (n ≥ 0; n = 0 gives from's day). */
  addWorkingDays(from: Date, n: number): Date;
}

export function createWorkingCalendar(data: HolidaysFile): WorkingCalendar {
  const holidays = new Map(data.holidays.map((h) => [h.date, h.name]));
  const workdays = new Set(data.workdays.map((w) => (typeof w === 'string' ? w : w.date)));
  const years = new Set(data.years);
  const isWorkingDay = (day: string) => {
    if (workdays.has(day)) return true;
    if (holidays.has(day)) return false;
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  };
  return {
    isWorkingDay,
    holidayName: (day) => holidays.get(day),
    covers: (year) => years.has(year),
    workingDaysBetween(from, to) {
      const a = dayNumber(vnDay(from));
      const b = dayNumber(vnDay(to));
      const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
      let n = 0;
      for (let d = lo + 1; d <= hi; d++) if (isWorkingDay(dayFromNumber(d))) n++;
      return n * sign;
    },
    addWorkingDays(from, n) {
      let d = dayNumber(vnDay(from));
      let left = Math.max(0, Math.floor(n));
      while (left > 0) {
        d++;
        if (isWorkingDay(dayFromNumber(d))) left--;
      }
      return new Date(d * DAY_MS - VN_OFFSET_MS);
    },
  };
}

/** Reads and validates the holiday file; throws catalog:invalid naming the path and the field that is wrong. */
export function loadWorkingCalendar(path = defaultHolidaysPath): WorkingCalendar {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new AppError('catalog:invalid', { message: `${path}: cannot read holiday calendar`, cause });
  }
  const parsed = holidaysFileSchema.safeParse(doc);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new AppError('catalog:invalid', { message: `${path}: ${i?.path.join('.') || '(file)'}: ${i?.message}` });
  }
  return createWorkingCalendar(parsed.data);
}
