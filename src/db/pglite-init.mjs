// Creates an embedded PostgreSQL data directory and exits: `node src/db/pglite-init.mjs <dir>`.
// Run by createPgliteDb (src/db/pglite.ts) in a short-lived child process on first start, because PGlite's initdb runs
// a second PostgreSQL instance beside the first and leaves the process ~500 MB larger for the rest of its life.
// Plain JavaScript so that it runs under bare node, with no TypeScript loader, wherever the server was started from.
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node pglite-init.mjs <data directory>\n');
  process.exit(2);
}
try {
  const pg = await PGlite.create(dir);
  await pg.query('select 1');
  await pg.close();
  // The parent reports this process's peak memory (Linux; elsewhere nothing is printed).
  try {
    const { readFileSync } = await import('node:fs');
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) process.stdout.write(`peak ${kb}\n`);
  } catch {
    // not Linux
  }
} catch (err) {
  process.stderr.write(`initdb failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
