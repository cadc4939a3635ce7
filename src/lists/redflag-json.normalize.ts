/**
 * Canonical forms of curated identifiers, used for exact lookups (`ListIdentifier.normalized`).
 * Pure string functions; no I/O.
 */
import type { IdentifierKind } from '../domain/lists/list-entry.js';

const ETH_STYLE_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** Bech32 / bech32m addresses (bc1…, tb1…, ltc1…) are case-insensitive; lower case is canonical (BIP-173). */
const BECH32_ADDRESS = /^(?:bc|tb|ltc)1[02-9ac-hj-np-z]{6,87}$/i;

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** Lower case, no scheme, no `www.`, no path, no trailing dot. */
export function normalizeDomain(value: string): string {
  let host = value.trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  host = host.split(/[/?#]/, 1)[0] ?? '';
  host = host.replace(/:\d+$/, '').replace(/\.$/, '');
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** Host lower-cased (as a domain), path kept, no scheme, no trailing slash. */
export function normalizeWebsite(value: string): string {
  const trimmed = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const cut = trimmed.search(/[/?#]/);
  const host = normalizeDomain(cut === -1 ? trimmed : trimmed.slice(0, cut));
  const rest = cut === -1 ? '' : trimmed.slice(cut).replace(/\/+$/, '');
  return host + rest;
}

/**
 * Digits only; a leading `+` (or international `00`) is kept as `+`. Without one the country
 * code is unknown, so the digits stay as they are.
 */
export function normalizePhone(value: string): string {
  const trimmed = value.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (trimmed.startsWith('00') && digits.length > 2) return `+${digits.slice(2)}`;
  return digits;
}

/** Trimmed; ETH-style hex addresses and bech32 addresses lower-cased; others (base58) as-is. */
export function normalizeWallet(value: string): string {
  const trimmed = value.trim();
  if (ETH_STYLE_ADDRESS.test(trimmed) || BECH32_ADDRESS.test(trimmed)) return trimmed.toLowerCase();
  return trimmed;
}

/** Document and registration numbers: upper case, spaces and dashes removed. */
export function normalizeDocumentNumber(value: string): string {
  return value.trim().toUpperCase().replace(/[\s-]+/g, '');
}

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
    case 'passport':
    case 'national_id':
    case 'tax_id':
    case 'registration':
    case 'swift':
    case 'imo':
    case 'mmsi':
    case 'aircraft_serial':
    case 'other_document':
      return normalizeDocumentNumber(value);
  }
}
