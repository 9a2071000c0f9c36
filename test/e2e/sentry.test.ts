// Sentry through the built app: `next start` (local provider, in-process worker, PostgreSQL) with SENTRY_DSN
// pointing at a local receiver that speaks Sentry's envelope protocol. A job that fails for good arrives as one
// event with its tags; two alike arrive as two; a route's unexpected 500 and a page's thrown error each arrive once,
// without the query parameters or the caller's key.
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/tokens';
import { startSentryReceiver, type SentryEvent, type SentryReceiver } from '../helpers/sentry-receiver';
import { waitFor } from '../helpers/wait-for';
import type { AppProcess } from './support/app-process';
import { defineConfiguration, localJobsSettled } from './support/configuration';
import { failVerificationEmail } from './support/failed-job';
import { call } from './support/user-agent';

const PASSWORD = 'correct horse battery';
let receiver: SentryReceiver | undefined;
let webProcess: AppProcess | undefined;

const app = defineConfiguration('sentry', async (setup) => {
  receiver = await startSentryReceiver();
  const database = await setup.database();
  const started = await setup.startWeb({ DATABASE_URL: database.url, SENTRY_DSN: receiver.dsn });
  webProcess = started.process;
  return { url: started.url, database, settled: localJobsSettled(database) };
});
afterAll(() => receiver?.close());

async function signUp(email: string): Promise<{ id: string; apiKey: string }> {
  const answer = await call(app(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'Nora' } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

const jobEvents = (jobId: string): SentryEvent[] => receiver!.events().filter((event) => event.tags?.['job.id'] === jobId);

describe('a job that fails for good', () => {
  it('is one Sentry event tagged with its id, definition, attempts and provider; the same failure twice is two events', async () => {
    const jobs = [await failVerificationEmail(app(), 'sentry-one@example.com'), await failVerificationEmail(app(), 'sentry-two@example.com')];
    for (const jobId of jobs) await waitFor(() => jobEvents(jobId).length > 0, { what: `the Sentry event of job ${jobId}` });
    await app().settled();

    for (const jobId of jobs) {
      const events = jobEvents(jobId);
      expect(events).toHaveLength(1);
      expect(events[0]!.tags).toMatchObject({ 'job.id': jobId, 'job.definition': 'send-verification-email', 'job.attempt': '1', 'job.provider': 'local' });
      expect(events[0]!.exception?.values?.at(-1)).toMatchObject({ type: 'NonRetriableError' });
      expect(events[0]!.environment).toBe('production');
    }
  });
});

describe('an unexpected error in a request', () => {
  it('is reported once from a route that answers 503 and once from a page that throws, without parameters or keys', async () => {
    const owner = await signUp('sentry-owner@example.com');
    const created = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: 'Broken NDA', recipients: [{ email: 'sentry-signer@example.com' }] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await app().settled();
    const before = receiver!.envelopes.length;
    const sql = app().database!.handle.sql;
    // A real fault: the table these requests read is gone for a moment.
    await sql.query('alter table users rename to users_gone_sentry');
    try {
      // 503 naming `npm run db:migrate` (a missing table reads as a schema behind the app), and reported all the same.
      expect((await call(app(), 'GET', '/api/webhooks', { key: owner.apiKey })).status).toBe(503);
      await waitFor(() => requestEvents(before).length >= 1, { what: 'the route error event' });
      expect((await call(app(), 'GET', `/documents/${created.body.id}`, { key: owner.apiKey })).status).toBe(500);
      await waitFor(() => requestEvents(before).length >= 2, { what: 'the page error event' });
    } finally {
      await sql.query('alter table users_gone_sentry rename to users');
    }
    // Another request answered afterwards: everything sent for the two failed ones has arrived by now.
    expect((await call(app(), 'GET', '/api/health')).status).toBe(200);
    const events = requestEvents(before);
    const raw = JSON.stringify(events);
    expect(events.map(requestPath).sort(), raw).toEqual(['/api/webhooks', `/documents/${created.body.id}`].sort());
    for (const event of events) expect(event.exception?.values?.at(-1)?.value).toMatch(/users/);
    for (const secret of [owner.apiKey, hashToken(owner.apiKey), 'params:']) expect(raw).not.toContain(secret);
  });
});

describe('a signing link in a failed request', () => {
  it('reaches neither the log nor Sentry: the token in the path is redacted in both', async () => {
    const token = `sgn_${'T'.repeat(43)}`;
    const before = receiver!.envelopes.length;
    const sql = app().database!.handle.sql;
    // The signing route looks the token's hash up in recipients: with the table gone for a moment, that is a 503.
    await sql.query('alter table recipients rename to recipients_gone_sentry');
    try {
      expect((await call(app(), 'POST', `/api/sign/${token}`, { body: { action: 'sign' } })).status).toBe(503);
      await waitFor(() => eventsAbout(before, 'recipients').length >= 1, { what: 'the signing route error event' });
    } finally {
      await sql.query('alter table recipients_gone_sentry rename to recipients');
    }
    const raw = JSON.stringify(eventsAbout(before, 'recipients'));
    expect(raw).not.toContain(token);
    const logged = webProcess!.output().split('\n').filter((line) => line.includes('route failed'));
    expect(logged.some((line) => line.includes('"path":"/api/sign/sgn_[redacted]"')), logged.join('\n')).toBe(true);
    expect(webProcess!.output()).not.toContain(token);
  });
});

/** Events about the `users` table going missing, received after the `before`-th envelope. */
function requestEvents(before: number): SentryEvent[] {
  return eventsAbout(before, 'users');
}

/** Events whose exception mentions `table`, received after the `before`-th envelope. */
function eventsAbout(before: number, table: string): SentryEvent[] {
  return receiver!.envelopes
    .slice(before)
    .flatMap((envelope) => envelope.items.filter((item) => item.header.type === 'event').map((item) => item.payload as SentryEvent))
    .filter((event) => JSON.stringify(event.exception ?? {}).includes(table));
}

/** Where a request event came from: Next's request context (onRequestError) or the SDK's request data. */
function requestPath(event: SentryEvent): string {
  const nextjs = (event.contexts as { nextjs?: { request_path?: string } } | undefined)?.nextjs;
  const url = (event.request as { url?: string } | undefined)?.url;
  return nextjs?.request_path ?? (url ? new URL(url).pathname : '?');
}
