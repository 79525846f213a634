import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseDataFile, readDataFile } from './data-file.js';
import { sameSyllable } from './language.js';
import { syllables, type Syllable } from './normalize.js';

/**
 * The lexicon maps everyday, abbreviated and outdated words to the catalog's language (knowledge/lexicon.yaml).
 * Terms are matched by syllables: folded always, and accented too when the user typed accents on them.
 */

const lexiconEntrySchema = z.object({
  terms: z.array(z.string().min(1)).min(1),
  means: z.array(z.string().min(1)).min(1),
  note: z.string().min(1).optional(),
});
const lexiconFileSchema = z.object({ entries: z.array(lexiconEntrySchema) });
export type LexiconEntry = z.infer<typeof lexiconEntrySchema>;

export interface CompiledTerm {
  text: string;
  syllables: Syllable[];
  entry: number;
}

export interface Lexicon {
  entries: LexiconEntry[];
  /** Terms indexed by their first folded syllable, longest first. */
  byFirst: Map<string, CompiledTerm[]>;
}

const defaultLexiconPath = fileURLToPath(new URL('../../knowledge/lexicon.yaml', import.meta.url));

/** Builds the lookup structure from validated entries. */
function compileLexicon(entries: LexiconEntry[]): Lexicon {
  const byFirst = new Map<string, CompiledTerm[]>();
  entries.forEach((entry, i) => {
    for (const text of entry.terms) {
      const sy = syllables(text);
      if (!sy.length) continue;
      const key = sy[0]!.folded;
      const list = byFirst.get(key) ?? [];
      list.push({ text, syllables: sy, entry: i });
      byFirst.set(key, list);
    }
  });
  for (const list of byFirst.values()) list.sort((a, b) => b.syllables.length - a.syllables.length);
  return { entries, byFirst };
}

/** Parses lexicon YAML text; throws AppError('catalog:invalid') naming the source and the bad field. */
export function parseLexicon(yamlText: string, source = 'lexicon'): Lexicon {
  const data = parseDataFile(lexiconFileSchema, yamlText, source);
  return compileLexicon(data.entries);
}

/** Reads and validates a lexicon file (knowledge/lexicon.yaml by default). */
export function loadLexicon(path = defaultLexiconPath): Lexicon {
  return parseLexicon(readDataFile(path), path);
}

let cached: Lexicon | undefined;
/** The shipped lexicon, read once on first use. */
export function defaultLexicon(): Lexicon {
  cached ??= loadLexicon();
  return cached;
}

export const emptyLexicon: Lexicon = { entries: [], byFirst: new Map() };

export interface LexiconMatch {
  entry: number;
  term: string;
  start: number;
  end: number;
}

/** Finds lexicon terms in a syllable sequence, longest match first, non-overlapping, left to right. */
export function matchLexicon(lexicon: Lexicon, sy: readonly Syllable[], accented: boolean): LexiconMatch[] {
  const out: LexiconMatch[] = [];
  let i = 0;
  while (i < sy.length) {
    const cands = lexicon.byFirst.get(sy[i]!.folded);
    let hit: LexiconMatch | undefined;
    if (cands) {
      for (const c of cands) {
        const n = c.syllables.length;
        if (i + n > sy.length) continue;
        let ok = true;
        for (let k = 0; k < n && ok; k++) ok = sameSyllable(sy[i + k]!, c.syllables[k]!, accented);
        if (ok) {
          hit = { entry: c.entry, term: c.text, start: i, end: i + n };
          break;
        }
      }
    }
    if (hit) {
      out.push(hit);
      i = hit.end;
    } else i++;
  }
  return out;
}
