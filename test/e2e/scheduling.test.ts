// Scheduling as shipped (issue 11): priority and cancelOn through the built app. The web process only enqueues
// (JOBS_SERVER_DISABLED), so invitations wait in PostgreSQL: deleting a document over the API must cancel its
// invitations before any worker exists, and a worker started afterwards must send the other document's and
// nothing of the deleted one's.
import { expect, it } from 'vitest';
import { spawnAppProcess } from './support/app-process';
import { defineConfiguration, localJobsSettled, type ConfigurationSetup } from './support/configuration';
import { call, emails, waitForEmails } from './support/user-agent';

let setup: ConfigurationSetup;
let databaseUrl = '';

const app = defineConfiguration('scheduling', async (given) => {
  setup = given;
  const database = await given.database();
  databaseUrl = database.url;
  const { url } = await given.startWeb({ DATABASE_URL: database.url, JOBS_SERVER_DISABLED: 'true' });
  return { url, database, settled: localJobsSettled(database) };
});

/** The operator's way to a verified account: `npm run user:create`, which prints the API key once. */
async function createUser(email: string): Promise<string> {
  const child = spawnAppProcess('user-create', 'npm', ['run', '--silent', 'user:create', '--', '--email', email], { DATABASE_URL: databaseUrl });
  const line = await child.waitForLine(/API key/);
  expect(await child.exited).toBe(0);
  return /(sk_\S+)/.exec(line)![1]!;
}

async function sentDocument(apiKey: string, recipient: string): Promise<string> {
  const created = await call(app(), 'POST', '/api/documents', { key: apiKey, body: { title: `For ${recipient}`, recipients: [{ email: recipient }] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const sent = await call(app(), 'POST', `/api/documents/${created.body.id}/send`, { key: apiKey });
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  return created.body.id as string;
}

it('cancels the queued invitations of a deleted document with their cause; a later worker sends only the others', async () => {
  const apiKey = await createUser('owner@scheduling.test');
  const deleted = await sentDocument(apiKey, 'never@scheduling.test');
  const kept = await sentDocument(apiKey, 'invited@scheduling.test');
  const invitations = () =>
    app().database!.handle.sql.query<{ document: string; status: string; priority: number; cancel_reason: string | null }>(
      `select payload->>'documentId' as document, status, priority, cancel_reason from background_jobs where job_id = 'send-signing-email'`,
    );
  // Signing invitations outrank bulk work (src/jobs/definitions/priorities.ts).
  expect((await invitations()).map((row) => row.priority)).toEqual([100, 100]);

  expect((await call(app(), 'DELETE', `/api/documents/${deleted}`, { key: apiKey })).status).toBe(204);

  const rows = await invitations();
  expect(rows.find((row) => row.document === deleted)).toMatchObject({ status: 'CANCELLED', cancel_reason: expect.stringContaining('cancelOn document/deleted') });
  expect(rows.find((row) => row.document === kept)).toMatchObject({ status: 'PENDING', cancel_reason: null });

  await setup.startWorker({ DATABASE_URL: databaseUrl, PUBLIC_WEBAPP_URL: app().url });
  await waitForEmails(app(), 1, (email) => email.to === 'invited@scheduling.test', 'the kept document invitation');
  await app().settled();
  expect(emails(app()).filter((email) => email.to === 'never@scheduling.test')).toEqual([]);
  expect((await invitations()).find((row) => row.document === deleted)?.status).toBe('CANCELLED');
});
