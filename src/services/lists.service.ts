import type { Db, DbOrTx } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { diffVersions, findEntry, findListSource, findListSources, findVersion, findVersionsOfSource, searchActiveEntries, type EntrySearch } from '../db/repositories/list-queries.repository.js';
import { claimListSource, deferVersionReferences, findListVersionByDigest, insertActiveVersionRow, insertListEntries, measureRemoval, type ListVersionRow } from '../db/repositories/lists.repository.js';
import { SELECTIONS, type SelectionName } from '../domain/lists/dprk-selection.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { AppError, notFound } from '../errors.js';
import { ListImportError } from '../lists/list-import.errors.js';
import type { ListFormat, ListSummary, ParsedList } from '../lists/parse-list.js';
import { uuidv7 } from 'uuidv7';
import { canonicalDigest } from '../shared/hashing.js';
import type { ListSnapshot } from './list-index.service.js';
import type { ListVersionView } from '../http/schemas/lists.schemas.js';

/** Lists redflag knows by name; any other slug may be imported too, named after itself. */
export const KNOWN_SOURCES: Readonly<Record<string, { name: string; format: ListFormat }>> = {
  'ofac-sdn': { name: 'OFAC Specially Designated Nationals (SDN) list', format: 'ofac-csv' },
  'ofac-non-sdn': { name: 'OFAC Consolidated (non-SDN) sanctions list', format: 'ofac-csv' },
  un: { name: 'UN Security Council Consolidated List (includes the 1718 Committee, DPRK)', format: 'un-xml' },
  'redflag-curated': { name: 'redflag curated DPRK IT-worker list', format: 'redflag-json' },
};

export const SOURCE_SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;

/** The format to parse a source's files in: the requested one, or the source's known format. */
export function resolveListFormat(source: string, requested: ListFormat | undefined): ListFormat {
  const known = KNOWN_SOURCES[source];
  if (known && requested && known.format !== requested) {
    throw new AppError('validation_failed', `List ${source} is imported as ${known.format}, not ${requested}`, [{ field: 'format', message: `expected ${known.format}` }]);
  }
  const format = requested ?? known?.format;
  if (!format) throw new AppError('validation_failed', `Say which format the files of ${source} are in`, [{ field: 'format', message: 'required for this source' }]);
  return format;
}

export function toListVersionView(row: ListVersionRow): ListVersionView {
  return {
    source: row.source,
    version: row.version,
    id: row.id,
    format: row.format,
    contentDigest: row.contentDigest,
    files: row.files,
    counts: row.counts,
    filters: row.filters ?? null,
    importedBy: row.importedBy,
    importedAt: new Date(row.importedAt).toISOString(),
  };
}

export interface ImportOutcome {
  version: ListVersionView;
  /** False when identical content was already imported: that version is returned instead. */
  created: boolean;
  warnings: ListSummary['warnings'];
}

/**
 * Share of the active version's entries a new version may drop without being told to: a list
 * loses a few delistings at a time, while a truncated or wrong file loses most of it (a one-row
 * sdn.csv would clear every tenant's block on 14,964 entries).
 */
export const MAX_SILENT_REMOVAL = 0.2;

/**
 * Refuses (409) a version that would remove more than MAX_SILENT_REMOVAL of the active one's
 * entries; compared in the database with the new version's entries already written there.
 */
async function guardAgainstShrinking(db: DbOrTx, version: { id: string; source: string; entries: number }) {
  const active = await measureRemoval(db, version.source, version.id);
  if (!active || active.removed <= active.entries * MAX_SILENT_REMOVAL) return;
  const share = Math.round((active.removed / active.entries) * 100);
  throw new AppError(
    'list_would_shrink',
    `This import would remove ${active.removed} of the ${active.entries} entries of ${version.source} version ${active.version} (${share}%, more than ${MAX_SILENT_REMOVAL * 100}%), keeping ${version.entries} entries in all. ` +
      'Nothing was imported. If the list really shrank, import it again with allowShrink=true (CLI: --allow-shrink).',
    [{ field: 'allowShrink', message: `${active.removed} of ${active.entries} active entries would be removed` }],
  );
}

/**
 * Stores a parsed global list as a new active version (see storeListVersion). Global lists are
 * shared by every tenant: the audit event has no tenant and every auditor sees it.
 */
export async function storeParsedList(
  db: Db,
  input: { source: string; parsed: ParsedList; importedBy: string; selection?: SelectionName; allowShrink?: boolean },
): Promise<ImportOutcome> {
  if (!SOURCE_SLUG.test(input.source)) {
    throw new AppError('validation_failed', 'A list source is 2–40 lower-case letters, digits or hyphens', [{ field: 'source', message: 'invalid slug' }]);
  }
  resolveListFormat(input.source, input.parsed.format as ListFormat);
  return storeListVersion(db, { ...input, sourceName: KNOWN_SOURCES[input.source]?.name ?? input.source, tenantId: null });
}

