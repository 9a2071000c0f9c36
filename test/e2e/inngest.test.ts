// Configuration 5: JOBS_PROVIDER=inngest in cloud mode (signing key set, no dev server). Inngest is played over
// HTTP by test/helpers/fake-inngest.ts: it takes the app's events, is synced by a signed PUT /api/inngest as
// Inngest's dashboard does, and then runs every function by calling the app with signed requests.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { putUnsignedSync, startFakeInngest, type FakeInngest } from '../helpers/fake-inngest';
import { startSentryReceiver, type SentryReceiver } from '../helpers/sentry-receiver';
import { waitFor } from '../helpers/wait-for';
import { defineConfiguration } from './support/configuration';
import { signUpWithEmailRefused } from './support/failed-job';
import { waitForEmails } from './support/user-agent';
import { describeUserFlow } from './support/user-flow';

const INNGEST_SIGNING_KEY = `signkey-test-${randomBytes(32).toString('hex')}`;
const CRON_SECRET = `e2e-inngest-cron-${randomBytes(8).toString('hex')}`;
let fake: FakeInngest;
let sentry: SentryReceiver;
/** A second web process on the same database whose Inngest is unreachable (nothing listens on its event API). */
let inngestDownUrl = '';

const app = defineConfiguration('inngest', async (setup) => {
  sentry = await startSentryReceiver();
  setup.onClose(() => sentry.close());
  const database = await setup.database();
  fake = await startFakeInngest({ signingKey: INNGEST_SIGNING_KEY, appId: 'signing-jobs' });
  setup.onClose(() => fake.close());
  const { url } = await setup.startWeb({
    DATABASE_URL: database.url,
    JOBS_PROVIDER: 'inngest',
    INNGEST_SIGNING_KEY,
    INNGEST_EVENT_KEY: 'e2e-event-key',
    INNGEST_BASE_URL: fake.url,
    CRON_SECRET,
    SENTRY_DSN: sentry.dsn,
  });
  inngestDownUrl = (
    await setup.startWeb(
      { DATABASE_URL: database.url, JOBS_PROVIDER: 'inngest', INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY: 'e2e-event-key', INNGEST_BASE_URL: 'http://127.0.0.1:9', CRON_SECRET },
      'web-inngest-down',
    )
  ).url;
  fake.setAppUrl(`${url}/api/inngest`);
  const synced = await fake.sync();
  if (synced.status !== 200) throw new Error(`the signed sync PUT /api/inngest answered ${synced.status}: ${await synced.text()}`);
  return {
    url,
    database,
    // Settled when every run the fake started has finished (none is running or sleeping).
    settled: async () => {
      await waitFor(() => fake.runs.every((run) => run.status === 'COMPLETED' || run.status === 'FAILED'), { timeoutMs: 30_000, what: 'every Inngest run to finish' });
    },
  };
});

describeUserFlow(app);

describe('a change while Inngest is unreachable', () => {
  it('commits with its events kept in the outbox (201, not a 500 after the commit), and they run once Inngest answers', async () => {
    const email = `outbox-${randomBytes(4).toString('hex')}@example.com`;
    const signup = await fetch(`${inngestDownUrl}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery', name: 'Olga' }),
    });
    expect(signup.status, await signup.clone().text()).toBe(201);
    const { id: userId } = (await signup.json()) as { id: string };
    const sql = app().database!.handle.sql;
    const [owed] = await sql.query<{ events: Array<{ name: string; data: { userId: string } }>; attempts: number }>(
      `select events, attempts from event_outbox where events @> $1::jsonb`,
      [JSON.stringify([{ data: { userId } }])],
    );
    expect(owed).toMatchObject({ attempts: 1, events: [{ name: 'user/signed.up', data: { userId } }] });

    // Inngest answers again: the relay (here /api/cron/tick of the process that reaches it) sends the events, and the
    // verification email goes out.
    await sql.query('update event_outbox set next_attempt_at = now()');
    const tick = await fetch(`${app().url}/api/cron/tick`, { method: 'POST', headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(tick.status).toBe(200);
    expect(((await tick.json()) as { outbox: { sent: number } }).outbox.sent).toBeGreaterThanOrEqual(1);
    await waitForEmails(app(), 1, (sent) => sent.to === email && sent.subject === 'Confirm your email address', 'the verification email relayed from the outbox');
    expect(await sql.query(`select 1 from event_outbox where events @> $1::jsonb`, [JSON.stringify([{ data: { userId } }])])).toEqual([]);
  });
});

describe('the Inngest endpoint in cloud mode', () => {
  it('is named on the public /api/health by its path alone, without the app’s URL', async () => {
    const body = await (await fetch(`${app().url}/api/health`)).json();
    expect(body).toMatchObject({ provider: 'inngest', providerDetail: expect.stringContaining('/api/inngest') });
    expect(JSON.stringify(body)).not.toMatch(/https?:|127\.0\.0\.1|localhost/);
  });

  it('a signed sync registers the functions under PUBLIC_WEBAPP_URL', async () => {
    const before = fake.registrations.length;
    expect((await fake.sync()).status).toBe(200);
    expect(fake.registrations.slice(before)).toEqual([`${app().url}/api/inngest`]);
    expect(fake.functions.get('signing-jobs-send-signing-email')).toBeDefined();
    for (const fn of fake.functions.values()) {
      const steps = Object.values(fn.steps) as Array<{ runtime?: { url?: string } }>;
      for (const step of steps) expect(step.runtime?.url).toMatch(new RegExp(`^${app().url}/api/inngest\\?`));
    }
  });

  it('refuses an unsigned PUT /api/inngest carrying Host: evil.example.com (401) and registers nothing', async () => {
    const before = fake.registrations.length;
    expect(await putUnsignedSync(`${app().url}/api/inngest`, 'evil.example.com')).toBe(401);
    expect(fake.registrations.length).toBe(before);
    expect(fake.registrations.some((url) => url.includes('evil.example.com'))).toBe(false);
  });
});

describe('job health on Inngest', () => {
  it('answers /api/health/jobs with 501 naming the provider: Inngest keeps the job state', async () => {
    const response = await fetch(`${app().url}/api/health/jobs`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(response.status).toBe(501);
    expect(await response.json()).toMatchObject({ provider: 'inngest', error: expect.stringContaining('inngest') });
    expect((await fetch(`${app().url}/api/health/jobs`)).status).toBe(401);
  });
});

describe('Sentry on Inngest', () => {
  it('a run that failed for good is one event from @inngest/middleware-sentry, carrying our job tags', async () => {
    await app().settled();
    const userId = await signUpWithEmailRefused(app(), 'inngest-sentry@example.com');
    const run = await waitFor(
      () => fake.runs.find((candidate) => candidate.fnId === 'signing-jobs-send-verification-email' && candidate.status === 'FAILED' && JSON.stringify(fake.events.find((event) => event.id === candidate.eventId)?.data ?? {}).includes(userId)),
      { what: 'the verification run to fail' },
    );
    const ofRun = () => sentry.events().filter((event) => event.tags?.['inngest.run.id'] === run.runId || event.tags?.['job.id'] === run.runId);
    await waitFor(() => ofRun().length > 0, { what: `the Sentry event of run ${run.runId}` });
    await app().settled();
    expect(ofRun()).toHaveLength(1);
    expect(ofRun()[0]!.tags).toMatchObject({ 'job.id': run.runId, 'job.definition': 'send-verification-email', 'job.attempt': '1', 'job.provider': 'inngest', 'inngest.run.id': run.runId });
  });
});
