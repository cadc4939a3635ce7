import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ListEntry } from '../../domain/lists/list-entry.js';
import { canonicalDigest } from '../../shared/hashing.js';
import type { DbOrTx } from '../client.js';
import { listEntries, listIdentifiers, listSources, listVersions, type ListFileRecord, type ListVersionFilters } from '../schema/index.js';

export interface NewListVersion {
  source: string;
  sourceName: string;
  /** Null for a global list; the owning tenant for a watchlist. */
  tenantId?: string | null;
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

/** Holds a source's row until the transaction ends: imports of one source happen one at a time. */
export async function lockListSource(tx: DbOrTx, source: string): Promise<void> {
  await tx.execute(sql`select 1 from list_sources where slug = ${source} for update`);
}

/** Writes a version, its entries and identifiers, and makes it the source's active version. */
export async function insertActiveListVersion(tx: DbOrTx, input: NewListVersion): Promise<ListVersionRow> {
  await tx
    .insert(listSources)
    .values({ slug: input.source, name: input.sourceName, format: input.format, tenantId: input.tenantId ?? null })
    .onConflictDoNothing();
  // Serialises concurrent imports of one source so version numbers never collide.
  await lockListSource(tx, input.source);
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

/** The active version of a source and how many of its entries a new set of source ids would drop. */
export async function measureRemoval(db: DbOrTx, source: string, keptSourceIds: readonly string[]): Promise<{ version: number; entries: number; removed: number } | undefined> {
  // The ids travel as one JSON parameter: drizzle would spread an array into a row of parameters.
  const result = (await db.execute(sql`
    with kept as (select jsonb_array_elements_text(${JSON.stringify(keptSourceIds)}::jsonb) as source_id)
    select v.version, count(e.id)::int as entries, count(e.id) filter (where e.source_id not in (select source_id from kept))::int as removed
    from list_sources s join list_versions v on v.id = s.active_version_id left join list_entries e on e.list_version_id = v.id
    where s.slug = ${source}
    group by v.version`)) as unknown as { rows: { version: number; entries: number; removed: number }[] };
  return result.rows[0];
}

/** When each of these versions was imported. */
export async function findVersionImportTimes(db: DbOrTx, versionIds: readonly string[]): Promise<{ id: string; importedAt: string }[]> {
  if (versionIds.length === 0) return [];
  return db.select({ id: listVersions.id, importedAt: listVersions.importedAt }).from(listVersions).where(inArray(listVersions.id, [...versionIds]));
}
