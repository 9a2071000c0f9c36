// Configuration 2: web and jobs apart. `next start` with JOBS_SERVER_DISABLED=true only enqueues; a separate
// `npm run worker` process (ONLY_JOB_SERVER, set by the script) runs every job, both on one PostgreSQL database.
// Both have SENTRY_DSN: a job that fails for good in the worker process is reported from there.
import { describe, expect, it } from 'vitest';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver';
import { localJobsSettled, defineConfiguration } from './support/configuration';
import { sentryEventsOfFailedJob } from './support/failed-job';
import { describeUserFlow } from './support/user-flow';

let sentry: SentryReceiver;

const app = defineConfiguration('local-postgres-worker', async (setup) => {
  sentry = await startSentryReceiver();
  setup.onClose(() => sentry.close());
  const database = await setup.database();
  const { url } = await setup.startWeb({ DATABASE_URL: database.url, JOBS_SERVER_DISABLED: 'true', SENTRY_DSN: sentry.dsn });
  // The worker builds the same links as the web process: its PUBLIC_WEBAPP_URL is the web's URL.
  await setup.startWorker({ DATABASE_URL: database.url, PUBLIC_WEBAPP_URL: url, SENTRY_DSN: sentry.dsn });
  return { url, database, settled: localJobsSettled(database) };
});

describeUserFlow(app);

describe('Sentry from npm run worker', () => {
  it('reports a job that failed for good in the worker process once, with its tags', async () => {
    const { events } = await sentryEventsOfFailedJob(app(), sentry, 'worker-sentry@example.com');
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({ 'job.definition': 'send-verification-email', 'job.attempt': '1', 'job.provider': 'local' });
  });
});
