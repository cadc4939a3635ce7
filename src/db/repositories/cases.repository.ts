import { and, asc, count, desc, eq, gt, inArray, isNull, lte, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { CaseQueueSort } from '../../domain/cases/case-queue.js';
import type { DbOrTx } from '../client.js';
import { apiKeys, caseDecisions, caseEvents, cases, decisions, falsePositives, listEntries, listVersions, subjects } from '../schema/index.js';

export type CaseRow = typeof cases.$inferSelect;
export type NewCase = typeof cases.$inferInsert;
export type CaseEventRow = typeof caseEvents.$inferSelect;
export type NewCaseEvent = typeof caseEvents.$inferInsert;
export type CaseStateColumns = Pick<CaseRow, 'status' | 'outcome' | 'score' | 'assignee' | 'disposition' | 'pendingDisposition' | 'proposedBy' | 'closedAt'>;

/**
 * Serialises case changes of one subject: two screenings of the same person (or a screening and
 * a reviewer) must not both decide "no open case yet".
 */
export async function lockSubject(tx: DbOrTx, subjectId: string) {
  await tx.select({ id: subjects.id }).from(subjects).where(eq(subjects.id, subjectId)).for('update');
}

export async function findActiveCaseOfSubject(tx: DbOrTx, tenantId: string, subjectId: string): Promise<CaseRow | undefined> {
  const [row] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, tenantId), eq(cases.subjectId, subjectId), ne(cases.status, 'closed')))
    .for('update');
  return row;
}

/** Scoped by tenant: another tenant's case is indistinguishable from a missing one. */
export async function findCase(db: DbOrTx, tenantId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<CaseRow | undefined> {
  const query = db
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, tenantId), eq(cases.id, id)));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row;
}

export async function insertCase(tx: DbOrTx, row: NewCase): Promise<CaseRow> {
  const [inserted] = await tx.insert(cases).values(row).returning();
  if (!inserted) throw new Error('case insert returned nothing');
  return inserted;
}

export async function updateCaseState(tx: DbOrTx, id: string, state: CaseStateColumns, updatedAt: string): Promise<CaseRow> {
  const [row] = await tx
    .update(cases)
    .set({ ...state, updatedAt })
    .where(eq(cases.id, id))
    .returning();
  if (!row) throw new Error('case update returned nothing');
  return row;
}

export async function insertCaseDecision(tx: DbOrTx, row: { caseId: string; decisionId: string; addedAt: string }) {
  await tx.insert(caseDecisions).values(row).onConflictDoNothing();
}

export async function insertCaseEvent(tx: DbOrTx, row: NewCaseEvent): Promise<CaseEventRow> {
  const [inserted] = await tx.insert(caseEvents).values(row).returning();
  if (!inserted) throw new Error('case event insert returned nothing');
  return inserted;
}

export async function findCaseEvents(db: DbOrTx, caseId: string): Promise<CaseEventRow[]> {
  // Ids are UUIDv7: the id breaks ties between events written in the same millisecond in order.
  return db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.createdAt), asc(caseEvents.id));
}


