// Security hygiene of the built app, as an attacker sees it from the network: a NUL byte in any text field is a 400
// naming the field and the server logs no query parameters. One `next start` on PostgreSQL with the in-process worker.
import { describe, expect, it } from 'vitest';
import type { AppProcess } from './support/app-process';
import { defineConfiguration, localJobsSettled } from './support/configuration';
import { call } from './support/user-agent';

const PASSWORD = 'correct horse battery';
let web: AppProcess | undefined;

const app = defineConfiguration('security-hygiene', async (setup) => {
  const database = await setup.database();
  const started = await setup.startWeb({ DATABASE_URL: database.url });
  web = started.process;
  return { url: started.url, database, settled: localJobsSettled(database) };
});

async function signUp(email: string): Promise<{ id: string; apiKey: string }> {
  const answer = await call(app(), 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'Nora' } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

describe('a NUL byte in a text field', () => {
  it('is a 400 naming the field, for sign-up and documents, and the log shows no query, parameter or hash', async () => {
    const before = web!.output().length;
    const signup = await call(app(), 'POST', '/api/auth/signup', { body: { email: 'nul@example.com', password: PASSWORD, name: 'a\u0000b' } });
    expect(signup.status, JSON.stringify(signup.body)).toBe(400);
    expect(signup.body.issues).toEqual([expect.objectContaining({ path: 'name' })]);

    const owner = await signUp('nul-owner@example.com');
    const title = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: 'NDA\u0000', recipients: [{ email: 'r@example.com' }] } });
    expect(title.status, JSON.stringify(title.body)).toBe(400);
    expect(title.body.issues).toEqual([expect.objectContaining({ path: 'title' })]);
    const recipient = await call(app(), 'POST', '/api/documents', { key: owner.apiKey, body: { title: 'NDA', recipients: [{ email: 'r@example.com', name: '\u0000' }] } });
    expect(recipient.status, JSON.stringify(recipient.body)).toBe(400);
    expect(recipient.body.issues).toEqual([expect.objectContaining({ path: 'recipients.0.name' })]);
    // An object key is a text field too.
    const key = await call(app(), 'POST', '/api/auth/forgot-password', { body: '{"email":"nul@example.com","x\\u0000":1}' });
    expect(key.status, JSON.stringify(key.body)).toBe(400);

    // Nothing was written, and the server's output has no failed query, parameters, password hash or key hash.
    const [row] = await app().database!.handle.sql.query<{ users: number }>(`select count(*)::int as users from users where email = 'nul@example.com'`);
    expect(row).toEqual({ users: 0 });
    const output = web!.output().slice(before);
    expect(output).not.toMatch(/Failed query|params:|scrypt\$|[0-9a-f]{64}|nul@example\.com/);
  });
});
