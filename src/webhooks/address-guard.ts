// Decides which addresses a webhook may reach. Only public unicast by default; with `allowPrivate` (development,
// tests) loopback and private networks too, but never link-local, metadata or unspecified addresses: no real
// endpoint lives there, and cloud credentials do. `allowedHosts` opens exact host:port targets only (a self-hosted
// receiver, a test's loopback listener): the one switch production may use, since it opens nothing else.
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from '../jobs/errors';
import { hostPortOf } from './host-port';

export interface AddressPolicy {
  allowPrivate: boolean;
  /** Exact `hostname:port` targets (as `src/webhooks/host-port.ts` normalises them) that may be private; metadata stays refused. */
  allowedHosts?: readonly string[];
}

/** Ranges reachable only with `allowPrivate`. Every other ipaddr.js range except 'unicast' is always refused. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);

/** IPv6 global unicast is 2000::/3; ipaddr.js calls anything it has no name for 'unicast' (e.g. ::7f00:1). */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** AWS's IPv6 instance metadata endpoint sits inside fc00::/7, so `allowPrivate` must not open it. */
const METADATA_ADDRESSES = new Set(['fd00:ec2::254']);

/** Names refused before any lookup: cloud metadata services answer on them from inside the VPC. */
const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

/** Thrown at connect time when a name resolves to an address the policy refuses. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly code = 'WEBHOOK_ADDRESS_REFUSED' as const;
}

/** Why `address` (an IP literal, no brackets) is refused, or null when it may be reached. */
export function refusalReason(address: string, policy: AddressPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let parsed = ipaddr.parse(address);
  // ::ffff:a.b.c.d reaches a.b.c.d, so it is judged as that address.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (METADATA_ADDRESSES.has(parsed.toString())) return `${address} is a cloud metadata address`;
  if (range === 'unicast') {
    if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6)) return `${address} is outside IPv6 global unicast`;
    return null;
  }
  if (policy.allowPrivate && PRIVATE_RANGES.has(range)) return null;
  return `${address} is a ${range} address`;
}

/** Why a URL hostname (as WHATWG URL spells it) is refused before any DNS lookup, or null. */
export function hostnameRefusalReason(hostname: string, policy: AddressPolicy): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(bare)) return refusalReason(bare, policy);
  const name = bare.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOSTNAMES.has(name)) return `${name} is a cloud metadata host`;
  if (!policy.allowPrivate && (name === 'localhost' || name.endsWith('.localhost'))) return `${name} is loopback`;
  return null;
}

/**
 * Registration-time check of a webhook URL; returns it parsed. Names are not resolved here: DNS can change before
 * delivery, so deliverWebhook checks the resolved address at connect time. Throws ValidationError (HTTP 400).
 */
export function assertWebhookUrl(url: string, policy: AddressPolicy): URL {
  const reason = webhookUrlRefusalReason(url, policy);
  if (reason) throw new ValidationError('Webhook URL refused', [{ path: 'url', message: reason }]);
  return new URL(url);
}

export function webhookUrlRefusalReason(url: string, policy: AddressPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https URLs are allowed';
  // Credentials in the URL would be sent to the receiver and shown wherever the URL is displayed.
  if (parsed.username || parsed.password) return 'credentials in the URL are not allowed';
  return hostnameRefusalReason(parsed.hostname, policyForUrl(parsed, policy));
}

/**
 * The policy one target is judged by: an allow-listed `hostname:port` may be private (loopback, private networks),
 * everything else keeps the given policy. Used at registration and for the connect-time lookup of each delivery.
 */
export function policyForUrl(url: URL, policy: AddressPolicy): AddressPolicy {
  if (!policy.allowedHosts?.length || policy.allowPrivate) return policy;
  return policy.allowedHosts.includes(hostPortOf(url)) ? { ...policy, allowPrivate: true } : policy;
}
