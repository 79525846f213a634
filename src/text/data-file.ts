import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Reading the language layer's data files (knowledge/language.yaml, knowledge/lexicon.yaml): YAML validated by a zod
 * schema; a bad file throws AppError('catalog:invalid') naming the source and the field that is wrong.
 */
export function parseDataFile<S extends z.ZodType>(schema: S, yamlText: string, source: string): z.infer<S> {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (cause) {
    throw new AppError('catalog:invalid', { message: `${source}: not valid YAML`, cause });
  }
  const res = schema.safeParse(doc);
  if (!res.success) {
    const i = res.error.issues[0]!;
    throw new AppError('catalog:invalid', { message: `${source}: ${i.path.join('.')}: ${i.message}` });
  }
  return res.data;
}

/** The text of a data file; a missing or unreadable one throws AppError('catalog:invalid') naming the path. */
export function readDataFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new AppError('catalog:invalid', { message: `${path}: cannot read`, cause });
  }
}
