/**
 * Vitest global setup: under CI (CI=true or 1) the suites that need real PostgreSQL (DATABASE_URL: the *.int.test.ts
 * files and the PostgreSQL half of every `dbBackends` suite) and chromium (/usr/bin/chromium: the *.browser.test.ts
 * files) must run, so a CI run without them fails here instead of skipping them quietly. Locally they are skipped
 * with a message, as before. A pass meant to run on PGlite alone (.ci/run's first) sets MOTCUA_PGLITE_ONLY=1.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What CI lacks, as messages naming the fix; empty outside CI or when nothing is missing. */
export function missingCiRequirements(env: Record<string, string | undefined>, exists: (path: string) => boolean = existsSync): string[] {
  if (env.CI !== 'true' && env.CI !== '1') return [];
  const missing: string[] = [];
  // .ci/run's first pass is on PGlite alone by design and says so; every other CI run needs PostgreSQL.
  if (!env.DATABASE_URL && env.MOTCUA_PGLITE_ONLY !== '1') missing.push('DATABASE_URL is not set: the PostgreSQL suites (*.int.test.ts, dbBackends) would be skipped (bash scripts/setup-postgres.sh prints one)');
  if (!exists(CHROMIUM_PATH)) missing.push(`${CHROMIUM_PATH} is missing: the browser suites (*.browser.test.ts) would be skipped (apt-get install -y chromium)`);
  return missing;
}

export default function setup(): void {
  const missing = missingCiRequirements(process.env);
  if (missing.length) throw new Error(`CI run refused, suites would be skipped:\n- ${missing.join('\n- ')}`);
}