export interface CaseQueueFilter {
  status?: string[];
  assignee?: string;
  /** Only cases nobody is assigned to. */
  unassigned?: boolean;
  outcome?: string;
  /** Only cases opened at or before this instant. */
  openedBefore?: string;
  /** Part of the subject's reference or of a name it was screened under, any letter case. */
  search?: string;
  /** Only cases whose decisions hit an entry of this list (its slug). */
  listSource?: string;
  sort?: CaseQueueSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const decisionCount = sql<number>`(select count(*)::int from ${caseDecisions} where ${caseDecisions.caseId} = ${cases.id})`;
/** Owner of the key named by `proposed_by` (`api-key:<id>`). */
const proposedByOwner = sql<string | null>`(select ${apiKeys.owner} from ${apiKeys} where 'api-key:' || ${apiKeys.id}::text = ${cases.proposedBy})`;
/** The name the newest decision of the case screened; null once its input was erased. */
const subjectName = sql<string | null>`(select ${decisions.input} -> 'subject' ->> 'name' from ${caseDecisions} join ${decisions} on ${decisions.id} = ${caseDecisions.decisionId} where ${caseDecisions.caseId} = ${cases.id} order by ${decisions.createdAt} desc, ${decisions.id} desc limit 1)`;

const OUTCOME_RANK = sql`(case ${cases.outcome} when 'block' then 2 when 'review' then 1 else 0 end)`;
const SORT_COLUMNS: Record<CaseQueueSort, { column: SQL; natural: 'asc' | 'desc' }> = {
  score: { column: sql`${cases.score}`, natural: 'desc' },
  age: { column: sql`${cases.openedAt}`, natural: 'asc' },
  outcome: { column: OUTCOME_RANK, natural: 'desc' },
  status: { column: sql`${cases.status}`, natural: 'asc' },
  assignee: { column: sql`${cases.assignee}`, natural: 'asc' },
  name: { column: sql`lower(${subjectName})`, natural: 'asc' },
  reference: { column: sql`${subjects.externalRef}`, natural: 'asc' },
  updated: { column: sql`${cases.updatedAt}`, natural: 'desc' },
};

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function queueConditions(tenantId: string, filter: Omit<CaseQueueFilter, 'sort' | 'order' | 'limit' | 'offset'>): SQL | undefined {
  const conditions: SQL[] = [eq(cases.tenantId, tenantId)];
  if (filter.status && filter.status.length > 0) conditions.push(inArray(cases.status, filter.status));
  if (filter.assignee !== undefined) conditions.push(eq(cases.assignee, filter.assignee));
  if (filter.unassigned) conditions.push(isNull(cases.assignee));
  if (filter.outcome) conditions.push(eq(cases.outcome, filter.outcome));
  if (filter.openedBefore) conditions.push(lte(cases.openedAt, filter.openedBefore));
  // Containment, so that cases_list_sources_idx (GIN) answers it.
  if (filter.listSource !== undefined) conditions.push(sql`${cases.listSources} @> array[${filter.listSource}]::text[]`);
  if (filter.search) {
    const pattern = likePattern(filter.search);
    // Any name the subject was screened under in this case, not only the newest.
    const named = sql`exists (select 1 from ${caseDecisions} join ${decisions} on ${decisions.id} = ${caseDecisions.decisionId} where ${caseDecisions.caseId} = ${cases.id} and ${decisions.input} -> 'subject' ->> 'name' ilike ${pattern})`;
    conditions.push(or(sql`${subjects.externalRef} ilike ${pattern}`, named)!);
  }
  return and(...conditions);
}

export async function findCaseQueue(db: DbOrTx, tenantId: string, filter: CaseQueueFilter) {
  const where = queueConditions(tenantId, filter);
  const [total] = await db.select({ value: count() }).from(cases).innerJoin(subjects, eq(subjects.id, cases.subjectId)).where(where);
  const sort = SORT_COLUMNS[filter.sort ?? 'score'];
  const direction = filter.order ?? sort.natural;
  const ordered = direction === 'asc' ? sql`${sort.column} asc nulls last` : sql`${sort.column} desc nulls last`;
  const rows = await db
    .select({ case: cases, externalRef: subjects.externalRef, decisionCount, proposedByOwner, subjectName })
    .from(cases)
    .innerJoin(subjects, eq(subjects.id, cases.subjectId))
    .where(where)
    // By default the most serious first; among equals (any sort) the longest waiting first.
    .orderBy(ordered, desc(cases.score), asc(cases.openedAt), asc(cases.id))
    .limit(filter.limit)
    .offset(filter.offset);
  return { total: total?.value ?? 0, rows };
}

/**
 * The tenant's cases matching `search`, grouped by everything the queue filters on, with how long
 * they waited measured against each of `waits` (instants, longest wait first) and `openedBefore`.
 * Few groups (statuses × outcomes × assignees × waits), however many cases.
 */
export async function findCaseQueueGroups(db: DbOrTx, tenantId: string, filter: { search?: string; listSource?: string; openedBefore?: string; waits: { hours: number; openedBefore: string }[] }) {
  const waited = filter.waits.length === 0 ? sql<number>`-1` : sql<number>`(case ${sql.join(filter.waits.map((wait) => sql`when ${cases.openedAt} <= ${wait.openedBefore} then ${wait.hours}`), sql` `)} else -1 end)`;
  const oldEnough = filter.openedBefore ? sql<boolean>`(${cases.openedAt} <= ${filter.openedBefore})` : sql<boolean>`true`;
  const rows = await db
    .select({ status: cases.status, outcome: cases.outcome, assignee: cases.assignee, waitedHours: sql<number>`${waited}::int`, oldEnough: sql<boolean>`${oldEnough}`, count: count() })
    .from(cases)
    .innerJoin(subjects, eq(subjects.id, cases.subjectId))
    .where(queueConditions(tenantId, { ...(filter.search !== undefined ? { search: filter.search } : {}), ...(filter.listSource !== undefined ? { listSource: filter.listSource } : {}) }))
    .groupBy(sql`1`, sql`2`, sql`3`, sql`4`, sql`5`);
  return rows.map((row) => ({ ...row, waitedHours: Number(row.waitedHours), oldEnough: row.oldEnough === true, count: Number(row.count) }));
}

/**
 * How many of the tenant's cases the queue's other filters let through name each list source (a
 * case hitting two lists counts under both), most first.
 */
export async function findCaseQueueSourceCounts(db: DbOrTx, tenantId: string, filter: Omit<CaseQueueFilter, 'listSource' | 'sort' | 'order' | 'limit' | 'offset'>) {
  const named = db
    .select({ source: sql<string>`unnest(${cases.listSources})`.as('source') })
    .from(cases)
    .innerJoin(subjects, eq(subjects.id, cases.subjectId))
    .where(queueConditions(tenantId, filter))
    .as('named');
  const rows = await db
    .select({ source: named.source, count: count() })
    .from(named)
    .groupBy(named.source)
    .orderBy(desc(count()), asc(named.source));
  return rows.map((row) => ({ source: row.source, count: Number(row.count) }));
}

/** The hits of the newest decision of each case, for the queue's top reason. */
export async function findNewestHitsOfCases(db: DbOrTx, caseIds: string[]): Promise<Map<string, unknown[]>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([caseDecisions.caseId], { caseId: caseDecisions.caseId, hits: decisions.hits })
    .from(caseDecisions)
    .innerJoin(decisions, eq(decisions.id, caseDecisions.decisionId))
    .where(inArray(caseDecisions.caseId, caseIds))
    .orderBy(caseDecisions.caseId, desc(decisions.createdAt), desc(decisions.id));
  return new Map(rows.map((row) => [row.caseId, row.hits]));
}

