/**
 * How identifiers appear in a decision: enough for a reviewer to recognise the value and find
 * it in the profile, not enough to be useful to whoever reads a leaked decision log. Document
 * and account numbers are never shown at all (callers use a label instead).
 */
import { normalizeEmail, normalizeIp, normalizePhone, phoneCallingCode, type AddressParts } from './identifier.normalize.js';

/** `jane.roe@example.com` → `j•••@example.com`: the domain is what a reviewer compares. */
export function maskEmail(value: string): string {
  const email = normalizeEmail(value);
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

/** `+1 512 555 0100` → `+1 •••0100`; national numbers keep only their last digits. */
export function maskPhone(value: string): string {
  const digits = normalizePhone(value);
  const last = digits.slice(-Math.min(4, Math.max(0, digits.length - 4)));
  const code = phoneCallingCode(value);
  return code !== undefined ? `+${code} •••${last}` : `•••${last}`;
}

/** Wallets are public on chain, but a short form is enough to find them in the profile. */
export function shortenWallet(value: string): string {
  const trimmed = value.trim();
  return trimmed.length <= 14 ? trimmed : `${trimmed.slice(0, 8)}…${trimmed.slice(-4)}`;
}

/** `203.0.113.5` → `203.0.113.x`; IPv6 keeps its /48. The network is what links applicants. */
export function maskIp(value: string): string {
  const ip = normalizeIp(value);
  if (ip === undefined) return '•••';
  if (!ip.includes(':')) return ip.replace(/\.\d+$/, '.x');
  const groups = ip.split(':');
  return `${groups.slice(0, 3).join(':')}:…`;
}

/** City, postal code and country: where the address is, without the street line. */
export function describeAddress(address: AddressParts & { kind?: string }): string {
  const place = [address.postalCode, address.city, address.country].filter((part) => part !== undefined && part.trim() !== '').join(' ');
  return address.kind !== undefined ? `${address.kind} address${place ? `, ${place}` : ''}` : place || 'address';
}

/** Digests are long; the first characters identify one in the profile. */
export function shortenDigest(value: string): string {
  const trimmed = value.trim().toLowerCase();
  return trimmed.length <= 12 ? trimmed : `${trimmed.slice(0, 12)}…`;
}
