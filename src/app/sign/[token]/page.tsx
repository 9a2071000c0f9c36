import { notFound } from 'next/navigation';
import { PostJsonForm } from '@/app/_components/post-json-form';
import { hasErrorCode } from '@/jobs/errors';
import { redactError } from '@/observability/redact-error';
import { getSigningRequest, type SigningRequest } from '@/domain/signing/get-signing-request';
import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// The token is in the URL: don't hand it to other sites through the Referer header.
export const metadata = { title: 'Sign a document', referrer: 'no-referrer' };

/** GET /sign/:token: what the signer is asked to sign, and the buttons that POST /api/sign/:token. */
export default async function SignPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { database } = await getRuntime();
  let request: SigningRequest;
  try {
    request = await getSigningRequest(database.db, { token, now: new Date() });
  } catch (error) {
    if (hasErrorCode(error, 'NOT_FOUND')) notFound();
    if (hasErrorCode(error, 'GONE')) return <Message heading="This link no longer works" text={error.message} />;
    // Next.js logs what a page throws with console.error, past our logger: the token's hash must not be in it.
    throw redactError(error);
  }
  return (
    <main>
      <h1>{request.documentTitle}</h1>
      <p>
        {request.senderName} asks {request.recipientName ?? request.recipientEmail} to sign this document.
        {request.expiresAt && ` The link works until ${request.expiresAt.toUTCString()}.`}
      </p>
      <PostJsonForm
        endpoint={`/api/sign/${encodeURIComponent(token)}`}
        field={{ name: 'reason', label: 'Reason (if you decline)', type: 'text' }}
        actions={[
          { label: 'Sign', body: { action: 'sign' } },
          { label: 'Decline', body: { action: 'reject' } },
        ]}
      />
    </main>
  );
}

function Message({ heading, text }: { heading: string; text: string }) {
  return (
    <main>
      <h1>{heading}</h1>
      <p>{text}</p>
    </main>
  );
}
