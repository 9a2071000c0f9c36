// The only module that reads process.env. Every setting is parsed once by one zod schema into typed config;
// a wrong value stops start-up with one message naming the variable and what it accepts.

// A CommonJS bundle whose named exports Node's ESM loader cannot see: imported whole.
import nextEnv from '@next/env';
import { z } from 'zod';
import { normalizeHostPort } from './webhooks/host-port';

/** Names the seeds used; each is accepted as an alias of ours. Ours wins when both are set. */
const ALIASES: Record<string, readonly string[]> = {
  JOBS_PROVIDER: ['NEXT_PRIVATE_JOBS_PROVIDER'],
  DATABASE_URL: ['POSTGRES_URL', 'NEXT_PRIVATE_DATABASE_URL'],
  REDIS_URL: ['NEXT_PRIVATE_REDIS_URL'],
  REDIS_PREFIX: ['NEXT_PRIVATE_REDIS_PREFIX'],
  BULLMQ_CONCURRENCY: ['NEXT_PRIVATE_BULLMQ_CONCURRENCY'],
  INNGEST_EVENT_KEY: ['NEXT_PRIVATE_INNGEST_EVENT_KEY'],
  INNGEST_APP_ID: ['NEXT_PRIVATE_INNGEST_APP_ID'],
  INTERNAL_WEBAPP_URL: ['NEXT_PRIVATE_INTERNAL_WEBAPP_URL'],
  PUBLIC_WEBAPP_URL: ['NEXT_PUBLIC_WEBAPP_URL'],
};

const booleanFlag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0', ''], { error: 'expected true or false' })
    .transform((value) => (value === '' ? fallback : value))
    .default(fallback)
    .transform((value) => value === 'true' || value === '1');

const flag = booleanFlag('false');

