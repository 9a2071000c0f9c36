/** Thrown inside a job to fail it at once: no further attempts (bad input, a recipient that cannot exist). */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  readonly code = 'NON_RETRIABLE' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
