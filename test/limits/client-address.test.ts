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

  it('puts requests without a stamped peer in one shared bucket rather than none', () => {
    expect(clientAddress(new Headers(), 0)).toBe('unknown');
  });
});
