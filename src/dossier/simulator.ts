/**
 * The built-in centre: demo dossiers in every state, so motcua works (and can be tried) without the province's API.
 * Dates are set relative to when the simulator starts, so "on time" and "overdue" stay true whenever it runs.
 * One dossier (…-0099) moves 2 → 4 → 9 → 10 as time passes, to try notifications.
 */
import { vnDay, type WorkingCalendar } from './calendar.js';
import type { Dossier, DossierProvider, DossierProviderState } from './provider.js';
import type { DossierStatus } from './status.js';

export interface SimulatorOptions {
  calendar: WorkingCalendar;
  now?: () => number;
  /** How long the moving dossier stays in each state. Default 2 minutes. */
  movingStepMs?: number;
}

export interface SimulatorProvider extends DossierProvider {
  /** The demo dossiers as they are now (for docs and `center-sim`). */
  list(): Dossier[];
  /** Changes a dossier's status (demos and tests); false when the code is unknown. */
  setStatus(code: string, status: DossierStatus): boolean;
}

interface Seed {
  seq: string;
  status: DossierStatus;
  procedureCode: string;
  procedureName: string;
  applicant: string;
  unit: string;
  /** Received this many working days before start. */
  receivedAgo: number;
  /** Processing time in working days (due = received + this). */
  processing: number;
  /** Finished this many working days after receipt (completed statuses). */
  finishedAfter?: number;
  returnedAfter?: number;
}

export const SIM_CODE_PREFIX = 'H37.30-20261116-';
export const SIM_MOVING_CODE = `${SIM_CODE_PREFIX}0099`;

const KHAI_SINH = { procedureCode: '1.001193', procedureName: 'Đăng ký khai sinh' };
const KET_HON = { procedureCode: '1.000894', procedureName: 'Đăng ký kết hôn' };
const KHAI_TU = { procedureCode: '1.000656', procedureName: 'Đăng ký khai tử' };
const CHUNG_THUC = { procedureCode: '2.000815', procedureName: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản' };
const UNIT = 'UBND phường Lương Văn Tri';

const seeds: Seed[] = [
  { seq: '0001', status: 1, ...KHAI_SINH, applicant: 'Hoàng Thị Mai', unit: UNIT, receivedAgo: 0, processing: 3 },
  { seq: '0002', status: 2, ...KET_HON, applicant: 'Nguyễn Văn An', unit: UNIT, receivedAgo: 1, processing: 5 },
  { seq: '0003', status: 3, ...KHAI_SINH, applicant: 'Lăng Văn Hùng', unit: UNIT, receivedAgo: 2, processing: 3 },
  { seq: '0004', status: 4, ...KHAI_TU, applicant: 'Vi Thị Lan', unit: UNIT, receivedAgo: 2, processing: 5 },
  { seq: '0005', status: 4, ...KET_HON, applicant: 'Chu Văn Bình', unit: UNIT, receivedAgo: 9, processing: 5 },
  { seq: '0006', status: 5, ...KHAI_SINH, applicant: 'Hà Thị Thu', unit: UNIT, receivedAgo: 2, processing: 3 },
  { seq: '0007', status: 6, ...CHUNG_THUC, applicant: 'Lý Văn Đức', unit: UNIT, receivedAgo: 1, processing: 2 },
  { seq: '0008', status: 7, ...KET_HON, applicant: 'Đinh Thị Hoa', unit: UNIT, receivedAgo: 4, processing: 5 },
  { seq: '0009', status: 8, ...KHAI_TU, applicant: 'Nông Văn Sơn', unit: UNIT, receivedAgo: 6, processing: 5 },
  { seq: '0010', status: 9, ...KHAI_SINH, applicant: 'Triệu Thị Ngọc', unit: UNIT, receivedAgo: 4, processing: 3, finishedAfter: 2 },
  { seq: '0011', status: 10, ...KET_HON, applicant: 'Hoàng Văn Long', unit: UNIT, receivedAgo: 10, processing: 5, finishedAfter: 6, returnedAfter: 7 },
  { seq: '0099', status: 2, ...KHAI_SINH, applicant: 'Vy Thị Hạnh', unit: UNIT, receivedAgo: 0, processing: 3 },
];

const MOVING_STEPS: DossierStatus[] = [2, 4, 9, 10];

export function createSimulatorProvider(options: SimulatorOptions): SimulatorProvider {
  const now = options.now ?? Date.now;
  const stepMs = options.movingStepMs ?? 120_000;
  const cal = options.calendar;
  const start = now();
  // Receipt at 08:30 Vietnam time on a working day; due at 17:00 of the due day.
  const at = (dayStart: Date, hh: number, mm: number) => new Date(dayStart.getTime() + (hh * 60 + mm) * 60_000);
  // The Vietnam midnight `n` working days before today's (or, on a day off, the last) working day.
  const workingDayBack = (n: number) => {
    let d = cal.addWorkingDays(new Date(start), 0);
    const back = () => (d = new Date(d.getTime() - 86_400_000));
    while (!cal.isWorkingDay(vnDay(d))) back();
    for (let left = n; left > 0; ) {
      back();
      if (cal.isWorkingDay(vnDay(d))) left--;
    }
    return d;
  };
  const dossiers = new Map<string, Dossier>();
  for (const s of seeds) {
    const receivedDay = workingDayBack(s.receivedAgo);
    const d: Dossier = {
      code: SIM_CODE_PREFIX + s.seq,
      procedureCode: s.procedureCode,
      procedureName: s.procedureName,
      applicantName: s.applicant,
      // Never in the future, even when the simulator starts before office hours.
      receivedAt: new Date(Math.min(at(receivedDay, 8, 30).getTime(), Math.floor(start / 60_000) * 60_000 - 60_000)),
      dueAt: at(cal.addWorkingDays(receivedDay, s.processing), 17, 0),
      status: s.status,
      unit: s.unit,
    };
    if (s.finishedAfter !== undefined) d.finishedAt = at(cal.addWorkingDays(receivedDay, s.finishedAfter), 15, 0);
    if (s.returnedAfter !== undefined) d.returnedAt = at(cal.addWorkingDays(receivedDay, s.returnedAfter), 9, 0);
    dossiers.set(d.code, d);
  }
  const overridden = new Set<string>();

  const current = (code: string): Dossier | undefined => {
    const d = dossiers.get(code);
    if (!d) return undefined;
    if (code !== SIM_MOVING_CODE || overridden.has(code)) return { ...d };
    const step = Math.min(MOVING_STEPS.length - 1, Math.max(0, Math.floor((now() - start) / stepMs)));
    const status = MOVING_STEPS[step] ?? 2;
    const t = new Date(now());
    return {
      ...d,
      status,
      ...(status >= 9 ? { finishedAt: t } : {}),
      ...(status === 10 ? { returnedAt: t } : {}),
    };
  };

  return {
    mode: 'simulator',
    async getDossier(code) {
      return current(code) ?? null;
    },
    state(): DossierProviderState {
      return { mode: 'simulator', circuit: 'closed', consecutiveFailures: 0 };
    },
    list() {
      return [...dossiers.keys()].map((c) => current(c) as Dossier);
    },
    setStatus(code, status) {
      const d = dossiers.get(code);
      if (!d) return false;
      overridden.add(code);
      dossiers.set(code, { ...d, status });
      return true;
    },
  };
}
