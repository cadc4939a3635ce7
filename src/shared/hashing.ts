import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export function sha256Hex(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex');
}

/** RFC 8785 canonical JSON: the same value always gives the same bytes, whatever its key order. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('Value has no canonical JSON form');
  return text;
}

export function canonicalDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
