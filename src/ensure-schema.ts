// Start-up's database step, shared by the web process and `npm run worker`: apply pending migrations (unless
// DATABASE_MIGRATE_ON_START=false), and while the schema is still behind, say so once with the command that fixes
// it and re-check quietly. Jobs start only once the schema is current, so a worker never claims (and logs an error
// per attempt) against tables that do not exist yet.
import { migrateDatabase, pendingMigrations } from './db/migrate';
import type { Runtime } from './runtime';

type SchemaCheck = { kind: 'current' } | { kind: 'behind'; pending: string[] } | { kind: 'unreachable'; error: Error };

/** Migrates if `migrate` and anything is pending, and reports where the schema stands; logs a failed migration. */
export async function prepareSchema(runtime: Pick<Runtime, 'database' | 'logger'>, options: { migrate: boolean }): Promise<SchemaCheck> {
  const { database, logger } = runtime;
  let pending: string[];
  try {
    pending = await pendingMigrations(database);
  } catch (error) {
    return { kind: 'unreachable', error: error as Error };
  }
  if (pending.length && options.migrate) {
    try {
      await migrateDatabase(database);
      logger.info({ applied: pending }, `applied ${pending.length} database migration(s) at start`);
    } catch (error) {
      logger.error({ err: error, pending }, 'applying database migrations at start failed');
    }
    pending = await pendingMigrations(database).catch(() => pending);
  }
  return pending.length ? { kind: 'behind', pending } : { kind: 'current' };
}

/**
 * Resolves true once the schema is current (at once, usually), false if `signal` aborts first (shutdown).
 * Re-checks every `recheckMs`. Migrates (if configured) on the first check and again only after the database was
 * unreachable, so a migration that fails does not fail, and log, once a second.
 */
export async function waitForSchema(
  runtime: Pick<Runtime, 'config' | 'database' | 'logger'>,
  options: {
    signal: AbortSignal;
    recheckMs: number;
    /** Whether this process holds jobs back until the schema is current (said in the log line). */
    holdsJobs: boolean;
    /** Called after the first check (and migration): the web process serves from then on. */
    onFirstCheck?: (current: boolean) => void;
  },
): Promise<boolean> {
  const { logger, config } = runtime;
  let reported = '';
  let migrate = config.migrateOnStart;
  for (;;) {
    if (options.signal.aborted) return false;
    const check = await prepareSchema(runtime, { migrate });
    migrate = config.migrateOnStart && check.kind === 'unreachable';
    options.onFirstCheck?.(check.kind === 'current');
    if (check.kind === 'current') {
      if (reported) logger.info({}, options.holdsJobs ? 'the database schema is current; starting jobs' : 'the database schema is current');
      return true;
    }
    // Once per state, not per re-check: the line an operator needs, not one a second.
    const state = check.kind === 'behind' ? `behind:${check.pending.join(',')}` : 'unreachable';
    if (state !== reported) {
      reported = state;
      if (check.kind === 'behind') {
        const how = config.migrateOnStart ? 'migrating at start did not apply them (see the error above)' : 'DATABASE_MIGRATE_ON_START=false';
        logger.error(
          { pendingMigrations: check.pending },
          `the database schema is behind: ${check.pending.length} migration(s) not applied (${check.pending.join(', ')}); ${how}. ` +
            `Run \`npm run db:migrate\` with this DATABASE_URL. ${options.holdsJobs ? 'Jobs start once the schema is current; ' : ''}` +
            '/api/health answers 503 until then.',
        );
      } else {
        const then = options.holdsJobs ? '; jobs start once it does and its schema is current' : '';
        logger.error({ err: check.error }, `the database does not answer${then}`);
      }
    }
    await abortableDelay(options.recheckMs, options.signal);
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // Not unref'd: while the database does not answer nothing else may keep `npm run worker` alive, and an unref'd
    // timer let it end (exit 13, a top-level await never settled) right after it said it would wait. Shutdown
    // aborts the signal, which clears the timer.
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
