import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { asnRangeFile } from '../../src/domain/geo/asn-ranges.js';
import { HOSTING_NETWORKS, HOSTING_NETWORKS_VERSION, hostingNetwork } from '../../src/domain/geo/hosting-networks.table.js';
import { ipNumber } from '../../src/domain/geo/ip-ranges.js';
import { bundledAsnDatabase, createIpLocator } from '../../src/services/ip-intelligence.service.js';

/**
 * The ASN table over the real files of `@ip-location-db/asn` (the bundled package), with addresses
 * of well-known networks whose AS is public and stable, and the hosting/VPN table checked against it.
 */
const text = (lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');

describe('asnRangeFile over a small table', () => {
  const table = asnRangeFile(
    text(['16777216,16777471,13335,"Cloudflare, Inc."', '16778240,16779263,38803,Gtelecom Pty Ltd', '16781312,16781567,0,Not routed', '16781568,16781823,64500,"Quote ""Inc"""']),
  );
  test.each([
    [16777216, 13335, 'Cloudflare, Inc.'],
    [16777471, 13335, 'Cloudflare, Inc.'],
    [16778500, 38803, 'Gtelecom Pty Ltd'],
    [16781700, 64500, 'Quote "Inc"'],
  ])('%d is in AS%d (%s)', (address, asn, organisation) => {
    expect(table.find(address)).toEqual({ asn, organisation });
  });
  test.each([[0], [16777472], [16781312], [16781824], [2 ** 32 - 1]])('%d is in no row (gaps, AS 0, past the end)', (address) => {
    expect(table.find(address)).toBeUndefined();
  });
  test('an empty file and a last line without a newline', () => {
    expect(asnRangeFile(new Uint8Array()).find(5)).toBeUndefined();
    expect(asnRangeFile(new TextEncoder().encode('10,20,64501,Last')).find(15)).toEqual({ asn: 64501, organisation: 'Last' });
  });
});

describe('the bundled ASN database', () => {
  const database = bundledAsnDatabase();
  const files = database.load();
  const find = (ip: string) => {
    const number = ipNumber(ip)!;
    return number.version === 4 ? files.v4.find(Number(number.value)) : files.v6.find(number.value);
  };

  test.each([
    ['8.8.8.8', 15169, /^Google LLC$/], // Google Public DNS
    ['2001:4860:4860::8888', 15169, /^Google LLC$/],
    ['1.1.1.1', 13335, /^Cloudflare/],
    ['52.95.110.1', 16509, /^Amazon\.com/], // an AWS S3 address (ip-ranges.json)
    ['2600:1f18::1', 14618, /^Amazon\.com/], // AWS us-east-1 IPv6
    ['104.131.0.1', 14061, /^DigitalOcean/],
    ['2a03:b0c0::1', 14061, /^DigitalOcean/],
    ['185.159.157.1', 209103, /^Proton AG$/], // Proton's network
    ['5.255.255.5', 13238, /^YANDEX/],
    ['175.45.176.1', 131279, /^Star Joint Venture/], // the DPRK's own block
    ['193.0.6.139', 3333, /RIPE/], // www.ripe.net
  ])('%s is announced by AS%d', (ip, asn, organisation) => {
    const system = find(ip);
    expect(system?.asn).toBe(asn);
    expect(system?.organisation).toMatch(organisation);
  });

  test('its label names the package, its version and the build hour in that version', () => {
    const { version } = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'), 'utf8')) as { version: string };
    expect(database.label).toBe(`@ip-location-db/asn@${version} built ${version.replace(/^.*\.(\d{4})(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3T$4:00:00Z')}`);
  });

  test('every row of the hosting table is an AS the database knows, under the organisation the row names', () => {
    const read = (name: string) => readFileSync(createRequire(import.meta.url).resolve(`@ip-location-db/asn/${name}`), 'utf8');
    const files = [read('asn-ipv4-num.csv'), read('asn-ipv6-num.csv')];
    /** The organisations the database gives the AS, from its rows (`first,last,asn,organisation`), up to the one wanted. */
    const organisationsOf = (asn: number, wanted: string) => {
      const found = new Set<string>();
      for (const file of files) {
        if (found.has(wanted)) break;
        for (let at = file.indexOf(`,${asn},`); at !== -1; at = file.indexOf(`,${asn},`, at + 1)) {
          const line = file.slice(file.lastIndexOf('\n', at) + 1, file.indexOf('\n', at));
          const match = /^\d+,\d+,(\d+),(.*)$/.exec(line);
          if (match?.[1] === String(asn)) found.add(match[2]!.startsWith('"') ? match[2]!.slice(1, -1).replaceAll('""', '"') : match[2]!);
          if (found.has(wanted)) break;
        }
      }
      return found;
    };
    for (const row of HOSTING_NETWORKS) expect(organisationsOf(row.asn, row.organisation), `AS${row.asn}`).toContain(row.organisation);
  });
});

describe('the hosting and VPN table', () => {
  test('one row per AS, each with a source beyond the whois record, kind and version', () => {
    expect(new Set(HOSTING_NETWORKS.map((row) => row.asn)).size).toBe(HOSTING_NETWORKS.length);
    for (const row of HOSTING_NETWORKS) {
      expect(row.sources.length, `AS${row.asn}`).toBeGreaterThanOrEqual(2);
      expect(row.sources[0]).toMatch(new RegExp(`^(ARIN|RIPE|APNIC) whois AS${row.asn}: `));
    }
    expect(HOSTING_NETWORKS_VERSION).toMatch(/^hosting-networks \d+ \(\d{4}-\d\d-\d\d\)$/);
  });
  test('consumer privacy relays and eyeball networks are not in it', () => {
    for (const asn of [13335, 15169, 13238, 3333, 7922]) expect(hostingNetwork(asn)).toBeUndefined();
    expect(hostingNetwork(16509)?.kind).toBe('hosting');
    expect(hostingNetwork(9009)?.kind).toBe('vpn');
  });
});

describe('the locator names the network of each login IP', () => {
  const locator = createIpLocator();
  test('country, AS and organisation, and the hosting verdict; both databases and both tables in its label', () => {
    const answer = locator.locate(['52.95.110.1', '185.159.157.1', '8.8.8.8', '175.45.176.1', '10.0.0.1']);
    expect(answer.locations['52.95.110.1']).toEqual({ country: 'US', asn: 16509, organisation: 'Amazon.com, Inc.', hosting: 'hosting' });
    expect(answer.locations['185.159.157.1']).toMatchObject({ asn: 209103, organisation: 'Proton AG', hosting: 'vpn' });
    expect(answer.locations['8.8.8.8']).toEqual({ country: 'US', asn: 15169, organisation: 'Google LLC' });
    expect(answer.locations['175.45.176.1']).toMatchObject({ country: 'KP', dprkNetwork: '175.45.176.0/22', asn: 131279 });
    expect(answer.locations['10.0.0.1']).toBeUndefined();
    expect(answer.database).toMatch(/; dprk-networks \d+ .*; @ip-location-db\/asn@\S+ built \S+Z; hosting-networks \d+ /);
  });
});
