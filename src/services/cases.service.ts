import { uuidv7 } from 'uuidv7';
import type { Db, DbOrTx } from '../db/client.js';
import {
  findActiveCaseOfSubject,
  findApiKeyIdentity,
  findCase,
  findCaseEvents,
  findCaseOfDecision,
  findCaseQueue,
  findCaseQueueGroups,
  findCaseQueueSourceCounts,
  findCaseWithSubject,
  findCaseWorkers,
  findNewestHitsOfCases,
  findSubjectsWithNewestCase,
  findContentHashes,
  findDecisionsOfCase,
  findFalsePositivesOfSubject,
  findKeyLineage,
  findListEntriesByIds,
  findOtherDecisionsOfSubject,
  insertCase,
  insertCaseDecision,
  insertCaseEvent,
  insertFalsePositives,
  lockSubject,
  updateCaseState,
  withdrawFalsePositivesOfCase,
  type CaseEventRow,
  type CaseRow,
  type NewCase,
  type NewCaseEvent,
} from '../db/repositories/cases.repository.js';
import {
  isCaseOutcome,
  openCase,
  transition,
  type CaseAction,
  type CaseEventDraft,
  type CaseEventType,
  type CaseOutcome,
  type CaseState,
  type CaseStatus,
  type Disposition,
  type PendingStep,
  type RefusalReason,
  type TransitionContext,
} from '../domain/cases/case-state.js';
import { CASE_QUEUE_WAITS, caseQueueCounts, type CaseQueueCounts, type CaseQueueGroup, type CaseQueueSort } from '../domain/cases/case-queue.js';
import { evidenceToRemember, holdsListHit, markPreviouslyCleared, type RememberedEvidence, type ScreenedHit } from '../domain/cases/false-positive-memory.js';
import { secondPersonRefusal } from '../domain/auth/key-lineage.js';
import { findIndicator } from '../domain/indicators/indicators.data.js';
import { addConfirmedCase } from './watchlists.service.js';
import { scoreWithCombination, type Combination } from '../domain/rules/evidence-combination.js';
import { applyCorroboration, type Hit, type Outcome, type Thresholds } from '../domain/rules/ruleset.js';
import { AppError, notFound, type ErrorCode } from '../errors.js';
import { sha256Hex } from '../shared/hashing.js';
import { enqueueWebhookEvent } from './webhooks.service.js';
import type { DecisionView } from '../http/schemas/screening.schemas.js';
import type {
  CaseEventView,
  CaseSummaryView,
  CaseView,
  IndicatorCitationView,
  LinkedSubjectView,
  ListEntryView,
  TopReasonView,
} from '../http/schemas/cases.schemas.js';

export interface CasesDeps {
  db: Db;
  now: () => Date;
  /** Called after a commit that queued webhook deliveries, so they go out without waiting for a poll. */
  onWebhooksQueued?: () => void;
  /** Called after a commit that made a new watchlist version (a confirmed match), so this instance uses it at once. */
  onListsChanged?: () => void;
}

/** Who acts on a case: an API key, named by its id; its label, owner and roles go on the record. */
export interface CaseActor {
  keyId: string;
  roles: string[];
}

/** What the decision view tells an HR system about the case its decision opened or joined. */
export type DecisionCaseRef = Pick<DecisionView, 'caseId' | 'caseStatus' | 'disposition'>;

export const NO_CASE: DecisionCaseRef = Object.freeze({ caseId: null, caseStatus: null, disposition: null });

const SYSTEM_ACTOR = 'system:screening';
const SCREENING_BY = { label: 'screening', roles: [] as string[] };
const ACTOR_KEY_PREFIX = 'api-key:';
const actorId = (keyId: string) => `${ACTOR_KEY_PREFIX}${keyId}`;
const iso = (value: string) => new Date(value).toISOString();

