export interface ValidationIssue {
  /** Dotted path of the failing field, e.g. `recipients.0.email`; empty for the whole value. */
  path: string;
  message: string;
}

/** Input that fails its schema: unknown event, bad payload, bad request body. Maps to HTTP 400. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code = 'VALIDATION' as const;

  constructor(
    message: string,
    readonly issues: ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.length ? `${message}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}` : message, options);
  }
}
