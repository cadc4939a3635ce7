/**
 * A tenant's watchlist file (an internal do-not-hire list, an indicator feed shared by partners or
 * published by authorities) as list entries, in JSON or CSV:
 *
 * - JSON: `{ "entries": [ { "name"?, "type"?, "identifiers"?: [ { "kind", "value" } ], "note"? } ] }`
 * - CSV: the header `name,type,kind,value,note`, one identifier a row (or a name alone).
 *
 * Entries with the same name and type are one entry (their identifiers and notes together); an
 * entry without a name stands alone. Identifiers are kept as they are matched: hosts (`domain`,
 * `email_domain`) as listed domains, everything else as the link key of its canonical form, the
 * keyed hash a screened profile's own values get (domain/rules/subject-lookups.ts). So a document
 * or bank account number never reaches the database, and `j.roe+x@gmail.com` on a watchlist finds
 * `jroe@gmail.com` in a profile, as the laptop-farm checks would.
 *
 * Any bad row refuses the whole file, naming the file, the line (CSV) or entry (JSON) and the field.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { z } from 'zod';
import {
  emailLinkForm,
  ipLinkForm,
  normalizeAddress,
  normalizeBankAccount,
  normalizeDocumentNumber,
  normalizeDomain,
  normalizePhone,
  normalizeWallet,
  normalizeWebsite,
} from '../domain/identifiers/identifier.normalize.js';
import { maskEmail, maskIp, maskPhone, shortenDigest, shortenWallet } from '../domain/identifiers/identifier.redact.js';
import { listEntryOf, type ListEntry, type ListIdentifier } from '../domain/lists/list-entry.js';
import { linkKeyOf, type KeyedHash, type LinkKind } from '../domain/rules/subject-lookups.js';
import { ListImportError } from './list-import.errors.js';
import { MAX_NAME_LENGTH, MAX_RECORD_BYTES, RECORD_TOO_LARGE } from './list-limits.js';
import { parsedInMemory, type ParsedList } from './parse-list.js';

export const WATCHLIST_IDENTIFIER_KINDS = [
  'email',
  'email_domain',
  'phone',
  'wallet',
  'bank_account',
  'document',
  'ip',
  'photo_digest',
  'domain',
  'url',
  'address',
] as const;
export type WatchlistIdentifierKind = (typeof WATCHLIST_IDENTIFIER_KINDS)[number];

export const WATCHLIST_ENTRY_TYPES = ['individual', 'entity'] as const;

export const CSV_HEADER = ['name', 'type', 'kind', 'value', 'note'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

export const watchlistIdentifierSchema = z.strictObject({
  kind: z.enum(WATCHLIST_IDENTIFIER_KINDS),
  value: text(MAX_NAME_LENGTH).describe('As written; hosts, e-mails, phones and numbers are normalised before matching'),
});

export const watchlistEntrySchema = z
  .strictObject({
    name: text(MAX_NAME_LENGTH).optional().describe('Matched like a list name (fuzzy, any script)'),
    type: z.enum(WATCHLIST_ENTRY_TYPES).optional().describe('Absent: matched both as a person and as a company'),
    identifiers: z.array(watchlistIdentifierSchema).max(1000).optional().describe('Matched exactly after normalisation; any hit forces block'),
    note: text(2000).optional().describe('Why the entry is on the list; shown to reviewers'),
  })
  .refine((entry) => entry.name !== undefined || (entry.identifiers?.length ?? 0) > 0, { message: 'an entry needs a name or at least one identifier' });

export const watchlistFileSchema = z.strictObject({ entries: z.array(watchlistEntrySchema).min(1) });

type WatchlistRecord = z.infer<typeof watchlistEntrySchema>;

/** Where a record came from, for refusals. */
interface Position {
  file: string;
  line?: number;
  element?: string;
}

interface Identified {
  identifier: ListIdentifier;
}

/** Value spaces of link keys by watchlist kind (addresses: any kind of address). */
const LINK_KINDS: Partial<Record<WatchlistIdentifierKind, LinkKind>> = {
  email: 'email',
  phone: 'phone',
  wallet: 'wallet',
  bank_account: 'bank_account',
  document: 'document',
  ip: 'ip',
  photo_digest: 'photo',
  url: 'profile_url',
  address: 'other_address',
};

