import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ListEntry } from '../../domain/lists/list-entry.js';
import { canonicalDigest } from '../../shared/hashing.js';
import type { DbOrTx } from '../client.js';
import { listEntries, listIdentifiers, listSources, listVersions, type ListFileRecord, type ListVersionFilters } from '../schema/index.js';

/** A version row: written after its entries when they stream in, before them when all are in hand. */
export interface NewListVersionRow {
  /** Chosen before the entries are written, since they name it. */
  id: string;
  source: string;
  format: string;
  contentDigest: string;
  files: ListFileRecord[];
  counts: Record<string, number>;
  filters?: ListVersionFilters | null;
  importedBy: string;
}

export type ListVersionRow = typeof listVersions.$inferSelect;

/** A whole version held in memory (tests, fixtures): source, entries and row at once. */
export interface NewListVersion extends Omit<NewListVersionRow, 'id'> {
  sourceName: string;
  /** Null for a global list; the owning tenant for a watchlist. */
  tenantId?: string | null;
  entries: ListEntry[];
}

/** Entries a statement inserts: nine parameters each, far below PostgreSQL's 65,535. */
const INSERT_BATCH = 500;

export async function findListVersionByDigest(db: DbOrTx, source: string, contentDigest: string) {
  const rows = await db
    .select()
    .from(listVersions)
    .where(and(eq(listVersions.source, source), eq(listVersions.contentDigest, contentDigest)));
  return rows[0];
}

/** Holds a source's row until the transaction ends: imports of one source happen one at a time. */
export async function lockListSource(tx: DbOrTx, source: string): Promise<void> {
  await tx.execute(sql`select 1 from list_sources where slug = ${source} for update`);
}

/**
 * Creates the source on its first import and locks it until the transaction ends, so imports of
 * one source happen one at a time and version numbers never collide.
 */
export async function claimListSource(tx: DbOrTx, source: { slug: string; name: string; format: string; tenantId: string | null }): Promise<void> {
  await tx.insert(listSources).values({ slug: source.slug, name: source.name, format: source.format, tenantId: source.tenantId }).onConflictDoNothing();
  await lockListSource(tx, source.slug);
}

/**
 * Lets this transaction write a version's entries before the version row itself, which is
 * written once they have all been counted: list versions are never updated (a trigger refuses
 * it), so the row can only be written whole. Checked again at commit.
 */
export async function deferVersionReferences(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`set constraints list_entries_list_version_id_list_versions_id_fk deferred`);
}

/** Writes a version's entries and their identifiers, in statements of INSERT_BATCH (the version row may come later: see deferVersionReferences). */
export async function insertListEntries(tx: DbOrTx, version: { id: string; source: string }, entries: readonly ListEntry[]): Promise<void> {
  for (let start = 0; start < entries.length; start += INSERT_BATCH) {
    const batch = entries.slice(start, start + INSERT_BATCH).map((entry) => ({ id: uuidv7(), entry }));
    await tx.insert(listEntries).values(
      batch.map(({ id, entry }) => ({
        id,
        listVersionId: version.id,
        source: version.source,
        sourceId: entry.sourceId,
        type: entry.type,
        name: entry.name,
        programs: entry.programs,
        data: entry,
        contentHash: canonicalDigest(entry),
      })),
    );
    const identifiers = batch.flatMap(({ id, entry }) =>
      entry.identifiers.map((identifier) => ({
        entryId: id,
        listVersionId: version.id,
        kind: identifier.kind,
        normalized: identifier.normalized,
      })),
    );
    if (identifiers.length > 0) await tx.insert(listIdentifiers).values(identifiers);
  }
}

/** Writes the version row (after its entries when they stream in: see deferVersionReferences) and makes it the source's active version. */
export async function insertActiveVersionRow(tx: DbOrTx, input: NewListVersionRow): Promise<ListVersionRow> {
  const [latest] = await tx
    .select({ version: listVersions.version })
    .from(listVersions)
    .where(eq(listVersions.source, input.source))
    .orderBy(desc(listVersions.version))
    .limit(1);
  const [version] = await tx
    .insert(listVersions)
    .values({
      id: input.id,
      source: input.source,
      version: (latest?.version ?? 0) + 1,
      format: input.format,
      contentDigest: input.contentDigest,
      files: input.files,
      counts: input.counts,
      filters: input.filters ?? null,
      importedBy: input.importedBy,
    })
    .returning();
  if (!version) throw new Error('list version insert returned nothing');
  await tx.update(listSources).set({ activeVersionId: version.id }).where(eq(listSources.slug, input.source));
  return version;
}

/** The active version of every list source, global ones (`tenantId` null) and watchlists. */
export async function findActiveListVersions(db: DbOrTx): Promise<(ListVersionRow & { tenantId: string | null })[]> {
  return db
    .select({ version: listVersions, tenantId: listSources.tenantId })
    .from(listSources)
    .innerJoin(listVersions, eq(listVersions.id, listSources.activeVersionId))
    .where(isNotNull(listSources.activeVersionId))
    .orderBy(asc(listSources.slug))
    .then((rows) => rows.map((row) => ({ ...row.version, tenantId: row.tenantId })));
}

export async function findEntriesOfVersions(db: DbOrTx, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  return db
    .select({ id: listEntries.id, source: listEntries.source, data: listEntries.data })
    .from(listEntries)
    .where(inArray(listEntries.listVersionId, versionIds));
}

/** The active version of a source and how many of its entries the entries written for `newVersionId` drop. */
export async function measureRemoval(db: DbOrTx, source: string, newVersionId: string): Promise<{ version: number; entries: number; removed: number } | undefined> {
  const result = (await db.execute(sql`
    select v.version, count(e.id)::int as entries,
      count(e.id) filter (where not exists (select 1 from list_entries n where n.list_version_id = ${newVersionId} and n.source_id = e.source_id))::int as removed
    from list_sources s join list_versions v on v.id = s.active_version_id left join list_entries e on e.list_version_id = v.id
    where s.slug = ${source}
    group by v.version`)) as unknown as { rows: { version: number; entries: number; removed: number }[] };
  return result.rows[0];
}

/** Writes a version held in memory whole: its source, entries and row, and activates it. */
export async function insertActiveListVersion(tx: DbOrTx, input: NewListVersion): Promise<ListVersionRow> {
  const { sourceName, tenantId, entries, ...row } = input;
  await claimListSource(tx, { slug: input.source, name: sourceName, format: input.format, tenantId: tenantId ?? null });
  // Every entry is in hand, so the version row can go first and nothing needs deferring.
  const version = await insertActiveVersionRow(tx, { ...row, id: uuidv7() });
  await insertListEntries(tx, { id: version.id, source: input.source }, entries);
  return version;
}

/** When each of these versions was imported. */
export async function findVersionImportTimes(db: DbOrTx, versionIds: readonly string[]): Promise<{ id: string; importedAt: string }[]> {
  if (versionIds.length === 0) return [];
  return db.select({ id: listVersions.id, importedAt: listVersions.importedAt }).from(listVersions).where(inArray(listVersions.id, [...versionIds]));
}
