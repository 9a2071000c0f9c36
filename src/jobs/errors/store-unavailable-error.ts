/**
 * The queue's store (Redis for BullMQ) does not answer, so what was asked of it (reading or changing its jobs) was
 * not done. Maps to 503; the message names no address.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'UNAVAILABLE' as const;
}
