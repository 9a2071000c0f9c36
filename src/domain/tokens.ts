// Secrets we hand out once (API keys, signing links, email tokens) and keep only as SHA-256 digests. The tokens
// carry 256 random bits, so a fast unsalted hash is enough: there is nothing to brute-force.
import { createHash, randomBytes } from 'node:crypto';

export type TokenPrefix = 'sk' | 'sgn' | 'vrf' | 'rst';

/** `<prefix>_` + 32 random bytes in base64url: URL-safe, and the prefix tells a leaked secret's kind at a glance. */
export function newToken(prefix: TokenPrefix): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
