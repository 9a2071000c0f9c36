// Errors on their way to a log line or a stored job error lose what a query carried: Drizzle's DrizzleQueryError
// puts every bound parameter in its message, stack and `params` (a password hash, an API-key hash, an email), and
// PostgreSQL's `detail` echoes row values ("Key (email)=(ada@example.com) already exists"). The SQL text, the
// SQLSTATE code and the constraint stay: they say what failed without saying what was in it.

/** Properties that may hold bound values: Drizzle's params, PostgreSQL's detail and context lines. */
const VALUE_PROPERTIES = new Set(['params', 'parameters', 'values', 'detail', 'where', 'internalQuery']);

/** A copy of `error` (and its cause chain) without query parameters or echoed values; non-errors pass through. */
export function redactError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 8) return error;
  const original = error as Error & Record<string, unknown>;
  const message = redactMessage(original);
  const copy = new Error(message) as Error & Record<string, unknown>;
  Object.defineProperty(copy, 'name', { value: original.name, enumerable: false, configurable: true, writable: true });
  // pino names the type after the constructor; keep the original's so `type` still reads DrizzleQueryError.
  Object.defineProperty(copy, 'constructor', { value: original.constructor, enumerable: false, configurable: true, writable: true });
  copy.stack = original.stack?.replace(original.message, message);
  for (const key of Object.keys(original)) {
    if (!VALUE_PROPERTIES.has(key) && key !== 'cause') copy[key] = original[key];
  }
  if (original.cause !== undefined) {
    copy.cause = redactError(original.cause, depth + 1);
    // Loggers print a cause's message but not its fields: lift the driver's SQLSTATE and constraint onto the wrapper.
    const cause = original.cause as Record<string, unknown>;
    for (const key of ['code', 'constraint', 'table', 'column'] as const) {
      if (copy[key] === undefined && typeof cause[key] === 'string') copy[key] = cause[key];
    }
  }
  return copy;
}

/** The message without values: Drizzle's "Failed query: <sql>\nparams: <values>" keeps its SQL. */
function redactMessage(error: Error & Record<string, unknown>): string {
  if (typeof error.query === 'string' && Array.isArray(error.params)) return `Failed query: ${error.query}`;
  // PostgreSQL quotes the offending input: invalid input syntax for type uuid: "<value>", invalid input value for
  // enum x: "<value>", value "<value>" is out of range for type bigint.
  return error.message
    .replace(/(for (?:type|enum) [\w ."]+): ".*"$/s, '$1: <redacted>')
    .replace(/^value ".*" is out of range for type/s, 'value <redacted> is out of range for type');
}
