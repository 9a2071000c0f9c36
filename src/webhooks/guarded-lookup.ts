// The DNS hook of the webhook HTTP agent. Checking the address at connect time, on the very answer the socket
// will use, closes the gap a check-then-connect design leaves open to DNS rebinding.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { refusalReason, RefusedAddressError, type AddressPolicy } from './address-guard';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a name to all its addresses; injectable so tests never depend on real DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * A `net.connect` lookup that refuses the whole answer if any address is refused: a name mixing public and
 * private addresses is either misconfigured or an attack, and connecting to "the good one" invites a retry race.
 */
export function createGuardedLookup(policy: AddressPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? answers.filter((answer) => answer.family === family) : answers;
        if (usable.length === 0) {
          callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        for (const { address } of usable) {
          const reason = refusalReason(address, policy);
          if (reason) {
            // Not which address, nor what kind: the error is shown to whoever registered the URL, and must not
            // let a user map the deployment's internal names to their addresses.
            callback(new RefusedAddressError(`${hostname} resolves to an address webhooks may not reach (private, loopback or reserved)`), '', 0);
            return;
          }
        }
        // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one.
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}
