import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { ListEntry } from '../../domain/lists/list-entry.js';
import type { MonitoringTrigger } from '../../domain/monitoring/monitoring-trigger.js';
import { queryRows, type DbOrTx } from '../client.js';
import { monitoringRuns, type ListVersionRef } from '../schema/index.js';

export type MonitoringRunRow = typeof monitoringRuns.$inferSelect;

/** Bulk parameters travel as one JSON text parameter: the same SQL on node-postgres and PGlite. */
const json = (value: unknown) => sql`${JSON.stringify(value)}::json`;

class NothingToRescreen extends Error {}

/**
 * Creates the run of one (tenant, trigger) with a work item for every monitored subject whose
 * last decision predates the trigger, in one transaction. Returns the run, or undefined when the
 * run already exists (another instance made it) or no subject needs it (nothing is kept then).
 */
/**
 * Applicants sharing one key beyond which another is no news to those before it: a link hit names
 * at most 20 others (subject-link.evaluator.ts), so once 21 subjects hold a key, each earlier one
 * already names 20 and one more changes nothing. Without this bound a farm of n members would
 * cost n² re-screens; with it, at most 21 per key.
 */
export const LINK_ALERT_MAX_SHARING = 21;

function keyStillNews(mine: SQL, tenantId: SQL | string) {
  // Counting stops one past the bound: a key a whole farm shares costs 22 rows, not thousands.
  return sql`(select count(*) from (select distinct x.subject_id from subject_link_keys x
      where x.tenant_id = ${tenantId} and x.key = ${mine}.key limit ${LINK_ALERT_MAX_SHARING + 1}) as holders) <= ${LINK_ALERT_MAX_SHARING}`;
}

/** The work items of a new run: the monitored subjects whose last decision predates its version, or the linked ones. */
function insertItemsOf(runId: string, tenantId: string, trigger: MonitoringTrigger) {
  if (trigger.kind === 'link') {
    // Monitored or not: an earlier applicant a later one links to is looked at again, unless it
    // was screened since that later decision (which then saw the link) or its input is erased.
    return sql`insert into monitoring_work_items (run_id, subject_id, tenant_id)
      select distinct ${runId}::uuid, o.subject_id, ${tenantId}::uuid
      from decisions d
      join subject_link_keys mine on mine.decision_id = d.id
      join subject_link_keys o on o.tenant_id = d.tenant_id and o.key = mine.key and o.subject_id <> d.subject_id
      join subjects s on s.id = o.subject_id
      join decisions last on last.id = s.last_decision_id
      where d.id = ${trigger.decisionId} and last.sequence < d.sequence and last.input is not null
        and ${keyStillNews(sql`mine`, tenantId)}
      returning subject_id`;
  }
  // A decision made with the trigger's version already reflects it: only older ones are stale.
  const stale =
    trigger.kind === 'list_version'
      ? sql`not (d.list_versions @> ${JSON.stringify([{ versionId: trigger.versionId }])}::jsonb)`
      : sql`d.ruleset_id <> ${trigger.rulesetId}`;
  return sql`insert into monitoring_work_items (run_id, subject_id, tenant_id)
    select ${runId}, s.id, s.tenant_id
    from subjects s join decisions d on d.id = s.last_decision_id
    where s.tenant_id = ${tenantId} and s.monitored and ${stale}
    returning subject_id`;
}

/**
 * Screenings after the tenant's link cursor that share a link key with an earlier applicant not
 * screened since, up to `limit` decisions further along the chain; monitoring re-screens are not
 * links of their own (their keys are the subject's, already seen). Also says where the scan ended.
 */
