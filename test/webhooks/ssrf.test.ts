// Every refused target is aimed at a canary listening on 127.0.0.1 and ::1: a refusal that is only cosmetic would
// show up as a connection. Names resolve through an injected resolver that answers 127.0.0.1 (or another
// address under test), so nothing here touches real DNS or any host but this one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookUrlRefusalReason } from '../../src/webhooks/address-guard';
import { deliverWebhook, type DeliveryOptions } from '../../src/webhooks/deliver';
import type { Resolver } from '../../src/webhooks/guarded-lookup';
import { generateWebhookSecret } from '../../src/webhooks/sign';
import { startCanary, startWebhookReceiver, type Canary, type WebhookReceiver } from '../helpers/webhook-receiver';

const secret = generateWebhookSecret();
let canary: Canary;
let receiver: WebhookReceiver;
const lookups: string[] = [];

/** Answers every name with `address`, and records that it was asked. */
function resolveTo(...addresses: string[]): Resolver {
  return async (hostname) => {
    lookups.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

function send(url: string, options: Partial<DeliveryOptions> = {}) {
  return deliverWebhook(
    { url, secret, messageId: 'msg_ssrf', event: 'document/completed', payload: { documentId: 'doc_1' } },
    { allowPrivate: false, timeoutMs: 2_000, resolve: resolveTo('127.0.0.1'), ...options },
  );
}

beforeAll(async () => {
  canary = await startCanary();
  receiver = await startWebhookReceiver(secret);
});

beforeEach(() => {
  lookups.length = 0;
});

afterAll(async () => {
  await canary.close();
  await receiver.close();
});

describe('deliverWebhook refuses private targets (allowPrivate=false)', () => {
  const table = (v4: number, v6: number) => [
    `http://127.0.0.1:${v4}/`,
    `http://localhost:${v4}/`,
    `http://0x7f000001:${v4}/`,
    `http://2130706433:${v4}/`,
    `http://127.1:${v4}/`,
    `http://0177.0.0.1:${v4}/`,
    `http://[::1]:${v6}/`,
    `http://[::ffff:127.0.0.1]:${v4}/`,
    `http://0.0.0.0:${v4}/`,
    `http://169.254.169.254:${v4}/latest/meta-data/`,
    `http://[::ffff:a9fe:a9fe]:${v4}/`,
    `http://[fd00:ec2::254]:${v4}/`,
    `http://10.0.0.1:${v4}/`,
    `http://172.16.0.1:${v4}/`,
    `http://192.168.1.1:${v4}/`,
    `http://100.64.0.1:${v4}/`,
    `http://metadata.google.internal:${v4}/computeMetadata/v1/`,
  ];

  it('refuses every form in the SSRF table before any connection', async () => {
    for (const url of table(canary.portV4, canary.portV6)) {
      // Checked first so a guard regression fails here instead of sending a packet to a private network.
      expect(webhookUrlRefusalReason(url, { allowPrivate: false }), url).not.toBeNull();
      const result = await send(url);
      expect(result, url).toMatchObject({ ok: false, outcome: 'refused' });
    }
    expect(canary.connections).toBe(0);
    // Literals and refused names are judged without asking DNS at all.
    expect(lookups).toEqual([]);
  });

  it('refuses a name that resolves to loopback at connect time, so DNS rebinding cannot slip past a check', async () => {
    const result = await send(`http://rebind.example.test:${canary.portV4}/`, { resolve: resolveTo('127.0.0.1') });
    expect(result).toMatchObject({ ok: false, outcome: 'refused' });
    // The refusal is shown to the webhook's owner: it says what happened, not which address the name has.
    expect(result.error).toContain('rebind.example.test does not resolve to an address webhooks may reach');
    expect(result.error).not.toContain('127.0.0.1');
    expect(lookups).toContain('rebind.example.test');
    expect(canary.connections).toBe(0);
  });

  it.each([['10.0.0.5'], ['169.254.169.254'], ['::1'], ['::ffff:127.0.0.1'], ['fd00:ec2::254']])(
    'refuses a name that resolves to %s',
    async (address) => {
      const result = await send(`http://internal.example.test:${canary.portV4}/`, { resolve: resolveTo(address) });
      expect(result).toMatchObject({ ok: false, outcome: 'refused' });
      expect(canary.connections).toBe(0);
    },
  );

  it('refuses the whole answer when one of several addresses is private', async () => {
    const result = await send(`http://mixed.example.test:${canary.portV4}/`, { resolve: resolveTo('127.0.0.1', '10.1.2.3') });
    expect(result.outcome).toBe('refused');
    expect(canary.connections).toBe(0);
  });

  it('fails closed when DNS never answers: the attempt times out without connecting', async () => {
    const never: Resolver = () => new Promise(() => {});
    const result = await send(`http://slow-dns.example.test:${canary.portV4}/`, { resolve: never, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, outcome: 'retry', error: 'timed out after 300 ms' });
    expect(canary.connections).toBe(0);
  });

  it('fails closed when DNS errors, and says of a name that does not exist what it says of a private one', async () => {
    const failing: Resolver = () => Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' }));
    const missing = await send(`http://internal.example.test:${canary.portV4}/`, { resolve: failing });
    const inside = await send(`http://internal.example.test:${canary.portV4}/`, { resolve: resolveTo('10.0.0.5') });
    expect(missing).toMatchObject({ ok: false, outcome: 'refused' });
    // The delivery log is the registering user's to read: it must not tell an existing internal name from a missing one.
    expect(missing.error).toBe(inside.error);
    expect(missing.error).toBe('internal.example.test does not resolve to an address webhooks may reach (no such name, or a private, loopback or reserved address)');
    const broken: Resolver = () => Promise.reject(Object.assign(new Error('queryA ETIMEOUT'), { code: 'ETIMEOUT' }));
    expect(await send(`http://internal.example.test:${canary.portV4}/`, { resolve: broken })).toMatchObject({ ok: false, outcome: 'retry' });
    expect(canary.connections).toBe(0);
  });
});

describe('deliverWebhook with allowPrivate=true', () => {
  it('reaches a local receiver through a name, proving the connect-time hook lets allowed addresses through', async () => {
    const port = new URL(receiver.url).port;
    const result = await send(`http://receiver.example.test:${port}/hook`, { allowPrivate: true, resolve: resolveTo('127.0.0.1') });
    expect(result).toMatchObject({ ok: true, outcome: 'delivered', statusCode: 200 });
    expect(receiver.received.at(-1)?.verified).toBe(true);
  });

  it('still refuses link-local and metadata targets', async () => {
    const viaName = await send(`http://metadata.example.test:${canary.portV4}/`, { allowPrivate: true, resolve: resolveTo('169.254.169.254') });
    expect(viaName.outcome).toBe('refused');
    expect((await send(`http://169.254.169.254:${canary.portV4}/`, { allowPrivate: true })).outcome).toBe('refused');
    expect((await send(`http://metadata.google.internal:${canary.portV4}/`, { allowPrivate: true })).outcome).toBe('refused');
    expect(canary.connections).toBe(0);
  });

  it('does not follow a redirect to loopback: the 3xx is a failed attempt', async () => {
    receiver.respondWith({ status: 302, headers: { location: `http://127.0.0.1:${canary.portV4}/` } });
    const result = await send(`${receiver.url}/hook`, { allowPrivate: true });
    expect(result).toMatchObject({ ok: false, outcome: 'retry', statusCode: 302 });
    expect(result.error).toContain('redirects are not followed');
    expect(canary.connections).toBe(0);
  });
});

describe('deliverWebhook with WEBHOOK_ALLOWED_HOSTS', () => {
  it('reaches exactly the allow-listed host:port (by literal or by name), and nothing else on loopback', async () => {
    const port = new URL(receiver.url).port;
    const allowedHosts = [`127.0.0.1:${port}`, `receiver.example.test:${port}`];
    expect(await send(`${receiver.url}/hook`, { allowedHosts })).toMatchObject({ ok: true, outcome: 'delivered' });
    expect(await send(`http://receiver.example.test:${port}/hook`, { allowedHosts, resolve: resolveTo('127.0.0.1') })).toMatchObject({ ok: true, outcome: 'delivered' });
    // The same host on another port, another name resolving to loopback, and metadata stay refused.
    expect((await send(`http://127.0.0.1:${canary.portV4}/`, { allowedHosts })).outcome).toBe('refused');
    expect((await send(`http://other.example.test:${canary.portV4}/`, { allowedHosts: [...allowedHosts, `127.0.0.1:${canary.portV4}`] })).outcome).toBe('refused');
    expect((await send(`http://169.254.169.254:${canary.portV4}/`, { allowedHosts: [`169.254.169.254:${canary.portV4}`] })).outcome).toBe('refused');
    expect(canary.connections).toBe(0);
  });
});