function stateOf(row: CaseRow): CaseState {
  return {
    status: row.status as CaseStatus,
    outcome: row.outcome as CaseOutcome,
    score: row.score,
    assignee: row.assignee,
    disposition: row.disposition as Disposition | null,
    pendingDisposition: row.pendingDisposition as PendingStep | null,
    proposedBy: row.proposedBy,
    closedAt: row.closedAt,
  };
}

interface EventInput {
  caseRow: Pick<CaseRow, 'id' | 'tenantId'>;
  event: CaseEventDraft;
  actor: string;
  by: { label: string | null; owner?: string | null; roles: string[] };
  now: string;
}

function eventRow(input: EventInput) {
  return {
    id: uuidv7(),
    caseId: input.caseRow.id,
    tenantId: input.caseRow.tenantId,
    type: input.event.type,
    actor: input.actor,
    data: { ...input.event.data, by: input.by },
    createdAt: input.now,
  } satisfies NewCaseEvent;
}

async function appendEvent(tx: DbOrTx, input: EventInput) {
  return insertCaseEvent(tx, eventRow(input));
}

function webhookData(row: Pick<CaseRow, 'id' | 'subjectId' | 'status' | 'outcome' | 'score' | 'disposition'>, externalRef: string | null, extra: Record<string, unknown> = {}) {
  return { caseId: row.id, subjectId: row.subjectId, externalRef, status: row.status, outcome: row.outcome, score: row.score, disposition: row.disposition, ...extra };
}

/** Rows of the memory as the domain reads them, with stored times made canonical (they enter the hash chain). */
function rememberedEvidence(rows: Awaited<ReturnType<typeof findFalsePositivesOfSubject>>): RememberedEvidence[] {
  return rows.map((row) => ({
    source: row.source,
    sourceId: row.sourceId,
    contentHash: row.entryContentHash,
    ruleId: row.ruleId,
    field: row.field,
    valueDigest: row.valueDigest,
    similarity: row.similarity,
    caseId: row.caseId,
    eventId: row.dispositionEventId,
    clearedAt: iso(row.clearedAt),
  }));
}

/**
 * The false-positive memory over one evaluation: hits whose evidence reviewers cleared for this
 * subject are marked and stop counting, and the outcome is scored again without them. `asOf` (a
 * replay) uses the memory as it stood at that time. Screenings, monitoring re-screens and replays
 * all come through here.
 */
export async function applyFalsePositiveMemory(
  tx: DbOrTx,
  input: { tenantId: string; subjectId: string; evaluation: { hits: Hit[]; score: number; outcome: Outcome }; thresholds: Thresholds; combination?: Combination | undefined; asOf?: string },
): Promise<{ hits: ScreenedHit[]; score: number; outcome: Outcome; previouslyCleared: number }> {
  const unchanged = { hits: input.evaluation.hits, score: input.evaluation.score, outcome: input.evaluation.outcome, previouslyCleared: 0 };
  const entryIds = input.evaluation.hits.flatMap((hit) => (hit.entry ? [hit.entry.id] : []));
  if (entryIds.length === 0) return unchanged;
  const remembered = await findFalsePositivesOfSubject(tx, input.tenantId, input.subjectId, input.asOf);
  if (remembered.length === 0) return unchanged;
  const hashes = await findContentHashes(tx, entryIds);
  const marked = markPreviouslyCleared(input.evaluation.hits, hashes, rememberedEvidence(remembered), sha256Hex);
  if (marked.clearedCount === 0) return unchanged;
  // Corroborative-only hits leaned on the cleared ones: they must be judged again without them.
  const hits = applyCorroboration(marked.hits);
  return { ...scoreWithCombination(hits, input.thresholds, input.combination), previouslyCleared: marked.clearedCount };
}

/**
 * Runs inside the screening transaction after the decision is written: a review or block
 * decision opens a case, or joins the subject's case that is not closed yet.
 */
