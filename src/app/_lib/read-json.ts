import type { z } from 'zod';
import { UnsupportedMediaTypeError } from './error-response';
import { parseJson, readBody } from './read-body';

/** Request bodies are small JSON; anything bigger than this is refused with 413 before it is buffered. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

/**
 * Reads and validates a JSON body: 415 unless it is declared JSON, 413 past `maxBytes`, 400 naming each bad field.
 * The declared type matters beyond tidiness: a cross-site HTML form can post text/plain or a urlencoded body with
 * no preflight, but never application/json, so no other site's page can sign, sign in or sign up in a user's name.
 */
export async function readJson<Schema extends z.ZodType>(request: Request, schema: Schema, maxBytes = DEFAULT_BODY_LIMIT): Promise<z.output<Schema>> {
  const text = await readBody(request, maxBytes);
  if (text !== '' && !isJsonMediaType(request.headers.get('content-type'))) {
    throw new UnsupportedMediaTypeError('Send the body as JSON, with Content-Type: application/json');
  }
  return parseJson(text, schema);
}

/** application/json, or a structured +json type, parameters (charset) aside. */
function isJsonMediaType(contentType: string | null): boolean {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}