const wholeNumber = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`)
    .default(fallback);

const positiveInt = (fallback: number, max: number) => wholeNumber(fallback, 1, max);

/** A fraction from 0 to 1 (rates), e.g. 0.1 for 10 %. */
const fraction = (fallback: number) =>
  z.coerce.number({ error: 'expected a number from 0 to 1' }).min(0, 'expected a number from 0 to 1').max(1, 'expected a number from 0 to 1').default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));

const optionalHttpUrl = z.preprocess((value) => (value === '' ? undefined : value), httpUrl.optional());

const databaseUrl = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
);

const redisUrl = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .optional(),
);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'expected development, production or test' }).default('development'),
    VERCEL: flag,
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected fatal, error, warn, info, debug, trace or silent',
      })
      .default('info'),

    JOBS_PROVIDER: z.enum(['local', 'bullmq', 'inngest'], { error: 'expected local, bullmq or inngest' }).default('local'),
    JOBS_MODE: z.enum(['worker', 'serverless'], { error: 'expected worker or serverless' }).optional(),
    JOBS_SERVER_DISABLED: flag,
    ONLY_JOB_SERVER: flag,
    JOBS_CONCURRENCY: positiveInt(10, 1000),
    JOBS_POLL_INTERVAL_MS: positiveInt(1000, 60_000),
    JOBS_LEASE_MS: positiveInt(30_000, 3_600_000),
    JOBS_RETENTION_DAYS: positiveInt(7, 3650),
    JOBS_SHUTDOWN_TIMEOUT_MS: positiveInt(25_000, 3_600_000),
    /** `npm run worker` serves no web traffic; set a port for a GET /api/health a process manager can probe. */
    WORKER_HEALTH_PORT: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z.coerce.number({ error: 'expected a port number' }).int('expected a port number').min(1, 'expected 1 to 65535').max(65_535, 'expected 1 to 65535').optional(),
    ),
    JOBS_SIGNING_SECRET: optionalString.pipe(z.string().min(32, 'expected at least 32 characters').optional()),
    CRON_SECRET: optionalString.pipe(z.string().min(16, 'expected at least 16 characters').optional()),
    /** HMAC key of the operators' dashboard session cookie; unset in production = the dashboard refuses sign-in. */
    ADMIN_SESSION_SECRET: optionalString.pipe(z.string().min(32, 'expected at least 32 characters').optional()),

    /** /api/health/jobs and the job-health-alerts cron job: each threshold is the most that still counts as healthy. */
    JOBS_ALERT_QUEUE_DEPTH: wholeNumber(1000, 0, 100_000_000),
    JOBS_ALERT_OLDEST_PENDING_SECONDS: wholeNumber(600, 0, 30 * 24 * 3600),
    JOBS_ALERT_STUCK: wholeNumber(0, 0, 1_000_000),
    JOBS_ALERT_FAILURE_RATE: fraction(0.1),
    JOBS_ALERT_RETRY_RATE: fraction(0.25),
    /** Rates over fewer finished jobs than this are reported but never breach (2 jobs, 1 failed, is not 50 %). */
    JOBS_ALERT_MIN_FINISHED: wholeNumber(20, 1, 1_000_000),
    /** How long after a cron slot its job may still be missing before the slot counts as missed. */
    JOBS_ALERT_CRON_GRACE_SECONDS: wholeNumber(300, 0, 7 * 24 * 3600),
    ALERT_WEBHOOK_URL: optionalHttpUrl,
    /** Standard Webhooks secret: `whsec_` + base64 of 24–64 random bytes. */
    ALERT_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'expected whsec_ followed by base64 of 24 to 64 bytes').optional()),

    DATABASE_URL: databaseUrl,
    PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
    /** `false` for pipelines that run `npm run db:migrate` as their own step before starting the app. */
    DATABASE_MIGRATE_ON_START: booleanFlag('true'),

    REDIS_URL: redisUrl,
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, _ . or -').default('signing-jobs'),
    BULLMQ_CONCURRENCY: positiveInt(10, 1000),

    INNGEST_EVENT_KEY: optionalString,
    INNGEST_SIGNING_KEY: optionalString.pipe(z.string().regex(/^signkey-/, 'expected a key starting with signkey-').optional()),
    INNGEST_APP_ID: z.string().regex(/^[a-z0-9-]+$/, 'expected lower-case letters, digits and -').default('signing-jobs'),
    INNGEST_DEV: flag,
    /** A self-hosted Inngest (`inngest start`) or a test server; unset = Inngest cloud. */
    INNGEST_BASE_URL: optionalHttpUrl,

    PUBLIC_WEBAPP_URL: httpUrl.default('http://localhost:3000'),
    INTERNAL_WEBAPP_URL: optionalHttpUrl,

    RESEND_API_KEY: optionalString,
    EMAIL_FROM: z.string().min(3).default('Signing <no-reply@localhost>'),
    /** Sent emails keep their bodies (and their live links) this long, then the nightly cleanup empties them. */
    EMAIL_BODY_RETENTION_HOURS: wholeNumber(24, 0, 24 * 365),
    /** email_messages rows (recipient, subject, status, provider id) are deleted after this. */
    EMAIL_LOG_RETENTION_DAYS: wholeNumber(90, 1, 3650),
    /** Starts of the email-send job per second across all workers: Resend's documented default limit is 5 per team. */
    EMAIL_SEND_PER_SECOND: positiveInt(5, 1000),
    /** Delivery attempts per second to any one webhook endpoint (trigger-webhook's throttle, keyed by endpoint). */
    WEBHOOK_DELIVERIES_PER_SECOND: positiveInt(10, 1000),
    /** A Sentry DSN, `https://<public key>@<host>/<project id>`; what the SDK would silently ignore is refused here. */
    SENTRY_DSN: optionalHttpUrl.refine((value) => value === undefined || isSentryDsn(value), {
      message: 'expected a Sentry DSN: https://<public key>@<host>/<project id>',
    }),
    /**
     * How many proxies in front of the app append to X-Forwarded-For: `false`/0 (default; 1 on Vercel, whose edge
     * overwrites the header) = the header is ignored and limits count the socket's peer; `true` = 1.
     */
    TRUST_PROXY: z.preprocess(
      (value) => (value === 'true' ? '1' : value === 'false' || value === '' ? '0' : value),
      z.coerce.number({ error: 'expected false, true or a number of proxies' }).int('expected false, true or a number of proxies').min(0).max(10).optional(),
    ),
    WEBHOOK_ALLOW_PRIVATE: flag,
    /** Comma-separated exact host:port webhook targets that may be private (self-hosted receivers, tests). */
    WEBHOOK_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
        const normalized = entries.map(normalizeHostPort);
        const bad = entries.filter((_, index) => normalized[index] === null);
        if (bad.length) ctx.addIssue({ code: 'custom', message: `expected comma-separated host:port entries, e.g. 127.0.0.1:4567 (bad: ${bad.join(', ')})` });
        return normalized.filter((entry): entry is string => entry !== null);
      }),
  })
  .superRefine((env, ctx) => {
    const require = (key: keyof typeof env, why: string) => {
      if (env[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required ${why}` });
    };
    if (env.JOBS_PROVIDER === 'bullmq') require('REDIS_URL', 'when JOBS_PROVIDER=bullmq');
    if (env.JOBS_PROVIDER === 'inngest' && env.NODE_ENV === 'production' && !env.INNGEST_DEV) {
      require('INNGEST_EVENT_KEY', 'when JOBS_PROVIDER=inngest in production (or set INNGEST_DEV=true)');
      require('INNGEST_SIGNING_KEY', 'when JOBS_PROVIDER=inngest in production (or set INNGEST_DEV=true)');
    }
    if (env.VERCEL) {
      require(
        'DATABASE_URL',
        'on Vercel: an embedded database would live and die with each function instance and lose jobs',
      );
    }
    if (resolveMode(env) === 'serverless' && env.JOBS_PROVIDER === 'local') {
      require('JOBS_SIGNING_SECRET', 'for the local provider in serverless mode (it signs /api/jobs/run calls)');
    }
    if (env.WEBHOOK_ALLOW_PRIVATE && env.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_ALLOW_PRIVATE'],
        message: 'is refused in production (it would let any user aim webhooks at internal services); list exact targets in WEBHOOK_ALLOWED_HOSTS instead',
      });
    }
    if (env.ALERT_WEBHOOK_URL) require('ALERT_WEBHOOK_SECRET', 'when ALERT_WEBHOOK_URL is set (alerts are signed)');
    if (env.JOBS_SERVER_DISABLED && env.ONLY_JOB_SERVER) {
      ctx.addIssue({ code: 'custom', path: ['ONLY_JOB_SERVER'], message: 'cannot be true together with JOBS_SERVER_DISABLED: set JOBS_SERVER_DISABLED=true only in the web process\'s environment, not in a .env file `npm run worker` reads too' });
    }
  });

type ParsedEnv = z.infer<typeof envSchema>;

/** Development and tests only: a constant every bundle of the app agrees on (a random one would differ per route). */
const DEVELOPMENT_SESSION_SECRET = 'development-only-admin-session-secret-not-for-production';

function resolveMode(env: Pick<ParsedEnv, 'JOBS_MODE' | 'VERCEL'>): 'worker' | 'serverless' {
  return env.JOBS_MODE ?? (env.VERCEL ? 'serverless' : 'worker');
}

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: ParsedEnv) {
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    isVercel: env.VERCEL,
    logLevel: env.LOG_LEVEL,
    database: env.DATABASE_URL
      ? ({ kind: 'postgres', url: env.DATABASE_URL } as const)
      : ({ kind: 'embedded', dataDir: env.PGLITE_DATA_DIR } as const),
    /** Whether start-up applies pending migrations (the embedded database always migrates when opened). */
    migrateOnStart: env.DATABASE_MIGRATE_ON_START,
    jobs: {
      provider: env.JOBS_PROVIDER,
      mode: resolveMode(env),
      /** Whether this process runs the worker and scheduler (false: it only enqueues). */
      runsWorker: !env.JOBS_SERVER_DISABLED,
      /** Whether this process is a dedicated job server that serves no web traffic. */
      onlyJobServer: env.ONLY_JOB_SERVER,
      concurrency: env.JOBS_CONCURRENCY,
      pollIntervalMs: env.JOBS_POLL_INTERVAL_MS,
      leaseMs: env.JOBS_LEASE_MS,
      retentionDays: env.JOBS_RETENTION_DAYS,
      shutdownTimeoutMs: env.JOBS_SHUTDOWN_TIMEOUT_MS,
      /** `npm run worker` only: the port of its health endpoint, unset = none. */
      workerHealthPort: env.WORKER_HEALTH_PORT,
      signingSecret: env.JOBS_SIGNING_SECRET,
    },
    cronSecret: env.CRON_SECRET,
    /**
     * Signs the dashboard's session cookie. Outside production a fixed key stands in (the development server
     * listens on loopback only); in production it must be set, or the dashboard says so and signs no one in.
     */
    adminSessionSecret: env.ADMIN_SESSION_SECRET ?? (env.NODE_ENV === 'production' ? undefined : DEVELOPMENT_SESSION_SECRET),
    /** What /api/health/jobs and the alert job judge, and where pushed alerts go besides the admins' inboxes. */
    jobAlerts: {
      thresholds: {
        queueDepth: env.JOBS_ALERT_QUEUE_DEPTH,
        oldestPendingMs: env.JOBS_ALERT_OLDEST_PENDING_SECONDS * 1000,
        stuck: env.JOBS_ALERT_STUCK,
        failureRate: env.JOBS_ALERT_FAILURE_RATE,
        retryRate: env.JOBS_ALERT_RETRY_RATE,
        minFinished: env.JOBS_ALERT_MIN_FINISHED,
        cronGraceMs: env.JOBS_ALERT_CRON_GRACE_SECONDS * 1000,
      },
      webhook: env.ALERT_WEBHOOK_URL && env.ALERT_WEBHOOK_SECRET ? { url: env.ALERT_WEBHOOK_URL, secret: env.ALERT_WEBHOOK_SECRET } : undefined,
    },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX, concurrency: env.BULLMQ_CONCURRENCY },
    inngest: {
      appId: env.INNGEST_APP_ID,
      eventKey: env.INNGEST_EVENT_KEY,
      signingKey: env.INNGEST_SIGNING_KEY,
      baseUrl: env.INNGEST_BASE_URL,
      isDev: env.INNGEST_DEV || (env.NODE_ENV !== 'production' && !env.INNGEST_SIGNING_KEY),
    },
    publicWebappUrl: env.PUBLIC_WEBAPP_URL,
    internalWebappUrl: env.INTERNAL_WEBAPP_URL ?? env.PUBLIC_WEBAPP_URL,
    email: {
      resendApiKey: env.RESEND_API_KEY,
      from: env.EMAIL_FROM,
      retention: { bodyHours: env.EMAIL_BODY_RETENTION_HOURS, days: env.EMAIL_LOG_RETENTION_DAYS },
      sendsPerSecond: env.EMAIL_SEND_PER_SECOND,
    },
    sentryDsn: env.SENTRY_DSN,
    /** Proxies whose X-Forwarded-For entries are believed (src/limits/client-address.ts). */
    trustedProxies: env.TRUST_PROXY ?? (env.VERCEL ? 1 : 0),
    webhooks: {
      allowPrivateAddresses: env.WEBHOOK_ALLOW_PRIVATE,
      allowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
      deliveriesPerSecond: env.WEBHOOK_DELIVERIES_PER_SECOND,
    },
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Applies the seeds' alias names: an alias fills a variable only when ours is unset or empty. */
function applyAliases(source: Record<string, string | undefined>): Record<string, string | undefined> {
  const merged = { ...source };
  for (const [name, aliases] of Object.entries(ALIASES)) {
    if (merged[name]) continue;
    const alias = aliases.find((candidate) => merged[candidate]);
    if (alias) merged[name] = merged[alias];
  }
  return merged;
}

/**
 * An empty variable counts as unset, for every variable alike: `.env.example` copied as it is (`JOBS_MODE=`), or a
 * deployment's blank field, means "the default", not "the value ''".
 */
function withoutEmptyValues(source: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
}

/** Parses an environment (process.env by default) into typed config, or throws one ConfigError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(applyAliases(withoutEmptyValues(source)));
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const got = source[name];
      const shown = got === undefined || /SECRET|KEY|URL|DSN/.test(name) ? '' : ` (got "${got}")`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return toConfig(result.data);
}

let cached: Config | undefined;

/**
 * For the processes we start without Next.js (`npm run worker`, `npm run jobs`, `npm run user:create`, `npm run
 * db:migrate`): loads `.env`, `.env.<mode>`, `.env.local` and `.env.<mode>.local` from `dir` into process.env through
 * Next's own loader, so they read the same files in the same order as `next dev` / `next start` (a variable already
 * set in the environment wins). Call it before getConfig().
 */
export function loadEnvFiles(dir = process.cwd()): void {
  const quiet = { info: () => {}, error: (...args: unknown[]) => console.error(...args) };
  nextEnv.loadEnvConfig(dir, process.env.NODE_ENV !== 'production', quiet);
}

/** The process's config, parsed from process.env on first use. */
export function getConfig(): Config {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forgets the cached config so the next getConfig() reads process.env again (tests change it between cases). */
export function resetConfig(): void {
  cached = undefined;
}

/** What the Sentry SDK parses as a DSN: a public key as the user name and a project id as the last path segment. */
function isSentryDsn(value: string): boolean {
  const url = new URL(value);
  return url.username !== '' && /^\/(?:[^/]+\/)*\d+$/.test(url.pathname);
}
