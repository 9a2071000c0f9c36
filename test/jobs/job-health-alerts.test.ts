// The job-health-alerts cron job on the local provider and PostgreSQL, run by the provider's tick as each
// 5-minute slot comes (the test clock moves on, no sleeping): entering a breach emails each admin once and posts
// one Standard Webhooks-signed alert, staying in breach sends nothing, recovering sends one of each; concurrent
// checks alert once; an alert whose webhook failed is taken over by a later check.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../src/domain/users/create-user';
import { parseEnv } from '../../src/env';
import { createJobDeps } from '../../src/jobs/definitions';
import { jobAlertDeps, jobHealthAlerts } from '../../src/jobs/definitions/job-health-alerts';
import { appEvents } from '../../src/jobs/events';
import { JobRegistry } from '../../src/jobs/registry';
import { AlertWebhookError, checkJobAlerts } from '../../src/observability/check-job-alerts';
import { RESEND_PENDING_AFTER_MS } from '../../src/observability/job-alert-state';
import { cronSchedules, type JobHealthSources } from '../../src/observability/read-job-health';
import { generateWebhookSecret } from '../../src/webhooks/sign';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testLocalProvider } from '../helpers/local-provider';
import { createTestClock } from '../helpers/test-clock';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const SECRET = generateWebhookSecret();
const FIVE_MINUTES = 5 * 60 * 1000;

