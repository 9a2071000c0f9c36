// Errors are recognised by their literal `code`, never by class. Next bundles instrumentation (which builds the
// runtime) and each route separately, so an error thrown by the runtime is an instance of another copy of the class
// than the one a route imports, and `instanceof` is false in the built app.
import type { ValidationIssue } from './validation-error';

export function hasErrorCode<Code extends string>(error: unknown, code: Code): error is Error & { code: Code } {
  return error instanceof Error && (error as { code?: unknown }).code === code;
}

/** A ValidationError from any bundle: code VALIDATION and the issues naming each bad field. */
export function isValidationError(error: unknown): error is Error & { code: 'VALIDATION'; issues: ValidationIssue[] } {
  return hasErrorCode(error, 'VALIDATION') && Array.isArray((error as { issues?: unknown }).issues);
}