export async function findLinkingDecisions(db: DbOrTx, tenantId: string, input: { after: number; limit: number }): Promise<{ upTo: number; decisions: { id: string; sequence: number }[] }> {
  const [head] = await queryRows<{ upTo: number | string | null }>(
    { db },
    sql`select max(sequence) as "upTo" from decisions where tenant_id = ${tenantId} and sequence > ${input.after} and sequence <= ${input.after + input.limit}`,
  );
  const upTo = head?.upTo === null || head?.upTo === undefined ? input.after : Number(head.upTo);
  if (upTo === input.after) return { upTo, decisions: [] };
  const decisions = await queryRows<{ id: string; sequence: number | string }>(
    { db },
    sql`select d.id, d.sequence from decisions d
        where d.tenant_id = ${tenantId} and d.sequence > ${input.after} and d.sequence <= ${upTo}
          and not exists (select 1 from monitoring_work_items w where w.new_decision_id = d.id)
          and exists (
            -- The bound per key first, once per key of the decision, before looking at its holders.
            select 1 from subject_link_keys mine
            where mine.decision_id = d.id and ${keyStillNews(sql`mine`, sql`d.tenant_id`)}
              and exists (
                select 1 from subject_link_keys o
                join subjects s on s.id = o.subject_id
                join decisions last on last.id = s.last_decision_id
                where o.tenant_id = d.tenant_id and o.key = mine.key and o.subject_id <> d.subject_id
                  and last.sequence < d.sequence and last.input is not null))
        order by d.sequence`,
  );
  return { upTo, decisions: decisions.map((row) => ({ id: row.id, sequence: Number(row.sequence) })) };
}

/** The tenant's link cursor, locked for this transaction; undefined while another instance holds it. */
export async function lockLinkCursor(tx: DbOrTx, tenantId: string): Promise<number | undefined> {
  await tx.execute(sql`insert into monitoring_link_cursors (tenant_id, sequence) values (${tenantId}, 0) on conflict do nothing`);
  const [row] = await queryRows<{ sequence: number | string }>({ db: tx }, sql`select sequence from monitoring_link_cursors where tenant_id = ${tenantId} for update skip locked`);
  return row === undefined ? undefined : Number(row.sequence);
}

export async function moveLinkCursor(tx: DbOrTx, tenantId: string, sequence: number): Promise<void> {
  await tx.execute(sql`update monitoring_link_cursors set sequence = ${sequence}, updated_at = now() where tenant_id = ${tenantId}`);
}

export async function createRunWithItems(
  db: DbOrTx,
  input: { id: string; tenantId: string; triggerKey: string; trigger: MonitoringTrigger },
): Promise<{ id: string; total: number } | undefined> {
  try {
    return await db.transaction(async (tx) => {
      const [run] = await tx
        .insert(monitoringRuns)
        .values({ id: input.id, tenantId: input.tenantId, triggerKey: input.triggerKey, trigger: input.trigger, status: 'running', total: 0 })
        .onConflictDoNothing({ target: [monitoringRuns.tenantId, monitoringRuns.triggerKey] })
        .returning({ id: monitoringRuns.id });
      if (!run) return undefined;
      const inserted = await queryRows<{ subject_id: string }>({ db: tx }, insertItemsOf(run.id, input.tenantId, input.trigger));
      if (inserted.length === 0) throw new NothingToRescreen();
      await tx.update(monitoringRuns).set({ total: inserted.length }).where(eq(monitoringRuns.id, run.id));
      return { id: run.id, total: inserted.length };
    });
  } catch (error) {
    if (error instanceof NothingToRescreen) return undefined;
    throw error;
  }
}

export async function findRunKeys(db: DbOrTx, keys: readonly string[]): Promise<{ tenantId: string; triggerKey: string }[]> {
  if (keys.length === 0) return [];
  return queryRows<{ tenantId: string; triggerKey: string }>(
    { db },
    sql`select tenant_id as "tenantId", trigger_key as "triggerKey" from monitoring_runs
        where trigger_key in (select value from json_array_elements_text(${json(keys)}))`,
  );
}

/** Each tenant's newest published ruleset (what new screenings use). */
export async function findActiveRulesetsOfTenants(db: DbOrTx): Promise<{ tenantId: string; rulesetId: string; version: number }[]> {
  return queryRows(
    { db },
    sql`select distinct on (tenant_id) tenant_id as "tenantId", id as "rulesetId", version
        from rulesets where status = 'published' order by tenant_id, version desc`,
  );
}

