// Flags implausible values in the importer's reading of crawled portal records: copy counts over 20, deadlines
// without a unit (reported, allowed) and fee amounts written nowhere in the record.
// Usage: npx tsx scripts/check-catalog.ts [dir] [--json] [--examples N]   (dir defaults to ../shared/dvc-catalog)
// Exits 1 when a record cannot be read or a count over 20 or a fee absent from the source is found.
import { resolve } from 'node:path';
import { checkDvcDirectory, implausibleKinds, type ImplausibleKind, type ImplausibleValue } from '../src/catalog/check-dvc.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const at = args.indexOf('--examples');
const examples = at >= 0 ? Number(args[at + 1]) : 5;
const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--examples') ?? resolve(process.cwd(), '../shared/dvc-catalog');
const allowed: ImplausibleKind[] = ['deadline_without_unit'];

const check = checkDvcDirectory(dir);
type KindReport = { values: number; records: number; examples: ImplausibleValue[] };
const byKind = {} as Record<ImplausibleKind, KindReport>;
for (const kind of implausibleKinds) {
  const found = check.findings.filter((f) => f.kind === kind);
  byKind[kind] = { values: found.length, records: new Set(found.map((f) => f.code)).size, examples: found.slice(0, examples) };
}
const failed = check.errors.length > 0 || implausibleKinds.some((k) => !allowed.includes(k) && byKind[k].values > 0);

if (json) {
  console.log(JSON.stringify({ dir, records: check.records, errors: check.errors, byKind }, null, 2));
} else {
  console.log(`${check.records} records read from ${dir}, ${check.errors.length} unreadable`);
  for (const e of check.errors) console.log(`  ${e.file}: ${e.message}`);
  for (const kind of implausibleKinds) {
    const k = byKind[kind];
    console.log(`${kind}: ${k.values} values in ${k.records} records${allowed.includes(kind) ? ' (allowed)' : ''}`);
    for (const x of k.examples) console.log(`  ${x.code}  ${x.value.length > 140 ? `${x.value.slice(0, 140)}…` : x.value}`);
  }
}
process.exit(failed ? 1 : 0);
