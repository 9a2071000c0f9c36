// Which address a request comes from, for the per-IP limits. A Next.js route handler sees headers, not the socket,
// and `next start` fills X-Forwarded-For from the socket only when the client sent none: left alone, any client
// could name itself. So:
// - the web process stamps every request with the socket's peer address in a header of ours, overwriting whatever a
//   client put there (installClientAddressStamp, from start-web-process.ts);
// - X-Forwarded-For is believed only as far as TRUST_PROXY says: N trusted proxies in front of the app means the
//   address N-th from the right (the one our nearest proxy saw) — a client can prepend anything, not append.
// - an IPv6 client counts as its /64: one subscriber is routinely given a whole /64, so counting single addresses
//   would hand anyone 2^64 fresh buckets.
import http from 'node:http';
import ipaddr from 'ipaddr.js';

export const CLIENT_ADDRESS_HEADER = 'x-signing-jobs-peer-address';

const holder = globalThis as { __clientAddressStamp?: boolean };

/** Patches http.Server so every incoming request carries its socket's peer address in CLIENT_ADDRESS_HEADER. */
export function installClientAddressStamp(): void {
  if (holder.__clientAddressStamp) return;
  holder.__clientAddressStamp = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function stampPeerAddress(this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const request = args[0] as http.IncomingMessage;
      request.headers[CLIENT_ADDRESS_HEADER] = request.socket.remoteAddress ?? '';
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

/**
 * The client's address as the per-IP limits count it: with `trustedProxies` = 0 the socket's peer; with N ≥ 1 the
 * N-th X-Forwarded-For entry from the right (falling back to the peer when the header has fewer entries). IPv4 as
 * is (also when written IPv4-mapped, ::ffff:a.b.c.d), IPv6 as its /64 (`2001:db8:1:2::/64`). `unknown` when there is
 * no address (a process that did not install the stamp): those requests share one bucket rather than escape the limit.
 */
export function clientAddress(headers: Headers, trustedProxies: number): string {
  const peer = headers.get(CLIENT_ADDRESS_HEADER) || 'unknown';
  if (trustedProxies === 0) return limitBucket(peer);
  const forwarded = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return limitBucket(forwarded[forwarded.length - trustedProxies] ?? peer);
}

/**
 * The bucket of an address: IPv4 itself, IPv6 its /64; anything that is not an address (a proxy's junk) as given.
 * A port is dropped first: some proxies write `ip:port` (`[v6]:port`), a new port per connection, and the port kept
 * made every connection a fresh bucket.
 */
function limitBucket(entry: string): string {
  const address = withoutPort(entry);
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const prefix = v6.parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(prefix).toString()}/64`;
}

/** `a.b.c.d:port` → `a.b.c.d`, `[v6]:port` or `[v6]` → `v6`; anything else unchanged (a bare IPv6 has colons too). */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4WithPort ? v4WithPort[1]! : entry;
}
