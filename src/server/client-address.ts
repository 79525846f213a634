/**
 * The address of the client that sent a request: the TCP peer, or — when the peer is one of TRUSTED_PROXIES — the
 * address that proxy saw, read from X-Forwarded-For right to left past every trusted hop. X-Forwarded-For from any
 * other peer is ignored: a client can write whatever it likes there, so believing it would let one client pose as
 * many (and escape per-address limits) or as someone else (and lock them out).
 */
import { BlockList, isIP } from 'node:net';

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address. */
function plain(address: string): string {
  const a = address.trim();
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  return m ? m[1]! : a;
}

export type ClientAddressResolver = (peer: string | undefined, forwardedFor: string | undefined) => string;

/**
 * `trusted`: IPs and CIDRs (validated by config). Returns 'unknown' when there is no peer (app.request() in tests).
 */
export function createClientAddressResolver(trusted: readonly string[] = []): ClientAddressResolver {
  const list = new BlockList();
  for (const entry of trusted) {
    const [ip, bits] = entry.split('/');
    const type = isIP(ip!) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(plain(ip!), type);
    else list.addSubnet(plain(ip!), Number(bits), type);
  }
  const isTrusted = (a: string) => {
    const v = isIP(a);
    return v !== 0 && list.check(a, v === 6 ? 'ipv6' : 'ipv4');
  };
  return (peer, forwardedFor) => {
    if (!peer) return 'unknown';
    let client = plain(peer);
    if (!trusted.length || !isTrusted(client) || !forwardedFor) return client;
    const hops = forwardedFor.split(',').map(plain).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      // A malformed entry is where the chain stops being trustworthy: keep the last address a trusted hop vouched for.
      if (!isIP(hop)) return client;
      client = hop;
      if (!isTrusted(hop)) return hop;
    }
    return client;
  };
}
