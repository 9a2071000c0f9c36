// How a step sends an email so that no retry sends it twice, and no retry sends a different one.
import { findByKeys } from '../../email/email-rows';
import type { EmailMessage, SendResult } from '../../email/transport';
import type { JobDeps } from './deps';

export type ComposedEmail = Omit<EmailMessage, 'idempotencyKey'>;

/** The idempotency key of the email a step sends: `<job id>/<step id>`, plus `/<n>` when a step sends several. */
export function emailKey(jobId: string, stepId: string, part?: string): string {
  return part === undefined ? `${jobId}/${stepId}` : `${jobId}/${stepId}/${part}`;
}

/**
 * Sends the email `compose` builds, under `key` (or nothing, when `compose` answers null: the email is moot). If an earlier attempt of the step already wrote an email under
 * this key (the send failed, or Resend took it but the answer was lost), that same email goes out again instead of
 * a newly composed one: `compose` may mint a token and store its hash, and a second token would both orphan the
 * link in the email that did arrive and make Resend refuse the key for a different body.
 */
export async function sendEmailOnce(
  deps: Pick<JobDeps, 'db' | 'email'>,
  key: string,
  compose: () => Promise<ComposedEmail | null> | ComposedEmail | null,
): Promise<SendResult | null> {
  const [earlier] = await findByKeys(deps.db, [key]);
  const message = earlier ? { to: earlier.to, subject: earlier.subject, html: earlier.html, text: earlier.text } : await compose();
  return message && deps.email.send(deps.db, { ...message, idempotencyKey: key });
}
