// Domain errors, each with a literal code; src/app/_lib/error-response.ts is the one place that maps them to HTTP.
export class UnauthorizedError extends Error {
  override readonly name = 'UnauthorizedError';
  readonly code = 'UNAUTHORIZED' as const;
}

export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN' as const;
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND' as const;
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly code = 'CONFLICT' as const;
}

export class GoneError extends Error {
  override readonly name = 'GoneError';
  readonly code = 'GONE' as const;
}

/** A dependency the request needs is not configured (e.g. CRON_SECRET in production). */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';
  readonly code = 'UNAVAILABLE' as const;
}

/** A rate limit is used up; `retryAfterSeconds` goes into the 429's Retry-After header. */
export class TooManyRequestsError extends Error {
  override readonly name = 'TooManyRequestsError';
  readonly code = 'RATE_LIMITED' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
