// Creates an embedded PostgreSQL data directory and exits: `node src/db/pglite-init.mjs <dir> [-c name=value ...]`
// (the settings are the server's own, PGLITE_SETTINGS in pglite.ts, so that the helper's peak stays as low).
// Run by createPgliteDb (src/db/pglite.ts) in a short-lived child process on first start, because PGlite's initdb runs
// a second PostgreSQL instance beside the first and leaves the process ~500 MB larger for the rest of its life.
// Plain JavaScript so that it runs under bare node, with no TypeScript loader, wherever the server was started from.
import { PGlite } from '@electric-sql/pglite';

const [dir, ...settings] = process.argv.slice(2);
if (!dir || settings.some((s, i) => (i % 2 === 0 ? s !== '-c' : !/^[a-z_]+=[A-Za-z0-9_.]+$/.test(s)))) {
  process.stderr.write('usage: node pglite-init.mjs <data directory> [-c name=value ...]\n');
  process.exit(2);
}
try {
  const pg = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...settings] });
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
