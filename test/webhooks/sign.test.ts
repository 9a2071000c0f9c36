import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook } from '../../src/webhooks/sign';

describe('generateWebhookSecret', () => {
  it('returns whsec_ and base64 of 32 random bytes, different each time', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('signWebhook', () => {
  const body = JSON.stringify({ type: 'document/completed', data: { documentId: 'doc_1' } });

  it('produces Standard Webhooks headers that the npm standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ secret, messageId: 'msg_1', timestamp: new Date(), body });
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('is refused by the package for another secret, a tampered body or a stale timestamp', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ secret, messageId: 'msg_1', timestamp: new Date(), body });
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/signature/);
    expect(() => new Webhook(secret).verify(body.replace('doc_1', 'doc_2'), headers)).toThrow(/signature/);
    const stale = signWebhook({ secret, messageId: 'msg_1', timestamp: new Date(Date.now() - 10 * 60_000), body });
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/too old/);
  });

  it('signs with every secret during rotation, so receivers holding either one verify', () => {
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signWebhook({ secret: [oldSecret, newSecret], messageId: 'msg_2', timestamp: new Date(), body });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
  });
});
