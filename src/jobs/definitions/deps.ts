// What job handlers may use, built once per process from config (the runtime) or by a test with its own clock,
// email transport and webhook policy.
import type { Config } from '../../env';
import type { Database, DatabaseHandle } from '../../db/client';
import { createExclusive, type Exclusive } from '../../db/exclusive';
import type { EmailRetention } from '../../domain/cleanup/retention';
import { createEmailTransport, type EmailTransport } from '../../email/transport';
import type { BackoffOptions } from '../define';
import type { JobHealthSources } from '../../observability/read-job-health';

export interface JobDeps {
  db: Database;
  /** The clock every time-dependent decision reads (expiry, token lifetimes, disabling endpoints). */
  now: () => Date;
  email: EmailTransport;
  /** email-send's throttle: its starts per second across all workers (EMAIL_SEND_PER_SECOND). */
  emailSendsPerSecond: number;
  /** How long sent bodies and email rows are kept (the nightly cleanup). */
  emailRetention: EmailRetention;
  /** Runs a task in one place at a time across processes (the cleanups). */
  exclusive: Exclusive;
  /** Base of the links in emails. */
  publicWebappUrl: string;
  /** Thresholds and webhook of the job-health alerts (JOBS_ALERT_*, ALERT_WEBHOOK_*). */
  jobAlerts: Config['jobAlerts'];
  /**
   * The provider and cron schedules the alert job judges. The definitions are built before the provider exists,
   * so the runtime fills this in once it does; until then (and in harnesses that leave it out) there is nothing to check.
   */
  jobHealthSources: () => JobHealthSources | undefined;
  webhooks: {
    /** WEBHOOK_ALLOW_PRIVATE: development and tests deliver to loopback receivers. */
    allowPrivate: boolean;
    /** WEBHOOK_ALLOWED_HOSTS: exact host:port targets that may be private, production included. */
    allowedHosts?: readonly string[];
    /** Retry schedule of a failing delivery; tests shorten it. */
    backoff?: Partial<BackoffOptions>;
    timeoutMs?: number;
    /** trigger-webhook's throttle per endpoint (WEBHOOK_DELIVERIES_PER_SECOND). */
    deliveriesPerSecond: number;
  };
}

export function createJobDeps(config: Config, database: DatabaseHandle, overrides: Partial<JobDeps> = {}): JobDeps {
  const now = overrides.now ?? (() => new Date());
  return {
    db: database.db,
    now,
    email: createEmailTransport({ resendApiKey: config.email.resendApiKey, from: config.email.from, now }),
    emailRetention: config.email.retention,
    emailSendsPerSecond: config.email.sendsPerSecond,
    exclusive: createExclusive(database),
    publicWebappUrl: config.publicWebappUrl,
    jobAlerts: config.jobAlerts,
    jobHealthSources: () => undefined,
    webhooks: {
      allowPrivate: config.webhooks.allowPrivateAddresses,
      allowedHosts: config.webhooks.allowedHosts,
      deliveriesPerSecond: config.webhooks.deliveriesPerSecond,
    },
    ...overrides,
  };
}
