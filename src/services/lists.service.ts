import type { Db } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { diffVersions, findEntry, findListSource, findListSources, findVersion, findVersionsOfSource, searchActiveEntries, type EntrySearch } from '../db/repositories/list-queries.repository.js';
import { findListVersionByDigest, insertActiveListVersion, type ListVersionRow } from '../db/repositories/lists.repository.js';
import { SELECTIONS, type SelectionName } from '../domain/lists/dprk-selection.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { AppError, notFound } from '../errors.js';
import { ListImportError } from '../lists/list-import.errors.js';
import type { ListFilters, ListFormat, ParsedList } from '../lists/parse-list.js';
import { canonicalDigest } from '../shared/hashing.js';

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

export interface ListVersionView {
  source: string;
  version: number;
  id: string;
  format: string;
  contentDigest: string;
  files: { name: string; role: string; sha256: string; bytes: number; rows: number }[];
  counts: Record<string, number>;
  /** The FtM datasets or UN regimes the import kept; null when it kept everything. */
  filters: ListFilters | null;
  importedBy: string;
  importedAt: string;
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
 * Stores a parsed list as a new active version, atomically. Identical content (the same file
 * digests and the same selection) returns the existing version instead of a duplicate.
 */
export async function storeParsedList(
  db: Db,
  input: { source: string; parsed: ParsedList; importedBy: string; selection?: SelectionName },
): Promise<ImportOutcome> {
  if (!SOURCE_SLUG.test(input.source)) {
    throw new AppError('validation_failed', 'A list source is 2–40 lower-case letters, digits or hyphens', [{ field: 'source', message: 'invalid slug' }]);
  }
  const known = KNOWN_SOURCES[input.source];
  resolveListFormat(input.source, input.parsed.format);
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
      const version = await insertActiveListVersion(tx, {
        source: input.source,
        sourceName: known?.name ?? input.source,
        format: input.parsed.format,
        contentDigest,
        files: input.parsed.files,
        counts,
        filters,
        importedBy: input.importedBy,
        entries,
      });
      // Lists are shared by every tenant: the event has no tenant and every auditor sees it.
      await recordAuditEvent(tx, {
        tenantId: null,
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

export async function getEntry(db: Db, id: string) {
  const row = await findEntry(db, id);
  if (!row) throw notFound('List entry');
  return { id: row.entry.id, source: row.entry.source, version: row.version, listVersionId: row.entry.listVersionId, ...row.entry.data };
}

export async function searchEntries(db: Db, search: EntrySearch) {
  const { total, rows } = await searchActiveEntries(db, search);
  return { total, limit: search.limit, offset: search.offset, items: rows };
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