export interface ClaimedItem {
  runId: string;
  subjectId: string;
  tenantId: string;
  attempts: number;
}

/**
 * Leases up to `limit` pending items whose lease is free or expired. Rows another worker is
 * leasing right now are skipped, not waited for; the lease runs on the database's clock.
 */
export async function claimItems(db: DbOrTx, input: { owner: string; limit: number; leaseMs: number }): Promise<ClaimedItem[]> {
  return queryRows<ClaimedItem>(
    { db },
    sql`with picked as (
          select run_id, subject_id from monitoring_work_items
          where status = 'pending' and (lease_expires_at is null or lease_expires_at < now())
          order by run_id, subject_id
          limit ${input.limit}
          for update skip locked
        )
        update monitoring_work_items w
        set lease_owner = ${input.owner}, lease_expires_at = now() + ${input.leaseMs}::int * interval '1 millisecond', attempts = w.attempts + 1
        from picked where w.run_id = picked.run_id and w.subject_id = picked.subject_id
        returning w.run_id as "runId", w.subject_id as "subjectId", w.tenant_id as "tenantId", w.attempts`,
  );
}

/** Keeps this worker's leases alive while it works on them. */
export async function extendLeases(db: DbOrTx, input: { owner: string; leaseMs: number }) {
  await db.execute(
    sql`update monitoring_work_items set lease_expires_at = now() + ${input.leaseMs}::int * interval '1 millisecond'
        where lease_owner = ${input.owner} and status = 'pending'`,
  );
}

/** Frees every lease: only safe where one process owns the database (embedded PGlite). */
export async function releaseAllLeases(db: DbOrTx) {
  await db.execute(sql`update monitoring_work_items set lease_owner = null, lease_expires_at = null where status = 'pending' and lease_owner is not null`);
}

/**
 * Locks the items of `keys` this worker still leases and that are still pending: the only ones
 * it may finish. A worker whose lease expired and was taken over finds fewer (or none).
 */
export async function lockOwnedItems(tx: DbOrTx, input: { owner: string; keys: readonly { runId: string; subjectId: string }[] }) {
  if (input.keys.length === 0) return [];
  return queryRows<{ runId: string; subjectId: string }>(
    { db: tx },
    sql`select w.run_id as "runId", w.subject_id as "subjectId"
        from json_to_recordset(${json(input.keys)}) as k("runId" uuid, "subjectId" uuid)
        cross join lateral (${ownItemByKey(input.owner, sql`run_id, subject_id`)}) w`,
  );
}

/**
 * The item of key row `k` if this worker still leases it and it is pending, locked: one primary
 * key probe per key. Joined as a set instead, PostgreSQL took the statistics of a run's start (no
 * item leased) for "one leased item", scanned every pending item and read the keys' JSON again
 * for each: 16 ms a chunk at 10,000 items, growing with the run, more than the re-screen itself.
 */
const ownItemByKey = (owner: string, columns: SQL) =>
  sql`select ${columns} from monitoring_work_items i
      where i.run_id = k."runId" and i.subject_id = k."subjectId" and i.lease_owner = ${owner} and i.status = 'pending'
      limit 1 for update`;

/** The decision a work item started from and the one its re-screen made (null where none). */
export interface ItemDecisions {
  previousDecisionId: string | null;
  previousOutcome: string | null;
  previousScore: number | null;
  newDecisionId: string | null;
  newOutcome: string | null;
  newScore: number | null;
}

export interface ItemOutcome extends ItemDecisions {
  runId: string;
  subjectId: string;
  status: 'changed' | 'unchanged' | 'skipped' | 'failed';
  method: 'delta' | 'full' | null;
  rulesetId: string | null;
  listVersionIds: string[] | null;
  error: string | null;
}