/** Entries written to the database at a time: what an import holds, whatever the file's size. */
export const IMPORT_BATCH = 1000;

/** Counts of what is stored (after any selection), the same keys for every format, one entry at a time. */
function addToCounts(counts: Record<string, number>, entry: ListEntry): void {
  counts.entries! += 1;
  counts[entry.type] = (counts[entry.type] ?? 0) + 1;
  counts.aliases! += entry.names.length - 1;
  counts.weakAliases! += entry.names.filter((name) => name.strength === 'weak').length;
  counts.addresses! += entry.addresses.length;
  counts.identifiers! += entry.identifiers.length;
}

/**
 * Writes the parsed entries (those of the selection) as they are read, in batches of
 * IMPORT_BATCH, under the version id the row will have; returns their counts and how many were
 * read before the selection.
 */
async function writeEntries(tx: DbOrTx, version: { id: string; source: string }, parsed: ParsedList, selection: SelectionName | undefined) {
  const keep = selection ? SELECTIONS[selection] : undefined;
  const counts: Record<string, number> = { entries: 0, aliases: 0, weakAliases: 0, addresses: 0, identifiers: 0 };
  let read = 0;
  let batch: ListEntry[] = [];
  for await (const entry of parsed.entries) {
    read += 1;
    if (keep && !keep(entry)) continue;
    addToCounts(counts, entry);
    batch.push(entry);
    if (batch.length >= IMPORT_BATCH) {
      await insertListEntries(tx, version, batch);
      batch = [];
    }
  }
  await insertListEntries(tx, version, batch);
  return { counts, read };
}

/** Thrown inside the import's transaction to undo it when the files turn out to be imported already. */
class AlreadyImported extends Error {
  constructor(readonly existing: ListVersionRow) {
    super('identical content was imported before');
  }
}

type StoreInput = { source: string; sourceName: string; tenantId: string | null; parsed: ParsedList; importedBy: string; selection?: SelectionName; allowShrink?: boolean };

/** The digest that identifies a version: its files' digests and how they were kept (selection, filters). */
function versionDigest(input: StoreInput, summary: ListSummary): string {
  const filters = summary.filters ?? null;
  return canonicalDigest({
    format: input.parsed.format,
    files: summary.files.map((file) => ({ role: file.role, sha256: file.sha256 })).sort((a, b) => a.role.localeCompare(b.role)),
    selection: input.selection ?? null,
    // Only when present, so versions imported before filters existed keep their digest.
    ...(filters ? { filters } : {}),
  });
}

/** The whole import inside its transaction: entries first, then the checks, then the version row. */
async function importInTransaction(tx: DbOrTx, input: StoreInput, learned: { digest?: string }): Promise<ListVersionRow> {
  // Under the source's lock, so the version checked against is the one this import replaces.
  await claimListSource(tx, { slug: input.source, name: input.sourceName, format: input.parsed.format, tenantId: input.tenantId });
  await deferVersionReferences(tx);
  const id = uuidv7();
  const { counts: stored, read } = await writeEntries(tx, { id, source: input.source }, input.parsed, input.selection);
  const summary = input.parsed.summary();
  if (stored.entries === 0) throw new ListImportError({ file: summary.files.map((file) => file.name).join(', '), reason: 'the files contain no entries' });
  const contentDigest = versionDigest(input, summary);
  learned.digest = contentDigest;
  const existing = await findListVersionByDigest(tx, input.source, contentDigest);
  if (existing) throw new AlreadyImported(existing);
  if (!input.allowShrink) await guardAgainstShrinking(tx, { id, source: input.source, entries: stored.entries! });
  // Counted after the selection, so the version says what it really holds.
  const counts = { ...summary.counts, ...stored, ...(input.selection ? { parsedEntries: read } : {}) };
  const filters = summary.filters ?? null;
  const version = await insertActiveVersionRow(tx, { id, source: input.source, format: input.parsed.format, contentDigest, files: summary.files, counts, filters, importedBy: input.importedBy });
  await recordAuditEvent(tx, {
    tenantId: input.tenantId,
    actor: input.importedBy,
    action: 'list.imported',
    targetType: 'list_version',
    targetId: version.id,
    details: { source: version.source, version: version.version, format: version.format, contentDigest, selection: input.selection ?? null, filters, counts },
  });
  return version;
}

