import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { getDocument } from '@/domain/documents/get-document';
import type { DocumentView } from '@/domain/documents/document-view';
import { isUuid } from '@/domain/is-uuid';
import { authenticateApiKey } from '@/domain/users/authenticate-api-key';
import { hasErrorCode } from '@/jobs/errors';
import { redactError } from '@/observability/redact-error';
import { presentedApiKey } from '@/app/_lib/presented-api-key';
import { getRuntime } from '@/runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const metadata = { title: 'Document', referrer: 'no-referrer' };

/**
 * GET /documents/:id, the link in completion, rejection and expiry emails (to the owner and to recipients).
 * There are no sessions: the owner's API key (`Authorization: Bearer`, or as the Basic password) shows the
 * document; anyone else gets the same page for every id, so the link confirms nothing about the document.
 */
export default async function DocumentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { database, config } = await getRuntime();
  const apiKey = presentedApiKey((await headers()).get('authorization'));
  if (!apiKey) return <SignInHint id={id} base={config.publicWebappUrl} />;
  let document: DocumentView;
  try {
    const owner = await authenticateApiKey(database.db, apiKey);
    document = await getDocument(database.db, { id, ownerId: owner.id });
  } catch (error) {
    // Matched by code, not instanceof: pages and domain modules may live in different bundles.
    if (hasErrorCode(error, 'UNAUTHORIZED')) return <SignInHint id={id} base={config.publicWebappUrl} invalidKey />;
    if (hasErrorCode(error, 'NOT_FOUND')) notFound();
    // Next.js logs what a page throws with console.error, past our logger: the API key's hash must not be in it.
    throw redactError(error);
  }
  return (
    <main>
      <h1>{document.title}</h1>
      <p>Status: {document.status}</p>
      <table>
        <thead>
          <tr>
            <th align="left">Recipient</th>
            <th align="left">Status</th>
          </tr>
        </thead>
        <tbody>
          {document.recipients.map((recipient) => (
            <tr key={recipient.id}>
              <td>{recipient.name ? `${recipient.name} <${recipient.email}>` : recipient.email}</td>
              <td>{recipient.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

function SignInHint({ id, base, invalidKey = false }: { id: string; base: string; invalidKey?: boolean }) {
  return (
    <main>
      <h1>Document details</h1>
      <p>
        {invalidKey ? 'That API key is not valid. ' : ''}
        Only the document&apos;s owner can see its title, status and recipients, with their API key. If you were
        asked to sign it, the email you received says how things stand.
      </p>
      <pre>{`curl ${base}/api/documents/${id} -H "authorization: Bearer $KEY"`}</pre>
    </main>
  );
}