/** Marks items done, one statement for the whole batch; only rows this worker still leases. */
export async function finishItems(tx: DbOrTx, input: { owner: string; outcomes: readonly ItemOutcome[] }): Promise<number> {
  if (input.outcomes.length === 0) return 0;
  // Each item found by its key and locked first (ownItemByKey), then updated where it stands.
  const rows = await queryRows<{ subject_id: string }>(
    { db: tx },
    sql`with v as (
          select k.*, i.item from json_to_recordset(${json(input.outcomes)}) as k(
            "runId" uuid, "subjectId" uuid, status text, method text,
            "previousDecisionId" uuid, "previousOutcome" text, "previousScore" int,
            "newDecisionId" uuid, "newOutcome" text, "newScore" int,
            "rulesetId" uuid, "listVersionIds" jsonb, error text)
          cross join lateral (${ownItemByKey(input.owner, sql`ctid as item`)}) i
        )
        update monitoring_work_items w set
          status = v.status, method = v.method,
          previous_decision_id = v."previousDecisionId", previous_outcome = v."previousOutcome", previous_score = v."previousScore",
          new_decision_id = v."newDecisionId", new_outcome = v."newOutcome", new_score = v."newScore",
          ruleset_id = v."rulesetId", list_version_ids = v."listVersionIds", error = v.error,
          processed_by = ${input.owner}, processed_at = now(), lease_owner = null, lease_expires_at = null
        from v where w.ctid = v.item
        returning w.subject_id`,
  );
  return rows.length;
}

/** Runs with no pending item left become completed; returns the ids it completed. */
export async function completeFinishedRuns(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    { db },
    sql`update monitoring_runs r set status = 'completed', completed_at = now()
        where r.status = 'running' and not exists (select 1 from monitoring_work_items w where w.run_id = r.id and w.status = 'pending')
        returning r.id`,
  );
  return rows.map((row) => row.id);
}

export interface SubjectState {
  subjectId: string;
  externalRef: string | null;
  decisionId: string | null;
  outcome: string | null;
  score: number | null;
  hits: unknown[] | null;
  input: unknown;
  inputDigest: string | null;
  rulesetId: string | null;
  listVersions: ListVersionRef[] | null;
  /** From the subject's latest unchanged check of its current decision, if any. */
  basisRulesetId: string | null;
  basisListVersionIds: string[] | null;
}

/**
 * Each subject with its last decision and what it was last checked against: the decision's own
 * ruleset and list versions, or those of a later check that found nothing new.
 */
export async function findSubjectStates(db: DbOrTx, subjectIds: readonly string[]): Promise<SubjectState[]> {
  if (subjectIds.length === 0) return [];
  return queryRows<SubjectState>(
    { db },
    sql`select s.id as "subjectId", s.external_ref as "externalRef", d.id as "decisionId", d.outcome, d.score, d.hits, d.input,
          d.input_digest as "inputDigest", d.ruleset_id as "rulesetId", d.list_versions as "listVersions",
          u.ruleset_id as "basisRulesetId", u.list_version_ids as "basisListVersionIds"
        from subjects s
        left join decisions d on d.id = s.last_decision_id
        left join lateral (
          select ruleset_id, list_version_ids from monitoring_work_items u
          where u.subject_id = s.id and u.status = 'unchanged' and u.previous_decision_id = s.last_decision_id
          order by u.processed_at desc limit 1
        ) u on true
        where s.id in (select value::uuid from json_array_elements_text(${json(subjectIds)}))`,
  );
}

export interface DeltaEntry {
  id: string;
  source: string;
  data: ListEntry;
}

/**
 * Entries that differ between two versions of one source: added or changed in `to`, removed or
 * changed from `from` (both contents of a changed entry). A null side stands for "no version".
 */
export async function findChangedEntries(db: DbOrTx, input: { from: string | null; to: string | null }): Promise<DeltaEntry[]> {
  return queryRows<DeltaEntry>(
    { db },
    sql`select e.id, e.source, e.data from list_entries e
        where e.list_version_id = ${input.to}::uuid and not exists (
          select 1 from list_entries o where o.list_version_id = ${input.from}::uuid and o.source_id = e.source_id and o.content_hash = e.content_hash)
        union all
        select o.id, o.source, o.data from list_entries o
        where o.list_version_id = ${input.from}::uuid and not exists (
          select 1 from list_entries e where e.list_version_id = ${input.to}::uuid and e.source_id = o.source_id and e.content_hash = o.content_hash)`,
  );
}

