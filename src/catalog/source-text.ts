/**
 * The text each catalog record was built from, for checks that must not trust our own parse: the national portal's
 * record as crawled (every field) and a curated procedure's own YAML in knowledge/. A fact in an answer, or a number
 * the importer read, is only grounded when it can be found here.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, visit } from 'yaml';
import { cleanText, listJsonFiles } from './import-dvc.js';
import { listYaml } from './knowledge.js';

/**
 * Every string field of a crawled record, cleaned as the importer cleans them (NFC, spaces), one field a line.
 * `raw_text` is left out: it is a copy of the other fields run together, and its joins can glue two numbers into one
 * the page never showed.
 */
export function dvcSourceText(record: unknown): string {
  if (!record || typeof record !== 'object') return '';
  return Object.entries(record as Record<string, unknown>)
    .filter(([k, v]) => k !== 'raw_text' && typeof v === 'string')
    .map(([, v]) => cleanText(v as string))
    .filter(Boolean)
    .join('\n');
}

/** The code of a crawled record, or undefined when it has none. */
function dvcCode(record: unknown): string | undefined {
  const code = (record as { ma_thu_tuc?: unknown } | null)?.ma_thu_tuc;
  return typeof code === 'string' && code.trim() ? code.trim() : undefined;
}

/** Each procedure's own YAML text in a knowledge file (`procedures: [...]` or one procedure), by code. */
export function knowledgeSourceTexts(yamlText: string): Map<string, string> {
  const out = new Map<string, string>();
  const doc = parseDocument(yamlText);
  const root = doc.contents;
  const list = isMap(root) && isSeq(root.get('procedures', true)) ? root.get('procedures', true) : undefined;
  const items = isSeq(list) ? list.items : [root];
  for (const item of items) {
    if (!isMap(item) || !item.range) continue;
    const code = item.get('code');
    if (typeof code !== 'string') continue;
    // A procedure may reuse another's block through a YAML alias (`channels: *id001`): the anchored text is part of
    // its source too, or every fact under the alias would read as invented.
    let text = yamlText.slice(item.range[0], item.range[2]);
    visit(item, {
      Alias(_key, alias) {
        const target = alias.resolve(doc);
        if (target?.range) text += `\n${yamlText.slice(target.range[0], target.range[2])}`;
      },
    });
    out.set(code, text);
  }
  return out;
}

export interface SourceTextOptions {
  /** Crawled portal records (*.json, recursively). */
  dvcDir?: string;
  /** Curated procedures (*.yaml, recursively). */
  knowledgeDir?: string;
}

/**
 * Source texts by procedure code. A code with both a curated and a portal record gets both texts (the served record
 * merges the two). Files that cannot be read are skipped here: the importers report them.
 */
export function readSourceTexts(options: SourceTextOptions): Map<string, string> {
  const out = new Map<string, string>();
  const add = (code: string, text: string) => out.set(code, out.has(code) ? `${out.get(code)}\n${text}` : text);
  if (options.knowledgeDir) {
    for (const path of listYaml(options.knowledgeDir)) {
      for (const [code, text] of knowledgeSourceTexts(readFileSync(path, 'utf8'))) add(code, text);
    }
  }
  if (options.dvcDir) {
    for (const path of listJsonFiles(options.dvcDir)) {
      let record: unknown;
      try {
        record = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        continue;
      }
      const code = dvcCode(record);
      if (code) add(code, dvcSourceText(record));
    }
  }
  return out;
}
