import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWorkingCalendar, loadWorkingCalendar, vnDay, formatVnDate } from '../../src/dossier/calendar.js';
import { AppError } from '../../src/errors.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const cal = loadWorkingCalendar();
const vn = (s: string) => new Date(`${s}+07:00`);

describe('working calendar from knowledge/holidays.yaml', () => {
  it('covers 2026 and 2027', () => {
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2027)).toBe(true);
  });

  it('treats Tết Bính Ngọ 2026 (16-20 Feb) and weekends as days off', () => {
    for (const d of ['2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-20', '2026-02-21', '2026-02-22']) {
      expect(cal.isWorkingDay(d), d).toBe(false);
    }
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
    expect(cal.isWorkingDay('2026-02-23')).toBe(true);
    expect(cal.holidayName('2026-02-17')).toMatch(/Tết Nguyên đán/);
  });

  it('counts the day after Friday 13 Feb 2026 as Monday 23 Feb (one working day across Tết)', () => {
    const next = cal.addWorkingDays(vn('2026-02-13T10:00:00'), 1);
    expect(vnDay(next)).toBe('2026-02-23');
    expect(cal.workingDaysBetween(vn('2026-02-13T10:00:00'), vn('2026-02-23T09:00:00'))).toBe(1);
  });

  it('counts a 5-working-day deadline received on Wed 11 Feb 2026 to Wed 25 Feb (12, 13, 23, 24, 25)', () => {
    expect(vnDay(cal.addWorkingDays(vn('2026-02-11T08:30:00'), 5))).toBe('2026-02-25');
  });

  it('skips weekends and 30/4-1/5 2026', () => {
    // Wed 29 Apr + 2 working days: Thu 30/4, Fri 1/5 are holidays, Sat/Sun weekend → Mon 4/5, Tue 5/5.
    expect(vnDay(cal.addWorkingDays(vn('2026-04-29T09:00:00'), 2))).toBe('2026-05-05');
    expect(cal.workingDaysBetween(vn('2026-11-20T17:00:00'), vn('2026-11-23T08:00:00'))).toBe(1);
  });

  it('is negative when the end is before the start and 0 on the same day', () => {
    expect(cal.workingDaysBetween(vn('2026-11-25T08:00:00'), vn('2026-11-25T17:00:00'))).toBe(0);
    expect(cal.workingDaysBetween(vn('2026-11-25T08:00:00'), vn('2026-11-23T17:00:00'))).toBe(-2);
  });

  it('uses Vietnam days, not UTC days', () => {
    // 23:30 UTC on Friday is already Saturday 06:30 in Vietnam.
    expect(vnDay(new Date('2026-11-20T23:30:00Z'))).toBe('2026-11-21');
    expect(formatVnDate(new Date('2026-11-20T23:30:00Z'))).toBe('21/11/2026');
  });

  it('addWorkingDays and workingDaysBetween agree (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 0, max: 40 }),
        (offsetDays, n) => {
          const from = new Date(Date.parse('2026-01-01T09:00:00+07:00') + offsetDays * 86_400_000);
          const to = cal.addWorkingDays(from, n);
          expect(cal.workingDaysBetween(from, to)).toBe(n);
          if (n > 0) expect(cal.isWorkingDay(vnDay(to))).toBe(true);
        },
      ),
    );
  });

  it('honours declared make-up working days', () => {
    const c = createWorkingCalendar({ years: [2030], holidays: [], workdays: ['2030-01-05'] });
    expect(c.isWorkingDay('2030-01-05')).toBe(true);
    expect(c.isWorkingDay('2030-01-06')).toBe(false);
  });

  it('names the file and field of a bad holiday file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hol-'));
    const path = join(dir, 'holidays.yaml');
    writeFileSync(path, 'years: [2026]\nholidays:\n  - { date: "1/1/2026", name: "x" }\n');
    try {
      loadWorkingCalendar(path);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).message).toContain(path);
      expect((e as AppError).message).toContain('holidays.0.date');
    }
  });
});
