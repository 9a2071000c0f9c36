// Configuration 3: the local provider in serverless mode (as on Vercel). No worker loop runs anywhere: a job runs
// only when the app's signed self-dispatch reaches POST /api/jobs/run, or when /api/cron/tick picks it up.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestDatabase } from '../helpers/database';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver';
import { freePort, type AppProcess } from './support/app-process';
import { defineConfiguration, localJobsSettled } from './support/configuration';
import { sentryEventsOfFailedJob } from './support/failed-job';
import { call, emails, waitForEmails } from './support/user-agent';
import { describeUserFlow } from './support/user-flow';

const JOBS_SIGNING_SECRET = 'e2e-job-signing-secret-0123456789abcdef';
const CRON_SECRET = 'e2e-cron-secret-0123456789';

const serverlessEnv = (database: TestDatabase, internalUrl: string) => ({
  DATABASE_URL: database.url,
  SENTRY_DSN: sentry!.dsn,
  JOBS_MODE: 'serverless',
  JOBS_SIGNING_SECRET,
  CRON_SECRET,
  INTERNAL_WEBAPP_URL: internalUrl,
});

let startWeb: (env: (url: string) => Record<string, string>, name: string) => Promise<{ url: string; process: AppProcess }>;

let sentry: SentryReceiver | undefined;

const app = defineConfiguration('local-serverless', async (setup) => {
  sentry = await startSentryReceiver();
  setup.onClose(() => sentry!.close());
  const database = await setup.database();
  startWeb = setup.startWeb;
  const { url } = await setup.startWeb((own) => serverlessEnv(database, own));
  return { url, database, settled: localJobsSettled(database) };
});

describeUserFlow(app);

/** X-Job-Signature as src/jobs/providers/local/signature.ts defines it, computed here independently. */
function sign(body: string, now = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', JOBS_SIGNING_SECRET).update(`${t}.${body}`).digest('hex')}`;
}

/** The same signature with its last hex digit changed. */
const tampered = (signature: string) => signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');

describe('serverless mode', () => {
  it('says on the public /api/health how jobs run, without naming any URL', async () => {
    const health = await call(app(), 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ mode: 'serverless', providerDetail: expect.stringContaining('/api/jobs/run') });
    expect(JSON.stringify(health.body)).not.toMatch(/https?:|127\.0\.0\.1|localhost/);
  });

  it('reports a job that failed for good in /api/jobs/run to Sentry once, with its tags', async () => {
    const { events } = await sentryEventsOfFailedJob(app(), sentry!, 'serverless-sentry@example.com');
    expect(events).toHaveLength(1);
    expect(events[0]!.tags).toMatchObject({ 'job.definition': 'send-verification-email', 'job.attempt': '1', 'job.provider': 'local' });
  });

  it('runs a job whose self-dispatch was refused on the next /api/cron/tick', async () => {
    const database = app().database!;
    // A second web process on the same database whose self-dispatch goes to a port nothing listens on.
    const closedPort = await freePort();
    const { url: otherUrl, process: other } = await startWeb(() => serverlessEnv(database, `http://127.0.0.1:${closedPort}`), 'web-unreachable-self');
    const signup = await fetch(`${otherUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'late@example.com', password: 'correct horse battery', name: 'Late Larry' }),
    });
    expect(signup.status).toBe(201);
    await other.waitForLine(/self-dispatch (failed|refused)/, 30_000);
    expect(emails(app()).filter((email) => email.to === 'late@example.com')).toEqual([]);
    const pending = await database.handle.sql.query<{ status: string }>(`select status from background_jobs where job_id = 'send-verification-email' and payload->>'userId' = $1`, [(await signup.json()).id]);
    expect(pending).toEqual([{ status: 'PENDING' }]);

    expect((await call(app(), 'POST', '/api/cron/tick')).status).toBe(401);
    const tick = await call(app(), 'POST', '/api/cron/tick', { key: CRON_SECRET });
    expect(tick.status, JSON.stringify(tick.body)).toBe(200);
    expect(tick.body).not.toHaveProperty('note');
    const [verification] = await waitForEmails(app(), 1, (email) => email.to === 'late@example.com', 'the verification email, sent by the tick');
    expect(verification!.subject).toBe('Confirm your email address');
    await app().settled();
    expect(emails(app()).filter((email) => email.to === 'late@example.com')).toHaveLength(1);
  });

  it('a replayed signed /api/jobs/run for a job that already ran runs nothing twice (409, no extra email)', async () => {
    const { database } = app();
    const signup = await call(app(), 'POST', '/api/auth/signup', { body: { email: 'replay@example.com', password: 'correct horse battery' } });
    expect(signup.status).toBe(201);
    await waitForEmails(app(), 1, (email) => email.to === 'replay@example.com', 'the verification email');
    await app().settled();
    const [job] = await database!.handle.sql.query<{ id: string; status: string; attempts: number }>(
      `select id::text, status, attempts from background_jobs where job_id = 'send-verification-email' and payload->>'userId' = $1`,
      [signup.body.id],
    );
    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 1 });
    const sentBefore = emails(app()).length;
    const rowsBefore = await database!.handle.sql.query('select id from email_messages');

    const body = JSON.stringify({ jobId: job!.id });
    expect((await call(app(), 'POST', '/api/jobs/run', { body, headers: { 'x-job-signature': tampered(sign(body)) } })).status).toBe(401);
    const replay = await call(app(), 'POST', '/api/jobs/run', { body, headers: { 'x-job-signature': sign(body) } });
    expect(replay.status, JSON.stringify(replay.body)).toBe(409);

    expect(emails(app())).toHaveLength(sentBefore);
    expect(await database!.handle.sql.query('select id from email_messages')).toHaveLength(rowsBefore.length);
    const [after] = await database!.handle.sql.query(`select status, attempts from background_jobs where id = $1`, [job!.id]);
    expect(after).toEqual({ status: 'COMPLETED', attempts: 1 });

    // A signed request naming an id no bigint holds is a field error, not a 500.
    const tooBig = JSON.stringify({ jobId: '9999999999999999999' });
    const refused = await call(app(), 'POST', '/api/jobs/run', { body: tooBig, headers: { 'x-job-signature': sign(tooBig) } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['jobId']);
  });
});
