// The event catalog: every event the app can dispatch, name -> zod schema, the single source of event types.
// Names are `domain/noun.verb`. Payloads carry ids, never secrets: tokens are minted inside the step that emails them.
import { z } from 'zod';
import { defineEvent, type EventCatalog } from './event-type';

const id = z.uuid();

export const documentSent = defineEvent('document/sent', z.object({ documentId: id }));
export const documentAllSigned = defineEvent('document/all.signed', z.object({ documentId: id }));
export const documentRejected = defineEvent(
  'document/recipient.rejected',
  z.object({ documentId: id, recipientId: id, reason: z.string().max(2000).optional() }),
);
/** A document was deleted: nothing more is sent for it (send-signing-email's cancelOn). */
export const documentDeleted = defineEvent('document/deleted', z.object({ documentId: id }));
export const webhookDeliveryRequested = defineEvent(
  'webhook/delivery.requested',
  z.object({
    webhookId: id,
    event: z.string().min(1).max(100),
    /** Stable across retries: the `webhook-id` header receivers deduplicate on. */
    messageId: z.string().min(1).max(200),
    payload: z.record(z.string(), z.unknown()),
    /** When the event happened; part of the signed body, so it must not change between attempts. */
    occurredAt: z.iso.datetime().optional(),
  }),
);
export const userSignedUp = defineEvent('user/signed.up', z.object({ userId: id }));
/**
 * Dispatched for every forgot-password request, known address or not, so both answers cost the same (no account
 * enumeration by timing); the job finds out whether there is anyone to email. `userId` is the earlier shape, still
 * accepted for jobs queued before the change.
 */
export const passwordResetRequested = defineEvent('user/password-reset.requested', z.union([z.object({ email: z.email().max(254) }), z.object({ userId: id })]));

const emailMessage = z.object({
  to: z.email(),
  subject: z.string().min(1).max(998),
  html: z.string().max(512 * 1024),
  text: z.string().max(512 * 1024),
});
export const emailSendRequested = defineEvent('email/send', emailMessage);
export const emailBatchRequested = defineEvent('email/send-batch', z.object({ messages: z.array(emailMessage).min(1).max(1000) }));

export const appEvents = [
  documentSent,
  documentAllSigned,
  documentRejected,
  documentDeleted,
  webhookDeliveryRequested,
  userSignedUp,
  passwordResetRequested,
  emailSendRequested,
  emailBatchRequested,
] as const;

export type AppEventCatalog = EventCatalog<typeof appEvents>;