/** Short values match too much by accident (as for profiles: subject-lookups.ts). */
const MIN_NUMBER_LENGTH = 5;
const MIN_PHONE_DIGITS = 7;

/**
 * "street[, more street], postal code or city, country code": the parts a profile address links
 * on. A part with a digit before the country is a postal code, otherwise a city.
 */
function addressParts(value: string) {
  const parts = value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  const country = parts.length >= 3 && /^[A-Za-z]{2}$/.test(parts.at(-1)!) ? parts.pop()!.toUpperCase() : undefined;
  const place = parts.length >= 2 ? parts.pop()! : undefined;
  const postal = place !== undefined && /\d/.test(place);
  return { line1: parts.join(' '), ...(place === undefined ? {} : postal ? { postalCode: place } : { city: place }), ...(country ? { country } : {}) };
}

/** The canonical (link) form of a value, and what a reviewer may see of it; undefined when not valid. */
function canonicalOf(kind: WatchlistIdentifierKind, value: string): { canonical: string; display: string } | undefined {
  switch (kind) {
    case 'email': {
      const canonical = emailLinkForm(value);
      return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(canonical) ? { canonical, display: maskEmail(value) } : undefined;
    }
    case 'email_domain':
    case 'domain': {
      const canonical = normalizeDomain(value);
      return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(canonical) ? { canonical, display: canonical } : undefined;
    }
    case 'phone': {
      const canonical = normalizePhone(value);
      return canonical.length >= MIN_PHONE_DIGITS ? { canonical, display: maskPhone(value) } : undefined;
    }
    case 'wallet': {
      const canonical = normalizeWallet(value);
      return canonical.length >= 20 ? { canonical, display: shortenWallet(value) } : undefined;
    }
    case 'bank_account': {
      const canonical = normalizeBankAccount(value);
      return canonical.length >= MIN_NUMBER_LENGTH ? { canonical, display: 'bank account' } : undefined;
    }
    case 'document': {
      const canonical = normalizeDocumentNumber(value);
      return canonical.length >= MIN_NUMBER_LENGTH ? { canonical, display: 'document' } : undefined;
    }
    case 'ip': {
      const canonical = ipLinkForm(value);
      return canonical === undefined ? undefined : { canonical, display: maskIp(value) };
    }
    case 'photo_digest': {
      const canonical = value.trim().toLowerCase();
      return /^[0-9a-z:+/=_-]{8,}$/.test(canonical) ? { canonical, display: shortenDigest(canonical) } : undefined;
    }
    case 'url': {
      const canonical = normalizeWebsite(value);
      return /^[a-z0-9-]+(\.[a-z0-9-]+)+/i.test(canonical) ? { canonical, display: canonical } : undefined;
    }
    case 'address': {
      const canonical = normalizeAddress(addressParts(value));
      return canonical === undefined ? undefined : { canonical, display: value.trim() };
    }
  }
}

const REASONS: Readonly<Record<WatchlistIdentifierKind, string>> = {
  email: 'not an e-mail address',
  email_domain: 'not a domain name',
  domain: 'not a domain name',
  phone: `not a phone number (at least ${MIN_PHONE_DIGITS} digits)`,
  wallet: 'not a wallet address',
  bank_account: `not an account number (at least ${MIN_NUMBER_LENGTH} letters or digits)`,
  document: `not a document number (at least ${MIN_NUMBER_LENGTH} letters or digits)`,
  ip: 'not an IPv4 or IPv6 address',
  photo_digest: 'not a digest (at least 8 hex or base64 characters)',
  url: 'not a URL with a host name',
  address: 'not an address ("street, postal code or city, country code")',
};

