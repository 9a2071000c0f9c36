// Provokes a job that fails for good through HTTP alone: the Resend stand-in refuses the next message (422, a
// NonRetriableError in the email transport), so the verification email of a fresh sign-up fails at its first
// attempt. Used by the Sentry tests of several configurations.
import { expect } from 'vitest';
import { failures } from '../../helpers/fake-resend';
import type { SentryEvent, SentryReceiver } from '../../helpers/sentry-receiver';
import { waitFor } from '../../helpers/wait-for';
import type { E2EApp } from './configuration';
import { call } from './user-agent';

/** Signs `email` up with its verification email refused; resolves with the new user's id. */
export async function signUpWithEmailRefused(app: E2EApp, email: string): Promise<string> {
  app.resend.failNext(failures.validation());
  const answer = await call(app, 'POST', '/api/auth/signup', { body: { email, password: 'correct horse battery', name: 'Nora' } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.id;
}

/** The same, on a configuration whose jobs live in its database; resolves with the failed job's background_jobs id. */
export async function failVerificationEmail(app: E2EApp, email: string): Promise<string> {
  const userId = await signUpWithEmailRefused(app, email);
  const sql = app.database!.handle.sql;
  const row = await waitFor(
    async () =>
      (
        await sql.query<{ id: string }>(
          `select id::text as id from background_jobs where job_id = 'send-verification-email' and status = 'FAILED' and payload->>'userId' = $1`,
          [userId],
        )
      )[0],
    { what: `the verification job of ${email} to fail` },
  );
  return row.id;
}

/**
 * Fails one verification job (on a configuration with its jobs in the database) and resolves, once its event has
 * arrived and the app has settled, with every Sentry event tagged with the job's id: exactly one, if all is well.
 */
export async function sentryEventsOfFailedJob(app: E2EApp, sentry: SentryReceiver, email: string): Promise<{ jobId: string; events: SentryEvent[] }> {
  await app.settled();
  const jobId = await failVerificationEmail(app, email);
  const ofJob = () => sentry.events().filter((event) => event.tags?.['job.id'] === jobId);
  await waitFor(() => ofJob().length > 0, { what: `the Sentry event of job ${jobId}` });
  await app.settled();
  return { jobId, events: ofJob() };
}
