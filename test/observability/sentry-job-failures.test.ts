// A job that fails for good reaches Sentry exactly once, tagged with its id, definition, attempts and provider, on
// every provider; a job that failed once and then succeeded reaches it not at all; two jobs failing alike are two
// events (Sentry's Dedupe integration is off). The real SDK sends to a local receiver set as the DSN; the hook is
// the app's (reportJobFailureToSentry), Inngest runs through the real @inngest/middleware-sentry.

import { randomUUID } from 'node:crypto';
import * as Sentry from '@sentry/node';
import { SentryMiddleware } from '@inngest/middleware-sentry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportJobFailureToSentry, type ProviderName } from '../../src/observability/job-failure-hook';
import { sentryInitOptions } from '../../src/observability/sentry';
import { record, testDefinitions, testEvents } from '../fixtures/test-jobs';
import { JobRegistry } from '../../src/jobs/registry';
import { createTestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { createProviderHarness, TARGETS, type ProviderHarness, type Target } from '../helpers/provider-harness';
import { startSentryReceiver, type SentryEvent, type SentryReceiver } from '../helpers/sentry-receiver';
import { waitFor } from '../helpers/wait-for';

let receiver: SentryReceiver;
beforeAll(async () => {
  receiver = await startSentryReceiver();
  // As `npm run worker` starts it (plain Node); the web process's @sentry/nextjs start is proven by test/e2e.
  Sentry.init(sentryInitOptions({ dsn: receiver.dsn, environment: 'test' })!);
});
afterAll(async () => {
  await Sentry.close(2000);
  await receiver.close();
});

const providerOf = (target: Target): ProviderName => (target.startsWith('local') ? 'local' : (target as ProviderName));

describe.each(TARGETS)('Sentry reports of failed jobs: %s', (target) => {
  let harness: ProviderHarness;
  // Job ids repeat between targets (each has a fresh database): only this target's events count.
  let firstEvent = 0;
  beforeAll(async () => {
    firstEvent = receiver.events().length;
    harness = await createProviderHarness(target, testEvents, testDefinitions, {
      onFailure: (report) => reportJobFailureToSentry(report, providerOf(target)),
      inngestMiddleware: [SentryMiddleware],
    });
    await harness.provider.start();
  });
  afterAll(() => harness?.close());

  /** Every event about this job: ours by job.id, or (Inngest) the middleware's by its run id, tagged or not. */
  const eventsOf = (jobId: string): SentryEvent[] =>
    receiver.events().slice(firstEvent).filter((event) => event.tags?.['job.id'] === jobId || event.tags?.['inngest.run.id'] === jobId);

  /** Dispatches, waits for the final status and the failure report, then for everything the SDK still holds to be sent. */
  async function runToEnd(name: string, status: string): Promise<string> {
    const { ids } = await harness.client.dispatch({ name, data: { key: randomUUID() } });
    await harness.waitForStatus(ids[0]!, status);
    const jobId = (await harness.rowId(ids[0]!))!;
    if (status === 'FAILED') await waitFor(() => harness.failures.find((failure) => failure.jobId === jobId), { what: 'the failure report' });
    if (status === 'FAILED') await waitFor(() => eventsOf(jobId).length > 0, { what: `the Sentry event of ${jobId}` });
    await Sentry.flush(2000);
    return jobId;
  }

  it('sends one event, tagged, for a job that failed for good after its retries', async () => {
    const jobId = await runToEnd('test/always-fails', 'FAILED');
    const events = eventsOf(jobId);
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({ 'job.id': jobId, 'job.definition': 'always-fails', 'job.attempt': '4', 'job.provider': providerOf(target) });
    expect(events[0]!.exception?.values?.at(-1)).toMatchObject({ value: 'failure 3' });
    expect(events[0]!.environment).toBe('test');
  });

  it('sends nothing for a job that failed once and then succeeded', async () => {
    const jobId = await runToEnd('test/steps', 'COMPLETED');
    expect(eventsOf(jobId)).toEqual([]);
  });

  it('sends two events for two jobs failing with the same error (no deduplication)', async () => {
    const first = await runToEnd('test/non-retriable', 'FAILED');
    const second = await runToEnd('test/non-retriable', 'FAILED');
    for (const jobId of [first, second]) {
      const events = eventsOf(jobId);
      expect(events).toHaveLength(1);
      expect(events[0]!.tags).toMatchObject({ 'job.id': jobId, 'job.definition': 'non-retriable', 'job.attempt': '1' });
      expect(events[0]!.exception?.values?.at(-1)?.value).toContain('the input can never work');
    }
    expect(record.attempts.size).toBeGreaterThan(0);
  });
});

// A worker that dies during a job's last attempt reports nothing itself: the lease sweep of another worker marks the
// job FAILED, and that failure reaches Sentry once too, with the attempts the job used and its event's name.
describe('Sentry report of a job failed by the lease sweep (local)', () => {
  it('sends one event, tagged with the attempts used, when a lapsed lease ends the last attempt', async () => {
    // Job ids repeat across the fresh databases above: only events sent from here on count.
    const firstEvent = receiver.events().length;
    const ours = () => receiver.events().slice(firstEvent);
    const database = await createTestDatabase('postgres');
    const reports: string[] = [];
    const provider = testLocalProvider(database.handle, new JobRegistry(testEvents, testDefinitions), {
      pollIntervalMs: 50,
      onFailure: async (report) => {
        reports.push(`${report.definitionId} ${report.eventName} ${report.attempts}`);
        await reportJobFailureToSentry(report, 'local');
      },
    });
    try {
      // Its worker claimed the last of its 4 attempts, then died: the lease lapsed a second ago.
      const [row] = await database.handle.sql.query<{ id: string }>(
        `insert into background_jobs (job_id, event_name, payload, status, attempts, max_attempts, locked_by, lock_token, locked_until)
         values ('always-fails', 'test/always-fails', '{"key": "dead-worker"}', 'PROCESSING', 4, 4, 'host:1:dead', gen_random_uuid(), now() - interval '1 second')
         returning id::text as id`,
      );
      await provider.start();
      await waitFor(() => ours().find((event) => event.tags?.['job.id'] === row!.id), { what: 'the Sentry event of the lapsed job' });
      await Sentry.flush(2000);
      const events = ours().filter((event) => event.tags?.['job.id'] === row!.id);
      expect(events).toHaveLength(1);
      expect(events[0]!.tags).toMatchObject({ 'job.definition': 'always-fails', 'job.attempt': '4', 'job.provider': 'local' });
      expect(events[0]!.exception?.values?.at(-1)?.value).toContain('Lease expired: the worker host:1:dead stopped renewing it');
      expect(reports).toEqual(['always-fails test/always-fails 4']);
    } finally {
      await provider.stop({ timeoutMs: 2000 });
      await database.drop();
    }
  });
});
