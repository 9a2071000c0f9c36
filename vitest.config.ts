import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname, 'src') } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/faults/**', 'test/e2e/**', '**/node_modules/**'],
    globalSetup: ['test/setup/global.ts'],
    // Files run in parallel, each against its own cloned database; 2 cores, so 2 at a time keeps child processes honest.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report is what .ci/run counts; the default reporter is what people read.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
