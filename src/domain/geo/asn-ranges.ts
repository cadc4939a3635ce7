/**
 * IP → autonomous system from a range table kept as the text it is shipped in: the lines of
 * `@ip-location-db/asn`'s `asn-ipv4-num.csv` / `asn-ipv6-num.csv` (`first,last,asn,organisation`,
 * addresses as decimal numbers, sorted by `first`). A lookup bisects the bytes (about 20 lines
 * read for half a million rows), so nothing is parsed up front and memory is the file itself. Pure.
 */

export interface AutonomousSystem {
  asn: number;
  /** The organisation the database names for the range (DB-IP's AS name, else the RIR's). */
  organisation: string;
}

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const QUOTE = 0x22;
const decoder = new TextDecoder('utf-8');

/** The offset where the line holding `position` starts. */
function lineStart(bytes: Uint8Array, position: number): number {
  let start = position;
  while (start > 0 && bytes[start - 1] !== NEWLINE) start -= 1;
  return start;
}

function lineEnd(bytes: Uint8Array, start: number): number {
  const end = bytes.indexOf(NEWLINE, start);
  return end === -1 ? bytes.length : end;
}

/**
 * The decimal number at `start` up to the next comma, and where it ends: a `number` while exact
 * (IPv4 addresses, AS numbers), a `bigint` beyond (IPv6 addresses).
 */
function numberAt(bytes: Uint8Array, start: number, end: number): { value: number | bigint; next: number } | undefined {
  const comma = bytes.indexOf(COMMA, start);
  const stop = comma === -1 || comma > end ? end : comma;
  if (stop === start) return undefined;
  let value = 0;
  for (let index = start; index < stop; index += 1) {
    const digit = bytes[index]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (stop - start > 15) return { value: BigInt(decoder.decode(bytes.subarray(start, stop))), next: stop + 1 };
  return { value, next: stop + 1 };
}

/** The last field of a line: CSV-quoted (`"Amazon.com, Inc."`, `""` for a quote) or plain. */
function organisationAt(bytes: Uint8Array, start: number, end: number): string {
  const text = decoder.decode(bytes.subarray(start, end)).trim();
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? text.slice(1, -1).replaceAll('""', '"') : text;
}

function parseLine(bytes: Uint8Array, start: number): { last: number | bigint; system?: AutonomousSystem } | undefined {
  const end = lineEnd(bytes, start);
  const first = numberAt(bytes, start, end);
  const last = first && numberAt(bytes, first.next, end);
  const asn = last && numberAt(bytes, last.next, end);
  if (!last) return undefined;
  const number = asn ? Number(asn.value) : 0;
  if (!asn || number === 0 || number > 4_294_967_295) return { last: last.value };
  return { last: last.value, system: { asn: number, organisation: organisationAt(bytes, asn.next, end) } };
}

export interface AsnRangeFile {
  /** The autonomous system announcing `address` (as a number of its family), if a row holds it. */
  find(address: number | bigint): AutonomousSystem | undefined;
}

/**
 * A table over one file's bytes. The last row starting at or before the address answers when it
 * also ends at or after it (rows never start out of order; the one overlap in the 2026-06 file,
 * two DoD ranges, resolves to the later, narrower row).
 */
export function asnRangeFile(bytes: Uint8Array): AsnRangeFile {
  return {
    find(address) {
      let low = 0;
      let high = bytes.length;
      let best: number | undefined;
      // Invariant: `low` is a line start, and the answer's line starts in [low, high) unless it is `best`.
      while (low < high) {
        const start = lineStart(bytes, low + Math.floor((high - low) / 2));
        const first = numberAt(bytes, start, lineEnd(bytes, start));
        if (first !== undefined && first.value <= address) {
          best = start;
          low = lineEnd(bytes, start) + 1;
        } else {
          high = start;
        }
      }
      if (best === undefined) return undefined;
      const row = parseLine(bytes, best);
      return row && address <= row.last ? row.system : undefined;
    },
  };
}
