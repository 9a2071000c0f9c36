// X-Job-Signature for serverless self-dispatch: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
// Signing the raw body (not re-serialized JSON) makes key order irrelevant; the timestamp bounds replays to
// 5 minutes, and a replay inside them can only claim a job that is still claimable.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-job-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signJobRequest(secret: string, body: string, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, `${timestamp}.${body}`)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

export function verifyJobRequest(secret: string, header: string | null, body: string, now: Date = new Date()): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const timestamp = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(hmac(secret, `${timestamp}.${body}`), 'hex');
  const given = Buffer.from(match[2]!, 'hex');
  // Both are 32-byte digests (the regex fixed the length), so timingSafeEqual cannot throw on a length mismatch.
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

function hmac(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}
