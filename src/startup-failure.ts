// How a process that cannot start says so and ends: the web process (instrumentation.ts), `npm run worker` and the
// CLIs. The errors a person fixes (a bad variable, a database another process holds) print their message alone,
// which names what to do; anything else prints with its stack. Exit code 1 either way. Node.js only.

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
