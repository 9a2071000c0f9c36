// What /api/health (and the worker's optional health port) answers: whether this process can do its work now.
// "ok" needs all three: the database answers, its schema has every committed migration, and the job provider is
// ready (Redis reachable, Inngest keys present). Each reason for "degraded" is one sentence saying what to do.
// Names only, never secrets or URLs.
import type { DatabaseHandle, SqlClient } from '../db/client';
import { pendingMigrations } from '../db/migrate';
import type { JobProvider } from '../jobs/providers/types';
import { withTimeout } from '../jobs/with-timeout';
import type { ProcessRole } from '../process-role';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unreachable';
  driver: SqlClient['driver'];
  provider: string;
  mode: string;
  role: ProcessRole;
  /** `unknown` while the database does not answer. */
  schema: 'ok' | 'behind' | 'unknown';
  /** Migrations in drizzle/ the database has not applied, oldest first. */
  pendingMigrations: string[];
  providerReady: boolean;
  providerDetail: string;
  /**
   * Events committed changes owe a provider that enqueues outside the database (BullMQ, Inngest): see event-outbox.ts.
   * Reported, not judged: a backlog means the provider is not taking events, not that this process cannot serve, and
   * a load balancer that dropped every instance for it would turn a job delay into an outage.
   */
  outbox: { owed: number; oldestSeconds: number | null } | 'unknown';
  problems: string[];
}

const OUTBOX_BACKLOG = `select count(*)::int as owed, extract(epoch from now() - min(created_at))::float8 as oldest_seconds from event_outbox`;

export interface HealthInput {
  database: DatabaseHandle;
  provider: Pick<JobProvider, 'name' | 'checkReadiness'>;
  mode: string;
  role: ProcessRole;
  timeoutMs?: number;
  migrationsFolder?: string;
}

export async function checkHealth(input: HealthInput): Promise<HealthReport> {
  const timeoutMs = input.timeoutMs ?? 2000;
  const timedOut = () => new Error(`timed out after ${timeoutMs} ms`);
  const [database, pending, readiness] = await Promise.all([
    withTimeout(input.database.sql.query('select 1'), timeoutMs, timedOut).then(
      () => 'ok' as const,
      () => 'unreachable' as const,
    ),
    withTimeout(pendingMigrations(input.database, input.migrationsFolder), timeoutMs, timedOut).catch(() => undefined),
    withTimeout(input.provider.checkReadiness(), timeoutMs, timedOut).catch((error: Error) => ({ ready: false, detail: `readiness check failed: ${error.message}` })),
  ]);
  // After the schema check: a database whose schema is behind may not have the table yet.
  const outbox = schemaIsCurrent(pending)
    ? await withTimeout(input.database.sql.query<{ owed: number; oldest_seconds: number | null }>(OUTBOX_BACKLOG), timeoutMs, timedOut).then(
        ([row]) => ({ owed: row?.owed ?? 0, oldestSeconds: row?.oldest_seconds === null || row?.oldest_seconds === undefined ? null : Math.round(row.oldest_seconds) }),
        () => 'unknown' as const,
      )
    : ('unknown' as const);
  const schema = pending === undefined ? 'unknown' : pending.length ? 'behind' : 'ok';
  const problems = [
    database === 'unreachable' && 'the database does not answer',
    schema === 'behind' && `the database schema is behind (${pending!.join(', ')} not applied): run \`npm run db:migrate\``,
    schema === 'unknown' && database === 'ok' && 'could not read the applied migrations',
    !readiness.ready && `job provider ${input.provider.name} is not ready: ${readiness.detail}`,
  ].filter((problem): problem is string => typeof problem === 'string');
  return {
    status: problems.length ? 'degraded' : 'ok',
    database,
    driver: input.database.driver,
    provider: input.provider.name,
    mode: input.mode,
    role: input.role,
    schema,
    pendingMigrations: pending ?? [],
    providerReady: readiness.ready,
    providerDetail: readiness.detail,
    outbox,
    problems,
  };
}

function schemaIsCurrent(pending: string[] | undefined): boolean {
  return pending !== undefined && pending.length === 0;
}

