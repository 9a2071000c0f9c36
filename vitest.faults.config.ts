import path from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run test:faults`: real loads against real processes, with kills, stops and restarts. Runs after the main
// suite, one file at a time: some cases restart PostgreSQL or Redis, which would disturb anything beside them.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname, 'src') } },
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/faults.json' },
  },
});
