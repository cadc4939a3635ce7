/**
 * Canonical forms of identifiers: the one place that decides when two written values are the
 * same e-mail, domain, phone, wallet or document. List importers store `ListIdentifier.normalized`
 * with these functions and the rules look subjects' values up with the same functions, so a
 * value matches a list entry exactly when both sides normalise to the same string.
 *
 * Pure string functions; no I/O.
 */
import { callingCodes } from '../geo/countries.js';
import type { IdentifierKind } from '../lists/list-entry.js';

/** Lower case; a `mailto:` prefix and sentence-ending dots are not part of the address. */
export function normalizeEmail(value: string): string {
  return value.trim().replace(/^mailto:/i, '').replace(/\.+$/, '').toLowerCase();
}

/** The domain of an e-mail address, normalised as a domain; `undefined` without an `@`. */
export function emailDomain(value: string): string | undefined {
  const email = normalizeEmail(value);
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  return normalizeDomain(email.slice(at + 1));
}

/**
 * The form used to link applicants to one another, looser than the list form: `+tags` are
 * dropped everywhere and Gmail ignores dots, so `j.roe+job1@gmail.com` and `jroe@gmail.com`
 * reach the same inbox and are one contact for the laptop-farm checks.
 */
export function emailLinkForm(value: string): string {
  const email = normalizeEmail(value);
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  let local = email.slice(0, at).replace(/\+.*$/, '');
  const domain = normalizeDomain(email.slice(at + 1));
  if (domain === 'gmail.com' || domain === 'googlemail.com') {
    local = local.replace(/\./g, '');
    return `${local}@gmail.com`;
  }
  return `${local}@${domain}`;
}

