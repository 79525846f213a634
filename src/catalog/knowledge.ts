import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { procedureSchema, type Procedure } from './schema.js';

export interface KnowledgeProblem {
  file: string;
  record: string;
  field: string;
  message: string;
}

/** Lists *.yaml and *.yml files under dir, recursively, sorted. */
export function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listYaml(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/**
 * Reads every procedure file under `dir` (YAML; a file holds `procedures: [...]` or one procedure).
 * Returns valid procedures and a list of problems naming the file, the record (code or index) and the field.
 * Duplicate codes across files are reported as problems.
 */
export function readKnowledgeProcedures(dir: string): { procedures: Procedure[]; problems: KnowledgeProblem[] } {
  const procedures: Procedure[] = [];
  const problems: KnowledgeProblem[] = [];
  const seen = new Map<string, string>();
  for (const path of listYaml(dir)) {
    const file = relative(process.cwd(), path);
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(path, 'utf8'));
    } catch (e) {
      problems.push({ file, record: '-', field: '-', message: `YAML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const items: unknown[] =
      doc && typeof doc === 'object' && Array.isArray((doc as { procedures?: unknown }).procedures)
        ? (doc as { procedures: unknown[] }).procedures
        : [doc];
    items.forEach((item, i) => {
      const code = (item as { code?: unknown })?.code;
      const record = typeof code === 'string' ? code : `#${i + 1}`;
      const parsed = procedureSchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push({ file, record, field: issue.path.join('.') || '(record)', message: issue.message });
        }
        return;
      }
      const prev = seen.get(parsed.data.code);
      if (prev) {
        problems.push({ file, record, field: 'code', message: `duplicate code, already defined in ${prev}` });
        return;
      }
      seen.set(parsed.data.code, file);
      procedures.push({ ...parsed.data, origin: 'knowledge' });
    });
  }
  return { procedures, problems };
}
