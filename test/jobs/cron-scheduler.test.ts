import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSlot } from '../../src/jobs/cron';
import { JobRegistry } from '../../src/jobs/registry';
import { testLocalProvider } from '../helpers/local-provider';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testDefinitions, testEvents } from '../fixtures/test-jobs';

describe('latestSlot', () => {
  it('is the latest UTC slot at or before now', () => {
    expect(latestSlot('0 * * * *', new Date('2026-03-01T05:00:00Z'))).toEqual(new Date('2026-03-01T05:00:00Z'));
    expect(latestSlot('0 * * * *', new Date('2026-03-01T05:59:59Z'))).toEqual(new Date('2026-03-01T05:00:00Z'));
    expect(latestSlot('0 3 * * *', new Date('2026-03-01T02:00:00Z'))).toEqual(new Date('2026-02-28T03:00:00Z'));
  });
});

describe('cron scheduler on the local provider', () => {
  let database: TestDatabase;
  let clock = new Date('2026-03-01T10:00:30Z');
  const registry = new JobRegistry(testEvents, testDefinitions);
  const instance = () =>
    testLocalProvider(database.handle, registry, { now: () => clock });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.drop());

  async function cronRows() {
    return database.handle.sql.query<{ dedupe_key: string; payload: { scheduledFor: string } }>(
      `select dedupe_key, payload from background_jobs where job_id = 'hourly' order by dedupe_key`,
    );
  }

  it('enqueues a slot once when three schedulers race on it', async () => {
    const instances = [instance(), instance(), instance()];
    const results = await Promise.all(instances.map((provider) => provider.scheduler.tick()));
    expect(results.flat().filter((entry) => entry.definitionId === 'hourly')).toHaveLength(3);
    expect(await cronRows()).toEqual([
      { dedupe_key: 'cron:hourly:2026-03-01T10:00:00.000Z', payload: { scheduledFor: '2026-03-01T10:00:00.000Z' } },
    ]);
  });

  it('runs only the latest slot after a 5-hour outage, and nothing twice when the clock steps back', async () => {
    const provider = instance();
    await provider.scheduler.tick();
    clock = new Date('2026-03-01T15:20:00Z');
    await provider.scheduler.tick();
    clock = new Date('2026-03-01T14:50:00Z');
    await provider.scheduler.tick();
    await instance().scheduler.tick();
    expect((await cronRows()).map((row) => row.dedupe_key)).toEqual([
      'cron:hourly:2026-03-01T10:00:00.000Z',
      'cron:hourly:2026-03-01T14:00:00.000Z',
      'cron:hourly:2026-03-01T15:00:00.000Z',
    ]);
  });
});
