import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Two test files at a time on the 2-core machines: most files wait on real servers and processes
    // (nginx, Chromium, pebble, certdesk itself), so two overlap well (the suite: 7 min → 4 min).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Machines are shared and noisy: no timing thresholds in tests, and no retries hiding flakes.
    retry: 0,
  },
});
