import type { z } from 'zod';
import { ValidationError } from '@/jobs/errors';
import { zodIssues } from '@/jobs/registry';
import { PayloadTooLargeError } from './error-response';

/** Reads a request body as text, refusing more than `maxBytes` (413) without buffering past the limit. */
export async function readBody(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new PayloadTooLargeError(`Body over ${maxBytes} bytes`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new PayloadTooLargeError(`Body over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parses a JSON body with a zod schema: bad JSON or a bad field is a ValidationError naming it. A NUL character in
 * any string or key is refused here, before any schema, for every route at once: PostgreSQL cannot store it in text
 * (the insert would fail as a 500), and no field of ours has a use for it.
 */
export function parseJson<Schema extends z.ZodType>(text: string, schema: Schema): z.output<Schema> {
  let value: unknown;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ValidationError('Invalid request', [{ path: '', message: 'body is not valid JSON' }]);
  }
  return parseFields(value, schema);
}

/** Validates a parsed body (JSON, or a form's fields) with a zod schema, after the NUL rule; 400 naming each bad field. */
export function parseFields<Schema extends z.ZodType>(value: unknown, schema: Schema): z.output<Schema> {
  rejectUnsafeInput(value);
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError('Invalid request', zodIssues(result.error));
  return result.data;
}

/**
 * Deepest nesting of objects and arrays a body may have. Ours are a few levels deep; the limit stops a small body of
 * thousands of nested brackets from overflowing the stack of whatever walks it (a 500 for anyone who sends one).
 */
export const MAX_BODY_NESTING = 32;

type Problem = 'nul' | 'surrogate' | 'depth';

const MESSAGES: Record<Problem, string> = {
  nul: 'must not contain a NUL character (\\u0000)',
  // JSON.parse takes "\ud800", but it is no character: PostgreSQL refuses it in jsonb (a 500) and text keeps U+FFFD.
  surrogate: 'must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)',
  depth: `is nested deeper than ${MAX_BODY_NESTING} levels`,
};

/** What no text of ours may hold: NUL, or a surrogate half without its other half (the u flag pairs halves). */
function problemOf(text: string): Problem | undefined {
  if (text.includes('\u0000')) return 'nul';
  return /\p{Surrogate}/u.test(text) ? 'surrogate' : undefined;
}

/**
 * A ValidationError naming the first string or key (at any depth) that holds a NUL or an unpaired surrogate, or
 * where nesting is too deep.
 */
export function rejectUnsafeInput(value: unknown): void {
  const found = inspectStrings(value);
  if (found === undefined) return;
  throw new ValidationError('Invalid request', [{ path: found.path, message: MESSAGES[found.problem] }]);
}

/**
 * The dotted path (as zod issues name fields) of the first string or key holding what problemOf refuses, or of the
 * first value nested past MAX_BODY_NESTING; undefined when there is none. Never recurses deeper than that limit.
 */
function inspectStrings(value: unknown, path: readonly string[] = []): { path: string; problem: Problem } | undefined {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    return problem && { path: path.join('.'), problem };
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (path.length >= MAX_BODY_NESTING) return { path: path.join('.'), problem: 'depth' };
  for (const [key, item] of Object.entries(value)) {
    const here = [...path, key];
    const problem = problemOf(key);
    if (problem) return { path: here.join('.'), problem };
    const found = inspectStrings(item, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