export async function openOrJoinCase(
  tx: DbOrTx,
  input: {
    tenantId: string;
    subjectId: string;
    /** Created by this transaction: it has no case yet, and no one else can see it to open one. */
    newSubject?: boolean;
    decision: { id: string; outcome: string; score: number; externalRef: string | null };
    now: string | Date;
  },
): Promise<DecisionCaseRef> {
  const { decision } = input;
  const now = typeof input.now === 'string' ? input.now : input.now.toISOString();
  if (!isCaseOutcome(decision.outcome)) return NO_CASE;
  const by = SCREENING_BY;
  let existing: Awaited<ReturnType<typeof findActiveCaseOfSubject>>;
  if (!input.newSubject) {
    await lockSubject(tx, input.subjectId);
    existing = await findActiveCaseOfSubject(tx, input.tenantId, input.subjectId);
  }
  if (existing) {
    const result = transition(stateOf(existing), { type: 'add_decision', decisionId: decision.id, outcome: decision.outcome, score: decision.score }, { actor: SYSTEM_ACTOR, now });
    if (!result.ok) throw new Error(`joining an active case was refused: ${result.detail}`);
    const updated = await updateCaseState(tx, existing.id, result.state, now);
    await insertCaseDecision(tx, { caseId: existing.id, decisionId: decision.id, addedAt: now });
    await appendEvent(tx, { caseRow: updated, event: result.event, actor: SYSTEM_ACTOR, by, now });
    return { caseId: updated.id, caseStatus: updated.status as CaseStatus, disposition: updated.disposition as Disposition | null };
  }
  const opening = caseOpening({ tenantId: input.tenantId, subjectId: input.subjectId, decision: { ...decision, outcome: decision.outcome }, now });
  await insertCase(tx, opening.caseRow);
  await insertCaseDecision(tx, { caseId: opening.caseRow.id, decisionId: decision.id, addedAt: now });
  await insertCaseEvent(tx, opening.event);
  await enqueueWebhookEvent(tx, { tenantId: input.tenantId, ...opening.webhook, now });
  return opening.ref;
}

/**
 * The rows a review or block decision writes when it opens a new case: the case, its first
 * event and the `case.opened` notification. Built here for the screening transaction
 * (openOrJoinCase) and for the batch statement that writes new applicants' screenings
 * (db/decision-chain.ts), so both record the same thing.
 */
export function caseOpening(input: { tenantId: string; subjectId: string; decision: { id: string; outcome: CaseOutcome; score: number; externalRef: string | null }; now: string }) {
  const { decision, now } = input;
  const opened = openCase({ decisionId: decision.id, outcome: decision.outcome, score: decision.score });
  const caseRow = { id: uuidv7(), tenantId: input.tenantId, subjectId: input.subjectId, ...opened.state, openedAt: now, updatedAt: now, listSources: [] } satisfies NewCase;
  const event = eventRow({ caseRow, event: opened.event, actor: SYSTEM_ACTOR, by: SCREENING_BY, now });
  const webhook = { event: 'case.opened' as const, data: webhookData(caseRow, decision.externalRef, { decisionId: decision.id }) };
  const ref: DecisionCaseRef = { caseId: caseRow.id, caseStatus: 'open', disposition: null };
  return { caseRow, event, webhook, ref };
}

/** The case a stored decision opened or joined, as it stands now. */
export async function caseRefOfDecision(db: DbOrTx, tenantId: string, decisionId: string): Promise<DecisionCaseRef> {
  const row = await findCaseOfDecision(db, tenantId, decisionId);
  return row ? { caseId: row.id, caseStatus: row.status as CaseStatus, disposition: row.disposition as Disposition | null } : NO_CASE;
}

