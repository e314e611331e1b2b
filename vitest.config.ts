import { configDefaults, defineConfig } from 'vitest/config';
import { storeTestFiles } from './test/helpers/store-test-files.js';

// The store matrix (issue 16): every test runs on SQLite; every test that reaches the store runs on
// PostgreSQL too, in the same `vitest run`. Which files reach the store is read from their imports
// (test/helpers/store-test-files.ts; `node --import tsx test/helpers/store-test-files.ts` lists them).
const { store, postgresOnly } = storeTestFiles();

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    // Three test files at a time on the 2-core machines: most files wait on real servers and
    // processes (nginx, Chromium, pebble, PostgreSQL, certdesk itself), so they overlap well (one
    // at a time: 7 min for the SQLite run alone; two: 10.7 min for both stores). The limit holds
    // across both projects.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Machines are shared and noisy: no timing thresholds in tests, and no retries hiding flakes.
    retry: 0,
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...postgresOnly], env: { CERTDESK_TEST_STORE: 'sqlite' } },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: store,
          env: { CERTDESK_TEST_STORE: 'postgres' },
          // A throwaway cluster for the run, started only when a postgres test is selected.
          globalSetup: ['test/helpers/postgres-global-setup.ts'],
        },
      },
    ],
  },
});
