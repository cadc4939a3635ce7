/**
 * Where each login came from. The service geolocates every login IP itself (an IP database and the
 * table of DPRK networks, `services/ip-intelligence.service.ts`) and hands the answers in through
 * the evaluation context; rules about login countries use them instead of the caller's `country`.
 * An IP the database cannot place (private, reserved, unknown) keeps the caller's country, marked
 * as such. Without IP intelligence in the context (decisions made before it existed, replayed as
 * they were made) every login keeps the caller's country.
 */
import { normalizeIp } from '../identifiers/identifier.normalize.js';
import type { LoginEvent, ScreeningSubject } from './screening-subject.js';
import type { HostingKind } from '../geo/hosting-networks.table.js';

export interface IpLocation {
  /** ISO 3166-1 alpha-2 country of the network; absent when only the network's AS is known. */
  country?: string;
  /** The documented DPRK network holding the IP (`175.45.176.0/22`); the country is then `KP`. */
  dprkNetwork?: string;
  /** The autonomous system announcing the IP, and the organisation holding it (the ASN database's name). */
  asn?: number;
  organisation?: string;
  /** The AS is a cloud/VPS host or a VPN network (domain/geo/hosting-networks.table.ts). */
  hosting?: HostingKind;
}

/** What the service's IP lookup answered for one screening; stored with its input, so replays see the same. */
export interface IpIntelligence {
  /** Which database and network table answered, with versions and build date. */
  database: string;
  /** By IP in `normalizeIp` form. An IP that is absent did not resolve. */
  locations: Readonly<Record<string, IpLocation>>;
}

/** `ip`: the service located the IP; `caller`: the caller's country, the IP did not resolve (or no lookup was made). */
export type LoginCountryBasis = 'ip' | 'caller';

export interface LocatedLogin {
  index: number;
  login: LoginEvent;
  /** Absent when neither the IP nor the caller places the login. */
  country?: string;
  basis?: LoginCountryBasis;
  dprkNetwork?: string;
  /** What a hit about this login's country points at: the IP when it was located, else the caller's country. */
  field: string;
}

export function locateLogin(login: LoginEvent, index: number, intelligence: IpIntelligence | undefined): LocatedLogin {
  const ip = normalizeIp(login.ip);
  const located = intelligence && ip !== undefined && Object.hasOwn(intelligence.locations, ip) ? intelligence.locations[ip] : undefined;
  if (located?.country !== undefined) {
    return { index, login, country: located.country, basis: 'ip', field: `/subject/logins/${index}/ip`, ...(located.dprkNetwork ? { dprkNetwork: located.dprkNetwork } : {}) };
  }
  if (login.country !== undefined) return { index, login, country: login.country, basis: 'caller', field: `/subject/logins/${index}/country` };
  return { index, login, field: `/subject/logins/${index}/country` };
}

export function locateLogins(subject: ScreeningSubject, intelligence: IpIntelligence | undefined): LocatedLogin[] {
  return (subject.logins ?? []).map((login, index) => locateLogin(login, index, intelligence));
}

/**
 * What a hit about login countries tells the reviewer and the audit record: which database placed
 * them, how many came from the IP and how many from the caller, and any DPRK network. Absent without
 * IP intelligence, so decisions made before it keep their exact hits.
 */
export function loginGeographyNote(logins: readonly LocatedLogin[], intelligence: IpIntelligence | undefined): { explanation: Record<string, unknown> } | Record<string, never> {
  if (!intelligence) return {};
  const networks = [...new Set(logins.flatMap((login) => (login.dprkNetwork ? [login.dprkNetwork] : [])))];
  return {
    explanation: {
      ipDatabase: intelligence.database,
      locatedByIp: logins.filter((login) => login.basis === 'ip').length,
      locatedByCaller: logins.filter((login) => login.basis === 'caller').length,
      ...(networks.length > 0 ? { dprkNetworks: networks } : {}),
    },
  };
}

/**
 * The IP intelligence recorded in a stored input, if it has a usable one: stored inputs are JSON,
 * checked rather than trusted. Inputs stored before IP intelligence existed have none.
 */
export function storedIpIntelligence(input: unknown): IpIntelligence | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const recorded = (input as { ipIntelligence?: unknown }).ipIntelligence;
  if (typeof recorded !== 'object' || recorded === null) return undefined;
  const { database, locations } = recorded as { database?: unknown; locations?: unknown };
  if (typeof database !== 'string' || typeof locations !== 'object' || locations === null) return undefined;
  const checked: Record<string, IpLocation> = {};
  for (const [ip, location] of Object.entries(locations)) {
    const checkedLocation = storedLocation(location);
    if (checkedLocation) checked[ip] = checkedLocation;
  }
  return { database, locations: checked };
}

/** One stored location, its fields checked one by one; `undefined` when nothing usable is left. */
function storedLocation(location: unknown): IpLocation | undefined {
  const { country, dprkNetwork, asn, organisation, hosting } = (location ?? {}) as Record<string, unknown>;
  const checked: IpLocation = {
    ...(typeof country === 'string' ? { country } : {}),
    ...(typeof dprkNetwork === 'string' ? { dprkNetwork } : {}),
    ...(typeof asn === 'number' && Number.isInteger(asn) ? { asn } : {}),
    ...(typeof organisation === 'string' ? { organisation } : {}),
    ...(hosting === 'hosting' || hosting === 'vpn' ? { hosting } : {}),
  };
  return Object.keys(checked).length > 0 ? checked : undefined;
}