/** One identifier as stored: a listed domain, or the link key of the value. */
function identifierOf(kind: WatchlistIdentifierKind, value: string, hash: KeyedHash, where: Position & { field: string }): Identified {
  const found = canonicalOf(kind, value);
  if (!found) throw refusal(where, `${where.field}: ${REASONS[kind]}`);
  const linkKind = LINK_KINDS[kind];
  if (linkKind === undefined) return { identifier: { kind: 'domain', value: found.display, normalized: found.canonical, watchlistKind: kind } };
  return { identifier: { kind: 'link_key', value: found.display, normalized: linkKeyOf(hash, linkKind, found.canonical), watchlistKind: kind } };
}

const refusal = (where: Position, reason: string) =>
  new ListImportError({ file: where.file, reason, ...(where.line !== undefined ? { line: where.line } : {}), ...(where.element !== undefined ? { element: where.element } : {}) });

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

/** Entries being built, keyed by what makes records one entry. */
class EntryCollector {
  private readonly entries = new Map<string, { entry: ListEntry; identifierKeys: Set<string>; notes: string[] }>();

  constructor(private readonly hash: KeyedHash) {}

  add(record: WatchlistRecord, where: Position, fieldOf: (name: string, index?: number) => string) {
    if (record.name !== undefined && record.name.length > MAX_NAME_LENGTH) throw refusal(where, `${fieldOf('name')}: longer than ${MAX_NAME_LENGTH} characters`);
    const identifiers = (record.identifiers ?? []).map((identifier, index) => identifierOf(identifier.kind, identifier.value, this.hash, { ...where, field: fieldOf('value', index) }).identifier);
    const type = record.type ?? 'unknown';
    // Same name and type, same entry: folded so that case and spacing do not split a person.
    const identity =
      record.name !== undefined
        ? `name|${type}|${record.name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ')}`
        : `identifiers|${identifiers.map((identifier) => `${identifier.kind}:${identifier.normalized}`).sort().join(',')}`;
    let built = this.entries.get(identity);
    if (!built) {
      const name = record.name ?? identifiers[0]?.value ?? '';
      built = {
        entry: listEntryOf({
          sourceId: `wl-${shortHash(identity)}`,
          type,
          name,
          names: record.name !== undefined ? [{ full: record.name, kind: 'primary', strength: 'strong' }] : [],
        }),
        identifierKeys: new Set(),
        notes: [],
      };
      this.entries.set(identity, built);
    }
    for (const identifier of identifiers) {
      const key = `${identifier.kind}:${identifier.normalized}`;
      if (built.identifierKeys.has(key)) continue;
      built.identifierKeys.add(key);
      built.entry.identifiers.push(identifier);
    }
    if (record.note !== undefined && !built.notes.includes(record.note)) built.notes.push(record.note);
  }

  entriesList(): ListEntry[] {
    return [...this.entries.values()].map(({ entry, notes }) => (notes.length > 0 ? { ...entry, remarks: notes.join('\n') } : entry));
  }
}

function zodRefusal(error: z.ZodError, file: string, prefix = ''): ListImportError {
  const issue = error.issues[0]!;
  const path = `${prefix}/${issue.path.join('/')}`;
  return new ListImportError({ file, element: path, reason: `${path}: ${issue.message}` });
}

/** A watchlist given as JSON (already parsed from the request body). */
export function parseWatchlistJson(body: unknown, hash: KeyedHash, file = 'entries.json'): ParsedList {
  const parsed = watchlistFileSchema.safeParse(body);
  if (!parsed.success) throw zodRefusal(parsed.error, file);
  const collector = new EntryCollector(hash);
  parsed.data.entries.forEach((record, index) => {
    const element = `/entries/${index}`;
    if (Buffer.byteLength(JSON.stringify(record)) > MAX_RECORD_BYTES) throw refusal({ file, element }, `${element}: larger than ${MAX_RECORD_BYTES / 1024} KB`);
    collector.add(record, { file, element }, (name, at) => (name === 'value' && at !== undefined ? `${element}/identifiers/${at}/value` : `${element}/${name}`));
  });
  const entries = collector.entriesList();
  // The digest of what the entries say, whatever the JSON's spacing or key order.
  const sha256 = createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex');
  return parsedInMemory('watchlist-json', entries, { files: [{ name: file, role: 'watchlist', sha256, bytes: Buffer.byteLength(JSON.stringify(body)), rows: parsed.data.entries.length }], warnings: [] });
}

