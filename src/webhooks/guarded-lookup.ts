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
        if (usable.length === 0 || usable.some(({ address }) => refusalReason(address, policy))) {
          callback(unreachableName(hostname), '', 0);
          return;
        }
        // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one.
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        callback(code && NO_SUCH_NAME.has(code) ? unreachableName(hostname) : (error as NodeJS.ErrnoException), '', 0);
      },
    );
  };
}

/** The resolver's ways of saying a name does not exist (or has no address). */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * One answer for a name that does not exist and for one that resolves to a refused address: the error is shown to
 * whoever registered the URL, and two answers would let any user learn which internal names the deployment has
 * (`db`, `redis`, `*.internal`) and that they point inside. Not which address, nor what kind, either.
 */
function unreachableName(hostname: string): RefusedAddressError {
  return new RefusedAddressError(`${hostname} does not resolve to an address webhooks may reach (no such name, or a private, loopback or reserved address)`);
}
