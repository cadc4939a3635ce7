import { uuidv7 } from 'uuidv7';
import type { Db, DbOrTx } from '../db/client.js';
import {
  findActiveCaseOfSubject,
  findApiKeyLabel,
  findCase,
  findCaseEvents,
  findCaseOfDecision,
  findCaseQueue,
  findCaseWithSubject,
  findContentHashes,
  findDecisionsOfCase,
  findFalsePositivesOfSubject,
  findListEntriesByIds,
  findOtherDecisionsOfSubject,
  insertCase,
  insertCaseDecision,
  insertCaseEvent,
  insertFalsePositives,
  lockSubject,
  updateCaseState,
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
} from '../domain/cases/case-state.js';
import { clearedEntryKey, entriesToRemember, markPreviouslyCleared, type ScreenedHit } from '../domain/cases/false-positive-memory.js';
import { findIndicator } from '../domain/indicators/indicators.data.js';
import { addConfirmedCase } from './watchlists.service.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { applyCorroboration, scoreHits, type Hit, type Outcome, type Thresholds } from '../domain/rules/ruleset.js';
import { AppError, notFound } from '../errors.js';
import { enqueueWebhookEvent } from './webhooks.service.js';

export interface CasesDeps {
  db: Db;
  now: () => Date;
  /** Called after a commit that queued webhook deliveries, so they go out without waiting for a poll. */
  onWebhooksQueued?: () => void;
  /** Called after a commit that made a new watchlist version (a confirmed match), so this instance uses it at once. */
  onListsChanged?: () => void;
}

/** Who acts on a case: an API key, named by its id, with its label and roles for the record. */
export interface CaseActor {
  keyId: string;
  roles: string[];
}

/** What the decision view tells an HR system about the case its decision opened or joined. */
export interface DecisionCaseRef {
  caseId: string | null;
  caseStatus: CaseStatus | null;
  disposition: Disposition | null;
}

export const NO_CASE: DecisionCaseRef = Object.freeze({ caseId: null, caseStatus: null, disposition: null });

const SYSTEM_ACTOR = 'system:screening';
const SCREENING_BY = { label: 'screening', roles: [] as string[] };
const actorId = (keyId: string) => `api-key:${keyId}`;
const iso = (value: string) => new Date(value).toISOString();

function stateOf(row: CaseRow): CaseState {
  return {
    status: row.status as CaseStatus,
    outcome: row.outcome as CaseOutcome,
    score: row.score,
    assignee: row.assignee,
    disposition: row.disposition as Disposition | null,
    pendingDisposition: row.pendingDisposition as Disposition | null,
    proposedBy: row.proposedBy,
    closedAt: row.closedAt,
  };
}

