import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../client.js';
import { queryRows } from '../client.js';
import { auditChainHeads, auditEvents, decisions, subjectLinkKeys, subjects } from '../schema/index.js';

export type AuditEventRow = typeof auditEvents.$inferSelect;

export interface AuditEventInput {
  /** null for changes that concern every tenant (a list import). */
  tenantId: string | null;
  /** `api-key:<id>`, `cli:<user>` or `system:<job>`. */
  actor: string;
  /** `<thing>.<verb>`, e.g. `api_key.created`, `list.imported`, `subject.erased`. */
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
  /** Defaults to the database clock. */
  at?: string | Date;
}

/**
 * Records an administrative change. Call it with the transaction that makes the change, so the
 * change and its record commit or roll back together.
 */
export async function recordAuditEvent(tx: DbOrTx, event: AuditEventInput): Promise<AuditEventRow> {
  const [row] = await tx
    .insert(auditEvents)
    .values({
      id: uuidv7(),
      tenantId: event.tenantId,
      actor: event.actor,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId ?? null,
      details: event.details ?? {},
      ...(event.at ? { createdAt: typeof event.at === 'string' ? event.at : event.at.toISOString() } : {}),
    })
    .returning();
  if (!row) throw new Error('audit event insert returned nothing');
  return row;
}

export interface AuditEventPageQuery {
  tenantId: string;
  /** created_at in [from, to); either bound open when null. */
  from: string | null;
  to: string | null;
  /** Keyset position: events strictly after this (created_at, id). */
  after?: { createdAt: string; id: string };
  limit: number;
}

/**
 * The tenant's events and those of the global lists (their imports and fetches concern every
 * tenant), oldest first. The operator's other events (its own keys) have no tenant and are no tenant's to read.
 */
export async function findAuditEventsPage(db: DbOrTx, query: AuditEventPageQuery): Promise<AuditEventRow[]> {
  const conditions: (SQL | undefined)[] = [or(eq(auditEvents.tenantId, query.tenantId), and(isNull(auditEvents.tenantId), inArray(auditEvents.targetType, ['list_version', 'list_source'])))];
  if (query.from) conditions.push(gte(auditEvents.createdAt, query.from));
  if (query.to) conditions.push(lt(auditEvents.createdAt, query.to));
  if (query.after) {
    const { createdAt, id } = query.after;
    conditions.push(or(gt(auditEvents.createdAt, createdAt), and(eq(auditEvents.createdAt, createdAt), gt(auditEvents.id, id))));
  }
  return db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id))
    .limit(query.limit);
}

export interface ChainHeadRow {
  sequence: number;
  hash: string;
}

export async function findChainHead(db: DbOrTx, tenantId: string): Promise<(ChainHeadRow & { lastCreatedAt: string | null }) | undefined> {
  const [row] = await db
    .select({ sequence: auditChainHeads.sequence, hash: auditChainHeads.hash, lastCreatedAt: auditChainHeads.lastCreatedAt })
    .from(auditChainHeads)
    .where(eq(auditChainHeads.tenantId, tenantId));
  // A head at 0 is the placeholder written before the first decision: no chain yet.
  return row && Number(row.sequence) > 0 ? { sequence: Number(row.sequence), hash: row.hash, lastCreatedAt: row.lastCreatedAt } : undefined;
}

/**
 * The last decision created before `time`: the row just before a time range that starts there,
 * or the last row of one that ends there. Decision times never go backwards along a chain
 * (appendDecision), so a time range is a contiguous sequence range whose bounds are found on
 * the (tenant, created_at) index without reading the rows in between.
 */
export async function findLastRowCreatedBefore(db: DbOrTx, tenantId: string, time: string): Promise<ChainHeadRow | undefined> {
  const [row] = await queryRows<{ sequence: string | number; hash: string }>(
    { db },
    sql`select sequence, hash from decisions where tenant_id = ${tenantId} and created_at < ${time} order by created_at desc, sequence desc limit 1`,
  );
  return row ? { sequence: Number(row.sequence), hash: row.hash } : undefined;
}

/** The stored decision closest before `sequence` in the chain: the anchor of a range starting there. */
export async function findRowBefore(db: DbOrTx, tenantId: string, sequence: number): Promise<ChainHeadRow | undefined> {
  const [row] = await queryRows<{ sequence: string | number; hash: string }>(
    { db },
    sql`select sequence, hash from decisions where tenant_id = ${tenantId} and sequence < ${sequence} order by sequence desc limit 1`,
  );
  return row ? { sequence: Number(row.sequence), hash: row.hash } : undefined;
}

/**
 * A decision with its chain columns, and (for exports) the latest case that covers it. The JSON
 * columns arrive as text, parsed row by row by the reader (see parseChainRow): a page of parsed
 * hits held while it is worked through is what would otherwise fill the old generation.
 */
export interface ChainPageRow {
  id: string;
  tenantId: string;
  createdAt: string;
  externalRef: string | null;
  outcome: string;
  score: number;
  /** JSON text of the hits column. */
  hits: string;
  rulesetVersion: number;
  /** JSON text of the list_versions column. */
  listVersions: string;
  inputDigest: string;
  sequence: string | number;
  prevHash: string;
  hash: string;
  caseStatus?: string | null;
  caseDisposition?: string | null;
}