function toSummary(row: { case: CaseRow; externalRef: string | null; subjectName: string | null; decisionCount: number; proposedByOwner: string | null }): CaseSummaryView {
  const state = stateOf(row.case);
  return {
    id: row.case.id,
    subjectId: row.case.subjectId,
    externalRef: row.externalRef,
    subjectName: row.subjectName,
    status: state.status,
    outcome: state.outcome,
    score: state.score,
    assignee: state.assignee,
    disposition: state.disposition,
    pendingDisposition: state.pendingDisposition,
    proposedBy: state.proposedBy,
    proposedByOwner: state.proposedBy === null ? null : row.proposedByOwner,
    decisionCount: Number(row.decisionCount),
    openedAt: iso(row.case.openedAt),
    updatedAt: iso(row.case.updatedAt),
    closedAt: row.case.closedAt ? iso(row.case.closedAt) : null,
  };
}

export interface CaseQueueQuery {
  status?: CaseStatus | 'active';
  assignee?: string;
  unassigned?: boolean;
  outcome?: CaseOutcome;
  olderThanHours?: number;
  q?: string;
  /** A list's slug: only cases whose decisions hit one of its entries. */
  listSource?: string;
  sort?: CaseQueueSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** The hit that weighed most in the newest decision: what a reviewer reads first in the queue. */
export function topReasonOf(hits: readonly ScreenedHit[]): TopReasonView | null {
  let top: ScreenedHit | undefined;
  for (const hit of hits) if (!top || hit.points > top.points) top = hit;
  if (!top) return null;
  return { ruleId: top.ruleId, points: top.points, field: top.field, entry: top.entry ? { source: top.entry.source, sourceId: top.entry.sourceId, name: top.entry.name } : null };
}

const ACTIVE_STATUSES: CaseStatus[] = ['open', 'escalated', 'pending_approval'];
const statusesOf = (status: CaseQueueQuery['status']): CaseStatus[] | undefined => (status === 'active' ? ACTIVE_STATUSES : status ? [status] : undefined);
const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();

export async function listCases(deps: Pick<CasesDeps, 'db' | 'now'>, tenantId: string, query: CaseQueueQuery) {
  const status = statusesOf(query.status);
  const openedBefore = query.olderThanHours !== undefined ? hoursBefore(deps.now(), query.olderThanHours) : undefined;
  const { status: _status, olderThanHours: _hours, q, ...rest } = query;
  const { total, rows } = await findCaseQueue(deps.db, tenantId, {
    ...rest,
    ...(status ? { status } : {}),
    ...(openedBefore ? { openedBefore } : {}),
    ...(q !== undefined ? { search: q } : {}),
  });
  const hits = await findNewestHitsOfCases(
    deps.db,
    rows.map((row) => row.case.id),
  );
  const items = rows.map((row) => ({ ...toSummary(row), topReason: topReasonOf((hits.get(row.case.id) ?? []) as ScreenedHit[]) }));
  return { total, limit: query.limit, offset: query.offset, items };
}

/** How many cases each choice of the queue's filters would show, under the other filters and the search. */
export async function countCases(deps: Pick<CasesDeps, 'db' | 'now'>, tenantId: string, query: Omit<CaseQueueQuery, 'sort' | 'order' | 'limit' | 'offset'>): Promise<CaseQueueCounts & { listSource: { source: string; count: number }[] }> {
  const now = deps.now();
  const openedBefore = query.olderThanHours !== undefined ? hoursBefore(now, query.olderThanHours) : undefined;
  const search = query.q !== undefined ? { search: query.q } : {};
  const status = statusesOf(query.status);
  const facets = {
    ...(status ? { status } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.assignee !== undefined ? { assignee: query.assignee } : {}),
    ...(query.unassigned ? { unassigned: true } : {}),
  };
  const [groups, listSource] = await Promise.all([
    findCaseQueueGroups(deps.db, tenantId, {
      ...search,
      ...(query.listSource !== undefined ? { listSource: query.listSource } : {}),
      ...(openedBefore ? { openedBefore } : {}),
      waits: [...CASE_QUEUE_WAITS].reverse().map((hours) => ({ hours, openedBefore: hoursBefore(now, hours) })),
    }),
    // The list-source menu's counts: every other filter as asked, this one set aside.
    findCaseQueueSourceCounts(deps.db, tenantId, { ...search, ...facets, ...(openedBefore ? { openedBefore } : {}) }),
  ]);
  return { ...caseQueueCounts(groups as CaseQueueGroup[], { ...facets, olderThan: openedBefore !== undefined }), listSource };
}

/** Who a case can be assigned to: the owners of the tenant's working reviewer and admin keys, each once. */
export async function listCaseWorkers(deps: Pick<CasesDeps, 'db'>, tenantId: string) {
  const seen = new Set<string>();
  const items: { owner: string }[] = [];
  for (const owner of await findCaseWorkers(deps.db, tenantId)) {
    const normal = owner.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
    if (seen.has(normal)) continue;
    seen.add(normal);
    items.push({ owner });
  }
  return { items };
}

/** The other subjects the case's link hits name, with the newest case of each to open. */
async function linkedSubjectsOf(db: DbOrTx, tenantId: string, hits: readonly ScreenedHit[]): Promise<LinkedSubjectView[]> {
  const fields = new Map<string, Set<string>>();
  for (const hit of hits) for (const ref of hit.related ?? []) fields.set(ref, (fields.get(ref) ?? new Set()).add(hit.field));
  const found = new Map((await findSubjectsWithNewestCase(db, tenantId, [...fields.keys()])).map((row) => [row.externalRef, row]));
  return [...fields].map(([externalRef, shared]) => {
    const row = found.get(externalRef);
    return {
      externalRef,
      subjectId: row?.subjectId ?? null,
      fields: [...shared].sort(),
      caseId: row?.caseId ?? null,
      caseStatus: (row?.status as CaseStatus | null | undefined) ?? null,
      disposition: (row?.disposition as Disposition | null | undefined) ?? null,
    };
  });
}

function citationOf(id: string): IndicatorCitationView | undefined {
  const indicator = findIndicator(id);
  return indicator && { id: indicator.id, title: indicator.title, description: indicator.description, citation: indicator.citation, sourceDocument: indicator.sourceDocument };
}

function profileOf(input: unknown): Record<string, unknown> | null {
  const subject = (input as { subject?: unknown } | null)?.subject;
  return subject && typeof subject === 'object' ? (subject as Record<string, unknown>) : null;
}

export async function getCase(deps: Pick<CasesDeps, 'db'>, tenantId: string, id: string): Promise<CaseView> {
  const row = await findCaseWithSubject(deps.db, tenantId, id);
  if (!row) throw notFound('Case');
  const decisionRows = await findDecisionsOfCase(deps.db, row.case.id);
  const hitsOf = (hits: unknown[]) => hits as ScreenedHit[];
  const entryIds = [...new Set(decisionRows.flatMap(({ decision }) => hitsOf(decision.hits).flatMap((hit) => (hit.entry ? [hit.entry.id] : []))))];
  const entries = new Map(
    (await findListEntriesByIds(deps.db, entryIds)).map(({ entry, version }): [string, ListEntryView] => [
      entry.id,
      {
        id: entry.id,
        source: entry.source,
        sourceId: entry.sourceId,
        version,
        type: entry.type,
        name: entry.name,
        names: entry.data.names,
        programs: entry.programs,
        birthDates: entry.data.birthDates,
        nationalities: entry.data.nationalities,
        citizenships: entry.data.citizenships,
        // A watchlist's identifier shows the kind it was imported as, not its stored form (link_key).
        identifiers: entry.data.identifiers.map((identifier) => ({ kind: identifier.watchlistKind ?? identifier.kind, value: identifier.value })),
        ...(entry.data.remarks !== undefined ? { remarks: entry.data.remarks } : {}),
        contentHash: entry.contentHash,
      },
    ]),
  );
  const history = await findOtherDecisionsOfSubject(
    deps.db,
    tenantId,
    row.case.subjectId,
    decisionRows.map(({ decision }) => decision.id),
    100,
  );
  const linkedSubjects = await linkedSubjectsOf(
    deps.db,
    tenantId,
    decisionRows.flatMap(({ decision }) => hitsOf(decision.hits)),
  );
  return {
    ...toSummary(row),
    linkedSubjects,
    decisions: decisionRows.map(({ decision, addedAt }) => ({
      id: decision.id,
      outcome: decision.outcome as Outcome,
      score: decision.score,
      rulesetVersion: decision.rulesetVersion,
      createdAt: iso(decision.createdAt),
      addedAt: iso(addedAt),
      subject: profileOf(decision.input),
      hits: hitsOf(decision.hits).map((hit) => ({
        ...hit,
        listEntry: hit.entry ? (entries.get(hit.entry.id) ?? null) : null,
        indicators: hit.indicatorIds.flatMap((indicatorId) => citationOf(indicatorId) ?? []),
      })),
    })),
    history: history.map((decision) => ({ id: decision.id, outcome: decision.outcome as Outcome, score: decision.score, createdAt: iso(decision.createdAt) })),
  };
}

function toEventView(row: CaseEventRow): CaseEventView {
  const { by, ...data } = row.data as { by?: { label?: string | null; owner?: string | null; roles?: string[] } } & Record<string, unknown>;
  return { id: row.id, type: row.type as CaseEventType, actor: { id: row.actor, label: by?.label ?? null, owner: by?.owner ?? null, roles: by?.roles ?? [] }, data, createdAt: iso(row.createdAt) };
}

export async function listCaseEvents(deps: Pick<CasesDeps, 'db'>, tenantId: string, id: string) {
  const row = await findCase(deps.db, tenantId, id);
  if (!row) throw notFound('Case');
  return { items: (await findCaseEvents(deps.db, row.id)).map(toEventView) };
}

/** The state machine's refusals, each with its problem type: four-eyes refusals name their rule. */
const REFUSAL_CODES: Partial<Record<RefusalReason, ErrorCode>> = { same_owner: 'four_eyes_same_owner', key_lineage: 'four_eyes_key_lineage' };

/** Hits of every decision the case covers. */
async function hitsOfCase(tx: DbOrTx, caseId: string): Promise<ScreenedHit[]> {
  return (await findDecisionsOfCase(tx, caseId)).flatMap(({ decision }) => decision.hits as ScreenedHit[]);
}

/** What the state machine needs to know besides the case: whether a list is involved, and who the approver is. */
async function transitionContext(tx: DbOrTx, current: CaseRow, input: { tenantId: string; actor: CaseActor; action: CaseAction }, now: string): Promise<TransitionContext> {
  const context: TransitionContext = { actor: actorId(input.actor.keyId), now };
  const { type } = input.action;
  if (type === 'dispose' || type === 'reopen') context.listHit = holdsListHit(await hitsOfCase(tx, current.id));
  if (type === 'approve' && current.proposedBy?.startsWith(ACTOR_KEY_PREFIX)) {
    const refusal = secondPersonRefusal(await findKeyLineage(tx, input.tenantId), current.proposedBy.slice(ACTOR_KEY_PREFIX.length), input.actor.keyId);
    if (refusal) context.secondPerson = refusal;
  }
  return context;
}

/**
 * The case, locked. A reopening locks its subject first, as screenings do (subject, then case), and
 * brings a closed case back only while the subject has no other case in the queue.
 */
async function lockCase(tx: DbOrTx, input: { tenantId: string; caseId: string; action: CaseAction }): Promise<CaseRow> {
  if (input.action.type === 'reopen') {
    const peek = await findCase(tx, input.tenantId, input.caseId);
    if (!peek) throw notFound('Case');
    await lockSubject(tx, peek.subjectId);
    const active = await findActiveCaseOfSubject(tx, peek.tenantId, peek.subjectId);
    if (active && active.id !== peek.id) throw new AppError('conflict', `The subject has another case in the queue (${active.id}); work that one instead of reopening this one`);
  }
  const current = await findCase(tx, input.tenantId, input.caseId, { forUpdate: true });
  if (!current) throw notFound('Case');
  return current;
}

/**
 * One reviewer step: lock the case, ask the state machine, write the new state and its event,
 * and (when it closes) the false-positive memory and the webhook deliveries, all in one
 * transaction. An illegal step is 409 with the state machine's reason.
 */
export async function actOnCase(deps: CasesDeps, input: { tenantId: string; caseId: string; actor: CaseActor; action: CaseAction }): Promise<{ summary: CaseSummaryView; event: CaseEventView }> {
  const now = deps.now().toISOString();
  const identity = await findApiKeyIdentity(deps.db, input.actor.keyId);
  const actor = actorId(input.actor.keyId);
  const by = { label: identity.label, owner: identity.owner, roles: input.actor.roles };
  const outcome = await deps.db.transaction(async (tx) => {
    const current = await lockCase(tx, input);
    const result = transition(stateOf(current), input.action, await transitionContext(tx, current, input, now));
    if (!result.ok) throw new AppError(REFUSAL_CODES[result.reason] ?? 'conflict', result.detail);
    const updated = await updateCaseState(tx, current.id, result.state, now);
    let event = result.event;
    if (event.type === 'reopened') {
      // The reviewers' verdict no longer stands: what it cleared counts again from now on.
      event = { ...event, data: { ...event.data, withdrawnFalsePositives: await withdrawFalsePositivesOfCase(tx, current.id, now) } };
    }
    const written = await appendEvent(tx, { caseRow: updated, event, actor, by, now });
    const summary = await findCaseWithSubject(tx, input.tenantId, updated.id);
    if (!summary) throw new Error('case vanished inside its own transaction');
    let queued = 0;
    let listsChanged = false;
    if (result.closed) {
      if (result.state.disposition === 'false_positive') await rememberFalsePositives(tx, updated, { actor, eventId: written.id, now });
      if (result.state.disposition === 'confirmed_match') {
        await addConfirmedCase(tx, { tenantId: input.tenantId, caseId: updated.id, subjectId: updated.subjectId, externalRef: summary.externalRef, actor });
        listsChanged = true;
      }
      queued = await enqueueWebhookEvent(tx, { tenantId: input.tenantId, event: 'case.disposed', data: webhookData(updated, summary.externalRef, { closedAt: now }), now });
    }
    return { summary: toSummary(summary), event: toEventView(written), queued, listsChanged };
  });
  if (outcome.queued > 0) deps.onWebhooksQueued?.();
  if (outcome.listsChanged) deps.onListsChanged?.();
  return { summary: outcome.summary, event: outcome.event };
}

/** The evidence of the case's hits, remembered under the event that closed the case. */
async function rememberFalsePositives(tx: DbOrTx, row: CaseRow, closing: { actor: string; eventId: string; now: string }) {
  const hits = await hitsOfCase(tx, row.id);
  const hashes = await findContentHashes(tx, hits.flatMap((hit) => (hit.entry ? [hit.entry.id] : [])));
  await insertFalsePositives(
    tx,
    evidenceToRemember(hits, hashes, sha256Hex).map((evidence) => ({
      tenantId: row.tenantId,
      subjectId: row.subjectId,
      source: evidence.source,
      sourceId: evidence.sourceId,
      entryContentHash: evidence.contentHash,
      ruleId: evidence.ruleId,
      field: evidence.field,
      valueDigest: evidence.valueDigest,
      similarity: evidence.similarity,
      caseId: row.id,
      dispositionEventId: closing.eventId,
      clearedBy: closing.actor,
      clearedAt: closing.now,
    })),
  );
}
