// Configuration: the local provider on PostgreSQL, web only (JOBS_SERVER_DISABLED: no worker sweeps leases and no
// scheduler enqueues slots behind the test's back; /api/cron/tick does both when called). Through the built app:
// /api/health/jobs answers 503 naming a stuck job and a missed cron slot, 200 once they are fixed, 401/403 to the
// wrong callers; /api/cron/job-alerts (the alert cron job's check) emails the admin and posts the signed alert
// webhook once on entering the breach, nothing while it lasts, and once on recovery.
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../src/webhooks/sign';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { spawnAppProcess } from './support/app-process';
import { defineConfiguration } from './support/configuration';
import { call, emails } from './support/user-agent';

const CRON_SECRET = 'e2e-health-cron-secret-0123456789';
const ALERT_SECRET = generateWebhookSecret();
let adminKey = '';
let receiver: WebhookReceiver;

const app = defineConfiguration('health-jobs', async (setup) => {
  const database = await setup.database();
  receiver = await startWebhookReceiver(ALERT_SECRET);
  setup.onClose(() => receiver.close());
  const receiverHost = new URL(receiver.url).host;
  const { url } = await setup.startWeb({
    DATABASE_URL: database.url,
    JOBS_SERVER_DISABLED: 'true',
    CRON_SECRET,
    // Ten minutes: a slot that comes round while the test runs is still within its grace.
    JOBS_ALERT_CRON_GRACE_SECONDS: '600',
    ALERT_WEBHOOK_URL: `${receiver.url}/alerts`,
    ALERT_WEBHOOK_SECRET: ALERT_SECRET,
    WEBHOOK_ALLOWED_HOSTS: receiverHost,
  });
  adminKey = await createAdmin(database.url);
  return { url, database };
});

