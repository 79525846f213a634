import { z } from 'zod';

/**
 * One administrative procedure (thủ tục hành chính), in our own structure. Shipped entries in knowledge/ and records
 * imported from the national portal both end up in this shape. Fields we could not establish stay empty: we never guess.
 */

const submissionModes = ['truc_tiep', 'truc_tuyen', 'buu_chinh'] as const;
const submissionModeSchema = z.enum(submissionModes);
export type SubmissionMode = z.infer<typeof submissionModeSchema>;

export const modeLabels: Record<SubmissionMode, string> = {
  truc_tiep: 'Trực tiếp',
  truc_tuyen: 'Trực tuyến',
  buu_chinh: 'Dịch vụ bưu chính',
};

const deadlineSchema = z.object({
  /** The deadline as the source states it, shown to citizens verbatim. */
  text: z.string().min(1),
  /** Working days when the source states them (ngày làm việc). */
  workingDays: z.number().nonnegative().optional(),
  /** Calendar days when the source states them (ngày, not làm việc). */
  days: z.number().nonnegative().optional(),
  /** Hours when the source states them (giờ / giờ làm việc). */
  hours: z.number().nonnegative().optional(),
  /** Months when the source states them (tháng). */
  months: z.number().nonnegative().optional(),
});
export type Deadline = z.infer<typeof deadlineSchema>;

const feeSchema = z.object({
  /** The fee as the source states it, shown to citizens verbatim. */
  text: z.string().min(1),
  /** true when the source says there is no fee (miễn phí / không thu / không có). */
  free: z.boolean().optional(),
  /** Amounts in VND found in the text, in order of appearance. */
  amountsVnd: z.array(z.number().nonnegative()).optional(),
  /** true when the source leaves the amount to the provincial People's Council (mức thu do HĐND tỉnh quyết định). */
  decidedLocally: z.boolean().optional(),
  /** Amounts in US dollars when the source states the fee in USD. */
  amountsUsd: z.array(z.number().nonnegative()).optional(),
});
export type Fee = z.infer<typeof feeSchema>;

const channelSchema = z.object({
  mode: submissionModeSchema,
  deadline: deadlineSchema.optional(),
  fee: feeSchema.optional(),
  /** Extra description of this mode from the source. */
  note: z.string().optional(),
});
export type Channel = z.infer<typeof channelSchema>;

const documentSchema = z.object({
  /** Name of the paper, as the source words it. */
  name: z.string().min(1),
  /** Number of copies (bản) in total. */
  copies: z.number().int().nonnegative().optional(),
  /** Of those, originals (bản chính) — set when the source counts originals and copies separately. */
  originals: z.number().int().nonnegative().optional(),
  /** Of those, copies (bản sao) — set when the source counts originals and copies separately. */
  duplicates: z.number().int().nonnegative().optional(),
  /** bản chính (original), bản sao (copy), bản sao chứng thực (certified copy), or as the source says. */
  form: z.enum(['ban_chinh', 'ban_sao', 'ban_sao_chung_thuc', 'ban_chinh_hoac_ban_sao', 'xuat_trinh']).optional(),
  /** The form's name or number (mẫu), e.g. "Mẫu CT01". */
  template: z.string().optional(),
  note: z.string().optional(),
  /** The case it applies to ("Trường hợp ủy quyền ..."); absent = applies to everyone. */
  case: z.string().optional(),
  /** The heading it is listed under when the source groups papers ("Chứng cứ chứng minh ... gồm:"). */
  group: z.string().optional(),
});
export type ProcedureDocument = z.infer<typeof documentSchema>;

const legalBasisSchema = z.object({
  /** Number/symbol of the legal document, e.g. "123/2015/NĐ-CP". */
  code: z.string().optional(),
  title: z.string().min(1),
});
export type LegalBasis = z.infer<typeof legalBasisSchema>;

const levelSchema = z.enum(['trung_uong', 'tinh', 'xa', 'khac']);
export type Level = z.infer<typeof levelSchema>;
export const levelLabels: Record<Level, string> = {
  trung_uong: 'Cấp Trung ương',
  tinh: 'Cấp tỉnh',
  xa: 'Cấp xã',
  khac: 'Cơ quan khác',
};

