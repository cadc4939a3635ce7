import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { listSources, subjectLinkKeys } from '../schema/index.js';

/** A tenant's watchlist as a list source; false when the slug is taken. */
export async function insertWatchlistSource(db: DbOrTx, input: { source: string; name: string; tenantId: string }): Promise<boolean> {
  const rows = await db.insert(listSources).values({ slug: input.source, name: input.name, format: 'watchlist', tenantId: input.tenantId }).onConflictDoNothing().returning({ slug: listSources.slug });
  return rows.length > 0;
}

export async function findWatchlistSource(db: DbOrTx, tenantId: string, source: string) {
  const [row] = await db
    .select()
    .from(listSources)
    .where(and(eq(listSources.slug, source), eq(listSources.tenantId, tenantId)));
  return row;
}

/** Every link key recorded for a subject (once each), as its screenings stored them. */
export async function findLinkKeysOfSubject(db: DbOrTx, subjectId: string) {
  return db
    .selectDistinctOn([subjectLinkKeys.kind, subjectLinkKeys.key], { kind: subjectLinkKeys.kind, key: subjectLinkKeys.key, display: subjectLinkKeys.display })
    .from(subjectLinkKeys)
    .where(eq(subjectLinkKeys.subjectId, subjectId))
    .orderBy(asc(subjectLinkKeys.kind), asc(subjectLinkKeys.key));
}