export async function findCaseWithSubject(db: DbOrTx, tenantId: string, id: string) {
  const [row] = await db
    .select({ case: cases, externalRef: subjects.externalRef, decisionCount, proposedByOwner, subjectName })
    .from(cases)
    .innerJoin(subjects, eq(subjects.id, cases.subjectId))
    .where(and(eq(cases.tenantId, tenantId), eq(cases.id, id)));
  return row;
}

/** The decisions a case covers, oldest first. */
export async function findDecisionsOfCase(db: DbOrTx, caseId: string) {
  return db
    .select({ decision: decisions, addedAt: caseDecisions.addedAt })
    .from(caseDecisions)
    .innerJoin(decisions, eq(decisions.id, caseDecisions.decisionId))
    .where(eq(caseDecisions.caseId, caseId))
    .orderBy(asc(decisions.createdAt), asc(decisions.id));
}

/** The subject's other decisions (not covered by the case), newest first. */
export async function findOtherDecisionsOfSubject(db: DbOrTx, tenantId: string, subjectId: string, excludeIds: string[], limit: number) {
  const conditions: SQL[] = [eq(decisions.tenantId, tenantId), eq(decisions.subjectId, subjectId)];
  if (excludeIds.length > 0) conditions.push(notInArray(decisions.id, excludeIds));
  return db
    .select({ id: decisions.id, outcome: decisions.outcome, score: decisions.score, createdAt: decisions.createdAt })
    .from(decisions)
    .where(and(...conditions))
    .orderBy(desc(decisions.createdAt), desc(decisions.id))
    .limit(limit);
}

/** List entries by id, whichever version they belong to (a decision cites the version it saw). */
export async function findListEntriesByIds(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ entry: listEntries, version: listVersions.version })
    .from(listEntries)
    .innerJoin(listVersions, eq(listVersions.id, listEntries.listVersionId))
    .where(inArray(listEntries.id, ids));
}

