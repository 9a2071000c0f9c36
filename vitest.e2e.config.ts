import path from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: the black-box suite. It drives only the built app (`next build` once, `next start` and
// `npm run worker` per configuration), so it proves what users run. One file per configuration, one at a time:
// each starts real processes, and this machine has 2 cores.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname, 'src') } },
  test: {
    include: ['test/e2e/**/*.test.ts'],
    // The build first, then the services check and the migrated template the PostgreSQL configurations clone.
    globalSetup: ['test/e2e/build.setup.ts', 'test/setup/global.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/e2e.json' },
  },
});
