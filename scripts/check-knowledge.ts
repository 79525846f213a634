// Validates knowledge/procedures against the catalog schema and prints counts per field.
import { readKnowledgeProcedures } from '../src/catalog/knowledge.js';

const dir = process.argv[2] ?? 'knowledge/procedures';
const { procedures, problems } = readKnowledgeProcedures(dir);
for (const p of problems) console.error(`${p.file} [${p.record}] ${p.field}: ${p.message}`);
const byField = new Map<string, number>();
for (const p of procedures) byField.set(p.field, (byField.get(p.field) ?? 0) + 1);
console.log(JSON.stringify({ procedures: procedures.length, fields: byField.size, problems: problems.length, byField: Object.fromEntries(byField) }));
process.exit(problems.length ? 1 : 0);
