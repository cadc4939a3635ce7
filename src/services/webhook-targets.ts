/**
 * Where webhooks may be sent. A webhook URL is chosen by a tenant's admin, and the service sends
 * requests to it from inside the operator's network: without a check, it could be pointed at the
 * cloud metadata endpoint, the database or any internal service (server-side request forgery).
 * By default only public unicast addresses are allowed, checked when the webhook is registered
 * (literal addresses and local names) and again before every delivery (what the name resolves to
 * then). `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true` lifts this for deployments whose HR system is on
 * the internal network.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
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

/** Why a delivery may not be sent now: the host resolves to an address that is not public. */
export async function refusedAtDelivery(rawUrl: string, resolve: ResolveHost = resolveWithDns): Promise<string | undefined> {
  const url = new URL(rawUrl);
  const atRegistration = refusedAtRegistration(url);
  if (atRegistration) return atRegistration;
  const addresses = await resolve(hostOf(url));
  const inside = addresses.find((address) => !isPublicAddress(address));
  return inside === undefined ? undefined : `${url.hostname} resolves to ${inside}, which is not a public address`;
}
