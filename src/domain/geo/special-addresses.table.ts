/**
 * Addresses no country holds: private, shared, loopback, link-local, documentation, benchmarking,
 * multicast and reserved blocks. A login from one of them is placed by the caller's country, never
 * by a geolocation database (the bundled one answers `AU` for 192.168.0.0/16 and `JP` for
 * 2001:db8::/32). Source: IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and the
 * RFCs each row names), IANA multicast address spaces.
 */
export const SPECIAL_ADDRESS_BLOCKS: readonly { cidr: string; purpose: string }[] = [
  { cidr: '0.0.0.0/8', purpose: '"this network" (RFC 791)' },
  { cidr: '10.0.0.0/8', purpose: 'private use (RFC 1918)' },
  { cidr: '100.64.0.0/10', purpose: 'shared address space, carrier-grade NAT (RFC 6598)' },
  { cidr: '127.0.0.0/8', purpose: 'loopback (RFC 1122)' },
  { cidr: '169.254.0.0/16', purpose: 'link local (RFC 3927)' },
  { cidr: '172.16.0.0/12', purpose: 'private use (RFC 1918)' },
  { cidr: '192.0.0.0/24', purpose: 'IETF protocol assignments (RFC 6890)' },
  { cidr: '192.0.2.0/24', purpose: 'documentation TEST-NET-1 (RFC 5737)' },
  { cidr: '192.31.196.0/24', purpose: 'AS112-v4 (RFC 7535)' },
  { cidr: '192.52.193.0/24', purpose: 'AMT (RFC 7450)' },
  { cidr: '192.88.99.0/24', purpose: 'deprecated 6to4 relay anycast (RFC 7526)' },
  { cidr: '192.168.0.0/16', purpose: 'private use (RFC 1918)' },
  { cidr: '192.175.48.0/24', purpose: 'direct delegation AS112 service (RFC 7534)' },
  { cidr: '198.18.0.0/15', purpose: 'benchmarking (RFC 2544)' },
  { cidr: '198.51.100.0/24', purpose: 'documentation TEST-NET-2 (RFC 5737)' },
  { cidr: '203.0.113.0/24', purpose: 'documentation TEST-NET-3 (RFC 5737)' },
  { cidr: '224.0.0.0/4', purpose: 'multicast (RFC 5771)' },
  { cidr: '240.0.0.0/4', purpose: 'reserved, and limited broadcast (RFC 1112, RFC 919)' },
  { cidr: '::/127', purpose: 'unspecified and loopback (RFC 4291)' },
  { cidr: '64:ff9b::/96', purpose: 'IPv4-IPv6 translation (RFC 6052)' },
  { cidr: '64:ff9b:1::/48', purpose: 'local-use IPv4/IPv6 translation (RFC 8215)' },
  { cidr: '100::/64', purpose: 'discard-only (RFC 6666)' },
  { cidr: '2001::/23', purpose: 'IETF protocol assignments, Teredo included (RFC 2928, RFC 4380)' },
  { cidr: '2001:db8::/32', purpose: 'documentation (RFC 3849)' },
  { cidr: '2002::/16', purpose: '6to4 (RFC 3056)' },
  { cidr: '3fff::/20', purpose: 'documentation (RFC 9637)' },
  { cidr: '5f00::/16', purpose: 'segment routing SIDs (RFC 9602)' },
  { cidr: 'fc00::/7', purpose: 'unique local (RFC 4193)' },
  { cidr: 'fe80::/10', purpose: 'link-local unicast (RFC 4291)' },
  { cidr: 'ff00::/8', purpose: 'multicast (RFC 4291)' },
];