export async function findContentHashes(db: DbOrTx, entryIds: string[]): Promise<Map<string, string>> {
  if (entryIds.length === 0) return new Map();
  const rows = await db.select({ id: listEntries.id, contentHash: listEntries.contentHash }).from(listEntries).where(inArray(listEntries.id, entryIds));
  return new Map(rows.map((row) => [row.id, row.contentHash]));
}

/**
 * The subject's remembered false positives: those standing now, or (`asOf`, a replay) those
 * recorded by then and not withdrawn by then.
 */
export async function findFalsePositivesOfSubject(db: DbOrTx, tenantId: string, subjectId: string, asOf?: string) {
  const standing = asOf === undefined ? isNull(falsePositives.withdrawnAt) : and(lte(falsePositives.clearedAt, asOf), or(isNull(falsePositives.withdrawnAt), gt(falsePositives.withdrawnAt, asOf)));
  return db
    .select()
    .from(falsePositives)
    .where(and(eq(falsePositives.tenantId, tenantId), eq(falsePositives.subjectId, subjectId), standing));
}

export async function insertFalsePositives(tx: DbOrTx, rows: (typeof falsePositives.$inferInsert)[]) {
  if (rows.length === 0) return;
  await tx.insert(falsePositives).values(rows).onConflictDoNothing();
}

/** A reopened case's verdict no longer stands: its remembered false positives stop suppressing. */
export async function withdrawFalsePositivesOfCase(tx: DbOrTx, caseId: string, at: string): Promise<number> {
  const rows = await tx
    .update(falsePositives)
    .set({ withdrawnAt: at })
    .where(and(eq(falsePositives.caseId, caseId), isNull(falsePositives.withdrawnAt)))
    .returning({ caseId: falsePositives.caseId });
  return rows.length;
}

/** The case a decision belongs to (its latest, should a decision ever be in two). */
export async function findCaseOfDecision(db: DbOrTx, tenantId: string, decisionId: string) {
  const [row] = await db
    .select({ id: cases.id, status: cases.status, disposition: cases.disposition })
    .from(caseDecisions)
    .innerJoin(cases, eq(cases.id, caseDecisions.caseId))
    .where(and(eq(caseDecisions.decisionId, decisionId), eq(cases.tenantId, tenantId)))
    .orderBy(desc(cases.openedAt))
    .limit(1);
  return row;
}

/** Who a key belongs to, for the case record: its label and owner. */
export async function findApiKeyIdentity(db: DbOrTx, keyId: string): Promise<{ label: string | null; owner: string | null }> {
  const [row] = await db.select({ label: apiKeys.label, owner: apiKeys.owner }).from(apiKeys).where(eq(apiKeys.id, keyId));
  return { label: row?.label ?? null, owner: row?.owner ?? null };
}

/** Every key of the tenant (revoked ones too) with its owner and the key that created it: four-eyes lineage. */
export async function findKeyLineage(db: DbOrTx, tenantId: string) {
  return db.select({ id: apiKeys.id, owner: apiKeys.owner, createdByKeyId: apiKeys.createdByKeyId }).from(apiKeys).where(eq(apiKeys.tenantId, tenantId));
}

/** People who can work cases: owners of the tenant's working keys with the reviewer or admin role. */
export async function findCaseWorkers(db: DbOrTx, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ owner: apiKeys.owner })
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt), sql`${apiKeys.roles} && array['reviewer', 'admin']::text[]`))
    .orderBy(asc(apiKeys.owner));
  return rows.map((row) => row.owner);
}

/** Subjects of the tenant by reference, each with its newest case (if any). */
export async function findSubjectsWithNewestCase(db: DbOrTx, tenantId: string, externalRefs: string[]) {
  if (externalRefs.length === 0) return [];
  return db
    .selectDistinctOn([subjects.id], { subjectId: subjects.id, externalRef: subjects.externalRef, caseId: cases.id, status: cases.status, disposition: cases.disposition })
    .from(subjects)
    .leftJoin(cases, eq(cases.subjectId, subjects.id))
    .where(and(eq(subjects.tenantId, tenantId), inArray(subjects.externalRef, externalRefs)))
    .orderBy(subjects.id, sql`${cases.openedAt} desc nulls last`);
}
