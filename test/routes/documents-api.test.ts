// The documents API over real HTTP: API-key auth (401), ownership (404), validation naming the field (400) with
// nothing written, oversized bodies (413), and the send that enqueues its job in the same transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHarness } from '../helpers/app-harness';

let app: AppHarness;
let alice: { id: string; apiKey: string };
let bob: { id: string; apiKey: string };

beforeAll(async () => {
  app = await startApp({ worker: false });
  alice = await app.createUser('alice@example.com', 'Alice');
  bob = await app.createUser('bob@example.com', 'Bob');
});
afterAll(() => app.close());

const validDocument = { title: 'Lease', recipients: [{ email: 'tenant@example.com', name: 'Tenant' }, { email: 'guarantor@example.com' }] };
const count = async (table: string) => Number((await app.database.handle.sql.query<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);
const create = async (key = alice.apiKey) => (await app.api('POST', '/api/documents', { key, body: validDocument })).body.id as string;

describe('documents API', () => {
  it('creates a draft with its recipients and shows their statuses to the owner', async () => {
    const created = await app.api('POST', '/api/documents', {
      key: alice.apiKey,
      body: { ...validDocument, expiresAt: '2099-01-01T00:00:00Z' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Lease', status: 'DRAFT', sentAt: null });
    expect(created.body.recipients).toEqual([
      expect.objectContaining({ email: 'tenant@example.com', name: 'Tenant', status: 'PENDING', expiresAt: '2099-01-01T00:00:00.000Z' }),
      expect.objectContaining({ email: 'guarantor@example.com', name: null, status: 'PENDING' }),
    ]);
    expect(JSON.stringify(created.body)).not.toContain('Hash');
    const fetched = await app.api('GET', `/api/documents/${created.body.id}`, { key: alice.apiKey });
    expect(fetched).toEqual({ status: 200, body: created.body });
  });

  it('answers 401 without a key or with a wrong one, on every document route', async () => {
    const id = await create();
    const calls = [
      app.api('POST', '/api/documents', { body: validDocument }),
      app.api('GET', `/api/documents/${id}`),
      app.api('GET', `/api/documents/${id}`, { key: 'sk_wrong' }),
      app.api('GET', `/api/documents/${id}`, { headers: { authorization: alice.apiKey } }),
      app.api('POST', `/api/documents/${id}/send`, { key: `${alice.apiKey}x` }),
      app.api('DELETE', `/api/documents/${id}`, { key: '' }),
    ];
    const answers = await Promise.all(calls);
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(answers[0]!.body).toEqual({ error: 'Missing API key: send Authorization: Bearer <key>' });
    expect(answers[2]!.body).toEqual({ error: 'Invalid API key' });
  });

  it("answers 404 for someone else's document, an unknown id and a malformed one, changing nothing", async () => {
    const id = await create();
    const notFound = { status: 404, body: { error: 'Document not found' } };
    expect(await app.api('GET', `/api/documents/${id}`, { key: bob.apiKey })).toEqual(notFound);
    expect(await app.api('POST', `/api/documents/${id}/send`, { key: bob.apiKey })).toEqual(notFound);
    expect(await app.api('DELETE', `/api/documents/${id}`, { key: bob.apiKey })).toEqual(notFound);
    expect(await app.api('GET', '/api/documents/00000000-0000-4000-8000-000000000000', { key: alice.apiKey })).toEqual(notFound);
    expect(await app.api('GET', '/api/documents/not-a-uuid', { key: alice.apiKey })).toEqual(notFound);
    expect((await app.api('GET', `/api/documents/${id}`, { key: alice.apiKey })).body.status).toBe('DRAFT');
  });

  it('answers 400 naming each bad field, and writes nothing', async () => {
    const before = { documents: await count('documents'), recipients: await count('recipients') };
    const bad = async (body: unknown) => app.api('POST', '/api/documents', { key: alice.apiKey, body });
    expect(await bad('{"title": ')).toEqual({ status: 400, body: { error: 'Invalid request', issues: [{ path: '', message: 'body is not valid JSON' }] } });
    const paths = async (body: unknown) => (await bad(body)).body.issues.map((issue: { path: string }) => issue.path);
    expect(await paths({ recipients: validDocument.recipients })).toEqual(['title']);
    expect(await paths({ title: 'x', recipients: [{ email: 'ok@example.com' }, { email: 'not an email' }] })).toEqual(['recipients.1.email']);
    expect(await paths({ title: 'x', recipients: [] })).toEqual(['recipients']);
    expect(await paths({ title: 'x', recipients: [{ email: 'a@example.com' }, { email: 'A@example.com' }] })).toEqual(['recipients']);
    expect(await paths({ ...validDocument, expiresAt: '2001-01-01T00:00:00Z' })).toEqual(['expiresAt']);
    expect(await paths({ ...validDocument, expiresAt: 'tomorrow' })).toEqual(['expiresAt']);
    const expired = await bad({ ...validDocument, expiresAt: '2001-01-01T00:00:00Z' });
    expect(expired.body.issues).toEqual([{ path: 'expiresAt', message: 'must be in the future' }]);
    expect({ documents: await count('documents'), recipients: await count('recipients') }).toEqual(before);
  });

  it('refuses a NUL character in a path segment with 400 naming it, before it reaches SQL', async () => {
    const document = await app.api('GET', '/api/documents/a%00b', { key: alice.apiKey });
    expect(document).toMatchObject({ status: 400, body: { issues: [{ path: 'id', message: expect.stringContaining('NUL') }] } });
    const sign = await app.api('POST', '/api/sign/sgn_%00', { body: { action: 'sign' } });
    expect(sign).toMatchObject({ status: 400, body: { issues: [{ path: 'token' }] } });
  });

  it('refuses an oversized body with 413 and writes nothing', async () => {
    const before = await count('documents');
    const huge = { title: 'x'.repeat(70 * 1024), recipients: validDocument.recipients };
    const answer = await app.api('POST', '/api/documents', { key: alice.apiKey, body: huge });
    expect(answer).toEqual({ status: 413, body: { error: 'Body over 65536 bytes' } });
    expect(await count('documents')).toBe(before);
  });

  it('sends once: PENDING with its send-signing-email job enqueued in the same transaction; a second send is 409', async () => {
    const id = await create();
    const sent = await app.api('POST', `/api/documents/${id}/send`, { key: alice.apiKey });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ id, status: 'PENDING', sentAt: expect.any(String) });
    const jobs = await app.database.handle.sql.query(`select job_id, payload from background_jobs where dedupe_key = $1`, [
      `event:send-signing-email:document-sent:${id}`,
    ]);
    expect(jobs).toEqual([{ job_id: 'send-signing-email', payload: { documentId: id } }]);
    const again = await app.api('POST', `/api/documents/${id}/send`, { key: alice.apiKey });
    expect(again).toEqual({ status: 409, body: { error: 'Document was already sent (status PENDING)' } });
  });

  it('soft-deletes with 204; the document is then 404 everywhere but its rows stay for the cleanup', async () => {
    const id = await create();
    expect((await app.api('DELETE', `/api/documents/${id}`, { key: alice.apiKey })).status).toBe(204);
    expect((await app.api('GET', `/api/documents/${id}`, { key: alice.apiKey })).status).toBe(404);
    expect((await app.api('POST', `/api/documents/${id}/send`, { key: alice.apiKey })).status).toBe(404);
    expect((await app.api('DELETE', `/api/documents/${id}`, { key: alice.apiKey })).status).toBe(404);
    const rows = await app.database.handle.sql.query(`select deleted_at is not null as deleted from documents where id = $1`, [id]);
    expect(rows).toEqual([{ deleted: true }]);
    expect(await app.auditTypes(id)).toEqual(['DOCUMENT_CREATED', 'DOCUMENT_DELETED']);
  });

  it('answers 404 for an unknown signing link and 400 naming the action for a bad one', async () => {
    expect(await app.api('POST', '/api/sign/sgn_unknown_token_value', { body: { action: 'sign' } })).toEqual({
      status: 404,
      body: { error: 'Unknown signing link' },
    });
    const bad = await app.api('POST', '/api/sign/sgn_unknown_token_value', { body: { action: 'approve' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['action']);
  });
});