/** Canonical document numbers listed in these versions (for recovering stored document hashes). */
export async function findListedDocumentNumbers(db: DbOrTx, versionIds: readonly string[], kinds: readonly string[]): Promise<string[]> {
  if (versionIds.length === 0) return [];
  const rows = await queryRows<{ normalized: string }>(
    { db },
    sql`select distinct normalized from list_identifiers
        where list_version_id in (select value::uuid from json_array_elements_text(${json(versionIds)}))
          and kind in (select value from json_array_elements_text(${json(kinds)}))`,
  );
  return rows.map((row) => row.normalized);
}

/** Every list version's source, to place the version ids a subject was checked against. */
export async function findListVersionSources(db: DbOrTx): Promise<{ id: string; source: string }[]> {
  return queryRows({ db }, sql`select id, source from list_versions`);
}

/** The decision a monitoring re-screen took its input from, when `decisionId` is one. */
async function findRescreenSource(db: DbOrTx, decisionId: string): Promise<string | undefined> {
  const rows = await queryRows<{ previous: string }>(
    { db },
    sql`select previous_decision_id as previous from monitoring_work_items where new_decision_id = ${decisionId} limit 1`,
  );
  return rows[0]?.previous;
}

/** The subject's decision just before this one in its tenant's chain. */
async function findDecisionBefore(db: DbOrTx, decisionId: string): Promise<string | undefined> {
  const rows = await queryRows<{ id: string }>(
    { db },
    sql`select p.id from decisions d join decisions p on p.subject_id = d.subject_id and p.tenant_id = d.tenant_id and p.sequence < d.sequence
        where d.id = ${decisionId} order by p.sequence desc limit 1`,
  );
  return rows[0]?.id;
}

/**
 * The decision whose link keys were "the previous screening" when this decision's input was first
 * screened: a monitoring re-screen reuses its source's input, so follow re-screens back to the
 * screening that received it, then take the subject's decision before that one.
 */
export async function findPreviousScreening(db: DbOrTx, decisionId: string): Promise<string | undefined> {
  let origin = decisionId;
  for (let depth = 0; depth < 1000; depth += 1) {
    const source = await findRescreenSource(db, origin);
    if (!source) break;
    origin = source;
  }
  return findDecisionBefore(db, origin);
}

/**
 * `findPreviousScreening` for many decisions in one statement: the same walk back through
 * re-screens (at most 1,000 steps), then the subject's decision before the origin.
 */
export async function findPreviousScreenings(db: DbOrTx, decisionIds: readonly string[]): Promise<Map<string, string | undefined>> {
  if (decisionIds.length === 0) return new Map();
  const rows = await queryRows<{ decisionId: string; previous: string | null }>(
    { db },
    sql`with recursive walk(start, origin, depth) as (
          select value::uuid, value::uuid, 0 from json_array_elements_text(${json(decisionIds)})
          union all
          select w.start, r.previous, w.depth + 1 from walk w
          cross join lateral (select previous_decision_id as previous from monitoring_work_items where new_decision_id = w.origin limit 1) r
          where w.depth < 1000 and r.previous is not null
        ),
        origins as (select distinct on (start) start, origin from walk order by start, depth desc)
        select o.start as "decisionId",
          (select p.id from decisions d join decisions p on p.subject_id = d.subject_id and p.tenant_id = d.tenant_id and p.sequence < d.sequence
            where d.id = o.origin order by p.sequence desc limit 1) as previous
        from origins o`,
  );
  return new Map(rows.map((row) => [row.decisionId, row.previous ?? undefined]));
}

