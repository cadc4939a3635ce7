/**
 * Where webhooks may be sent. A webhook URL is chosen by a tenant's admin, and the service sends
 * requests to it from inside the operator's network: without a check, it could be pointed at the
 * cloud metadata endpoint, the database or any internal service (server-side request forgery).
 * By default only public unicast addresses are allowed, checked when the webhook is registered
 * (literal addresses and local names) and again as every delivery connects: the address the
 * connection is made to is the one checked, so a name that resolves to a public address for a
 * check and to an internal one a moment later (DNS rebinding) gets nowhere.
 * `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true` lifts this for deployments whose HR system is on the
 * internal network.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Resolves a host name to its addresses (injectable for tests). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export const resolveWithDns: ResolveHost = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

const ipv4Of = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * The IPv4 addresses an IPv6 address carries inside it, in every form that has one: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated but still parsed: `[::127.0.0.1]`
 * becomes `[::7f00:1]`), SIIT (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`), 6to4
 * (`2002:AABB:CCDD::`), Teredo (server, and client obfuscated) and ISATAP interface ids (`…:5efe:a.b.c.d`).
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts;
  const zeros = (from: number, to: number) => p.slice(from, to).every((part) => part === 0);
  const found: ipaddr.IPv4[] = [];
  if (zeros(0, 5) && (p[5] === 0 || p[5] === 0xffff)) found.push(ipv4Of(p[6]!, p[7]!));
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) found.push(ipv4Of(p[6]!, p[7]!));
  if (p[0] === 0x64 && p[1] === 0xff9b) found.push(ipv4Of(p[6]!, p[7]!));
  if (p[0] === 0x2002) found.push(ipv4Of(p[1]!, p[2]!));
  if (p[0] === 0x2001 && p[1] === 0) found.push(ipv4Of(p[2]!, p[3]!), ipv4Of(p[6]! ^ 0xffff, p[7]! ^ 0xffff));
  if ((p[4] === 0 || p[4] === 0x200) && p[5] === 0x5efe) found.push(ipv4Of(p[6]!, p[7]!));
  return found;
}

/**
 * A public unicast address: not loopback, private, link-local, CGNAT, multicast, reserved or
 * documentation space, and for IPv6 not a form that carries an IPv4 address that is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  const inside = embeddedIPv4(v6);
  if (inside.some((v4) => v4.range() !== 'unicast')) return false;
  // `::a.b.c.d` and `::ffff:a.b.c.d` stand for the IPv4 address itself; other forms must be public IPv6 too.
  return (v6.isIPv4MappedAddress() && inside.length > 0) || v6.range() === 'unicast';
}

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

const LOCAL_NAMES = /(^|\.)(localhost|localdomain|local|internal|home\.arpa)\.?$/i;

/** Why a URL may not be registered (a literal private address or a local name), or undefined. */
export function refusedAtRegistration(url: URL): string | undefined {
  const host = hostOf(url);
  if (ipaddr.isValid(host)) return isPublicAddress(host) ? undefined : `${host} is not a public address`;
  if (LOCAL_NAMES.test(host) || !host.includes('.')) return `${host} is a local host name`;
  return undefined;
}

/** A connection refused because the host resolved to an address that is not public. */
export class PrivateAddressError extends Error {
  readonly code = 'EADDRNOTPUBLIC';
}

/**
 * The `lookup` a delivery's connection resolves its host with (node:net calls it as it connects).
 * Any address that is not public fails the connection; with `allowPrivate`, every address is used.
 */
export function connectLookup(options: { allowPrivate: boolean; resolve?: ResolveHost }): LookupFunction {
  const resolve = options.resolve ?? resolveWithDns;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (found) => {
        const inside = found.find((address) => !isPublicAddress(address));
        if (found.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
        if (inside !== undefined && !options.allowPrivate) {
          return callback(new PrivateAddressError(`${hostname} resolves to ${inside}, which is not a public address`), '', 4);
        }
        const addresses: LookupAddress[] = found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
        if (lookupOptions.all) return (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}
