import { defineConfig } from 'vitest/config';

// Tests and the examples they load import the package by name ('optlayers',
// 'optlayers/dsl'); the `optlayers-source` export condition maps those to the
// TypeScript sources, so the suite never needs a build in dist/.
const conditions = ['optlayers-source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['optlayers-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // Solver and training tests are CPU-bound; CI has 2 cores.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
