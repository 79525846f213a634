import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Under CI, a missing DATABASE_URL or chromium fails the run instead of skipping those suites.
    globalSetup: ['test/helpers/ci-requirements.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite holds 300-400 MB per instance and the machine has 2 cores.
    maxWorkers: 2,
    pool: 'forks',
  },
});
