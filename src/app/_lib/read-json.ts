import type { z } from 'zod';
import { parseJson, readBody } from './read-body';

/** Request bodies are small JSON; anything bigger than this is refused with 413 before it is buffered. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

/** Reads and validates a JSON body: 413 past `maxBytes`, 400 naming each bad field. */
export async function readJson<Schema extends z.ZodType>(request: Request, schema: Schema, maxBytes = DEFAULT_BODY_LIMIT): Promise<z.output<Schema>> {
  return parseJson(await readBody(request, maxBytes), schema);
}
