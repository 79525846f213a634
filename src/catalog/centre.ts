import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { CentreInfo } from '../core/types.js';

export const defaultCentrePath = fileURLToPath(new URL('../../knowledge/centre.yaml', import.meta.url));

const valueSchema = z.object({ value: z.unknown(), text: z.string().optional(), placeholder: z.boolean().optional() }).loose();
const centreFileSchema = z.object({
  centre: z
    .object({
      name: valueSchema,
      address: valueSchema.optional(),
      hours: valueSchema.optional(),
      hotline: valueSchema.optional(),
      website: valueSchema.optional(),
      provincePortal: valueSchema.optional(),
      dossierLookup: valueSchema.optional(),
    })
    .loose(),
});

/**
 * Reads knowledge/centre.yaml. Placeholder values (not confirmed publicly) are left out, never shown as facts; so are
 * the portal pages while they are marked `needsConfirmation` (a link citizens are sent to must be known to work).
 */
export function loadCentreInfo(path = defaultCentrePath): CentreInfo {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new AppError('catalog:invalid', { message: `cannot read ${path}`, cause });
  }
  const parsed = centreFileSchema.safeParse(doc);
  if (!parsed.success) {
    throw new AppError('catalog:invalid', {
      message: `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    });
  }
  const c = parsed.data.centre;
  const pick = (v: z.infer<typeof valueSchema> | undefined): string | undefined => {
    if (!v || v.placeholder) return undefined;
    if (typeof v.text === 'string' && v.text) return v.text;
    return typeof v.value === 'string' && v.value ? v.value : undefined;
  };
  const confirmed = (v: z.infer<typeof valueSchema> | undefined) => (v && v.needsConfirmation === true ? undefined : pick(v));
  return {
    name: pick(c.name) ?? 'Trung tâm Phục vụ hành chính công',
    address: pick(c.address),
    hours: pick(c.hours),
    hotline: pick(c.hotline),
    website: pick(c.website),
    provincePortal: confirmed(c.provincePortal),
    dossierLookup: confirmed(c.dossierLookup),
  };
}
