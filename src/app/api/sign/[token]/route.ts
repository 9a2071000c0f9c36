import { z } from 'zod';
import { commitWithEvents } from '@/app/_lib/commit-with-events';
import { enforceLimits, requestAddress } from '@/app/_lib/rate-limit';
import { readJson } from '@/app/_lib/read-json';
import { withRuntime } from '@/app/_lib/with-runtime';
import { rejectDocument } from '@/domain/signing/reject-document';
import { signDocument } from '@/domain/signing/sign-document';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const body = z.discriminatedUnion('action', [
  z.object({ action: z.literal('sign') }),
  z.object({ action: z.literal('reject'), reason: z.string().trim().max(2000).optional() }),
]);

/** POST /api/sign/:token: sign or decline through an emailed link (no API key: the token is the credential). */
export const POST = withRuntime<{ token: string }>(async ({ request, runtime, params }) => {
  const input = await readJson(request, body);
  await enforceLimits(runtime, [
    ['sign-per-ip', requestAddress(request, runtime)],
    ['sign-per-token', params.token],
  ]);
  const now = new Date();
  if (input.action === 'sign') {
    const { allSigned } = await commitWithEvents(
      runtime,
      (db) => signDocument(db, { token: params.token, now }),
      ({ documentId, allSigned }) => (allSigned ? { name: 'document/all.signed', data: { documentId }, id: `document-all-signed:${documentId}` } : null),
    );
    return Response.json({ status: 'SIGNED', documentCompleted: allSigned });
  }
  await commitWithEvents(
    runtime,
    (db) => rejectDocument(db, { token: params.token, reason: input.reason, now }),
    ({ documentId, recipientId }) => ({
      name: 'document/recipient.rejected',
      data: { documentId, recipientId, ...(input.reason && { reason: input.reason }) },
      id: `document-rejected:${documentId}`,
    }),
  );
  return Response.json({ status: 'REJECTED' });
});