/** Host only: lower case, no scheme, no `www.`/`www2.`, no port, path or trailing dot. */
export function normalizeDomain(value: string): string {
  let host = value.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  host = host.split(/[/?#]/, 1)[0] ?? '';
  host = host.replace(/^[^@]*@/, '');
  host = host.replace(/:\d+$/, '').replace(/\.+$/, '');
  return host.replace(/^www\d*\./, '');
}

/**
 * A site: the host normalised as a domain, the path kept as written (paths are case-sensitive),
 * no query or fragment, no trailing slash. Scheme and `www.` never make a different site.
 */
export function normalizeWebsite(value: string): string {
  const trimmed = value.trim().replace(/\.+$/, '').replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const cut = trimmed.search(/[/?#]/);
  const host = normalizeDomain(cut === -1 ? trimmed : trimmed.slice(0, cut));
  const path = cut === -1 ? '' : (trimmed.slice(cut).split(/[?#]/, 1)[0] ?? '').replace(/\/+$/, '');
  return host + path;
}

/**
 * Digits only, from the first number written, with the international prefix (`+` or `00`)
 * dropped: lists write international numbers without a `+` ("850 2 381 8208"), so keeping it
 * would make the same number two strings. The "(0)" trunk digit is not dialled from abroad;
 * extensions and "/8222"-style alternates are cut off.
 */
export function normalizePhone(value: string): string {
  const first = (value.split(/\s*(?:\/|,|;|\bext\.?|\bx\b)\s*/i)[0] ?? value).trim();
  const digits = first.replace(/\(0\)/g, '').replace(/\D+/g, '');
  if (!first.startsWith('+') && first.startsWith('00') && digits.length > 4) return digits.slice(2);
  return digits;
}

/** True when the number is written in international form, so its calling code is known. */
export function isInternationalPhone(value: string): boolean {
  const trimmed = value.trim();
  return trimmed.startsWith('+') || /^00[1-9]/.test(trimmed);
}

const CALLING_CODES: ReadonlySet<string> = new Set(Object.values(callingCodes));

/**
 * The country calling code of an international number (longest of 1–3 digit prefixes that is
 * a code), or `undefined` for a national number whose country the digits do not tell.
 */
export function phoneCallingCode(value: string): string | undefined {
  if (!isInternationalPhone(value)) return undefined;
  const digits = normalizePhone(value);
  for (const length of [3, 2, 1]) {
    const prefix = digits.slice(0, length);
    if (prefix.length === length && CALLING_CODES.has(prefix)) return prefix;
  }
  return undefined;
}

/** Calling code → the countries using it, built on first use (every screened phone asks). */
let countriesByCallingCode: Map<string, readonly string[]> | undefined;

/** Countries using a calling code ("1" → US, CA and the Caribbean; "7" → RU, KZ). */
export function countriesOfCallingCode(code: string): string[] {
  if (!countriesByCallingCode) {
    countriesByCallingCode = new Map();
    for (const [country, calling] of Object.entries(callingCodes)) {
      countriesByCallingCode.set(calling, [...(countriesByCallingCode.get(calling) ?? []), country]);
    }
  }
  return [...(countriesByCallingCode.get(code) ?? [])];
}

/**
 * Case matters in base58 wallet addresses (Bitcoin legacy, Tron, ...), so only the formats
 * that are case-insensitive by definition are lower-cased: 0x-hex (Ethereum and its tokens)
 * and single-case bech32 ("bc1...", "ltc1..."; BIP-173 forbids mixed case).
 */
export function normalizeWallet(value: string): string {
  const trimmed = value.trim();
  if (/^0x[0-9a-f]+$/i.test(trimmed)) return trimmed.toLowerCase();
  if (/^[a-z]{1,4}1[02-9ac-hj-np-z]{6,}$/i.test(trimmed) && (trimmed === trimmed.toLowerCase() || trimmed === trimmed.toUpperCase())) {
    return trimmed.toLowerCase();
  }
  return trimmed;
}

/** Document, registration and account numbers compare without spaces, dots, dashes or case. */
export function normalizeDocumentNumber(value: string): string {
  return value.normalize('NFKC').toUpperCase().replace(/[\s.\-/_#:]+/g, '');
}

/** IBANs and other account numbers: the same rule as document numbers. */
export const normalizeBankAccount = normalizeDocumentNumber;

export function normalizeIdentifier(kind: IdentifierKind, value: string): string {
  switch (kind) {
    case 'email':
      return normalizeEmail(value);
    case 'domain':
      return normalizeDomain(value);
    case 'website':
      return normalizeWebsite(value);
    case 'phone':
      return normalizePhone(value);
    case 'wallet':
      return normalizeWallet(value);
    case 'swift':
      return value.trim().toUpperCase();
    case 'imo':
    case 'mmsi':
      return value.replace(/\D+/g, '');
    case 'passport':
    case 'national_id':
    case 'tax_id':
    case 'registration':
    case 'aircraft_serial':
    case 'other_document':
      return normalizeDocumentNumber(value);
    case 'link_key':
      // Already canonical: a keyed hash (hex) of the value's link form.
      return value.trim().toLowerCase();
  }
}

/**
 * IPv4 without leading zeros; IPv6 in RFC 5952 form (lower case, longest zero run as `::`);
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as the IPv4 address it is. `undefined` if not an IP.
 */
export function normalizeIp(value: string): string | undefined {
  const trimmed = value.trim();
  const v4 = parseIpv4(trimmed);
  if (v4) return v4.join('.');
  const groups = parseIpv6(trimmed);
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) {
    const high = groups[6] ?? 0;
    const low = groups[7] ?? 0;
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return formatIpv6(groups);
}

/**
 * The network an IP stands for when linking applicants: the IPv4 address itself, but the /64
 * of an IPv6 address, because devices in one household rotate their interface ids within it.
 */
export function ipLinkForm(value: string): string | undefined {
  const normalized = normalizeIp(value);
  if (normalized === undefined || !normalized.includes(':')) return normalized;
  const groups = parseIpv6(normalized);
  if (!groups) return normalized;
  return `${formatIpv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const numbers = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : Number.NaN));
  return numbers.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? numbers : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  let body = text.toLowerCase();
  const lastColon = body.lastIndexOf(':');
  if (lastColon === -1) return undefined;
  const tail: number[] = [];
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    // An embedded IPv4 tail ("::ffff:192.0.2.1") stands for the last two groups.
    const v4 = parseIpv4(last);
    if (!v4) return undefined;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const groupsWanted = 8 - tail.length;
  const explicit = [...head, ...rest];
  if (!explicit.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  if (halves.length === 1 && explicit.length !== groupsWanted) return undefined;
  if (halves.length === 2 && explicit.length >= groupsWanted) return undefined;
  const zeros = new Array<string>(groupsWanted - explicit.length).fill('0');
  const all = halves.length === 2 ? [...head, ...zeros, ...rest] : explicit;
  return [...all.map((group) => parseInt(group, 16)), ...tail];
}

function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; start += 1) {
    let length = 0;
    while (start + length < groups.length && groups[start + length] === 0) length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export interface AddressParts {
  line1?: string | undefined;
  line2?: string | undefined;
  city?: string | undefined;
  postalCode?: string | undefined;
  country?: string | undefined;
}

/** Spelled-out and abbreviated street words written either way in the same address. */
const ADDRESS_WORDS: Readonly<Record<string, string>> = {
  street: 'st',
  str: 'st',
  avenue: 'ave',
  av: 'ave',
  road: 'rd',
  boulevard: 'blvd',
  drive: 'dr',
  lane: 'ln',
  court: 'ct',
  place: 'pl',
  square: 'sq',
  highway: 'hwy',
  parkway: 'pkwy',
  circle: 'cir',
  terrace: 'ter',
  apartment: 'apt',
  suite: 'ste',
  floor: 'fl',
  building: 'bldg',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  number: 'no',
};

/** Latin letters that carry no combining mark, so NFKD alone leaves them alone. */
const UNDECOMPOSED: Readonly<Record<string, string>> = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i', þ: 'th', ð: 'd' };

/** Lower case without accents: "Łódź" → "lodz", "Straße" → "strasse". */
export function foldAccents(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[łøđħßæœıþð]/g, (letter) => UNDECOMPOSED[letter] ?? letter);
}

function addressText(value: string): string {
  return foldAccents(value)
    .replace(/#/g, ' no ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ADDRESS_WORDS[word] ?? word)
    .join(' ');
}

/**
 * One string per physical address, for exact comparison: country, postal code (or city when
 * there is none), and the street lines with punctuation, accents and street-word spelling
 * ("Street"/"St.") folded. `undefined` when there is no street line to compare.
 */
export function normalizeAddress(address: AddressParts): string | undefined {
  const street = [address.line1, address.line2].filter((line): line is string => line !== undefined).map(addressText).join(' ').trim();
  if (street.length === 0) return undefined;
  const postal = address.postalCode ? address.postalCode.toUpperCase().replace(/[^A-Z0-9]+/g, '') : '';
  const place = postal.length > 0 ? postal : addressText(address.city ?? '');
  return `${(address.country ?? '').toUpperCase()}|${place}|${street}`;
}
