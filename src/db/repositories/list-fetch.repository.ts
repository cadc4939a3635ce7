import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../client.js';
import { queryRows } from '../client.js';
import type { FetchValidators } from '../../lists/list-download.js';
import { listFetchState, listVersions } from '../schema/index.js';

export type ListFetchStateRow = typeof listFetchState.$inferSelect;

const minutes = (value: number) => sql`make_interval(mins => ${value}::int)`;
const milliseconds = (value: number) => sql`make_interval(secs => ${value / 1000}::double precision)`;

/**
 * Registers the configured sources, or updates their configuration. A new source is due at
 * once; a shortened interval brings the next run forward, a longer one leaves it.
 */
export async function registerFetchSources(db: DbOrTx, sources: readonly { source: string; format: string; everyMinutes: number; maxAgeHours: number | null }[]) {
  for (const source of sources) {
    await db
      .insert(listFetchState)
      .values({ source: source.source, format: source.format, everyMinutes: source.everyMinutes, maxAgeHours: source.maxAgeHours })
      .onConflictDoUpdate({
        target: listFetchState.source,
        set: {
          format: source.format,
          everyMinutes: source.everyMinutes,
          maxAgeHours: source.maxAgeHours,
          nextRunAt: sql`least(${listFetchState.nextRunAt}, coalesce(${listFetchState.lastFetchAt}, now()) + ${minutes(source.everyMinutes)})`,
        },
      });
  }
}

/** Sources among these that are due and that no instance is fetching, longest overdue first. */
export async function findDueSources(db: DbOrTx, sources: readonly string[]): Promise<string[]> {
  if (sources.length === 0) return [];
  const rows = await db
    .select({ source: listFetchState.source })
    .from(listFetchState)
    .where(and(inArray(listFetchState.source, [...sources]), lte(listFetchState.nextRunAt, sql`now()`), or(isNull(listFetchState.leaseUntil), lte(listFetchState.leaseUntil, sql`now()`))))
    .orderBy(asc(listFetchState.nextRunAt));
  return rows.map((row) => row.source);
}

/**
 * Takes the source for this instance unless another holds it (and, unless forced, only when it
 * is due). One conditional UPDATE on the database clock: of several instances at most one wins,
 * on PostgreSQL and PGlite alike. An instance that dies loses the source when its lease runs out.
 */
export async function claimFetchLease(db: DbOrTx, input: { source: string; owner: string; leaseMs: number; force: boolean }): Promise<ListFetchStateRow | undefined> {
  const [row] = await db
    .update(listFetchState)
    .set({ leaseOwner: input.owner, leaseUntil: sql`now() + ${milliseconds(input.leaseMs)}` })
    .where(
      and(
        eq(listFetchState.source, input.source),
        or(isNull(listFetchState.leaseUntil), lte(listFetchState.leaseUntil, sql`now()`)),
        input.force ? undefined : lte(listFetchState.nextRunAt, sql`now()`),
      ),
    )
    .returning();
  return row;
}

/** Extends this instance's lease; false when it was lost (expired and taken by another). */
export async function renewFetchLease(db: DbOrTx, input: { source: string; owner: string; leaseMs: number }): Promise<boolean> {
  const rows = await db
    .update(listFetchState)
    .set({ leaseUntil: sql`now() + ${milliseconds(input.leaseMs)}` })
    .where(and(eq(listFetchState.source, input.source), eq(listFetchState.leaseOwner, input.owner)))
    .returning({ source: listFetchState.source });
  return rows.length > 0;
}

/** Gives the source back unfetched (the instance is stopping); it stays due. */
export async function releaseFetchLease(db: DbOrTx, input: { source: string; owner: string }): Promise<void> {
  await db
    .update(listFetchState)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(listFetchState.source, input.source), eq(listFetchState.leaseOwner, input.owner)));
}

