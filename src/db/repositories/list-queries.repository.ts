import { and, asc, count, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { listEntries, listSources, listVersions } from '../schema/index.js';

/** The global lists (no tenant), or one tenant's watchlists, with their active versions. */
export async function findListSources(db: DbOrTx, tenantId: string | null = null) {
  return db
    .select({
      slug: listSources.slug,
      name: listSources.name,
      format: listSources.format,
      activeVersion: listVersions.version,
      activeVersionId: listVersions.id,
      contentDigest: listVersions.contentDigest,
      counts: listVersions.counts,
      importedAt: listVersions.importedAt,
    })
    .from(listSources)
    .leftJoin(listVersions, eq(listVersions.id, listSources.activeVersionId))
    .where(tenantId === null ? isNull(listSources.tenantId) : eq(listSources.tenantId, tenantId))
    .orderBy(asc(listSources.slug));
}

export async function findListSource(db: DbOrTx, slug: string) {
  const [row] = await db.select().from(listSources).where(eq(listSources.slug, slug));
  return row;
}

export async function findVersionsOfSource(db: DbOrTx, source: string) {
  return db.select().from(listVersions).where(eq(listVersions.source, source)).orderBy(desc(listVersions.version));
}

export async function findVersion(db: DbOrTx, source: string, version: number) {
  const [row] = await db
    .select()
    .from(listVersions)
    .where(and(eq(listVersions.source, source), eq(listVersions.version, version)));
  return row;
}

/** An entry of a global list or of the tenant's own watchlists; another tenant's is not found. */
export async function findEntry(db: DbOrTx, id: string, tenantId: string) {
  const [row] = await db
    .select({ entry: listEntries, version: listVersions.version })
    .from(listEntries)
    .innerJoin(listVersions, eq(listVersions.id, listEntries.listVersionId))
    .innerJoin(listSources, eq(listSources.slug, listVersions.source))
    .where(and(eq(listEntries.id, id), or(isNull(listSources.tenantId), eq(listSources.tenantId, tenantId))));
  return row;
}

export interface EntrySearch {
  /** Global lists and this tenant's watchlists. */
  tenantId: string;
  q?: string;
  source?: string;
  type?: string;
  program?: string;
  limit: number;
  offset: number;
}

/** Entries of the active versions whose names contain `q` (case-insensitive), with filters. */
export async function searchActiveEntries(db: DbOrTx, search: EntrySearch) {
  const conditions: SQL[] = [
    sql`${listEntries.listVersionId} in (select active_version_id from list_sources where active_version_id is not null and (tenant_id is null or tenant_id = ${search.tenantId}))`,
  ];
  if (search.source) conditions.push(eq(listEntries.source, search.source));
  if (search.type) conditions.push(eq(listEntries.type, search.type));
  if (search.program) conditions.push(sql`${search.program} = any(${listEntries.programs})`);
  const pattern = search.q === undefined ? undefined : `%${search.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  if (pattern) conditions.push(sql`exists (select 1 from jsonb_array_elements(${listEntries.data}->'names') as n where n->>'full' ilike ${pattern})`);
  const where = and(...conditions);
  const [total] = await db.select({ value: count() }).from(listEntries).where(where);
  const matchedName = pattern ? sql<string | null>`(select n->>'full' from jsonb_array_elements(${listEntries.data}->'names') as n where n->>'full' ilike ${pattern} limit 1)` : sql<null>`null`;
  const rows = await db
    .select({ id: listEntries.id, source: listEntries.source, sourceId: listEntries.sourceId, type: listEntries.type, name: listEntries.name, programs: listEntries.programs, matchedName })
    .from(listEntries)
    .where(where)
    .orderBy(asc(listEntries.name), asc(listEntries.id))
    .limit(search.limit)
    .offset(search.offset);
  return { total: total?.value ?? 0, rows };
}

export interface EntryDiffRow {
  change: 'added' | 'removed' | 'changed';
  sourceId: string;
  name: string;
  entryId: string;
  previousEntryId: string | null;
  /** For a changed entry, the fields of the parsed entry whose value differs (`birthDates`, `names` ...). */
  changedFields: string[];
}

/**
 * Entries added, removed and changed (content hash differs) between two versions of a source; a
 * changed entry names the fields that differ, so a reviewer sees a new birth date from a new alias.
 */
export async function diffVersions(db: DbOrTx, previousVersionId: string, versionId: string): Promise<EntryDiffRow[]> {
  const result = (await db.execute(sql`
    select case when prev.id is null then 'added' when cur.id is null then 'removed' else 'changed' end as change,
           coalesce(cur.source_id, prev.source_id) as "sourceId",
           coalesce(cur.name, prev.name) as name,
           coalesce(cur.id, prev.id) as "entryId",
           case when cur.id is not null then prev.id end as "previousEntryId",
           case when prev.id is not null and cur.id is not null then array(
             select field from (select jsonb_object_keys(cur.data) as field union select jsonb_object_keys(prev.data)) fields
             where cur.data -> field is distinct from prev.data -> field
             order by field) else '{}'::text[] end as "changedFields"
    from (select * from list_entries where list_version_id = ${versionId}) cur
    full outer join (select * from list_entries where list_version_id = ${previousVersionId}) prev
      on prev.source_id = cur.source_id
    where prev.id is null or cur.id is null or prev.content_hash <> cur.content_hash
    order by 1, 2`)) as unknown as { rows: EntryDiffRow[] };
  return result.rows;
}
