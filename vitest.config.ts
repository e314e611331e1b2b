import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Machines are shared and noisy: no timing thresholds in tests, and no retries hiding flakes.
    retry: 0,
  },
});
