// A LocalProvider over a test database with quiet defaults (no logging, failures ignored). Tests that only dispatch
// (the jobs run in child processes) or drive the scheduler by hand use it; override what a case is about.
import type { DatabaseHandle } from '../../src/db/client';
import { silentLogger } from '../../src/jobs/logger';
import { LocalProvider, type LocalProviderOptions } from '../../src/jobs/providers/local/local-provider';
import type { JobRegistry } from '../../src/jobs/registry';

export function testLocalProvider(database: DatabaseHandle, registry: JobRegistry, overrides: Partial<LocalProviderOptions> = {}): LocalProvider {
  return new LocalProvider({
    database,
    registry,
    mode: 'worker',
    concurrency: 1,
    leaseMs: 1000,
    pollIntervalMs: 1000,
    retentionDays: 7,
    logger: silentLogger,
    onFailure: async () => {},
    ...overrides,
  });
}
