import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Solver and training tests are CPU-bound; CI has 2 cores.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
