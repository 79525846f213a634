// Mutation testing of the answer core: `npm run test:mutation`. Not part of `npm test` or CI's default run.
// Reports, the incremental file and Stryker's sandbox go under test-artifacts/ (gitignored).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/text/**/*.ts',
    'src/answer/**/*.ts',
    // The calibrated weights, written by `npm run calibrate -- --write`: numbers, no logic.
    '!src/answer/decision-model.ts',
    // The fixed Vietnamese texts are a string table; only contactLine (lines 6-13) decides anything.
    '!src/answer/texts.ts',
    'src/answer/texts.ts:6-13',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'scripts/vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // Mutants of module-level code (regex constants, tables built at import) need every test re-run in a fresh
  // environment: ~15 s each here, two hours for the ~470 of them. They are left out of the score (reported as ignored).
  ignoreStatic: true,
  // Two cores, shared with other work.
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'test-artifacts/mutation/mutation.json' },
  htmlReporter: { fileName: 'test-artifacts/mutation/mutation.html' },
  incremental: true,
  incrementalFile: 'test-artifacts/mutation/stryker-incremental.json',
  tempDirName: 'test-artifacts/stryker-tmp',
  ignorePatterns: ['/data', '/dist', '/coverage', '/scratch', '/test-artifacts', '/.tmp-diag', '*.log'],
  cleanTempDir: true,
};
