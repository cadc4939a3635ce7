/**
 * IANA time zones through Intl, with one formatter per zone: building an Intl.DateTimeFormat
 * costs far more than using one, and screening checks the same few zones over and over.
 */

/** Zones are case-insensitive in Intl, so callers could name endlessly many; keep the cache bounded. */
const MAX_CACHED_ZONES = 2_000;
const hourFormats = new Map<string, Intl.DateTimeFormat | null>();

function hourFormatOf(zone: string): Intl.DateTimeFormat | null {
  const known = hourFormats.get(zone);
  if (known !== undefined) return known;
  let format: Intl.DateTimeFormat | null;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' });
  } catch {
    format = null;
  }
  if (hourFormats.size < MAX_CACHED_ZONES) hourFormats.set(zone, format);
  return format;
}

export function isTimeZone(zone: string): boolean {
  return hourFormatOf(zone) !== null;
}

/** The local hour (0–23) of an epoch-millisecond time in `zone`; undefined for an unknown zone. */
export function hourInZone(zone: string): ((time: number) => number) | undefined {
  const format = hourFormatOf(zone);
  if (format === null) return undefined;
  return (time) => Number(format.formatToParts(time).find((part) => part.type === 'hour')?.value ?? Number.NaN) % 24;
}