export interface ChainPageQuery {
  tenantId: string;
  /** Keyset position: rows with a sequence strictly greater. */
  afterSequence: number;
  /** Last sequence to read (inclusive). */
  upToSequence: number;
  outcome?: string | null;
  /** Join the latest case holding each decision (export columns). */
  withCase?: boolean;
  limit: number;
}

/**
 * One page of a tenant's chain in sequence order: `sequence > $after order by sequence limit n`
 * on the (tenant, sequence) index. Each page is its own short query, so no cursor or
 * transaction stays open between pages and a reader that stops early leaves nothing behind.
 */
export async function findChainPage(db: DbOrTx, query: ChainPageQuery): Promise<ChainPageRow[]> {
  const caseColumns = query.withCase ? sql`, c.status as "caseStatus", c.disposition as "caseDisposition"` : sql``;
  const caseJoin = query.withCase
    ? sql`left join lateral (
        select cs.status, cs.disposition from case_decisions cd join cases cs on cs.id = cd.case_id
        where cd.decision_id = d.id and cs.tenant_id = d.tenant_id
        order by cs.opened_at desc, cs.id desc limit 1
      ) c on true`
    : sql``;
  const outcome = query.outcome ? sql`and d.outcome = ${query.outcome}` : sql``;
  return queryRows<ChainPageRow>(
    { db },
    sql`select d.id, d.tenant_id as "tenantId", d.created_at as "createdAt", d.external_ref as "externalRef", d.outcome, d.score, d.hits::text as hits,
          d.ruleset_version as "rulesetVersion", d.list_versions::text as "listVersions", d.input_digest as "inputDigest",
          d.sequence, d.prev_hash as "prevHash", d.hash ${caseColumns}
        from decisions d ${caseJoin}
        where d.tenant_id = ${query.tenantId} and d.sequence > ${query.afterSequence} and d.sequence <= ${query.upToSequence} ${outcome}
        order by d.sequence
        limit ${query.limit}`,
  );
}

/**
 * Erases the stored input of up to `limit` decisions created before `cutoff` (any tenant),
 * oldest first, keeping their digests: the only change the append-only trigger allows. Rows
 * another instance is erasing are skipped, so two instances can run the job at once.
 */
export async function eraseExpiredInputs(tx: DbOrTx, input: { cutoff: string; at: string; limit: number }): Promise<{ id: string; tenantId: string }[]> {
  return queryRows<{ id: string; tenantId: string }>(
    { db: tx },
    sql`update decisions set input = null, input_erased_at = ${input.at}
        where id in (
          select id from decisions where input is not null and created_at < ${input.cutoff}
          order by created_at limit ${input.limit} for update skip locked
        )
        returning id, tenant_id as "tenantId"`,
  );
}

export async function findSubjectByExternalRef(db: DbOrTx, tenantId: string, externalRef: string) {
  const [row] = await db
    .select({ id: subjects.id })
    .from(subjects)
    .where(and(eq(subjects.tenantId, tenantId), eq(subjects.externalRef, externalRef)));
  return row;
}

/**
 * A subject's decisions. Every screening links its decision to the subject row of its
 * externalRef (on the subject_id index); without such a row, decisions carrying the ref.
 */
function subjectDecisions(input: { tenantId: string; subjectId: string | null; externalRef: string }) {
  return and(eq(decisions.tenantId, input.tenantId), input.subjectId ? eq(decisions.subjectId, input.subjectId) : eq(decisions.externalRef, input.externalRef));
}

/** Erases the input of every decision of one subject; returns how many were erased now and before. */
export async function eraseSubjectInputs(
  tx: DbOrTx,
  input: { tenantId: string; subjectId: string | null; externalRef: string; at: string },
): Promise<{ erased: number; alreadyErased: number }> {
  const where = subjectDecisions(input);
  const [before] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(decisions)
    .where(and(where, isNull(decisions.input)));
  const erased = await tx
    .update(decisions)
    .set({ input: null, inputErasedAt: input.at })
    .where(and(where, isNotNull(decisions.input)))
    .returning({ id: decisions.id });
  return { erased: erased.length, alreadyErased: before?.count ?? 0 };
}

/** Deletes a subject's link keys: those on its row and those recorded by its decisions. */
export async function deleteSubjectLinkKeys(tx: DbOrTx, input: { tenantId: string; subjectId: string | null; externalRef: string }): Promise<number> {
  const ofDecisions = inArray(subjectLinkKeys.decisionId, tx.select({ id: decisions.id }).from(decisions).where(subjectDecisions(input)));
  const deleted = await tx
    .delete(subjectLinkKeys)
    .where(and(eq(subjectLinkKeys.tenantId, input.tenantId), input.subjectId ? or(eq(subjectLinkKeys.subjectId, input.subjectId), ofDecisions) : ofDecisions))
    .returning({ decisionId: subjectLinkKeys.decisionId });
  return deleted.length;
}

/** Deletes the link keys recorded by these decisions (a retention batch). */
export async function deleteLinkKeysOfDecisions(tx: DbOrTx, decisionIds: string[]): Promise<number> {
  if (decisionIds.length === 0) return 0;
  const deleted = await tx.delete(subjectLinkKeys).where(inArray(subjectLinkKeys.decisionId, decisionIds)).returning({ decisionId: subjectLinkKeys.decisionId });
  return deleted.length;
}
