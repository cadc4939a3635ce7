/**
 * Geolocation of login IPs, offline: a MaxMind-format country database shipped as an npm package
 * (`@ip-location-db/geo-whois-asn-country-mmdb`: RIR whois, geofeeds and ASN data merged, IPv4 and
 * IPv6, one file) read with `maxmind`, and the table of DPRK networks (domain/geo). The autonomous
 * system and its organisation come from a second package, `@ip-location-db/asn` (RouteViews, the
 * RIRs and DB-IP, CC BY 4.0: range tables as CSV), and the table of hosting and VPN networks
 * (domain/geo/hosting-networks.table.ts) marks the ASes that are servers or VPN exits. The answers
 * are plain facts that the screening stores with its input, so a replay sees the same countries and
 * networks even after the databases are updated; each names the databases' versions and build dates.
 *
 * The country file is read once, when the app is built (about 8 MB, held as one buffer); the ASN
 * files (32 MB) once per process, at the first lookup, and shared by every locator.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type CountryResponse } from 'maxmind';
import { isCountryCode } from '../domain/geo/countries.js';
import { asnRangeFile, type AsnRangeFile, type AutonomousSystem } from '../domain/geo/asn-ranges.js';
import { DPRK_NETWORKS, DPRK_NETWORKS_VERSION, type DprkNetwork } from '../domain/geo/dprk-networks.table.js';
import { hostingNetwork, HOSTING_NETWORKS_VERSION } from '../domain/geo/hosting-networks.table.js';
import { ipNumber, rangeTable, type RangeTable } from '../domain/geo/ip-ranges.js';
import { SPECIAL_ADDRESS_BLOCKS } from '../domain/geo/special-addresses.table.js';
import { normalizeIp } from '../domain/identifiers/identifier.normalize.js';
import type { IpIntelligence, IpLocation } from '../domain/rules/login-locations.js';

export interface IpLocator {
  /** Database packages, versions and build dates, and the DPRK and hosting network tables' versions. */
  readonly database: string;
  /** Every IP that resolves, by its `normalizeIp` form; special-purpose (private, reserved, documentation) and unknown ones are left out. */
  locate(ips: readonly string[]): IpIntelligence;
}

const BUNDLED_PACKAGE = '@ip-location-db/geo-whois-asn-country-mmdb';
const BUNDLED_FILE = 'geo-whois-asn-country.mmdb';

/** The database shipped with the service: its path and its package version. */
export function bundledIpDatabase(): { path: string; version: string } {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${BUNDLED_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { path: manifest.replace(/package\.json$/, BUNDLED_FILE), version: `${BUNDLED_PACKAGE}@${version}` };
}

const ASN_PACKAGE = '@ip-location-db/asn';

/** The package's version ends in its build hour (`2.3.2026061719`: 2026-06-17 19:00 UTC). */
function buildOfVersion(version: string): string {
  const stamp = /\.(\d{4})(\d\d)(\d\d)(\d\d)$/.exec(version);
  return stamp ? ` built ${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:00:00Z` : '';
}

/** The ASN database shipped with the service: one table per address family, and its label. */
interface AsnDatabase {
  label: string;
  v4: AsnRangeFile;
  v6: AsnRangeFile;
}

let bundledAsn: { label: string; load: () => AsnDatabase } | undefined;

/** The bundled ASN package: its label now, its files (32 MB) at the first lookup, once per process. */
export function bundledAsnDatabase(): { label: string; load: () => AsnDatabase } {
  if (bundledAsn) return bundledAsn;
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${ASN_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const label = `${ASN_PACKAGE}@${version}${buildOfVersion(version)}`;
  const file = (name: string) => asnRangeFile(readFileSync(manifest.replace(/package\.json$/, name)));
  let loaded: AsnDatabase | undefined;
  bundledAsn = { label, load: () => (loaded ??= { label, v4: file('asn-ipv4-num.csv'), v6: file('asn-ipv6-num.csv') }) };
  return bundledAsn;
}

/** The AS of one address (normalised), with the hosting table's verdict. */
function networkOf(asn: AsnDatabase, ip: string): Pick<IpLocation, 'asn' | 'organisation' | 'hosting'> {
  const number = ipNumber(ip);
  const system: AutonomousSystem | undefined = number && (number.version === 4 ? asn.v4.find(Number(number.value)) : asn.v6.find(number.value));
  if (!system) return {};
  const hosting = hostingNetwork(system.asn);
  return { asn: system.asn, organisation: system.organisation, ...(hosting ? { hosting: hosting.kind } : {}) };
}

/** The country of one database record: `country_code` in this family of files, `country.iso_code` in MaxMind's own. */
function countryOf(record: CountryResponse | null): string | undefined {
  if (!record) return undefined;
  const code = (record as { country_code?: unknown }).country_code ?? record.country?.iso_code;
  return typeof code === 'string' && isCountryCode(code.toUpperCase()) ? code.toUpperCase() : undefined;
}

/**
 * A locator over one database file. `label` names it in decisions (the bundled package's name and
 * version by default; a file given by the operator is named by its path's last segment).
 */
export function createIpLocator(options: { path?: string; label?: string; networks?: readonly DprkNetwork[]; networksVersion?: string } = {}): IpLocator {
  const bundled = options.path === undefined ? bundledIpDatabase() : undefined;
  const path = options.path ?? bundled!.path;
  const reader = new Reader<CountryResponse>(readFileSync(path));
  const built = reader.metadata.buildEpoch.toISOString().replace('.000Z', 'Z');
  const label = options.label ?? bundled?.version ?? path.split(/[\\/]/).pop() ?? path;
  const asn = bundledAsnDatabase();
  const database = `${label} built ${built}; ${options.networksVersion ?? DPRK_NETWORKS_VERSION}; ${asn.label}; ${HOSTING_NETWORKS_VERSION}`;
  const networks: RangeTable<DprkNetwork> = rangeTable(options.networks ?? DPRK_NETWORKS);
  const special = rangeTable(SPECIAL_ADDRESS_BLOCKS);
  return {
    database,
    locate(ips) {
      const locations: Record<string, IpLocation> = {};
      for (const raw of ips) {
        const ip = normalizeIp(raw);
        // No country holds a private or documentation address, whatever the database answers.
        if (ip === undefined || Object.hasOwn(locations, ip) || special.find(ip)) continue;
        const dprk = networks.find(ip);
        const country = dprk ? 'KP' : countryOf(reader.get(ip));
        const location: IpLocation = { ...(country !== undefined ? { country } : {}), ...(dprk ? { dprkNetwork: dprk.cidr } : {}), ...networkOf(asn.load(), ip) };
        if (Object.keys(location).length > 0) locations[ip] = location;
      }
      return { database, locations };
    },
  };
}
