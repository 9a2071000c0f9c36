// Reading what a receiver answers without letting it decide how much we read or store.
import type { Readable } from 'node:stream';

/**
 * Reads at most `maxBytes` of `body`, then destroys it so the rest is never downloaded. A receiver streaming
 * gigabytes costs us one buffer of `maxBytes`.
 */
export async function readCappedBody(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = maxBytes - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size >= maxBytes) break;
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks, size);
}

/**
 * At most `maxBytes` of `bytes` as UTF-8 text, without NUL (PostgreSQL text columns reject it). Invalid bytes
 * decode to the 3-byte U+FFFD, so the decoded text is re-encoded and cut again on a character boundary.
 */
export function textExcerpt(bytes: Buffer, maxBytes: number): string {
  const text = bytes.subarray(0, maxBytes).toString('utf8').replaceAll('\u0000', '');
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character the cut falls in.
  while (end > 0 && (encoded[end]! & 0xc0) === 0x80) end -= 1;
  return encoded.subarray(0, end).toString('utf8');
}
