/**
 * Geolocation of login IPs, offline: a MaxMind-format country database shipped as an npm package
 * (`@ip-location-db/geo-whois-asn-country-mmdb`: RIR whois, geofeeds and ASN data merged, IPv4 and
 * IPv6, one file) read with `maxmind`, and the table of DPRK networks (domain/geo). The answers are
 * plain facts that the screening stores with its input, so a replay sees the same countries even
 * after the database is updated; each names the database version and build date.
 *
 * The file is read once, when the app is built (about 8 MB, held as one buffer).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type CountryResponse } from 'maxmind';
import { isCountryCode } from '../domain/geo/countries.js';
import { DPRK_NETWORKS, DPRK_NETWORKS_VERSION, type DprkNetwork } from '../domain/geo/dprk-networks.table.js';
import { rangeTable, type RangeTable } from '../domain/geo/ip-ranges.js';
import { SPECIAL_ADDRESS_BLOCKS } from '../domain/geo/special-addresses.table.js';
import { normalizeIp } from '../domain/identifiers/identifier.normalize.js';
import type { IpIntelligence, IpLocation } from '../domain/rules/login-locations.js';

export interface IpLocator {
  /** Database package, version and build date, and the DPRK network table's version. */
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
  const database = `${label} built ${built}; ${options.networksVersion ?? DPRK_NETWORKS_VERSION}`;
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
        const network = networks.find(ip);
        if (network) {
          locations[ip] = { country: 'KP', dprkNetwork: network.cidr };
          continue;
        }
        const country = countryOf(reader.get(ip));
        if (country !== undefined) locations[ip] = { country };
      }
      return { database, locations };
    },
  };
}
