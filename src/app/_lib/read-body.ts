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

/** Parses a JSON body with a zod schema: bad JSON or a bad field is a ValidationError naming it. */
export function parseJson<Schema extends z.ZodType>(text: string, schema: Schema): z.output<Schema> {
  let value: unknown;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ValidationError('Invalid request', [{ path: '', message: 'body is not valid JSON' }]);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError('Invalid request', zodIssues(result.error));
  return result.data;
}
