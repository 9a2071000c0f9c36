// The client address per-IP limits count: the stamped TCP peer unless TRUST_PROXY says how many proxies append to
// X-Forwarded-For; a client can prepend entries, never replace the ones our proxies add.
import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, clientAddress } from '../../src/limits/client-address';

const headers = (forwarded?: string) => new Headers({ [CLIENT_ADDRESS_HEADER]: '10.0.0.5', ...(forwarded && { 'x-forwarded-for': forwarded }) });

describe('clientAddress', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    expect(clientAddress(headers('1.2.3.4'), 0)).toBe('10.0.0.5');
  });

  it('takes the N-th entry from the right with N trusted proxies', () => {
    expect(clientAddress(headers('6.6.6.6, 1.2.3.4'), 1)).toBe('1.2.3.4');
    expect(clientAddress(headers('6.6.6.6, 1.2.3.4, 10.1.1.1'), 2)).toBe('1.2.3.4');
    expect(clientAddress(headers(), 1)).toBe('10.0.0.5');
  });

  it('counts an IPv6 client as its /64, whatever the spelling, and an IPv4-mapped one as its IPv4 address', () => {
    const peer = (address: string) => clientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: address }), 0);
    expect(peer('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(peer('2001:0db8:0001:0002:0000:0000:0000:0001')).toBe('2001:db8:1:2::/64');
    expect(peer('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(peer('::1')).toBe('::/64');
    expect(peer('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(peer('192.0.2.7')).toBe('192.0.2.7');
    const forwarded = new Headers({ [CLIENT_ADDRESS_HEADER]: '10.0.0.5', 'x-forwarded-for': '2001:db8:9:9::42' });
    expect(clientAddress(forwarded, 1)).toBe('2001:db8:9:9::/64');
  });

  it('drops the port a proxy may write beside the address, so a new port per connection is not a new bucket', () => {
    expect(clientAddress(headers('7.7.7.7:40001'), 1)).toBe('7.7.7.7');
    expect(clientAddress(headers('7.7.7.7:40002'), 1)).toBe('7.7.7.7');
    expect(clientAddress(headers('[2001:db8:1:2::1]:80'), 1)).toBe('2001:db8:1:2::/64');
    expect(clientAddress(headers('[2001:db8:1:2::9]'), 1)).toBe('2001:db8:1:2::/64');
    expect(clientAddress(headers('2001:db8:1:2::1'), 1)).toBe('2001:db8:1:2::/64');
  });

  it('puts requests without a stamped peer in one shared bucket rather than none', () => {
    expect(clientAddress(new Headers(), 0)).toBe('unknown');
  });
});
