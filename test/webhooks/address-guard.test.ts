import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/jobs/errors';
import { assertWebhookUrl, refusalReason } from '../../src/webhooks/address-guard';

const strict = { allowPrivate: false };
const dev = { allowPrivate: true };

describe('refusalReason', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
  ])('allows public unicast %s', (address) => {
    expect(refusalReason(address, strict)).toBeNull();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2001::1', 'teredo'],
    ['2001:db8::1', 'reserved'],
    ['::7f00:1', 'global unicast'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(refusalReason(address, strict)).toContain(kind);
  });

  it('with allowPrivate opens loopback and private networks but not link-local, metadata or unspecified', () => {
    for (const address of ['127.0.0.1', '::1', '10.0.0.1', '192.168.1.1', '100.64.0.1', 'fd12::1', '::ffff:127.0.0.1']) {
      expect(refusalReason(address, dev), address).toBeNull();
    }
    for (const address of ['169.254.169.254', '::ffff:a9fe:a9fe', 'fd00:ec2::254', 'fe80::1', '0.0.0.0', '::', '224.0.0.1']) {
      expect(refusalReason(address, dev), address).not.toBeNull();
    }
  });
});

describe('assertWebhookUrl', () => {
  it('returns the parsed URL for a public http(s) endpoint', () => {
    expect(assertWebhookUrl('https://hooks.example.com/signing?x=1', strict).hostname).toBe('hooks.example.com');
    expect(assertWebhookUrl('http://8.8.8.8:8080/hook', strict).port).toBe('8080');
  });

  it.each([
    ['http://127.0.0.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('judges %s as WHATWG URL normalises it (%s)', (url, hostname) => {
    expect(new URL(url).hostname).toBe(hostname);
    expect(() => assertWebhookUrl(url, strict)).toThrow(ValidationError);
  });

  it.each([
    ['ftp://example.com/', 'http and https'],
    ['file:///etc/passwd', 'http and https'],
    ['javascript:alert(1)', 'http and https'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://token@example.com/', 'credentials'],
    ['not a url', 'not a valid URL'],
    ['http://localhost:3000/', 'loopback'],
    ['http://app.localhost/', 'loopback'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
    ['http://METADATA.google.internal./', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
  ])('refuses %s', (url, reason) => {
    expect(() => assertWebhookUrl(url, strict)).toThrow(ValidationError);
    expect(() => assertWebhookUrl(url, strict)).toThrow(reason);
  });

  it('with allowPrivate accepts localhost and 127.0.0.1 but still refuses metadata hosts', () => {
    expect(assertWebhookUrl('http://localhost:3000/hook', dev).hostname).toBe('localhost');
    expect(assertWebhookUrl('http://127.0.0.1:3000/hook', dev).hostname).toBe('127.0.0.1');
    expect(() => assertWebhookUrl('http://metadata.google.internal/', dev)).toThrow('metadata');
    expect(() => assertWebhookUrl('http://169.254.169.254/', dev)).toThrow('linkLocal');
  });
});
