// The account endpoints over real HTTP: validation naming the field, duplicate sign-ups, no user enumeration on
// forgot-password, and unknown tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHarness } from '../helpers/app-harness';

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({ worker: false });
});
afterAll(() => app.close());

const jobs = async (jobId: string) => app.database.handle.sql.query(`select payload from background_jobs where job_id = $1`, [jobId]);
const paths = (answer: { body: { issues: Array<{ path: string }> } }) => answer.body.issues.map((issue) => issue.path);

describe('auth API', () => {
  it('signs up with 201 and an API key that works, enqueueing the verification email with the user', async () => {
    const signup = await app.api('POST', '/api/auth/signup', { body: { email: 'Grace@Example.com', password: 'a long enough password', name: 'Grace' } });
    expect(signup.status).toBe(201);
    expect(signup.body).toEqual({ id: expect.any(String), email: 'grace@example.com', apiKey: expect.stringMatching(/^sk_[A-Za-z0-9_-]{43}$/) });
    expect(await jobs('send-verification-email')).toEqual([{ payload: { userId: signup.body.id } }]);
    const listed = await app.api('GET', '/api/webhooks', { key: signup.body.apiKey });
    expect(listed).toEqual({ status: 200, body: { webhooks: [] } });
  });

  it('takes a pasted address with spaces around it as the address (it was a 400)', async () => {
    const signup = await app.api('POST', '/api/auth/signup', { body: { email: '  pasted@example.com \t', password: 'a long enough password' } });
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);
    expect(signup.body.email).toBe('pasted@example.com');
    const signin = await app.api('POST', '/api/auth/signin', { body: { email: ' pasted@example.com ', password: 'a long enough password' } });
    expect(signin.status).toBe(201);
  });

  it('refuses a second account for the same address (any case) with 409, enqueueing nothing', async () => {
    await app.api('POST', '/api/auth/signup', { body: { email: 'twice@example.com', password: 'a long enough password' } });
    const before = (await jobs('send-verification-email')).length;
    const again = await app.api('POST', '/api/auth/signup', { body: { email: 'TWICE@example.com', password: 'another long password' } });
    expect(again).toEqual({ status: 409, body: { error: 'An account with this email already exists' } });
    expect(await jobs('send-verification-email')).toHaveLength(before);
  });

  it('answers 400 naming the field for bad sign-up, verify, forgot and reset bodies', async () => {
    const count = async () => (await app.database.handle.sql.query('select 1 from users')).length;
    const users = await count();
    expect(paths(await app.api('POST', '/api/auth/signup', { body: { email: 'nope', password: 'a long enough password' } }))).toEqual(['email']);
    const short = await app.api('POST', '/api/auth/signup', { body: { email: 'short@example.com', password: 'short' } });
    expect(short.body.issues).toEqual([{ path: 'password', message: 'must be at least 10 characters' }]);
    expect(paths(await app.api('POST', '/api/auth/verify', { body: {} }))).toEqual(['token']);
    expect(paths(await app.api('POST', '/api/auth/forgot-password', { body: { email: 42 } }))).toEqual(['email']);
    expect(paths(await app.api('POST', '/api/auth/reset-password', { body: { token: 'rst_0123456789' } }))).toEqual(['password']);
    expect(await count()).toBe(users);
  });

  it('answers forgot-password with the same 202 whether or not the account exists, enqueueing the same job for both', async () => {
    await app.createUser('real@example.com');
    const unknown = await app.api('POST', '/api/auth/forgot-password', { body: { email: 'nobody@example.com' } });
    const known = await app.api('POST', '/api/auth/forgot-password', { body: { email: 'REAL@example.com' } });
    expect(unknown).toEqual(known);
    expect(known.status).toBe(202);
    // The job, not the route, finds out whether there is an account: both requests did the same work.
    const emails = (await jobs('send-password-reset-email')).map((job) => (job.payload as { email: string }).email);
    expect(emails.sort()).toEqual(['nobody@example.com', 'real@example.com']);
  });

  it('answers 404 for tokens that were never issued', async () => {
    expect(await app.api('POST', '/api/auth/verify', { body: { token: 'vrf_never_issued_token' } })).toEqual({
      status: 404,
      body: { error: 'Unknown or invalid link' },
    });
    const reset = await app.api('POST', '/api/auth/reset-password', { body: { token: 'rst_never_issued_token', password: 'a long enough password' } });
    expect(reset.status).toBe(404);
  });
});
