import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The fast tests of the answer core, for mutation testing (`npm run test:mutation`, scripts/stryker.config.mjs).
 * Stryker runs the tests that cover a mutant once per mutant, so suites that build a catalog database, read the dev
 * sets or start a browser stay out: they would turn minutes into hours. So does the text layer's property test
 * (test/hardening/text-hostile.property.test.ts: ~1.4 s of generated inputs, which made each mutant six times slower).
 * Only test/answer/session.test.ts opens a database (a cloned PGlite), and only the session store's mutants reach it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: [
      'test/text/**/*.test.ts',
      'test/answer/understand.test.ts',
      'test/answer/grounding.test.ts',
      'test/answer/session.test.ts',
      'test/answer/*.unit.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