/** Ends this instance's fetch: releases the lease and records the outcome, if it still holds it. */
async function finishFetch(db: DbOrTx, source: string, owner: string, outcome: PgUpdateSetSource<typeof listFetchState>): Promise<ListFetchStateRow | undefined> {
  const [row] = await db
    .update(listFetchState)
    .set({ ...outcome, leaseOwner: null, leaseUntil: null, lastFetchAt: sql`now()` })
    .where(and(eq(listFetchState.source, source), eq(listFetchState.leaseOwner, owner)))
    .returning();
  return row;
}

/** A fetch that made or confirmed a version: the next one is a full interval away. */
export async function recordFetchSuccess(
  db: DbOrTx,
  input: { source: string; owner: string; result: 'new_version' | 'unchanged'; versionId: string; validators: Record<string, FetchValidators>; everyMinutes: number },
): Promise<ListFetchStateRow | undefined> {
  return finishFetch(db, input.source, input.owner, {
    lastResult: input.result,
    lastError: null,
    lastVersionId: input.versionId,
    lastSuccessAt: sql`now()`,
    failures: 0,
    staleNotifiedAt: null,
    validators: input.validators,
    nextRunAt: sql`now() + ${minutes(input.everyMinutes)}`,
  });
}

/**
 * A failed fetch: the active version stays; the next attempt comes after a backoff that doubles
 * with each failure in a row, never later than the regular interval.
 */
export async function recordFetchFailure(
  db: DbOrTx,
  input: { source: string; owner: string; error: string; everyMinutes: number; retryBaseMs: number },
): Promise<ListFetchStateRow | undefined> {
  const backoff = sql`least(${minutes(input.everyMinutes)}, ${milliseconds(input.retryBaseMs)} * power(2, least(${listFetchState.failures}, 20)))`;
  return finishFetch(db, input.source, input.owner, {
    lastResult: 'failed',
    lastError: input.error.slice(0, 2000),
    failures: sql`${listFetchState.failures} + 1`,
    nextRunAt: sql`now() + ${backoff}`,
  });
}

/** Every fetched source's state, with the number of the version its last good fetch found. */
export async function findFetchStates(db: DbOrTx): Promise<{ state: ListFetchStateRow; lastVersion: number | null }[]> {
  return db
    .select({ state: listFetchState, lastVersion: listVersions.version })
    .from(listFetchState)
    .leftJoin(listVersions, eq(listVersions.id, listFetchState.lastVersionId))
    .orderBy(asc(listFetchState.source));
}

/** Times as the driver returns them from raw SQL (a Date, or a string on some drivers). */
type Stamp = string | Date;

export interface StalenessRow {
  source: string;
  maxAgeHours: number;
  registeredAt: Stamp;
  lastSuccessAt: Stamp | null;
  lastVersionId: string | null;
  activeVersionId: string | null;
  activeVersion: number | null;
  importedAt: Stamp | null;
}

/** Sources with a maximum age whose staleness has not been reported yet, with their active version. */
export async function findUnreportedStaleCandidates(db: DbOrTx): Promise<StalenessRow[]> {
  return queryRows<StalenessRow>(
    { db },
    sql`select s.source, s.max_age_hours as "maxAgeHours", s.created_at as "registeredAt", s.last_success_at as "lastSuccessAt",
               s.last_version_id as "lastVersionId", v.id as "activeVersionId", v.version as "activeVersion", v.imported_at as "importedAt"
        from list_fetch_state s
        left join list_sources l on l.slug = s.source
        left join list_versions v on v.id = l.active_version_id
        where s.max_age_hours is not null and s.stale_notified_at is null
        order by s.source`,
  );
}

/** Marks the source's staleness as reported; false when another instance did first. */
export async function markStaleReported(db: DbOrTx, source: string): Promise<boolean> {
  const rows = await db
    .update(listFetchState)
    .set({ staleNotifiedAt: sql`now()` })
    .where(and(eq(listFetchState.source, source), isNull(listFetchState.staleNotifiedAt)))
    .returning({ source: listFetchState.source });
  return rows.length > 0;
}