describe('job-health-alerts on local/PostgreSQL', () => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  const clock = createTestClock();
  let sources: JobHealthSources | undefined;
  let provider: ReturnType<typeof testLocalProvider>;
  let deps: ReturnType<typeof createJobDeps>;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    receiver = await startWebhookReceiver(SECRET);
    const config = parseEnv({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      ALERT_WEBHOOK_URL: `${receiver.url}/alerts`,
      ALERT_WEBHOOK_SECRET: SECRET,
      // Rates count from one finished job, so three FAILED rows make a breach.
      JOBS_ALERT_MIN_FINISHED: '1',
    });
    deps = createJobDeps(config, database.handle, { now: clock.now, jobHealthSources: () => sources });
    const registry = new JobRegistry(appEvents, [jobHealthAlerts(deps)]);
    provider = testLocalProvider(database.handle, registry, { now: clock.now });
    sources = { provider, schedules: cronSchedules(registry.cronDefinitions) };
    await createUser(database.handle.db, { email: 'admin-one@example.com', role: 'ADMIN' });
    await createUser(database.handle.db, { email: 'admin-two@example.com', role: 'ADMIN' });
    await createUser(database.handle.db, { email: 'user@example.com' });
  });

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.handle.sql.query<T>(text, params);
  const alertEmails = () => sql<{ to: string; subject: string }>(`select "to", subject from email_messages where idempotency_key like 'job-alerts/%' order by created_at, "to"`);
  const failSomeJobs = () =>
    sql(
      `insert into background_jobs (job_id, event_name, payload, max_attempts, status, attempts, started_at, completed_at, last_error)
       select 'send-signing-email', 'document/sent', '{}', 1, 'FAILED', 1, now(), now(), 'boom' from generate_series(1, 3)`,
    );
  const recover = () => sql(`delete from background_jobs where status = 'FAILED'`);

  /** The next 5-minute slot: the tick enqueues the alert job for it and runs it. */
  async function nextCheck() {
    clock.advance(FIVE_MINUTES);
    const ran = await provider.onDemand.tick(10_000);
    expect(ran.cronSlots).toBe(1);
    const [job] = await sql<{ status: string; result: { checked: boolean; transition: { kind: string } } }>(
      `select status, result from background_jobs where job_id = 'job-health-alerts' order by id desc limit 1`,
    );
    expect(job!.status).toBe('COMPLETED');
    return job!.result;
  }

  it('alerts once on entering a breach, stays quiet while it lasts, and sends one recovery', async () => {
    expect((await nextCheck()).transition.kind).toBe('none');
    expect(await alertEmails()).toEqual([]);

    await failSomeJobs();
    expect((await nextCheck()).transition.kind).toBe('entered');
    const entered = await alertEmails();
    expect(entered.map((email) => email.to)).toEqual(['admin-one@example.com', 'admin-two@example.com']);
    expect(entered[0]!.subject).toBe('Jobs alert: failure-rate');
    expect(receiver.received).toHaveLength(1);
    const alert = receiver.received[0]!;
    expect(alert.verified).toBe(true);
    const body = JSON.parse(alert.body);
    expect(body.type).toBe('jobs.health.breached');
    expect(body.data.breaches).toEqual([expect.objectContaining({ name: 'failure-rate', limit: 0.1 })]);

    expect((await nextCheck()).transition.kind).toBe('none');
    expect(await alertEmails()).toHaveLength(2);
    expect(receiver.received).toHaveLength(1);

    await recover();
    expect((await nextCheck()).transition.kind).toBe('recovered');
    const all = await alertEmails();
    expect(all).toHaveLength(4);
    expect(all.slice(2).map((email) => email.subject)).toEqual(['Jobs recovered: every health threshold is met again', 'Jobs recovered: every health threshold is met again']);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.verified).toBe(true);
    expect(JSON.parse(receiver.received[1]!.body).type).toBe('jobs.health.recovered');
    expect(receiver.received[1]!.headers['webhook-id']).not.toBe(alert.headers['webhook-id']);

    expect((await nextCheck()).transition.kind).toBe('none');
    expect(await alertEmails()).toHaveLength(4);
    expect(receiver.received).toHaveLength(2);
  });

  describe('concurrent checks', () => {
    beforeEach(recover);

    it('record one transition between them, so only one alerts', async () => {
      await failSomeJobs();
      const before = receiver.received.length;
      const checks = await Promise.all(Array.from({ length: 4 }, () => checkJobAlerts(jobAlertDeps(deps))));
      const kinds = checks.map((check) => (check.checked ? check.transition.kind : 'unchecked'));
      expect(kinds.filter((kind) => kind === 'entered')).toHaveLength(1);
      expect(kinds.filter((kind) => kind === 'none')).toHaveLength(3);
      expect(receiver.received.length - before).toBe(1);
    });
  });

  describe('an alert whose webhook failed', () => {
    it('is announced again by a later check once RESEND_PENDING_AFTER_MS passed: same webhook-id, no second email', async () => {
      await recover();
      await checkJobAlerts(jobAlertDeps(deps));
      const emailsBefore = (await alertEmails()).length;
      const postsBefore = receiver.received.length;

      await failSomeJobs();
      receiver.respondWith({ status: 500 });
      await expect(checkJobAlerts(jobAlertDeps(deps))).rejects.toThrow(AlertWebhookError);
      expect((await alertEmails()).length - emailsBefore).toBe(2);
      expect(receiver.received.length - postsBefore).toBe(1);
      const failedId = receiver.received.at(-1)!.headers['webhook-id'];

      // Its own check might still be retrying: nobody else announces it yet.
      const soon = await checkJobAlerts(jobAlertDeps(deps));
      expect(soon.checked && soon.transition.kind).toBe('none');
      expect(receiver.received.length - postsBefore).toBe(1);

      // Time passes; the scheduler keeps enqueuing the alert job's slots (so no cron slot counts as missed).
      clock.advance(RESEND_PENDING_AFTER_MS);
      await provider.scheduler.tick();
      const later = await checkJobAlerts(jobAlertDeps(deps));
      expect(later).toMatchObject({ checked: true, transition: { kind: 'entered', resend: true }, webhook: { outcome: 'delivered' } });
      expect(receiver.received.length - postsBefore).toBe(2);
      expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(failedId);
      expect(receiver.received.at(-1)!.verified).toBe(true);
      expect((await alertEmails()).length - emailsBefore).toBe(2);

      clock.advance(RESEND_PENDING_AFTER_MS);
      await provider.scheduler.tick();
      const after = await checkJobAlerts(jobAlertDeps(deps));
      expect(after.checked && after.transition.kind).toBe('none');
      expect(receiver.received.length - postsBefore).toBe(2);
    });
  });
});