/**
 * Stores parsed entries as a new active version of a global list (`tenantId` null) or of a
 * tenant's watchlist, atomically: the entries are written as they are read, in one transaction
 * that a refusal (a bad line, a shrinking list) rolls back whole. Identical content (the same
 * file digests and the same selection) returns the existing version instead of a duplicate. A
 * version that drops more than a fifth of the active one's entries needs `allowShrink`.
 */
export async function storeListVersion(db: DbOrTx, input: StoreInput): Promise<ImportOutcome> {
  const learned: { digest?: string } = {};
  const warnings = () => input.parsed.summary().warnings;
  try {
    const row = await db.transaction((tx) => importInTransaction(tx, input, learned));
    return { version: toListVersionView(row), created: true, warnings: warnings() };
  } catch (error) {
    if (error instanceof AlreadyImported) return { version: toListVersionView(error.existing), created: false, warnings: warnings() };
    // A concurrent import of the same content won the race: answer with its version.
    const raced = learned.digest ? await findListVersionByDigest(db, input.source, learned.digest) : undefined;
    if (raced) return { version: toListVersionView(raced), created: false, warnings: warnings() };
    throw error;
  }
}

export async function listSources(db: Db) {
  const rows = await findListSources(db);
  return rows.map((row) => ({
    source: row.slug,
    name: row.name,
    format: row.format,
    activeVersion: row.activeVersion ?? null,
    activeVersionId: row.activeVersionId ?? null,
    contentDigest: row.contentDigest ?? null,
    counts: row.counts ?? {},
    importedAt: row.importedAt ? new Date(row.importedAt).toISOString() : null,
  }));
}

export async function listVersions(db: Db, source: string) {
  if (!(await findListSource(db, source))) throw notFound(`List ${source}`);
  return (await findVersionsOfSource(db, source)).map(toListVersionView);
}

export async function getEntry(db: Db, id: string, tenantId: string) {
  const row = await findEntry(db, id, tenantId);
  if (!row) throw notFound('List entry');
  return { id: row.entry.id, source: row.entry.source, version: row.version, listVersionId: row.entry.listVersionId, ...row.entry.data };
}

/** How loose a reviewer's search may be: looser than screening (0.7), since a person reads the results. */
const ENTRY_SEARCH_THRESHOLD = 0.6;
/** Matches ranked before paging; more is noise for a person. */
const ENTRY_SEARCH_CANDIDATES = 500;

/**
 * Entries of the active global lists and the tenant's watchlists. With `q`: first what the
 * matching engine finds (whatever the word order, commas, case, hyphens, accents or script),
 * best first with the name it matched and its score; then entries with a name containing `q`.
 */
export async function searchEntries(db: Db, snapshot: ListSnapshot, search: EntrySearch) {
  if (search.q === undefined) {
    const { total, rows } = await searchActiveEntries(db, search);
    return { total, limit: search.limit, offset: search.offset, items: rows.map((row) => ({ ...row, score: null })) };
  }
  const ranked = snapshot
    .searchNames({ name: search.q }, { threshold: ENTRY_SEARCH_THRESHOLD, limit: ENTRY_SEARCH_CANDIDATES })
    .filter(({ entry }) => (search.source === undefined || entry.source === search.source) && (search.type === undefined || entry.type === search.type) && (search.program === undefined || entry.programs.includes(search.program)))
    .map(({ entry, matchedName, score }) => ({ id: entry.id, source: entry.source, sourceId: entry.sourceId, type: entry.type, name: entry.name, programs: entry.programs, matchedName, score: Math.round(score * 1000) / 1000 }));
  const seen = new Set(ranked.map((item) => item.id));
  const contained = await searchActiveEntries(db, { ...search, limit: ENTRY_SEARCH_CANDIDATES, offset: 0 });
  const more = contained.rows.filter((row) => !seen.has(row.id));
  const items = [...ranked, ...more.map((row) => ({ ...row, score: null }))];
  const total = ranked.length + contained.total - (contained.rows.length - more.length);
  return { total, limit: search.limit, offset: search.offset, items: items.slice(search.offset, search.offset + search.limit) };
}

export async function diffListVersion(db: Db, source: string, version: number) {
  const current = await findVersion(db, source, version);
  if (!current) throw notFound(`Version ${version} of list ${source}`);
  const previous = version > 1 ? await findVersion(db, source, version - 1) : undefined;
  const rows = previous ? await diffVersions(db, previous.id, current.id) : await diffVersions(db, '00000000-0000-0000-0000-000000000000', current.id);
  const pick = (change: string) => rows.filter((row) => row.change === change).map(({ change: _change, ...rest }) => rest);
  return {
    source,
    version,
    previousVersion: previous?.version ?? null,
    added: pick('added'),
    removed: pick('removed'),
    changed: pick('changed'),
  };
}
