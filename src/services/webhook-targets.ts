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

/** A public unicast address: not loopback, private, link-local, CGNAT, multicast, reserved or documentation space. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
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
