/** Which address a request is counted under: X-Forwarded-For only from TRUSTED_PROXIES, read right to left. */
import { describe, expect, it } from 'vitest';
import { createClientAddressResolver } from '../../src/server/client-address.js';

describe('client address', () => {
  const behind = createClientAddressResolver(['10.0.0.0/8', '::1', '2001:db8::/32']);

  it.each([
    ['no proxies trusted: the peer, whatever the header says', createClientAddressResolver([]), '10.0.0.5', '198.51.100.7', '10.0.0.5'],
    ['an untrusted peer: its own address', behind, '203.0.113.1', '198.51.100.7', '203.0.113.1'],
    ['a trusted proxy: the client it names', behind, '10.0.0.5', '198.51.100.7', '198.51.100.7'],
    ['IPv4-mapped peer address', behind, '::ffff:10.0.0.5', '198.51.100.7', '198.51.100.7'],
    ['chained trusted proxies: the first untrusted hop from the right', behind, '10.0.0.5', '198.51.100.7, 10.1.2.3', '198.51.100.7'],
    ['a spoofed entry left of the real client is ignored', behind, '10.0.0.5', '1.2.3.4, 198.51.100.7', '198.51.100.7'],
    ['a malformed hop stops at the last vouched address', behind, '10.0.0.5', 'not-an-ip', '10.0.0.5'],
    ['IPv6 proxy and client', behind, '::1', '2001:db9::1', '2001:db9::1'],
    ['IPv6 CIDR', behind, '2001:db8::7', '198.51.100.9', '198.51.100.9'],
    ['a trusted proxy without the header: the proxy', behind, '10.0.0.5', undefined, '10.0.0.5'],
  ] as const)('%s', (_label, resolve, peer, xff, expected) => {
    expect(resolve(peer, xff)).toBe(expected);
  });

  it("is 'unknown' without a peer (requests made in-process)", () => {
    expect(behind(undefined, '198.51.100.7')).toBe('unknown');
  });
});