const csvRowSchema = z.object({
  name: z.string().trim().max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`),
  type: z.union([z.literal(''), z.enum(WATCHLIST_ENTRY_TYPES)]),
  kind: z.union([z.literal(''), z.enum(WATCHLIST_IDENTIFIER_KINDS)]),
  value: z.string().trim().max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`),
  note: z.string().trim().max(2000, 'longer than 2000 characters'),
});

/** Largest watchlist file, as for list files. */
export const MAX_WATCHLIST_BYTES = 64 * 1024 * 1024;

/** A watchlist given as CSV, streamed: memory holds the entries, never the file. */
export async function parseWatchlistCsv(stream: Readable, hash: KeyedHash, file = 'entries.csv'): Promise<ParsedList> {
  const digest = createHash('sha256');
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => {
    digest.update(chunk);
    bytes += chunk.length;
    if (bytes > MAX_WATCHLIST_BYTES) stream.destroy(refusal({ file }, `larger than ${MAX_WATCHLIST_BYTES / 1024 / 1024} MB`));
  });
  // `info`: each record with the line it ends on, for refusals.
  const parser = stream.pipe(parse({ bom: true, columns: false, info: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES, relax_column_count: false, encoding: 'utf8' }));
  stream.on('error', (error) => parser.destroy(error));
  const collector = new EntryCollector(hash);
  let header: string[] | undefined;
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!header) {
        header = record.map((column) => column.trim().toLowerCase());
        const missing = CSV_HEADER.filter((column) => !header!.includes(column));
        const unknown = header.filter((column) => !(CSV_HEADER as readonly string[]).includes(column));
        if (missing.length > 0 || unknown.length > 0 || header.length !== CSV_HEADER.length) {
          throw refusal({ file, line }, `the header must be ${CSV_HEADER.join(',')} (${[...missing.map((column) => `missing ${column}`), ...unknown.map((column) => `unknown ${column}`)].join(', ') || 'a column repeated'})`);
        }
        continue;
      }
      rows += 1;
      const row = csvRowSchema.safeParse(Object.fromEntries(header.map((column, index) => [column, record[index] ?? ''])));
      if (!row.success) {
        const issue = row.error.issues[0]!;
        throw refusal({ file, line }, `${String(issue.path[0])}: ${issue.message}`);
      }
      const { name, type, kind, value, note } = row.data;
      if ([name, value, note].some((cell) => cell.includes('\uFFFD'))) throw refusal({ file, line }, 'not valid UTF-8');
      if ((kind === '') !== (value === '')) throw refusal({ file, line }, kind === '' ? 'kind: required with a value' : 'value: required with a kind');
      if (name === '' && kind === '') throw refusal({ file, line }, 'name: a row needs a name or an identifier');
      collector.add(
        {
          ...(name !== '' ? { name } : {}),
          ...(type !== '' ? { type } : {}),
          ...(kind !== '' ? { identifiers: [{ kind, value }] } : {}),
          ...(note !== '' ? { note } : {}),
        },
        { file, line },
        (field) => field,
      );
    }
  } catch (error) {
    if (error instanceof ListImportError) throw error;
    const info = error as { code?: string; lines?: number; message?: string };
    if (info.code === 'CSV_MAX_RECORD_SIZE') throw refusal({ file, ...(info.lines ? { line: info.lines } : {}) }, RECORD_TOO_LARGE);
    if (error instanceof CsvError) throw refusal({ file, ...(info.lines ? { line: info.lines } : {}) }, `not valid CSV: ${error.message}`);
    throw error;
  }
  if (!header) throw refusal({ file }, 'the file is empty');
  if (rows === 0) throw refusal({ file }, 'the file has a header but no rows');
  // Rows of one entry may be anywhere in the file: the entries are complete only at its end.
  return parsedInMemory('watchlist-csv', collector.entriesList(), { files: [{ name: file, role: 'watchlist', sha256: digest.digest('hex'), bytes, rows }], warnings: [] });
}
