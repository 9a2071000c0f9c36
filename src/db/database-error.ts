// What a failed database call means for whoever reports it (an API route, a CLI): the schema is behind this version
// of the app, or the server could not be reached, or something else. Read from the driver's codes (pg and PGlite
// alike), however deep the ORM wrapped the error.

export type DatabaseErrorKind = 'schema-behind' | 'unreachable';

/** Connection-level failures: refused, unknown host, timed out, reset, bad credentials or database, a server restarting. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '3D000', '28P01', '28000']);

/** The failing error of the chain and what it means, or null for any other error. */
export function classifyDatabaseError(error: unknown): { kind: DatabaseErrorKind; code: string; message: string } | null {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    // undefined_table, undefined_column: a migration this code expects has not run.
    if (code === '42P01' || code === '42703') return { kind: 'schema-behind', code, message: current.message };
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return { kind: 'unreachable', code, message: current.message };
    // node-postgres's own words for a connection it could not make or lost, without a code.
    if (/^(timeout exceeded when trying to connect|Connection terminated)/.test(current.message)) return { kind: 'unreachable', code: 'connection lost', message: current.message };
  }
  return null;
}
