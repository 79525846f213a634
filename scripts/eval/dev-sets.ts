/**
 * The development question files in ../shared/eval, read at run time (nothing is copied into the repository):
 * dev_questions*.jsonl are answered by a procedure in the catalog, dev_unmatched*.jsonl by none.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadQuestions, type EvalQuestion } from './retrieval.js';

export interface DevSet {
  /** File name, e.g. dev_questions_2.jsonl. */
  file: string;
  /** true for dev_unmatched* files: no procedure answers these questions. */
  outOfCatalog: boolean;
  questions: EvalQuestion[];
}

export function isOutOfCatalogFile(file: string): boolean {
  return /unmatched/i.test(basename(file));
}

/** Every *.jsonl of a directory, in-catalog files first, each group in name order. */
export function devFilesIn(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  return [...files.filter((f) => !isOutOfCatalogFile(f)), ...files.filter(isOutOfCatalogFile)].map((f) => join(dir, f));
}

export function loadDevSets(paths: string[]): DevSet[] {
  return paths.map((p) => ({ file: basename(p), outOfCatalog: isOutOfCatalogFile(p), questions: loadQuestions(p) }));
}
