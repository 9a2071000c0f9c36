// How a process that cannot start says so and ends: the web process (instrumentation.ts), `npm run worker` and the
// CLIs. The errors a person fixes (a bad variable, a database another process holds) print their message alone,
// which names what to do; anything else prints with its stack. Exit code 1 either way. Node.js only.
import { classifyDatabaseError } from './db/database-error';
import { redactError } from './observability/redact-error';

/** Errors whose message is the whole story: printing a stack under them only buries it. */
const SELF_EXPLAINING = new Set(['ConfigError', 'EmbeddedDatabaseInUseError', 'StartupError']);

/** A start-up problem whose message names the setting at fault and what to do. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export function exitOnStartupFailure(error: unknown): never {
  console.error(error instanceof Error && SELF_EXPLAINING.has(error.name) ? error.message : error);
  process.exit(1);
}

/**
 * What a CLI prints for a failed database call: the fix when the schema is behind or the server does not answer,
 * else the error without the values its query carried (redactError), never the bound parameters Drizzle lists.
 */
export function databaseFailureMessage(error: unknown): string {
  const failure = classifyDatabaseError(error);
  if (failure?.kind === 'schema-behind') return `the database schema is behind this version (${failure.message}): run \`npm run db:migrate\` with this DATABASE_URL`;
  if (failure?.kind === 'unreachable') return `the database does not answer (${failure.code}: ${failure.message}): check DATABASE_URL and that the server is running`;
  const redacted = redactError(error);
  return redacted instanceof Error ? redacted.message : String(redacted);
}
