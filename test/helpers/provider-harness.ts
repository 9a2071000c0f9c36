// A local provider over a fresh test database, with fast timings, recording failure reports.
import type { JobDefinition } from '../../src/jobs/define';
import type { EventType } from '../../src/jobs/event-type';
import { JobClient } from '../../src/jobs/client';
import { JobRegistry } from '../../src/jobs/registry';
import { LocalProvider, type LocalProviderOptions } from '../../src/jobs/providers/local/local-provider';
import type { FailedJobReport } from '../../src/jobs/providers/local/job-runner';
import { silentLogger } from '../../src/jobs/logger';
import { createTestDatabase, type TestDatabase, type TestDriver } from './database';
import { waitFor } from './wait-for';

export interface LocalHarness {
  database: TestDatabase;
  provider: LocalProvider;
  client: JobClient<Record<string, unknown>>;
  failures: FailedJobReport[];
  jobStatus(id: string): Promise<{ status: string; attempts: number; last_error: string | null }>;
  waitForStatus(id: string, status: string | string[]): Promise<{ status: string; attempts: number; last_error: string | null }>;
  close(): Promise<void>;
}

export async function createLocalHarness(
  driver: TestDriver,
  events: readonly EventType[],
  definitions: readonly JobDefinition<never>[],
  overrides: Partial<LocalProviderOptions> = {},
): Promise<LocalHarness> {
  const database = await createTestDatabase(driver);
  const registry = new JobRegistry(events, definitions);
  const failures: FailedJobReport[] = [];
  const provider = new LocalProvider({
    database: database.handle,
    registry,
    mode: 'worker',
    concurrency: 10,
    leaseMs: 2000,
    pollIntervalMs: 100,
    retentionDays: 7,
    logger: silentLogger,
    onFailure: async (report) => void failures.push(report),
    ...overrides,
  });
  const client = new JobClient<Record<string, unknown>>(registry, provider);
  const jobStatus = async (id: string) => {
    const rows = await database.handle.sql.query<{ status: string; attempts: number; last_error: string | null }>(
      'select status, attempts, last_error from background_jobs where id = $1',
      [id],
    );
    return rows[0]!;
  };
  return {
    database,
    provider,
    client,
    failures,
    jobStatus,
    waitForStatus: (id, status) => {
      const wanted = Array.isArray(status) ? status : [status];
      return waitFor(async () => {
        const row = await jobStatus(id);
        return row && wanted.includes(row.status) ? row : undefined;
      }, { what: `job ${id} to be ${wanted.join('|')}` });
    },
    async close() {
      await provider.stop({ timeoutMs: 2000 });
      await database.drop();
    },
  };
}
