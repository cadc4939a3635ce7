/**
 * IP addresses as numbers, CIDR blocks as ranges, and a table of blocks searched by binary search:
 * memory grows with the rows, not with the address space. Pure.
 */
import { normalizeIp } from '../identifiers/identifier.normalize.js';

export interface IpNumber {
  version: 4 | 6;
  value: bigint;
}

/** An address as a number (IPv4-mapped IPv6 is the IPv4 address it maps); `undefined` if not an IP. */
export function ipNumber(text: string): IpNumber | undefined {
  const normalized = normalizeIp(text);
  if (normalized === undefined) return undefined;
  if (!normalized.includes(':')) {
    return { version: 4, value: normalized.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n) };
  }
  // normalizeIp writes RFC 5952 hex groups with at most one `::`.
  const [head = '', tail] = normalized.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const groups = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { version: 6, value: groups.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n) };
}

export interface IpRange {
  version: 4 | 6;
  first: bigint;
  last: bigint;
}

/** `175.45.176.0/22` → its first and last address; `undefined` for a malformed block or stray host bits. */
export function parseCidr(cidr: string): IpRange | undefined {
  const [address, prefixText, extra] = cidr.trim().split('/');
  if (address === undefined || prefixText === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const start = ipNumber(address);
  if (!start) return undefined;
  const bits = start.version === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((start.value & hostMask) !== 0n) return undefined;
  return { version: start.version, first: start.value, last: start.value | hostMask };
}

export interface RangeTable<T> {
  /** The row whose block holds the address, if any. */
  find(ip: string): T | undefined;
  readonly size: number;
}

/**
 * Rows keyed by CIDR block, sorted once. Overlapping blocks are refused: with them "the" row of an
 * address would depend on the order rows were written in.
 */
export function rangeTable<T extends { cidr: string }>(rows: readonly T[]): RangeTable<T> {
  const byVersion = { 4: [] as (IpRange & { row: T })[], 6: [] as (IpRange & { row: T })[] };
  for (const row of rows) {
    const range = parseCidr(row.cidr);
    if (!range) throw new Error(`not a CIDR block: ${row.cidr}`);
    byVersion[range.version].push({ ...range, row });
  }
  for (const ranges of Object.values(byVersion)) {
    ranges.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    ranges.forEach((range, index) => {
      const next = ranges[index + 1];
      if (next && next.first <= range.last) throw new Error(`overlapping blocks: ${range.row.cidr} and ${next.row.cidr}`);
    });
  }
  return {
    size: rows.length,
    find(ip) {
      const address = ipNumber(ip);
      if (!address) return undefined;
      const ranges = byVersion[address.version];
      // The last range starting at or before the address is the only one that can hold it.
      let low = 0;
      let high = ranges.length - 1;
      let candidate: (IpRange & { row: T }) | undefined;
      while (low <= high) {
        const middle = (low + high) >> 1;
        const range = ranges[middle]!;
        if (range.first <= address.value) {
          candidate = range;
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return candidate && address.value <= candidate.last ? candidate.row : undefined;
    },
  };
}
