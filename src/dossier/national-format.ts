/**
 * The contract of `GET {CENTER_API_URL}/dossiers/{code}`: one record in the national portal's dossier sync format.
 * Unknown fields are ignored; dates are ISO 8601 or yyyyMMddHHmmss (Vietnam time when no offset is given).
 */
import { z } from 'zod';
import type { Dossier } from './provider.js';
import type { DossierStatus } from './status.js';

const VN_OFFSET = '+07:00';

/** Parses a centre date; undefined when it is neither ISO 8601 nor yyyyMMddHHmmss (or yyyyMMdd). */
export function parseCentreDate(raw: string): Date | undefined {
  const s = raw.trim();
  let iso: string | undefined;
  const compact = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/.exec(s);
  if (compact) {
    const [, y, mo, d, h = '00', mi = '00', se = '00'] = compact;
    iso = `${y}-${mo}-${d}T${h}:${mi}:${se}${VN_OFFSET}`;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    iso = `${s}T00:00:00${VN_OFFSET}`;
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(s)) {
    const withT = s.replace(' ', 'T');
    iso = /(Z|[+-]\d{2}:?\d{2})$/i.test(withT) ? withT : withT + VN_OFFSET;
  }
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  // Date.parse rolls 2026-02-31 over to March: reject days that do not exist.
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  const u = new Date(Date.UTC(y, m - 1, d));
  if (u.getUTCMonth() !== m - 1 || u.getUTCDate() !== d) return undefined;
  const date = new Date(t);
  return date;
}

const centreDate = z.string().transform((s, ctx) => {
  const d = parseCentreDate(s);
  if (!d) {
    ctx.addIssue({ code: 'custom', message: 'a date as ISO 8601 or yyyyMMddHHmmss' });
    return z.NEVER;
  }
  return d;
});
const optionalCentreDate = z.preprocess((v) => (v === '' || v === null ? undefined : v), centreDate.optional());
const statusCode = z
  .union([z.number(), z.string().regex(/^\s*\d{1,2}\s*$/).transform(Number)])
  .pipe(z.number().int().min(1).max(10));

export const nationalDossierSchema = z.object({
  MaHoSo: z.string().trim().min(1),
  MaTTHC: z.string().trim().min(1),
  TenTTHC: z.string().trim().min(1),
  ChuHoSo: z.string().trim(),
  NgayTiepNhan: centreDate,
  NgayHenTra: centreDate,
  TrangThaiHoSo: statusCode,
  NgayTra: optionalCentreDate,
  NgayKetThucXuLy: optionalCentreDate,
  DonViXuLy: z.preprocess((v) => (v === null || v === '' ? undefined : v), z.string().trim().optional()),
});
export type NationalDossier = z.input<typeof nationalDossierSchema>;

export function fromNational(r: z.output<typeof nationalDossierSchema>): Dossier {
  return {
    code: r.MaHoSo,
    procedureCode: r.MaTTHC,
    procedureName: r.TenTTHC,
    applicantName: r.ChuHoSo,
    receivedAt: r.NgayTiepNhan,
    dueAt: r.NgayHenTra,
    status: r.TrangThaiHoSo as DossierStatus,
    ...(r.NgayTra ? { returnedAt: r.NgayTra } : {}),
    ...(r.NgayKetThucXuLy ? { finishedAt: r.NgayKetThucXuLy } : {}),
    ...(r.DonViXuLy ? { unit: r.DonViXuLy } : {}),
  };
}

/** The wire form the simulator serves (ISO 8601 with the +07:00 offset). */
export function toNational(d: Dossier): Record<string, unknown> {
  const iso = (x: Date) => new Date(x.getTime() + 7 * 3600_000).toISOString().replace('Z', VN_OFFSET).replace('.000', '');
  return {
    MaHoSo: d.code,
    MaTTHC: d.procedureCode,
    TenTTHC: d.procedureName,
    ChuHoSo: d.applicantName,
    NgayTiepNhan: iso(d.receivedAt),
    NgayHenTra: iso(d.dueAt),
    TrangThaiHoSo: d.status,
    ...(d.returnedAt ? { NgayTra: iso(d.returnedAt) } : {}),
    ...(d.finishedAt ? { NgayKetThucXuLy: iso(d.finishedAt) } : {}),
    ...(d.unit ? { DonViXuLy: d.unit } : {}),
  };
}
