import type { Db, DbOrTx } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { diffVersions, findEntry, findListSource, findListSources, findVersion, findVersionsOfSource, searchActiveEntries, type EntrySearch } from '../db/repositories/list-queries.repository.js';
import { findListVersionByDigest, insertActiveListVersion, lockListSource, measureRemoval, type ListVersionRow } from '../db/repositories/lists.repository.js';
import { SELECTIONS, type SelectionName } from '../domain/lists/dprk-selection.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { AppError, notFound } from '../errors.js';
import { ListImportError } from '../lists/list-import.errors.js';
import type { ListFormat, ParsedList } from '../lists/parse-list.js';
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

/** Counts of what is stored (after any selection), the same keys for every format. */
export function countEntries(entries: readonly ListEntry[]): Record<string, number> {
  const counts: Record<string, number> = { entries: entries.length, aliases: 0, weakAliases: 0, addresses: 0, identifiers: 0 };
  for (const entry of entries) {
    counts[entry.type] = (counts[entry.type] ?? 0) + 1;
    counts.aliases! += entry.names.length - 1;
    counts.weakAliases! += entry.names.filter((name) => name.strength === 'weak').length;
    counts.addresses! += entry.addresses.length;
    counts.identifiers! += entry.identifiers.length;
  }
  return counts;
}

export interface ImportOutcome {
  version: ListVersionView;
  /** False when identical content was already imported: that version is returned instead. */
  created: boolean;
  warnings: ParsedList['warnings'];
}

/**
 * Share of the active version's entries a new version may drop without being told to: a list
 * loses a few delistings at a time, while a truncated or wrong file loses most of it (a one-row
 * sdn.csv would clear every tenant's block on 14,964 entries).
 */
export const MAX_SILENT_REMOVAL = 0.2;

/** Refuses (409) a version that would remove more than MAX_SILENT_REMOVAL of the active one's entries. */
async function guardAgainstShrinking(db: DbOrTx, source: string, entries: readonly ListEntry[]) {
  const active = await measureRemoval(db, source, entries.map((entry) => entry.sourceId));
  if (!active || active.removed <= active.entries * MAX_SILENT_REMOVAL) return;
  const share = Math.round((active.removed / active.entries) * 100);
  throw new AppError(
    'list_would_shrink',
    `This import would remove ${active.removed} of the ${active.entries} entries of ${source} version ${active.version} (${share}%, more than ${MAX_SILENT_REMOVAL * 100}%), keeping ${entries.length} entries in all. ` +
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

/**
 * Stores parsed entries as a new active version of a global list (`tenantId` null) or of a
 * tenant's watchlist, atomically. Identical content (the same file digests and the same
 * selection) returns the existing version instead of a duplicate. A version that drops more than
 * a fifth of the active one's entries needs `allowShrink`.
 */
export async function storeListVersion(
  db: DbOrTx,
  input: { source: string; sourceName: string; tenantId: string | null; parsed: ParsedList; importedBy: string; selection?: SelectionName; allowShrink?: boolean },
): Promise<ImportOutcome> {
  const entries = input.selection ? input.parsed.entries.filter(SELECTIONS[input.selection]) : input.parsed.entries;
  if (entries.length === 0) {
    throw new ListImportError({ file: input.parsed.files.map((file) => file.name).join(', '), reason: 'the files contain no entries' });
  }
  const filters = input.parsed.filters ?? null;
  const contentDigest = canonicalDigest({
    format: input.parsed.format,
    files: input.parsed.files.map((file) => ({ role: file.role, sha256: file.sha256 })).sort((a, b) => a.role.localeCompare(b.role)),
    selection: input.selection ?? null,
    // Only when present, so versions imported before filters existed keep their digest.
    ...(filters ? { filters } : {}),
  });
  const existing = await findListVersionByDigest(db, input.source, contentDigest);
  if (existing) return { version: toListVersionView(existing), created: false, warnings: input.parsed.warnings };

  // Counted after the selection, so the version says what it really holds.
  const counts = { ...input.parsed.counts, ...countEntries(entries), ...(input.selection ? { parsedEntries: input.parsed.entries.length } : {}) };
  try {
    const row = await db.transaction(async (tx) => {
      // Under the source's lock, so the version checked against is the one this import replaces.
      await lockListSource(tx, input.source);
      if (!input.allowShrink) await guardAgainstShrinking(tx, input.source, entries);
      const version = await insertActiveListVersion(tx, {
        source: input.source,
        sourceName: input.sourceName,
        tenantId: input.tenantId,
        format: input.parsed.format,
        contentDigest,
        files: input.parsed.files,
        counts,
        filters,
        importedBy: input.importedBy,
        entries,
      });
      await recordAuditEvent(tx, {
        tenantId: input.tenantId,
        actor: input.importedBy,
        action: 'list.imported',
        targetType: 'list_version',
        targetId: version.id,
        details: { source: version.source, version: version.version, format: version.format, contentDigest, selection: input.selection ?? null, filters, counts },
      });
      return version;
    });
    return { version: toListVersionView(row), created: true, warnings: input.parsed.warnings };
  } catch (error) {
    // A concurrent import of the same content won the race: answer with its version.
    const raced = await findListVersionByDigest(db, input.source, contentDigest);
    if (raced) return { version: toListVersionView(raced), created: false, warnings: input.parsed.warnings };
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