interface EventInput {
  caseRow: Pick<CaseRow, 'id' | 'tenantId'>;
  event: CaseEventDraft;
  actor: string;
  by: { label: string | null; roles: string[] };
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

/**
 * Runs inside the screening transaction before the decision is written: list hits on entries
 * this tenant already cleared for this subject (same entry content) are marked and stop
 * counting, and the outcome is scored again without them.
 */
export async function applyFalsePositiveMemory(
  tx: DbOrTx,
  input: { tenantId: string; subjectId: string; evaluation: { hits: Hit[]; score: number; outcome: Outcome }; thresholds: Thresholds },
): Promise<{ hits: ScreenedHit[]; score: number; outcome: Outcome; previouslyCleared: number }> {
  const unchanged = { hits: input.evaluation.hits, score: input.evaluation.score, outcome: input.evaluation.outcome, previouslyCleared: 0 };
  const entryIds = input.evaluation.hits.flatMap((hit) => (hit.entry ? [hit.entry.id] : []));
  if (entryIds.length === 0) return unchanged;
  const remembered = await findFalsePositivesOfSubject(tx, input.tenantId, input.subjectId);
  if (remembered.length === 0) return unchanged;
  const hashes = await findContentHashes(tx, entryIds);
  const cleared = new Set(remembered.map((row) => clearedEntryKey({ source: row.source, sourceId: row.sourceId, contentHash: row.entryContentHash })));
  const marked = markPreviouslyCleared(input.evaluation.hits, hashes, cleared);
  if (marked.clearedCount === 0) return unchanged;
  // Corroborative-only hits leaned on the cleared ones: they must be judged again without them.
  const hits = applyCorroboration(marked.hits);
  return { hits, ...scoreHits(hits, input.thresholds), previouslyCleared: marked.clearedCount };
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
  const caseRow = { id: uuidv7(), tenantId: input.tenantId, subjectId: input.subjectId, ...opened.state, openedAt: now, updatedAt: now } satisfies NewCase;
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

export interface CaseSummary {
  id: string;
  subjectId: string;
  externalRef: string | null;
  status: CaseStatus;
  outcome: CaseOutcome;
  score: number;
  assignee: string | null;
  disposition: Disposition | null;
  pendingDisposition: Disposition | null;
  proposedBy: string | null;
  decisionCount: number;
  openedAt: string;
  updatedAt: string;
  closedAt: string | null;
}

function toSummary(row: { case: CaseRow; externalRef: string | null; decisionCount: number }): CaseSummary {
  const state = stateOf(row.case);
  return {
    id: row.case.id,
    subjectId: row.case.subjectId,
    externalRef: row.externalRef,
    status: state.status,
    outcome: state.outcome,
    score: state.score,
    assignee: state.assignee,
    disposition: state.disposition,
    pendingDisposition: state.pendingDisposition,
    proposedBy: state.proposedBy,
    decisionCount: Number(row.decisionCount),
    openedAt: iso(row.case.openedAt),
    updatedAt: iso(row.case.updatedAt),
    closedAt: row.case.closedAt ? iso(row.case.closedAt) : null,
  };
}

export interface CaseQueueQuery {
  status?: CaseStatus | 'active';
  assignee?: string;
  outcome?: CaseOutcome;
  olderThanHours?: number;
  limit: number;
  offset: number;
}

export async function listCases(deps: Pick<CasesDeps, 'db' | 'now'>, tenantId: string, query: CaseQueueQuery) {
  const status = query.status === 'active' ? ['open', 'escalated', 'pending_approval'] : query.status ? [query.status] : undefined;
  const openedBefore = query.olderThanHours !== undefined ? new Date(deps.now().getTime() - query.olderThanHours * 3_600_000).toISOString() : undefined;
  const { total, rows } = await findCaseQueue(deps.db, tenantId, {
    limit: query.limit,
    offset: query.offset,
    ...(status ? { status } : {}),
    ...(query.assignee !== undefined ? { assignee: query.assignee } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(openedBefore ? { openedBefore } : {}),
  });
  return { total, limit: query.limit, offset: query.offset, items: rows.map(toSummary) };
}

export interface IndicatorCitation {
  id: string;
  title: string;
  description: string;
  citation: string;
  sourceDocument: string;
}

export interface ListEntryView {
  id: string;
  source: string;
  sourceId: string;
  version: number;
  type: string;
  name: string;
  names: ListEntry['names'];
  programs: string[];
  birthDates: ListEntry['birthDates'];
  nationalities: string[];
  citizenships: string[];
  identifiers: { kind: string; value: string }[];
  remarks?: string;
  contentHash: string;
}

export type CaseHitView = ScreenedHit & { listEntry: ListEntryView | null; indicators: IndicatorCitation[] };

export interface CaseDecisionView {
  id: string;
  outcome: Outcome;
  score: number;
  rulesetVersion: number;
  createdAt: string;
  addedAt: string;
  /** The profile as screened, to compare with each list entry; null once erased. */
  subject: Record<string, unknown> | null;
  hits: CaseHitView[];
}

export interface CaseView extends CaseSummary {
  decisions: CaseDecisionView[];
  /** The subject's other decisions (not in this case), newest first. */
  history: { id: string; outcome: Outcome; score: number; createdAt: string }[];
}

function citationOf(id: string): IndicatorCitation | undefined {
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
  return {
    ...toSummary(row),
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

export interface CaseEventView {
  id: string;
  type: CaseEventType;
  actor: { id: string; label: string | null; roles: string[] };
  data: Record<string, unknown>;
  createdAt: string;
}

function toEventView(row: CaseEventRow): CaseEventView {
  const { by, ...data } = row.data as { by?: { label?: string | null; roles?: string[] } } & Record<string, unknown>;
  return { id: row.id, type: row.type as CaseEventType, actor: { id: row.actor, label: by?.label ?? null, roles: by?.roles ?? [] }, data, createdAt: iso(row.createdAt) };
}

export async function listCaseEvents(deps: Pick<CasesDeps, 'db'>, tenantId: string, id: string) {
  const row = await findCase(deps.db, tenantId, id);
  if (!row) throw notFound('Case');
  return { items: (await findCaseEvents(deps.db, row.id)).map(toEventView) };
}

/**
 * One reviewer step: lock the case, ask the state machine, write the new state and its event,
 * and (when it closes) the false-positive memory and the webhook deliveries, all in one
 * transaction. An illegal step is 409 with the state machine's reason.
 */
export async function actOnCase(deps: CasesDeps, input: { tenantId: string; caseId: string; actor: CaseActor; action: CaseAction }): Promise<{ summary: CaseSummary; event: CaseEventView }> {
  const now = deps.now().toISOString();
  const label = await findApiKeyLabel(deps.db, input.actor.keyId);
  const actor = actorId(input.actor.keyId);
  const outcome = await deps.db.transaction(async (tx) => {
    const current = await findCase(tx, input.tenantId, input.caseId, { forUpdate: true });
    if (!current) throw notFound('Case');
    const result = transition(stateOf(current), input.action, { actor, now });
    if (!result.ok) throw new AppError('conflict', result.detail);
    const updated = await updateCaseState(tx, current.id, result.state, now);
    const event = await appendEvent(tx, { caseRow: updated, event: result.event, actor, by: { label, roles: input.actor.roles }, now });
    const summary = await findCaseWithSubject(tx, input.tenantId, updated.id);
    if (!summary) throw new Error('case vanished inside its own transaction');
    let queued = 0;
    let listsChanged = false;
    if (result.closed) {
      if (result.state.disposition === 'false_positive') await rememberFalsePositives(tx, updated, actor, now);
      if (result.state.disposition === 'confirmed_match') {
        await addConfirmedCase(tx, { tenantId: input.tenantId, caseId: updated.id, subjectId: updated.subjectId, externalRef: summary.externalRef, actor });
        listsChanged = true;
      }
      queued = await enqueueWebhookEvent(tx, { tenantId: input.tenantId, event: 'case.disposed', data: webhookData(updated, summary.externalRef, { closedAt: now }), now });
    }
    return { summary: toSummary(summary), event: toEventView(event), queued, listsChanged };
  });
  if (outcome.queued > 0) deps.onWebhooksQueued?.();
  if (outcome.listsChanged) deps.onListsChanged?.();
  return { summary: outcome.summary, event: outcome.event };
}

async function rememberFalsePositives(tx: DbOrTx, row: CaseRow, actor: string, now: string) {
  const hits = (await findDecisionsOfCase(tx, row.id)).flatMap(({ decision }) => decision.hits as Hit[]);
  const hashes = await findContentHashes(tx, hits.flatMap((hit) => (hit.entry ? [hit.entry.id] : [])));
  await insertFalsePositives(
    tx,
    entriesToRemember(hits, hashes).map((entry) => ({
      tenantId: row.tenantId,
      subjectId: row.subjectId,
      source: entry.source,
      sourceId: entry.sourceId,
      entryContentHash: entry.contentHash,
      caseId: row.id,
      clearedBy: actor,
      clearedAt: now,
    })),
  );
}
