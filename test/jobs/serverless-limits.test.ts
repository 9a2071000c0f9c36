// Serverless mode claims through /api/cron/tick and /api/jobs/run instead of a worker loop; a concurrency limit
// must hold there too.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobClient } from '../../src/jobs/client';
import { JobRegistry } from '../../src/jobs/registry';
import type { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { record, testDefinitions, testEvents } from '../fixtures/test-jobs';

describe('concurrency limits in serverless mode', () => {
  let database: TestDatabase;
  let provider: LocalProvider;
  let client: JobClient;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const registry = new JobRegistry(testEvents, testDefinitions);
    provider = testLocalProvider(database.handle, registry, { mode: 'serverless', concurrency: 10 });
    client = new JobClient(registry, provider);
  });
  afterAll(() => database.drop());

  it('runs a limited definition within its limit from the cron tick', async () => {
    const key = randomUUID();
    await client.dispatch(Array.from({ length: 10 }, () => ({ name: 'test/limited' as const, data: { key, group: 'g' } })));
    const result = await provider.tick(30_000);
    expect(result.ran).toBeGreaterThanOrEqual(10);
    expect(record.steps.get(key)).toHaveLength(10);
    // Ten slots were free in every batch; only the limit kept it at 2.
    expect(record.maxInFlight.get(`${key}:g`)).toBe(2);
  });

  it('runs a signed /api/jobs/run call of a limited job only within the limit', async () => {
    const key = randomUUID();
    const { ids } = await client.dispatch({ name: 'test/limited', data: { key, group: 'h' } });
    expect(await provider.runJobById(ids[0]!)).toBe('ran');
    expect(record.steps.get(key)).toEqual(['h']);
    const rows = await database.handle.sql.query('select status from background_jobs where id = $1', [ids[0]]);
    expect(rows).toEqual([{ status: 'COMPLETED' }]);
  });
});
