export { NonRetriableError } from './non-retriable-error';
export { RetryAfterError } from './retry-after-error';
export { ValidationError, type ValidationIssue } from './validation-error';
export { EnqueueError, postgresWriteOutcome, redisWriteOutcome, type EnqueueOutcome } from './enqueue-error';
export { hasErrorCode, isValidationError } from './error-code';
