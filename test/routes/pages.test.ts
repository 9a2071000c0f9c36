// The pages behind emailed links and the dev outbox, rendered as Next renders a server component: the signing page
// shows the request and acts only on a button, a used link says why, and the outbox is 404 in production.
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import SignPage from '../../src/app/sign/[token]/page';
import OutboxPage from '../../src/app/dev/outbox/page';
import { resetConfig } from '../../src/env';
import { closeRuntime } from '../../src/runtime';
import { createDocument } from '../../src/domain/documents/create-document';
import { sendDocument } from '../../src/domain/documents/send-document';
import { setSigningToken } from '../../src/domain/signing/set-signing-token';
import { signDocument } from '../../src/domain/signing/sign-document';
import { newToken } from '../../src/domain/tokens';
import { startApp, type AppHarness } from '../helpers/app-harness';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({ worker: false });
});
afterAll(() => app.close());

const render = async (element: Promise<React.ReactElement>) => renderToStaticMarkup(await element);
/** next/navigation's notFound() throws an error whose digest marks it as the 404 fallback. */
const isNotFound = (error: unknown) => String((error as { digest?: string }).digest).includes('404');

async function signingToken(): Promise<string> {
  const db = app.deps.db;
  const owner = await app.createUser(`owner-${Date.now()}@example.com`, 'Olga');
  const document = await createDocument(db, { ownerId: owner.id, title: 'Lease <b>2026</b>', recipients: [{ email: 'signer@example.com', name: 'Sam' }] });
  await sendDocument(db, { id: document.id, owner: { id: owner.id, emailVerifiedAt: new Date() }, now: new Date() });
  const token = newToken('sgn');
  await setSigningToken(db, { recipientId: document.recipients[0]!.id, token, now: new Date() });
  return token;
}

describe('pages', () => {
  it('shows a signing request with its buttons, escaped, without acting on it', async () => {
    const token = await signingToken();
    const html = await render(SignPage({ params: Promise.resolve({ token }) }));
    expect(html).toContain('<h1>Lease &lt;b&gt;2026&lt;/b&gt;</h1>');
    expect(html).toContain('Olga asks Sam to sign this document.');
    expect(html).toMatch(/<button[^>]*>Sign<\/button>/);
    expect(html).toMatch(/<button[^>]*>Decline<\/button>/);
    await signDocument(app.deps.db, { token, now: new Date() });
    const used = await render(SignPage({ params: Promise.resolve({ token }) }));
    expect(used).toContain('This link no longer works');
    expect(used).toContain('you signed this document');
    expect(used).not.toContain('<button');
  });

  it('is a 404 for an unknown signing link', async () => {
    await expect(SignPage({ params: Promise.resolve({ token: 'sgn_unknown' }) })).rejects.toSatisfy(isNotFound);
  });

  it('lists outbox emails in development and is a 404 in production', async () => {
    await app.deps.email.send(app.deps.db, { to: 'dev@example.com', subject: 'Hello dev', html: '<p>x</p>', text: 'Go to http://localhost/sign/abc', idempotencyKey: 'page-test/1' });
    const html = await render(OutboxPage());
    expect(html).toContain('Hello dev');
    expect(html).toContain('<a href="http://localhost/sign/abc">http://localhost/sign/abc</a>');

    await closeRuntime();
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('WEBHOOK_ALLOW_PRIVATE', 'false'); // refused in production
    resetConfig();
    await expect(OutboxPage()).rejects.toSatisfy(isNotFound);
  });
});