/** An admin made the documented way, `npm run user:create -- --admin`. */
async function createAdmin(databaseUrl: string): Promise<string> {
  const cli = spawnAppProcess('user-create', 'npm', ['run', '--silent', 'user:create', '--', '--email', 'ops@example.com', '--name', 'Ops', '--admin'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  const line = await cli.waitForLine(/API key \(shown once/, 60_000);
  await cli.exited;
  return /(sk_\S+)/.exec(line)![1]!;
}

const cron = { authorization: `Bearer ${CRON_SECRET}` };
const sql = (text: string) => app().database!.handle.sql.query(text);
const alertEmails = () => emails(app()).filter((email) => /^Jobs (alert|recovered)/.test(email.subject));

/** A job whose worker died: PROCESSING with a lease that lapsed a minute ago. */
const makeStuckJob = () =>
  sql(`insert into background_jobs (job_id, event_name, payload, max_attempts, status, attempts, locked_by, locked_until, lock_token, started_at)
       values ('send-signing-email', 'document/sent', '{}', 4, 'PROCESSING', 1, 'dead-worker', now() - interval '1 minute', gen_random_uuid(), now() - interval '2 minutes')`);
/** The hourly sweep's slots lose their jobs (as if the scheduler never ran it). */
const hideSweepSlots = () => sql(`update background_jobs set dedupe_key = 'hidden:' || dedupe_key where dedupe_key like 'cron:expire-recipients-sweep:%'`);
const fixState = async () => {
  await sql(`update background_jobs set status = 'COMPLETED', completed_at = now(), locked_by = null, locked_until = null, lock_token = null where locked_by = 'dead-worker'`);
  await sql(`update background_jobs set dedupe_key = substr(dedupe_key, length('hidden:') + 1) where dedupe_key like 'hidden:%'`);
};

describe('/api/health/jobs and the job alerts', () => {
  it('answers 503 for a stuck job and a missed cron slot, alerts once each way, and 200 once fixed', async () => {
    // The tick enqueues every cron slot and runs the jobs (the alert job among them, finding nothing to report).
    expect((await call(app(), 'POST', '/api/cron/tick', { headers: cron })).status).toBe(200);
    // The cron job itself ran in the built app and judged the provider the runtime built (no breach to announce).
    const [alertJob] = await sql(`select status, result from background_jobs where job_id = 'job-health-alerts'`);
    expect(alertJob).toMatchObject({ status: 'COMPLETED', result: { checked: true, transition: { kind: 'none' }, report: { status: 'ok' } } });
    const healthy = await call(app(), 'GET', '/api/health/jobs', { key: adminKey });
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ status: 'ok', breaches: [], missedCron: [], queue: { stuck: 0 } });
    expect(alertEmails()).toEqual([]);

    await makeStuckJob();
    await hideSweepSlots();
    const broken = await call(app(), 'GET', '/api/health/jobs', { headers: cron });
    expect(broken.status).toBe(503);
    expect(broken.body.status).toBe('breached');
    expect(broken.body.breaches).toEqual([
      { name: 'stuck', value: 1, limit: 0 },
      { name: 'missed-cron', value: 1, limit: 0 },
    ]);
    expect(broken.body.queue.stuck).toBe(1);
    expect(broken.body.missedCron).toEqual([{ definition: 'expire-recipients-sweep', slot: expect.stringMatching(/:00:00\.000Z$/), expectedBy: expect.stringMatching(/:10:00\.000Z$/) }]);

    const entered = await call(app(), 'POST', '/api/cron/job-alerts', { headers: cron });
    expect(entered.status).toBe(200);
    expect(entered.body).toMatchObject({ checked: true, transition: { kind: 'entered', breaches: ['stuck', 'missed-cron'] }, emailed: 1, webhook: { outcome: 'delivered' } });
    expect(alertEmails().map((email) => [email.to, email.subject])).toEqual([['ops@example.com', 'Jobs alert: stuck, missed-cron']]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.verified).toBe(true);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'jobs.health.breached', data: { breaches: [{ name: 'stuck' }, { name: 'missed-cron' }] } });

    // Still in breach: the next check says nothing new.
    expect((await call(app(), 'POST', '/api/cron/job-alerts', { headers: cron })).body.transition.kind).toBe('none');
    expect(alertEmails()).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);

    await fixState();
    const fixed = await call(app(), 'GET', '/api/health/jobs', { key: adminKey });
    expect(fixed.status).toBe(200);
    expect(fixed.body.breaches).toEqual([]);

    const recovered = await call(app(), 'POST', '/api/cron/job-alerts', { headers: cron });
    expect(recovered.body).toMatchObject({ transition: { kind: 'recovered' }, emailed: 1, webhook: { outcome: 'delivered' } });
    expect(alertEmails().map((email) => email.subject)).toEqual(['Jobs alert: stuck, missed-cron', 'Jobs recovered: every health threshold is met again']);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.verified).toBe(true);
    expect(JSON.parse(receiver.received[1]!.body).type).toBe('jobs.health.recovered');
    expect((await call(app(), 'POST', '/api/cron/job-alerts', { headers: cron })).body.transition.kind).toBe('none');
    expect(receiver.received).toHaveLength(2);
  });

  it('refuses callers without credentials (401), with a wrong secret (401) and non-admins (403)', async () => {
    expect((await call(app(), 'GET', '/api/health/jobs')).status).toBe(401);
    expect((await call(app(), 'GET', '/api/health/jobs', { headers: { authorization: 'Bearer not-the-cron-secret' } })).status).toBe(401);
    const user = await call(app(), 'POST', '/api/auth/signup', { body: { email: 'not-an-admin@example.com', password: 'correct horse battery' } });
    expect(user.status).toBe(201);
    const refused = await call(app(), 'GET', '/api/health/jobs', { key: user.body.apiKey });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: expect.any(String) });
    expect((await call(app(), 'POST', '/api/cron/job-alerts')).status).toBe(401);
  });
});
