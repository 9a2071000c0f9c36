import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../src/env';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The variables `.env.example` sets, as a copy of it to `.env.local` would set them. */
const exampleEnv = Object.fromEntries(
  readFileSync(path.join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      return match ? [[match[1]!, match[2]!]] : [];
    }),
);

function errorOf(env: Record<string, string>): string {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected parseEnv to throw');
}

describe('.env.example', () => {
  it('works as it is, copied to .env.local: empty values are the defaults, the embedded database in worker mode', () => {
    const config = parseEnv(exampleEnv);
    expect(config.jobs).toMatchObject({ provider: 'local', mode: 'worker', runsWorker: true });
    expect(config.database).toEqual({ kind: 'embedded', dataDir: '.data/pglite' });
  });

  it('lists every variable of the README’s configuration table (VERCEL is Vercel’s to set)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## HTTP API'));
    const documented = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((match) => match[1]!).filter((name) => name !== 'VERCEL');
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.filter((name) => !(name in exampleEnv))).toEqual([]);
  });
});

describe('parseEnv', () => {
  it('defaults to the local provider on the embedded database in worker mode', () => {
    const config = parseEnv({});
    expect(config.jobs.provider).toBe('local');
    expect(config.jobs.mode).toBe('worker');
    expect(config.jobs.runsWorker).toBe(true);
    expect(config.database).toEqual({ kind: 'embedded', dataDir: '.data/pglite' });
    expect(config.redis).toEqual({ url: undefined, prefix: 'signing-jobs', concurrency: 10 });
    expect(config.jobs.concurrency).toBe(10);
    expect(config.publicWebappUrl).toBe('http://localhost:3000');
    expect(config.internalWebappUrl).toBe('http://localhost:3000');
  });

  it('accepts the seeds’ NEXT_PRIVATE_* names as aliases, ours winning when both are set', () => {
    const config = parseEnv({
      NEXT_PRIVATE_JOBS_PROVIDER: 'bullmq',
      NEXT_PRIVATE_REDIS_URL: 'redis://cache:6379',
      NEXT_PRIVATE_REDIS_PREFIX: 'docs',
      NEXT_PRIVATE_BULLMQ_CONCURRENCY: '4',
      NEXT_PRIVATE_INNGEST_APP_ID: 'my-app',
      NEXT_PRIVATE_INTERNAL_WEBAPP_URL: 'http://web:3000/',
      POSTGRES_URL: 'postgres://u@db/app',
    });
    expect(config.jobs.provider).toBe('bullmq');
    expect(config.redis).toEqual({ url: 'redis://cache:6379', prefix: 'docs', concurrency: 4 });
    expect(config.inngest.appId).toBe('my-app');
    expect(config.internalWebappUrl).toBe('http://web:3000');
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db/app' });

    const both = parseEnv({ JOBS_PROVIDER: 'inngest', NEXT_PRIVATE_JOBS_PROVIDER: 'bullmq' });
    expect(both.jobs.provider).toBe('inngest');
  });

  it.each([
    ['JOBS_PROVIDER', 'sqs', 'expected local, bullmq or inngest'],
    ['DATABASE_URL', 'mysql://x', 'expected a postgres:// or postgresql:// URL'],
    ['REDIS_URL', 'http://x', 'expected a redis:// or rediss:// URL'],
    ['BULLMQ_CONCURRENCY', 'ten', 'expected a whole number'],
    ['BULLMQ_CONCURRENCY', '0', 'expected at least 1'],
    ['JOBS_CONCURRENCY', '2.5', 'expected a whole number'],
    ['JOBS_SERVER_DISABLED', 'yes', 'expected true or false'],
    ['ONLY_JOB_SERVER', 'maybe', 'expected true or false'],
    ['PUBLIC_WEBAPP_URL', 'localhost:3000', 'expected an http(s) URL'],
    ['INTERNAL_WEBAPP_URL', 'ftp://x', 'expected an http(s) URL'],
    ['CRON_SECRET', 'short', 'expected at least 16 characters'],
    ['JOBS_SIGNING_SECRET', 'short', 'expected at least 32 characters'],
    ['JOBS_MODE', 'lambda', 'expected worker or serverless'],
    ['INNGEST_SIGNING_KEY', 'abc', 'expected a key starting with signkey-'],
    ['NODE_ENV', 'staging', 'expected development, production or test'],
    ['LOG_LEVEL', 'loud', 'expected fatal, error, warn, info, debug, trace or silent'],
    ['JOBS_ALERT_FAILURE_RATE', '1.5', 'expected a number from 0 to 1'],
    ['JOBS_ALERT_RETRY_RATE', 'often', 'expected a number from 0 to 1'],
    ['JOBS_ALERT_QUEUE_DEPTH', '-1', 'expected at least 0'],
    ['JOBS_ALERT_MIN_FINISHED', '0', 'expected at least 1'],
    ['JOBS_ALERT_CRON_GRACE_SECONDS', '2.5', 'expected a whole number'],
    ['ALERT_WEBHOOK_SECRET', 'not-a-whsec', 'expected whsec_ followed by base64 of 24 to 64 bytes'],
  ])('refuses %s=%s, naming the variable and what it accepts', (name, value, expected) => {
    const message = errorOf({ [name]: value });
    expect(message).toContain(`${name}: ${expected}`);
  });

  it('reads the job-alert thresholds with their defaults, and requires a secret with ALERT_WEBHOOK_URL', () => {
    expect(parseEnv({}).jobAlerts).toEqual({
      thresholds: { queueDepth: 1000, oldestPendingMs: 600_000, stuck: 0, failureRate: 0.1, retryRate: 0.25, minFinished: 20, cronGraceMs: 300_000 },
      webhook: undefined,
    });
    expect(parseEnv({ JOBS_ALERT_FAILURE_RATE: '0.5', JOBS_ALERT_CRON_GRACE_SECONDS: '0' }).jobAlerts.thresholds).toMatchObject({ failureRate: 0.5, cronGraceMs: 0 });
    expect(errorOf({ ALERT_WEBHOOK_URL: 'https://ops.example.com/alerts' })).toContain('ALERT_WEBHOOK_SECRET: required when ALERT_WEBHOOK_URL is set');
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(parseEnv({ ALERT_WEBHOOK_URL: 'https://ops.example.com/alerts', ALERT_WEBHOOK_SECRET: secret }).jobAlerts.webhook).toEqual({ url: 'https://ops.example.com/alerts', secret });
    expect(errorOf({ ALERT_WEBHOOK_SECRET: 'whsec_short' })).not.toContain('whsec_short');
  });

  it('names every bad variable in one message', () => {
    const message = errorOf({ JOBS_PROVIDER: 'x', BULLMQ_CONCURRENCY: '-1' });
    expect(message).toMatch(/JOBS_PROVIDER: .*\n.*BULLMQ_CONCURRENCY: /);
  });

  it('requires REDIS_URL only when the bullmq provider is chosen', () => {
    expect(errorOf({ JOBS_PROVIDER: 'bullmq' })).toContain('REDIS_URL: required when JOBS_PROVIDER=bullmq');
    expect(() => parseEnv({ JOBS_PROVIDER: 'local' })).not.toThrow();
  });

  it('requires Inngest keys in production unless INNGEST_DEV is set', () => {
    const message = errorOf({ JOBS_PROVIDER: 'inngest', NODE_ENV: 'production' });
    expect(message).toContain('INNGEST_EVENT_KEY: required');
    expect(message).toContain('INNGEST_SIGNING_KEY: required');
    expect(() => parseEnv({ JOBS_PROVIDER: 'inngest', NODE_ENV: 'production', INNGEST_DEV: '1' })).not.toThrow();
    expect(parseEnv({ JOBS_PROVIDER: 'inngest' }).inngest.isDev).toBe(true);
  });

  it('refuses the embedded database on Vercel, where it would lose jobs', () => {
    expect(errorOf({ VERCEL: '1', JOBS_SIGNING_SECRET: 'x'.repeat(32) })).toContain('DATABASE_URL: required on Vercel');
  });

  it('runs serverless on Vercel and then requires a signing secret for self-dispatch', () => {
    const message = errorOf({ VERCEL: '1', DATABASE_URL: 'postgres://db/app' });
    expect(message).toContain('JOBS_SIGNING_SECRET: required for the local provider in serverless mode');
    const config = parseEnv({ VERCEL: '1', DATABASE_URL: 'postgres://db/app', JOBS_SIGNING_SECRET: 'x'.repeat(32) });
    expect(config.jobs.mode).toBe('serverless');
  });

  it('refuses JOBS_SERVER_DISABLED together with ONLY_JOB_SERVER', () => {
    expect(errorOf({ JOBS_SERVER_DISABLED: 'true', ONLY_JOB_SERVER: 'true' })).toContain('ONLY_JOB_SERVER: cannot be true');
  });

  it('does not echo secret values in its message', () => {
    const message = errorOf({ CRON_SECRET: 'hunter2' });
    expect(message).not.toContain('hunter2');
  });

  it('refuses WEBHOOK_ALLOW_PRIVATE=true in production, and parses WEBHOOK_ALLOWED_HOSTS into exact host:port entries', () => {
    expect(errorOf({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE: 'true' })).toMatch(/WEBHOOK_ALLOW_PRIVATE: is refused in production.*WEBHOOK_ALLOWED_HOSTS/);
    expect(parseEnv({ NODE_ENV: 'development', WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks.allowPrivateAddresses).toBe(true);
    const config = parseEnv({ NODE_ENV: 'production', WEBHOOK_ALLOWED_HOSTS: '127.1:4567, Hooks.Internal:443,[::1]:8080' });
    expect(config.webhooks).toEqual({
      allowPrivateAddresses: false,
      allowedHosts: ['127.0.0.1:4567', 'hooks.internal:443', '[::1]:8080'],
      deliveriesPerSecond: 10,
    });
    expect(errorOf({ WEBHOOK_ALLOWED_HOSTS: 'http://example.com, example.com' })).toContain('WEBHOOK_ALLOWED_HOSTS: expected comma-separated host:port entries');
  });

  it('reads the email and webhook throttles (5 and 10 per second by default) and refuses anything but a positive whole number', () => {
    expect(parseEnv({}).email.sendsPerSecond).toBe(5);
    expect(parseEnv({ EMAIL_SEND_PER_SECOND: '50', WEBHOOK_DELIVERIES_PER_SECOND: '2' })).toMatchObject({ email: { sendsPerSecond: 50 }, webhooks: { deliveriesPerSecond: 2 } });
    expect(errorOf({ EMAIL_SEND_PER_SECOND: '0' })).toContain('EMAIL_SEND_PER_SECOND');
    expect(errorOf({ WEBHOOK_DELIVERIES_PER_SECOND: '1.5' })).toContain('WEBHOOK_DELIVERIES_PER_SECOND');
  });

  it('believes X-Forwarded-For only with TRUST_PROXY: none by default, one proxy on Vercel', () => {
    expect(parseEnv({}).trustedProxies).toBe(0);
    expect(parseEnv({ VERCEL: '1', DATABASE_URL: 'postgres://db/app', JOBS_PROVIDER: 'inngest', INNGEST_DEV: '1' }).trustedProxies).toBe(1);
    expect(parseEnv({ TRUST_PROXY: 'true' }).trustedProxies).toBe(1);
    expect(parseEnv({ TRUST_PROXY: '2' }).trustedProxies).toBe(2);
    expect(parseEnv({ VERCEL: '1', DATABASE_URL: 'postgres://db/app', JOBS_PROVIDER: 'inngest', INNGEST_DEV: '1', TRUST_PROXY: 'false' }).trustedProxies).toBe(0);
    expect(errorOf({ TRUST_PROXY: 'yes' })).toContain('TRUST_PROXY');
  });

  it('reads SENTRY_DSN as a Sentry DSN (unset or empty = off) and refuses a URL the SDK could not use, without echoing it', () => {
    expect(parseEnv({}).sentryDsn).toBeUndefined();
    expect(parseEnv({ SENTRY_DSN: '' }).sentryDsn).toBeUndefined();
    expect(parseEnv({ SENTRY_DSN: 'https://abc123@o1.ingest.sentry.io/4507' }).sentryDsn).toBe('https://abc123@o1.ingest.sentry.io/4507');
    expect(parseEnv({ SENTRY_DSN: 'http://public@127.0.0.1:9000/1' }).sentryDsn).toBe('http://public@127.0.0.1:9000/1');
    for (const bad of ['https://o1.ingest.sentry.io/4507', 'https://key@o1.ingest.sentry.io/', 'https://key@o1.ingest.sentry.io/project', 'not a url']) {
      const message = errorOf({ SENTRY_DSN: bad });
      expect(message).toContain('SENTRY_DSN');
      expect(message).not.toContain(bad);
    }
  });
});
