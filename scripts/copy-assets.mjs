// Part of `npm run build`: copies what tsc does not emit (migrations, the web chat's and the inbox's static files, the
// PGlite init script) from src/ to the output folder, at the same relative paths, so that compiled modules find them
// next to themselves exactly as the TypeScript sources do. Usage: node scripts/copy-assets.mjs [outDir]
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const out = process.argv[2] ?? 'dist';
let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (!/\.ts$/.test(name)) {
      cpSync(path, join(out, relative('src', path)));
      copied++;
    }
  }
}
walk('src');
console.log(`copied ${copied} asset files to ${out}/`);
