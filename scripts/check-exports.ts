/**
 * Lists the exports of src/ that no other file of src/ or scripts/ uses: values (functions, constants, classes) kept
 * alive only by tests (listed for review: many are seams a unit test reaches on purpose), or by nothing at all (an
 * error: delete them). Types are left out (an exported type documents a contract even when only its
 * own file uses it). A name counts as used when another non-test file mentions it as a word; that is generous (a
 * comment mentioning it counts), so what is listed is surely unused outside tests.
 *
 *   npx tsx scripts/check-exports.ts          prints "file: name (tests only|unused)" lines; exit 1 when one is unused
 *   npx tsx scripts/check-exports.ts --json   the same as JSON
 *   --root DIR                                another project (tests)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface UnusedExport {
  file: string;
  name: string;
  /** true when a test uses it (a test seam); false when nothing does. */
  usedByTests: boolean;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (/\.ts$/.test(entry) && !/\.d\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

const VALUE_EXPORT = /^export\s+(?:async\s+)?(?:function\*?|const|let|class|enum)\s+([A-Za-z_$][\w$]*)/gm;
const LIST_EXPORT = /^export\s*\{([^}]*)\}(?!\s*from)/gm;

/** The value names a file exports (declarations and `export { a, b as c }` without `from`). */
export function exportedValues(source: string): string[] {
  const names = [...source.matchAll(VALUE_EXPORT)].map((m) => m[1]!);
  for (const m of source.matchAll(LIST_EXPORT)) {
    for (const part of m[1]!.split(',')) {
      const spec = part.trim();
      if (!spec || spec.startsWith('type ')) continue;
      names.push(spec.split(/\s+as\s+/).pop()!.trim());
    }
  }
  return [...new Set(names)];
}

/** Exports of `root/src` used by no other file under `root/src` or `root/scripts`. */
export function findUnusedExports(root: string): UnusedExport[] {
  const srcFiles = listTs(join(root, 'src'));
  const read = (path: string) => ({ path, text: readFileSync(path, 'utf8') });
  const users = [...srcFiles, ...listTs(join(root, 'scripts'))].map(read);
  const tests = listTs(join(root, 'test')).map(read);
  const out: UnusedExport[] = [];
  for (const path of srcFiles) {
    const own = users.find((u) => u.path === path)!;
    for (const name of exportedValues(own.text)) {
      const word = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`);
      if (!users.some((u) => u.path !== path && word.test(u.text))) {
        out.push({ file: relative(root, path), name, usedByTests: tests.some((t) => word.test(t.text)) });
      }
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--root');
  const root = at > 0 && process.argv[at + 1] ? process.argv[at + 1]! : fileURLToPath(new URL('..', import.meta.url));
  const unused = findUnusedExports(root);
  if (process.argv.includes('--json')) console.log(JSON.stringify(unused, null, 2));
  else for (const u of unused) console.log(`${u.file}: ${u.name} (${u.usedByTests ? 'tests only' : 'unused'})`);
  process.exitCode = unused.some((u) => !u.usedByTests) ? 1 : 0;
}
