// The webhooks API over real HTTP: registration with a Standard Webhooks secret shown once, URL checks, listing
// without secrets, and ownership (another user's endpoint is 404).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHarness } from '../helpers/app-harness';

let app: AppHarness;
let alice: { id: string; apiKey: string };
let bob: { id: string; apiKey: string };

beforeAll(async () => {
  app = await startApp({ worker: false });
  alice = await app.createUser('alice@example.com');
  bob = await app.createUser('bob@example.com');
});
afterAll(() => app.close());

const register = (key: string, body: unknown) => app.api('POST', '/api/webhooks', { key, body });

describe('webhooks API', () => {
  it('registers an endpoint with a whsec_ secret shown once, and lists it without the secret', async () => {
    const created = await register(alice.apiKey, { url: 'https://hooks.example.com/in', events: ['document.completed', 'document.completed', 'recipient.expired'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      url: 'https://hooks.example.com/in',
      events: ['document.completed', 'recipient.expired'],
      enabled: true,
      createdAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const listed = await app.api('GET', '/api/webhooks', { key: alice.apiKey });
    expect(listed.body.webhooks).toEqual([expect.objectContaining({ id: created.body.id, enabled: true, failingSince: null })]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((await app.api('GET', '/api/webhooks', { key: bob.apiKey })).body).toEqual({ webhooks: [] });
  });

  it('refuses bad URLs and unknown events with 400 naming the field, writing nothing', async () => {
    const bad = async (body: unknown) => (await register(alice.apiKey, body)).body.issues;
    expect(await bad({ url: 'http://169.254.169.254/latest/meta-data', events: ['document.completed'] })).toEqual([
      { path: 'url', message: expect.stringContaining('169.254.169.254') },
    ]);
    expect(await bad({ url: 'ftp://files.example.com/', events: ['document.completed'] })).toEqual([{ path: 'url', message: 'only http and https URLs are allowed' }]);
    expect(await bad({ url: 'https://user:pass@example.com/', events: ['document.completed'] })).toEqual([
      { path: 'url', message: 'credentials in the URL are not allowed' },
    ]);
    expect((await bad({ url: 'https://example.com/', events: ['document.signed'] })).map((issue: { path: string }) => issue.path)).toEqual(['events.0']);
    expect((await bad({ url: 'https://example.com/', events: [] })).map((issue: { path: string }) => issue.path)).toEqual(['events']);
    expect((await app.api('GET', '/api/webhooks', { key: alice.apiKey })).body.webhooks).toHaveLength(1);
  });

  it("answers 404 for another user's endpoint, and 204 when the owner deletes it", async () => {
    const created = await register(alice.apiKey, { url: 'https://hooks.example.com/two', events: ['document.rejected'] });
    const id = created.body.id;
    expect((await app.api('GET', `/api/webhooks/${id}/deliveries`, { key: bob.apiKey })).status).toBe(404);
    expect((await app.api('DELETE', `/api/webhooks/${id}`, { key: bob.apiKey })).status).toBe(404);
    expect(await app.api('GET', `/api/webhooks/${id}/deliveries`, { key: alice.apiKey })).toEqual({ status: 200, body: { deliveries: [] } });
    expect((await app.api('DELETE', `/api/webhooks/${id}`, { key: alice.apiKey })).status).toBe(204);
    expect((await app.api('GET', `/api/webhooks/${id}/deliveries`, { key: alice.apiKey })).status).toBe(404);
    expect((await app.api('DELETE', `/api/webhooks/not-a-uuid`, { key: alice.apiKey })).status).toBe(404);
    expect((await app.api('GET', '/api/webhooks', {})).status).toBe(401);
  });
});
