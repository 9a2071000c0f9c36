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

/** A ValidationError naming the first string or key (at any depth) that holds a NUL, or where nesting is too deep. */
export function rejectUnsafeInput(value: unknown): void {
  const found = inspectStrings(value);
  if (found === undefined) return;
  const message = found.problem === 'nul' ? 'must not contain a NUL character (\\u0000)' : `is nested deeper than ${MAX_BODY_NESTING} levels`;
  throw new ValidationError('Invalid request', [{ path: found.path, message }]);
}

/**
 * The dotted path (as zod issues name fields) of the first string or key holding a NUL, or of the first value nested
 * past MAX_BODY_NESTING; undefined when there is neither. Never recurses deeper than that limit.
 */
function inspectStrings(value: unknown, path: readonly string[] = []): { path: string; problem: 'nul' | 'depth' } | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? { path: path.join('.'), problem: 'nul' } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (path.length >= MAX_BODY_NESTING) return { path: path.join('.'), problem: 'depth' };
  for (const [key, item] of Object.entries(value)) {
    const here = [...path, key];
    if (key.includes('\u0000')) return { path: here.join('.'), problem: 'nul' };
    const found = inspectStrings(item, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
