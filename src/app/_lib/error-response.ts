// The one mapper from errors to HTTP responses. Known errors say what went wrong; anything else is a 500 whose
// details go to the log and to Sentry, not to the client. (A 500 answered here never reaches Next's
// onRequestError, so this is where it is reported: once.)
import { isValidationError, type EnqueueError, type ValidationError } from '@/jobs/errors';
import { classifyDatabaseError } from '@/db/database-error';
import { captureRouteError } from '@/observability/sentry';
import type { ConflictError, ForbiddenError, GoneError, NotFoundError, TooManyRequestsError, UnauthorizedError, UnavailableError } from '@/domain/errors';

const STATUS_BY_CODE: Record<string, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
}

export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly code = 'UNSUPPORTED_MEDIA_TYPE' as const;
}

type KnownError =
  | ValidationError
  | UnauthorizedError
  | ForbiddenError
  | NotFoundError
  | ConflictError
  | GoneError
  | UnavailableError
  | PayloadTooLargeError
  | UnsupportedMediaTypeError
  | TooManyRequestsError
  | EnqueueError;

/** By code, not class: errors raised inside the runtime come from another bundle's copy of the classes. */
function isKnown(error: unknown): error is KnownError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code in STATUS_BY_CODE;
}

export function errorResponse(error: unknown, log?: (error: unknown) => void): Response {
  if (isKnown(error)) {
    if (error.code === 'UNAVAILABLE' && 'publicMessage' in error) {
      // A store that did not accept a dispatch: the client learns what became of its request, the log the rest
      // (the store's address and the driver's message are nobody else's business).
      log?.(error);
      return Response.json({ error: error.publicMessage }, { status: 503 });
    }
    const body = isValidationError(error) ? { error: 'Invalid request', issues: error.issues } : { error: error.message };
    const headers = error.code === 'RATE_LIMITED' ? { 'retry-after': String(error.retryAfterSeconds) } : undefined;
    return Response.json(body, { status: STATUS_BY_CODE[error.code], headers });
  }
  log?.(error);
  captureRouteError(error);
  // Still reported (a missing table or a database down in production is an incident), but the answer says what it
  // is: the client can retry later, the operator knows where to look. Never the database's address.
  const cause = classifyDatabaseError(error)?.kind;
  if (cause === 'schema-behind') return Response.json({ error: SCHEMA_BEHIND }, { status: 503 });
  if (cause === 'unreachable') return Response.json({ error: DATABASE_UNREACHABLE }, { status: 503 });
  return Response.json({ error: 'Internal error' }, { status: 500 });
}

const SCHEMA_BEHIND =
  'The database lacks a table or column this version of the app needs: its schema is behind. Run `npm run db:migrate` (GET /api/health lists the pending migrations).';
const DATABASE_UNREACHABLE = 'The database is not answering. Try again shortly.';