export interface RunProgress {
  runId: string;
  done: number;
  changed: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export async function findRunProgress(db: DbOrTx, runIds: readonly string[]): Promise<RunProgress[]> {
  if (runIds.length === 0) return [];
  return queryRows<RunProgress>(
    { db },
    sql`select run_id as "runId",
          count(*) filter (where status <> 'pending')::int as done,
          count(*) filter (where status = 'changed')::int as changed,
          count(*) filter (where status = 'unchanged')::int as unchanged,
          count(*) filter (where status = 'skipped')::int as skipped,
          count(*) filter (where status = 'failed')::int as failed
        from monitoring_work_items
        where run_id in (select value::uuid from json_array_elements_text(${json(runIds)}))
        group by run_id`,
  );
}

/** A tenant's runs, newest first; `before` is the last id of the previous page. */
export async function findRuns(db: DbOrTx, input: { tenantId: string; limit: number; before?: string | undefined }): Promise<MonitoringRunRow[]> {
  return db
    .select()
    .from(monitoringRuns)
    .where(and(eq(monitoringRuns.tenantId, input.tenantId), input.before ? lt(monitoringRuns.id, input.before) : undefined))
    .orderBy(desc(monitoringRuns.id))
    .limit(input.limit);
}

export async function findRun(db: DbOrTx, tenantId: string, id: string): Promise<MonitoringRunRow | undefined> {
  const [row] = await db
    .select()
    .from(monitoringRuns)
    .where(and(eq(monitoringRuns.tenantId, tenantId), eq(monitoringRuns.id, id)));
  return row;
}

export interface RunResultRow extends ItemDecisions {
  subjectId: string;
  externalRef: string | null;
  status: string;
  method: string | null;
  error: string | null;
  processedAt: string | null;
}

/** Items of a run in one status, by subject id; `after` is the last subject id of the previous page. */
export async function findRunResults(
  db: DbOrTx,
  input: { runId: string; status: string; limit: number; after?: string | undefined },
): Promise<RunResultRow[]> {
  return queryRows<RunResultRow>(
    { db },
    sql`select w.subject_id as "subjectId", s.external_ref as "externalRef", w.status, w.method,
          w.previous_decision_id as "previousDecisionId", w.previous_outcome as "previousOutcome", w.previous_score as "previousScore",
          w.new_decision_id as "newDecisionId", w.new_outcome as "newOutcome", w.new_score as "newScore",
          w.error, w.processed_at as "processedAt"
        from monitoring_work_items w join subjects s on s.id = w.subject_id
        where w.run_id = ${input.runId} and w.status = ${input.status} ${input.after ? sql`and w.subject_id > ${input.after}` : sql``}
        order by w.subject_id
        limit ${input.limit}`,
  );
}

/** Locks subject rows in id order (the order every re-screen takes them, so two never deadlock). */
export async function lockSubjects(tx: DbOrTx, subjectIds: readonly string[]): Promise<{ id: string; lastDecisionId: string | null }[]> {
  if (subjectIds.length === 0) return [];
  return queryRows(
    { db: tx },
    sql`select id, last_decision_id as "lastDecisionId" from subjects
        where id in (select value::uuid from json_array_elements_text(${json(subjectIds)}))
        order by id for update`,
  );
}

/** Frees this worker's leases on items it did not finish (it is stopping). */
export async function releaseLeasesOf(db: DbOrTx, owner: string) {
  await db.execute(sql`update monitoring_work_items set lease_owner = null, lease_expires_at = null where lease_owner = ${owner} and status = 'pending'`);
}

/** The runs of these ids (their triggers), any tenant: the worker's own bookkeeping. */
export async function findRunsByIds(db: DbOrTx, ids: readonly string[]): Promise<MonitoringRunRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(monitoringRuns).where(sql`${monitoringRuns.id} in (select value::uuid from json_array_elements_text(${json(ids)}))`);
}

/** Database time, for comparing with times the database wrote (list imports). */
export async function databaseNow(db: DbOrTx): Promise<number> {
  const rows = await queryRows<{ now: string | Date }>({ db }, sql`select now() as now`);
  return new Date(rows[0]?.now ?? Date.now()).getTime();
}
