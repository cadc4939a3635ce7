import { describe, expect, test } from 'vitest';
import { DPRK_NETWORKS } from '../../src/domain/geo/dprk-networks.table.js';
import { ipNumber, parseCidr, rangeTable } from '../../src/domain/geo/ip-ranges.js';
import { SPECIAL_ADDRESS_BLOCKS } from '../../src/domain/geo/special-addresses.table.js';

describe('ipNumber', () => {
  test.each([
    ['0.0.0.0', 4, 0n],
    ['8.8.8.8', 4, 0x08080808n],
    ['255.255.255.255', 4, 0xffffffffn],
    [' 175.45.176.1 ', 4, 0xaf2db001n],
    ['::ffff:175.45.176.1', 4, 0xaf2db001n],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['2001:4860:4860::8888', 6, (0x2001486048600000n << 64n) | 0x8888n],
    ['2001:DB8:0:0:0:0:0:1', 6, (0x20010db8n << 96n) | 1n],
  ])('%s is IPv%s %s', (text, version, value) => {
    expect(ipNumber(text)).toEqual({ version, value });
  });

  test.each(['', 'example.com', '256.1.1.1', '1.2.3', '01.2.3.4.5', '2001:db8::1::2', ':::', '1.2.3.4/24'])('%j is not an address', (text) => {
    expect(ipNumber(text)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  test('a block spans its first to its last address', () => {
    expect(parseCidr('175.45.176.0/22')).toEqual({ version: 4, first: 0xaf2db000n, last: 0xaf2db3ffn });
    expect(parseCidr('0.0.0.0/0')).toEqual({ version: 4, first: 0n, last: 0xffffffffn });
    expect(parseCidr('8.8.8.8/32')).toEqual({ version: 4, first: 0x08080808n, last: 0x08080808n });
    expect(parseCidr('2001:db8::/32')).toEqual({ version: 6, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) | ((1n << 96n) - 1n) });
  });

  test.each(['175.45.176.1/22', '175.45.176.0/33', '175.45.176.0', '175.45.176.0/22/1', 'x/8', '10.0.0.0/-1', '10.0.0.0/ 8', '::/129'])('%j is refused', (cidr) => {
    expect(parseCidr(cidr)).toBeUndefined();
  });
});

describe('rangeTable', () => {
  const table = rangeTable([
    { cidr: '10.0.0.0/8', name: 'ten' },
    { cidr: '192.0.2.0/24', name: 'doc' },
    { cidr: '11.0.0.0/16', name: 'eleven' },
    { cidr: '2001:db8::/32', name: 'doc6' },
  ]);

  test.each([
    ['10.0.0.0', 'ten'],
    ['10.255.255.255', 'ten'],
    ['11.0.255.255', 'eleven'],
    ['192.0.2.77', 'doc'],
    ['::ffff:192.0.2.1', 'doc'],
    ['2001:db8:ffff::1', 'doc6'],
  ])('%s is in %s', (ip, name) => {
    expect(table.find(ip)?.name).toBe(name);
  });

  test.each(['9.255.255.255', '11.1.0.0', '192.0.3.0', '0.0.0.0', '2001:db9::', '::a00:1', 'not an ip'])('%s is in no block', (ip) => {
    expect(table.find(ip)).toBeUndefined();
  });

  test('overlapping or malformed blocks are refused when the table is built', () => {
    expect(() => rangeTable([{ cidr: '10.0.0.0/8' }, { cidr: '10.1.0.0/16' }])).toThrow(/overlapping/);
    expect(() => rangeTable([{ cidr: '10.0.0.1/8' }])).toThrow(/not a CIDR/);
  });

  test('an empty table finds nothing', () => {
    expect(rangeTable([]).find('8.8.8.8')).toBeUndefined();
  });
});

describe('the DPRK network table', () => {
  const table = rangeTable(DPRK_NETWORKS);

  test('every row is a block with at least one source', () => {
    expect(table.size).toBe(DPRK_NETWORKS.length);
    for (const row of DPRK_NETWORKS) expect(row.sources.length, row.cidr).toBeGreaterThan(0);
  });

  test.each([
    ['175.45.176.0', '175.45.176.0/22'],
    ['175.45.179.255', '175.45.176.0/22'],
    ['210.52.109.9', '210.52.109.0/24'],
    ['77.94.35.200', '77.94.35.0/24'],
  ])('%s is in %s', (ip, cidr) => {
    expect(table.find(ip)?.cidr).toBe(cidr);
  });

  test.each(['175.45.175.255', '175.45.180.0', '210.52.108.255', '77.94.36.0', '8.8.8.8'])('%s is not', (ip) => {
    expect(table.find(ip)).toBeUndefined();
  });
});

describe('the special-purpose address table', () => {
  const table = rangeTable(SPECIAL_ADDRESS_BLOCKS);

  test.each(['10.1.2.3', '172.31.255.255', '192.168.0.10', '100.64.0.1', '127.0.0.1', '169.254.1.1', '192.0.2.1', '198.51.100.7', '203.0.113.5', '224.0.0.1', '255.255.255.255', '0.1.2.3', '::', '::1', '2001:db8::1', 'fc00::1', 'fe80::1', 'ff02::1', '2002:808:808::1', '64:ff9b::808:808'])(
    '%s is special-purpose',
    (ip) => {
      expect(table.find(ip)).toBeDefined();
    },
  );

  test.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '175.45.176.1', '2001:4860:4860::8888', '2a00:1450::1', '::ffff:8.8.8.8'])('%s is not', (ip) => {
    expect(table.find(ip)).toBeUndefined();
  });
});
