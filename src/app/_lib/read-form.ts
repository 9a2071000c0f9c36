import type { z } from 'zod';
import { ValidationError } from '@/jobs/errors';
import { parseFields, readBody } from './read-body';
import { DEFAULT_BODY_LIMIT } from './read-json';

/**
 * Reads and validates an HTML form post (application/x-www-form-urlencoded, what a plain <form method="post">
 * sends): 413 past the limit, 400 naming each bad field. Empty inputs arrive as absent, so optional fields stay optional.
 */
export async function readForm<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<z.output<Schema>> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new ValidationError('Invalid request', [{ path: '', message: 'expected a form post (application/x-www-form-urlencoded)' }]);
  }
  const fields = new URLSearchParams(await readBody(request, DEFAULT_BODY_LIMIT));
  const value: Record<string, string> = {};
  for (const [name, field] of fields) if (field !== '') value[name] = field;
  return parseFields(value, schema);
}
