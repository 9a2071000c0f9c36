// The account emails and the generic email queue, each failed by Resend mid-way and retried: one email each, and
// the token in the email that arrived is the one that works.
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { users, userTokens } from '../../src/db/schema';
import { verifyPassword } from '../../src/domain/users/password';
import { tokenFrom, type AppHarness } from '../helpers/app-harness';
import { failures, type FakeResend } from '../helpers/fake-resend';
import { deliveredTo, startAppWithResend } from '../helpers/resend-app';
import { waitFor } from '../helpers/wait-for';

let app: AppHarness;
let resend: FakeResend;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, resend, close } = await startAppWithResend());
});
beforeEach(() => {
  resend.requests.length = 0;
  resend.delivered.length = 0;
});
afterEach(() => expect(app.failures).toEqual([]));
afterAll(() => close());

const tokensOf = async (userId: string, kind: 'VERIFY_EMAIL' | 'RESET_PASSWORD') =>
  app.deps.db.select().from(userTokens).where(and(eq(userTokens.userId, userId), eq(userTokens.kind, kind)));

describe('account and queue emails retried after failing mid-way', () => {
  it('send-verification-email: a lost answer mints no second token; the one emailed link verifies, once', async () => {
    resend.failNext(failures.serverError({ afterDelivery: true }));
    const signup = await app.api('POST', '/api/auth/signup', { body: { email: 'New.User@example.com', password: 'correct horse battery' } });
    expect(signup.status).toBe(201);
    expect(signup.body).toMatchObject({ email: 'new.user@example.com', apiKey: expect.stringMatching(/^sk_/) });
    await waitFor(async () => (await app.jobAttempts('send-verification-email'))[0] === 2, { what: 'the retry' });
    await app.jobsSettled();

    const [email, ...more] = deliveredTo(resend, 'new.user@example.com');
    expect(more).toEqual([]);
    expect(await tokensOf(signup.body.id, 'VERIFY_EMAIL')).toHaveLength(1);
    const token = tokenFrom(email!.text!, 'verify-email');
    expect(await app.api('POST', '/api/auth/verify', { body: { token } })).toEqual({ status: 200, body: { verified: true } });
    const [user] = await app.deps.db.select().from(users).where(eq(users.id, signup.body.id));
    expect(user!.emailVerifiedAt).not.toBeNull();
    expect(await app.api('POST', '/api/auth/verify', { body: { token } })).toEqual({ status: 410, body: { error: 'This link has already been used' } });
  });

  it('send-password-reset-email: a 429 is retried after Retry-After; one email, its link resets the password once', async () => {
    const user = await app.createUser('forgetful@example.com');
    resend.failNext(failures.rateLimited(1));
    expect((await app.api('POST', '/api/auth/forgot-password', { body: { email: 'Forgetful@example.com' } })).status).toBe(202);
    await waitFor(() => deliveredTo(resend, 'forgetful@example.com').length === 1, { what: 'the reset email' });
    await app.jobsSettled();

    expect(resend.requests.map((request) => request.status)).toEqual([429, 200]);
    expect(await tokensOf(user.id, 'RESET_PASSWORD')).toHaveLength(1);
    const token = tokenFrom(deliveredTo(resend, 'forgetful@example.com')[0]!.text!, 'reset-password');
    const reset = await app.api('POST', '/api/auth/reset-password', { body: { token, password: 'a brand new passphrase' } });
    expect(reset).toEqual({ status: 200, body: { reset: true } });
    const [row] = await app.deps.db.select().from(users).where(eq(users.id, user.id));
    expect(await verifyPassword('a brand new passphrase', row!.passwordHash!)).toBe(true);
    const again = await app.api('POST', '/api/auth/reset-password', { body: { token, password: 'yet another passphrase' } });
    expect(again).toEqual({ status: 410, body: { error: 'This link has already been used' } });
  });

  it('email-send: a lost answer is retried under the same idempotency key and delivered once', async () => {
    resend.failNext(failures.serverError({ afterDelivery: true }));
    await app.jobs!.dispatch({ name: 'email/send', data: { to: 'queue@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' } });
    await waitFor(async () => (await app.jobAttempts('email-send'))[0] === 2, { what: 'the retry' });
    await app.jobsSettled();
    expect(deliveredTo(resend, 'queue@example.com')).toHaveLength(1);
    expect(resend.requests.map((request) => request.status)).toEqual([500, 200]);
    const [first, second] = resend.requests;
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(first!.headers['idempotency-key']).toMatch(/^\d+\/send$/);
  });

  it('email-send-batch: goes out in chunks of 10; a failed chunk is retried without resending the chunks before it', async () => {
    const messages = Array.from({ length: 25 }, (_, index) => ({ to: `bulk${index}@example.com`, subject: `Note ${index}`, html: '<p>n</p>', text: 'n' }));
    resend.failNext(failures.serverError(), 1, { after: 1 });
    await app.jobs!.dispatch({ name: 'email/send-batch', data: { messages } });
    await waitFor(() => resend.delivered.length === 25, { what: 'all 25 emails' });
    await app.jobsSettled();

    const batches = resend.requests.map((request) => [request.path, (request.body as unknown[]).length, request.status]);
    expect(batches).toEqual([
      ['/emails/batch', 10, 200],
      ['/emails/batch', 10, 500],
      ['/emails/batch', 10, 200],
      ['/emails/batch', 5, 200],
    ]);
    expect(new Set(resend.delivered.map((email) => email.to)).size).toBe(25);
  });
});