/** Online level of a procedure on the provincial portal (mức độ dịch vụ công trực tuyến), as the province lists it. */
const onlineLevels = ['toan_trinh', 'mot_phan', 'muc_2', 'muc_1'] as const;
export const onlineLevelSchema = z.enum(onlineLevels);
export type OnlineLevel = z.infer<typeof onlineLevelSchema>;
export const onlineLevelLabels: Record<OnlineLevel, string> = {
  toan_trinh: 'Toàn trình',
  mot_phan: 'Một phần',
  muc_2: 'Mức độ 2',
  muc_1: 'Mức độ 1',
};

/** The level a province page is published for: the list predates the 2025 reform, so district pages still exist. */
const provinceLevelSchema = z.enum(['tinh', 'huyen', 'xa']);
export type ProvinceLevel = z.infer<typeof provinceLevelSchema>;

/** One page of a procedure on the provincial portal (a national code may be published at several levels). */
const provincePageSchema = z.object({
  /** The province's code, e.g. "1.001193.000.00.00.H37" (national code + province suffix). */
  localCode: z.string().min(1),
  level: provinceLevelSchema.optional(),
  online: onlineLevelSchema,
  url: z.url().optional(),
});
export type ProvincePage = z.infer<typeof provincePageSchema>;

/** "Listed by the province": what the provincial list says about a procedure (no documents, deadlines or fees). */
const provinceMarkSchema = z.object({
  /** Who lists it, e.g. "Lạng Sơn". */
  province: z.string().min(2),
  /** The provincial decision that published it, e.g. "335/QĐ-UBND". */
  decision: z.string().optional(),
  /** The date of the list (YYYY-MM-DD) when known. */
  listedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  pages: z.array(provincePageSchema).min(1),
});
export type ProvinceMark = z.infer<typeof provinceMarkSchema>;

export const procedureSchema = z.object({
  /** National procedure code (mã TTHC) such as "1.001193"; local codes must set localCode: true. */
  code: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]{1,39}$/, 'a procedure code such as 1.001193'),
  localCode: z.boolean().optional(),
  name: z.string().min(3),
  /** Everyday names people use ("làm giấy khai sinh", "sổ đỏ"). */
  aliases: z.array(z.string().min(2)).default([]),
  /** Lĩnh vực, e.g. "Hộ tịch". */
  field: z.string().min(2),
  levels: z.array(levelSchema).default([]),
  /** Cơ quan thực hiện. */
  agency: z.string().optional(),
  /** Where to submit (địa chỉ tiếp nhận). */
  submitAt: z.string().optional(),
  /** Đối tượng thực hiện. */
  audience: z.string().optional(),
  channels: z.array(channelSchema).default([]),
  documents: z.array(documentSchema).default([]),
  steps: z.array(z.string().min(1)).default([]),
  conditions: z.array(z.string().min(1)).default([]),
  result: z.string().optional(),
  legalBasis: z.array(legalBasisSchema).default([]),
  /** The decision that published this procedure, e.g. "163/QĐ-BTP". */
  decision: z.string().optional(),
  sourceUrl: z.url().optional(),
  /** ISO date (YYYY-MM-DD) the facts were checked against the source. */
  updatedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').optional(),
  /**
   * Where the record came from. 'province': only the provincial list names it — no documents, deadlines or fees
   * (a "listed-only" procedure, answered with its name, field, online level and link).
   */
  origin: z.enum(['knowledge', 'dvc', 'province']).default('knowledge'),
  /** Set when the provincial list publishes this procedure ("listed by Lạng Sơn"), with its portal page(s). */
  province: provinceMarkSchema.optional(),
  /** Original texts kept when parsing was unsure (importer): shown as-is and searched. */
  raw: z
    .object({
      channels: z.string().optional(),
      documents: z.string().optional(),
      steps: z.string().optional(),
      conditions: z.string().optional(),
      legalBasis: z.string().optional(),
      result: z.string().optional(),
    })
    .optional(),
  /** Gentle corrections of outdated premises specific to this procedure (e.g. sổ hộ khẩu no longer issued). */
  notes: z.array(z.string()).default([]),
  /**
   * The centre's own note (local counter, local fee and its resolution, desk hours), attached when the record is
   * served (table centre_notes), never part of an imported or curated record: answers show it apart from the facts.
   */
  centreNote: z.object({ text: z.string().min(1), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).optional(),
});
export type Procedure = z.infer<typeof procedureSchema>;
export type ProcedureInput = z.input<typeof procedureSchema>;

