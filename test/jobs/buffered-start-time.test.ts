// A job claimed ahead into the worker's prefetch buffer waits there behind another job's run; its recorded start
// (started_at, the attempt's startedAt and durationMs) is when the worker started it, not when it was claimed, so
// the dashboard's durations are the jobs' own. Concurrency 1: the second job is claimed with the first, and waits.
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobClient } from '../../src/jobs/client';
import { defineJob } from '../../src/jobs/define';
import { defineEvent } from '../../src/jobs/event-type';
import type { LocalProvider } from '../../src/jobs/providers/local/local-provider';
import { JobRegistry } from '../../src/jobs/registry';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { waitFor } from '../helpers/wait-for';

const slow = defineEvent('timing/slow', z.object({ fail: z.boolean() }));
/** Each job's own work: long enough that a wait in the buffer would show plainly in its duration. */
const WORK_MS = 400;

describe('recorded start of a prefetched job (PostgreSQL)', () => {
  let database: TestDatabase | undefined;
  let provider: LocalProvider | undefined;
  afterAll(async () => {
    await provider?.stop({ timeoutMs: 5000 });
    await database?.drop();
  });

  it('is when the worker started it, for a completed attempt and for a failed one', async () => {
    const registry = new JobRegistry(
      [slow],
      [
        defineJob({ id: 'slow', trigger: { event: slow }, retries: 0 }, async ({ event }) => {
          await new Promise((resolve) => setTimeout(resolve, WORK_MS));
          if (event.data.fail) throw new Error('failed after its work');
        }),
      ],
    );
    database = await createTestDatabase('postgres');
    provider = testLocalProvider(database.handle, registry, { concurrency: 1, leaseMs: 30_000 });
    const client = new JobClient<Record<string, unknown>>(registry, provider);
    const { ids } = await client.dispatch([
      { name: 'timing/slow', data: { fail: false } },
      { name: 'timing/slow', data: { fail: false } },
      { name: 'timing/slow', data: { fail: true } },
    ]);
    await provider.start();
    const rows = () =>
      database!.handle.sql.query<{ status: string; ms: number; history: Array<{ durationMs: number; outcome: string }> }>(
        `select status, (extract(epoch from completed_at - started_at) * 1000)::float8 as ms, attempt_history as history
           from background_jobs where id = any($1::bigint[]) order by id`,
        [ids],
      );
    await waitFor(async () => (await rows()).every((row) => row.status === 'COMPLETED' || row.status === 'FAILED'), { what: 'the three jobs to finish' });
    const finished = await rows();
    expect(finished.map((row) => row.status)).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    // Jobs two and three were claimed while job one ran (and three again behind two): counted from the claim,
    // they would show about 2 and 3 times their work.
    for (const row of finished) {
      expect(row.history).toHaveLength(1);
      for (const ms of [row.ms, row.history[0]!.durationMs]) {
        expect(ms).toBeGreaterThanOrEqual(WORK_MS - 5);
        expect(ms).toBeLessThan(WORK_MS * 1.75);
      }
    }
  });
});
