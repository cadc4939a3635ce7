import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ListEntry } from '../../domain/lists/list-entry.js';
import { canonicalDigest } from '../../shared/hashing.js';
import type { DbOrTx } from '../client.js';
import { listEntries, listIdentifiers, listSources, listVersions, type ListFileRecord, type ListVersionFilters } from '../schema/index.js';

export interface NewListVersion {
  source: string;
  sourceName: string;
  format: string;
  contentDigest: string;
  files: ListFileRecord[];
  counts: Record<string, number>;
  filters?: ListVersionFilters | null;
  importedBy: string;
  entries: ListEntry[];
}

export type ListVersionRow = typeof listVersions.$inferSelect;

const INSERT_BATCH = 500;

export async function findListVersionByDigest(db: DbOrTx, source: string, contentDigest: string) {
  const rows = await db
    .select()
    .from(listVersions)
    .where(and(eq(listVersions.source, source), eq(listVersions.contentDigest, contentDigest)));
  return rows[0];
}

/** Writes a version, its entries and identifiers, and makes it the source's active version. */
export async function insertActiveListVersion(tx: DbOrTx, input: NewListVersion): Promise<ListVersionRow> {
  await tx
    .insert(listSources)
    .values({ slug: input.source, name: input.sourceName, format: input.format })
    .onConflictDoNothing();
  // Serialises concurrent imports of one source so version numbers never collide.
  await tx.execute(sql`select 1 from list_sources where slug = ${input.source} for update`);
  const [latest] = await tx
    .select({ version: listVersions.version })
    .from(listVersions)
    .where(eq(listVersions.source, input.source))
    .orderBy(desc(listVersions.version))
    .limit(1);
  const [version] = await tx
    .insert(listVersions)
    .values({
      id: uuidv7(),
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

  for (let start = 0; start < input.entries.length; start += INSERT_BATCH) {
    const batch = input.entries.slice(start, start + INSERT_BATCH).map((entry) => ({ id: uuidv7(), entry }));
    await tx.insert(listEntries).values(
      batch.map(({ id, entry }) => ({
        id,
        listVersionId: version.id,
        source: input.source,
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

  await tx.update(listSources).set({ activeVersionId: version.id }).where(eq(listSources.slug, input.source));
  return version;
}

/** The active version of every list source. */
export async function findActiveListVersions(db: DbOrTx): Promise<ListVersionRow[]> {
  return db
    .select({ version: listVersions })
    .from(listSources)
    .innerJoin(listVersions, eq(listVersions.id, listSources.activeVersionId))
    .where(isNotNull(listSources.activeVersionId))
    .orderBy(asc(listSources.slug))
    .then((rows) => rows.map((row) => row.version));
}

export async function findEntriesOfVersions(db: DbOrTx, versionIds: string[]) {
  if (versionIds.length === 0) return [];
  return db
    .select({ id: listEntries.id, source: listEntries.source, data: listEntries.data })
    .from(listEntries)
    .where(inArray(listEntries.listVersionId, versionIds));
}

/** When each of these versions was imported. */
export async function findVersionImportTimes(db: DbOrTx, versionIds: readonly string[]): Promise<{ id: string; importedAt: string }[]> {
  if (versionIds.length === 0) return [];
  return db.select({ id: listVersions.id, importedAt: listVersions.importedAt }).from(listVersions).where(inArray(listVersions.id, [...versionIds]));
}
