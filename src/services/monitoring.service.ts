/**
 * Ongoing monitoring (issue #8): when a list version or a ruleset version becomes active, every
 * monitored subject of a tenant is screened again from its last stored input, in the background.
 *
 * - Runs and their work items are rows. A run is created once per (tenant, trigger) whatever
 *   the number of instances (unique key); its items are every monitored subject whose last
 *   decision predates the trigger.
 * - Workers lease batches of items (`FOR UPDATE SKIP LOCKED`, a lease on the database clock,
 *   a heartbeat while they work). An item is marked done only in the transaction that writes
 *   its decision, and only while its lease is still this worker's: after a crash the lease
 *   expires, another worker takes the items over, and none is done twice.
 * - A list-only change is checked as a delta (domain/monitoring/list-change-check.ts): only
 *   subjects that match an entry that changed are screened again in full. A new ruleset means a
 *   full screening of everyone. A full re-screen writes a decision only when something changed
 *   (domain/monitoring/rescreen-change.ts); it then opens or joins a case like any screening.
 */
import { hostname } from 'node:os';
import { uuidv7 } from 'uuidv7';
import type { Db, DbOrTx } from '../db/client.js';
import { findActiveListVersions } from '../db/repositories/lists.repository.js';
import {
  type ClaimedItem,
  claimItems,
  completeFinishedRuns,
  createRunWithItems,
  databaseNow,
  findActiveRulesetsOfTenants,
  findChangedEntries,
  findLinkingDecisions,
  lockLinkCursor,
  moveLinkCursor,
  findListVersionSources,
  findRun,
  findRunKeys,
  findRunProgress,
  findRunResults,
  findRuns,
  findRunsByIds,
  findSubjectStates,
  finishItems,
  type ItemOutcome,
  lockOwnedItems,
  lockSubjects,
  type MonitoringRunRow,
  releaseAllLeases,
  releaseLeasesOf,
  type SubjectState,
  extendLeases,
} from '../db/repositories/monitoring.repository.js';
import { findActiveRuleset } from '../db/repositories/rulesets.repository.js';
import type { ListVersionRef } from '../db/schema/index.js';
import {
  identifierKey,
  isTouchedByListChanges,
  listDependentRules,
  listVersionChanges,
  versionChangesKey,
  type ListChanges,
  type VersionChange,
} from '../domain/monitoring/list-change-check.js';
import { triggerKeyOf, type MonitoringTrigger } from '../domain/monitoring/monitoring-trigger.js';
import { hasChanged } from '../domain/monitoring/rescreen-change.js';
import { DOCUMENT_IDENTIFIER_KINDS, type RestoredSubject } from '../domain/monitoring/stored-subject-restore.js';
import { evaluateRestoredMany, listedDocumentNumbers, restoreStoredInput, type EvaluationBasis, type StoredScreening } from '../screening/stored-screening.js';
import type { Evaluation } from '../domain/rules/evaluate.js';
import type { Hit, Outcome, Ruleset } from '../domain/rules/ruleset.js';
import { collectLookups, linkKeyOf, type KeyedHash, type LinkKey } from '../domain/rules/subject-lookups.js';
import { notFound } from '../errors.js';
import { buildSnapshot, type ListIndexHolder, type ListSnapshot } from './list-index.service.js';
import { recordScreening } from './screening.service.js';
import type { DecisionChains } from '../db/decision-chain.js';
import type { MonitoringRunView } from '../http/schemas/monitoring.schemas.js';

export interface MonitoringDeps {
  db: Db;
  lists: ListIndexHolder;
  now: () => Date;
  keyedHash: KeyedHash;
  /** The decision chains of the services the worker belongs to, shared with their screenings. */
  chains: DecisionChains;
}

export interface MonitoringLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface MonitoringWorkerOptions {
  /** Idle wait between looks for new versions and pending work (default 5 s). */
  pollMs?: number;
  /** Items leased at a time (default 500). */
  batchSize?: number;
  /** How long a lease lasts without a heartbeat (default 30 s); a crashed worker's items wait this long. */
  leaseMs?: number;
  /**
   * How long a new list version must have been active before its run is created (default 10 s):
   * long enough for every instance's index to have picked it up, so no subject is screened
   * with the old version after its run took the list of subjects to re-screen.
   */
  listSettleMs?: number;
  /** Decisions written per transaction, which holds the tenant's chain head (default 50). */
  writeChunk?: number;
  /** Claims after which an item is failed instead of tried again (default 5). */
  maxAttempts?: number;
  /**
   * Batches in flight at once (default 2): one is evaluated while the other waits on the
   * database, so a worker uses a CPU core and the database together.
   */
  concurrency?: number;
  /** Only one process opens the database (embedded PGlite): leases left by a crash are freed at start. */
  exclusiveDatabase?: boolean;
  owner?: string;
  log?: MonitoringLog;
}

const DEFAULTS = { pollMs: 5000, batchSize: 500, leaseMs: 30_000, listSettleMs: 10_000, writeChunk: 50, maxAttempts: 5, concurrency: 2 };

/** A worker's caches: list deltas, listed document numbers and version sources change rarely. */
export interface WorkerState {
  owner: string;
  /** `tenant/trigger key` pairs known to have a run or nothing to re-screen. */
  settled: Set<string>;
  deltas: Map<string, ListChanges>;
  /** Keyed hash of a listed document number → the number (see stored-subject-restore.ts). */
  documentNumbers: Map<string, string>;
  documentVersionsKey: string;
  versionSources: Map<string, string>;
  runs: Map<string, MonitoringRunRow>;
}

function newState(owner: string): WorkerState {
  return { owner, settled: new Set(), deltas: new Map(), documentNumbers: new Map(), documentVersionsKey: '', versionSources: new Map(), runs: new Map() };
}

// ── Creating runs ───────────────────────────────────────────────────────────────────────

/**
 * Creates the runs due now: one per tenant for each active list version and for its active
 * ruleset, unless it exists or no monitored subject's last decision predates it.
 */
export async function createDueRuns(
  deps: Pick<MonitoringDeps, 'db' | 'lists'>,
  options: { listSettleMs?: number; state?: WorkerState; log?: MonitoringLog } = {},
): Promise<{ id: string; tenantId: string; trigger: MonitoringTrigger; total: number }[]> {
  const state = options.state ?? newState('detect');
  const [listVersions, rulesets, dbNow] = await Promise.all([findActiveListVersions(deps.db), findActiveRulesetsOfTenants(deps.db), databaseNow(deps.db)]);
  const settleMs = options.listSettleMs ?? DEFAULTS.listSettleMs;
  const candidates: { tenantId: string; trigger: MonitoringTrigger; key: string }[] = [];
  for (const ruleset of rulesets) {
    const triggers: MonitoringTrigger[] = [
      ...listVersions
        // Global lists concern every tenant; a watchlist only its own.
        .filter((version) => version.tenantId === null || version.tenantId === ruleset.tenantId)
        .filter((version) => dbNow - new Date(version.importedAt).getTime() >= settleMs)
        .map((version) => ({ kind: 'list_version' as const, source: version.source, version: version.version, versionId: version.id })),
      { kind: 'ruleset', rulesetId: ruleset.rulesetId, version: ruleset.version },
    ];
    for (const trigger of triggers) {
      const key = triggerKeyOf(trigger);
      if (!state.settled.has(`${ruleset.tenantId}/${key}`)) candidates.push({ tenantId: ruleset.tenantId, trigger, key });
    }
  }
  const linked = await createLinkRuns(deps, { tenantIds: [...new Set(rulesets.map((ruleset) => ruleset.tenantId))], ...(options.log ? { log: options.log } : {}) });
  if (candidates.length === 0) return linked;
  for (const existing of await findRunKeys(deps.db, [...new Set(candidates.map((candidate) => candidate.key))])) {
    state.settled.add(`${existing.tenantId}/${existing.triggerKey}`);
  }
  const created = [];
  for (const candidate of candidates) {
    const settledKey = `${candidate.tenantId}/${candidate.key}`;
    if (state.settled.has(settledKey)) continue;
    // This instance re-screens with its own index: have it hold the new version first.
    if (candidate.trigger.kind === 'list_version' && !deps.lists.holds(candidate.trigger.versionId)) {
      await deps.lists.refresh(deps.db);
    }
    const run = await createRunWithItems(deps.db, { id: uuidv7(), tenantId: candidate.tenantId, triggerKey: candidate.key, trigger: candidate.trigger });
    state.settled.add(settledKey);
    if (run) {
      created.push({ id: run.id, tenantId: candidate.tenantId, trigger: candidate.trigger, total: run.total });
      options.log?.info({ monitoringRun: run.id, trigger: candidate.trigger, total: run.total }, 'monitoring run created');
    }
  }
  return [...linked, ...created];
}

/** Decisions read per tenant and transaction by the link scan. */
const LINK_SCAN_WINDOW = 1000;

/**
 * Retroactive link alerts: for each screening since the tenant's link cursor that shares an
 * identifier with earlier applicants, a `link` run screens those applicants again (each gets a
 * new decision, and a case, when its outcome changes; its link hit names the later applicant).
 * Runs and the cursor move in one transaction: a crash repeats the scan, it never skips one.
 */
export async function createLinkRuns(
  deps: Pick<MonitoringDeps, 'db'>,
  options: { tenantIds: readonly string[]; log?: MonitoringLog },
): Promise<{ id: string; tenantId: string; trigger: MonitoringTrigger; total: number }[]> {
  const created: { id: string; tenantId: string; trigger: MonitoringTrigger; total: number }[] = [];
  for (const tenantId of options.tenantIds) {
    for (;;) {
      const scanned = await deps.db.transaction(async (tx) => {
        const after = await lockLinkCursor(tx, tenantId);
        if (after === undefined) return { more: false };
        const { upTo, decisions } = await findLinkingDecisions(tx, tenantId, { after, limit: LINK_SCAN_WINDOW });
        for (const decision of decisions) {
          const trigger: MonitoringTrigger = { kind: 'link', decisionId: decision.id, sequence: decision.sequence };
          const run = await createRunWithItems(tx, { id: uuidv7(), tenantId, triggerKey: triggerKeyOf(trigger), trigger });
          if (run) created.push({ id: run.id, tenantId, trigger, total: run.total });
        }
        if (upTo !== after) await moveLinkCursor(tx, tenantId, upTo);
        return { more: upTo - after >= LINK_SCAN_WINDOW };
      });
      if (!scanned.more) break;
    }
  }
  for (const run of created) options.log?.info({ monitoringRun: run.id, trigger: run.trigger, total: run.total }, 'monitoring run created');
  return created;
}

// ── Processing work items ───────────────────────────────────────────────────────────────

interface Plan {
  item: ClaimedItem;
  state: SubjectState | undefined;
  outcome?: ItemOutcome;
  /** Set for subjects to screen again in full, until they are (evaluatePending). */
  pending?: { stored: StoredScreening; restored: RestoredSubject; basis: EvaluationBasis };
  /** Set for subjects screened again in full. */
  full?: { evaluation: Evaluation; links: LinkKey[]; name: string; ruleset: Ruleset; listVersions: ListVersionRef[] };
}

interface BatchResult {
  processed: number;
  changed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  /** Items whose lease this worker had lost before it could finish them. */
  lost: number;
}

function outcomeOf(item: ClaimedItem, state: SubjectState | undefined, fields: Partial<ItemOutcome> & Pick<ItemOutcome, 'status'>): ItemOutcome {
  return {
    runId: item.runId,
    subjectId: item.subjectId,
    method: null,
    previousDecisionId: state?.decisionId ?? null,
    previousOutcome: state?.outcome ?? null,
    previousScore: state?.score ?? null,
    newDecisionId: null,
    newOutcome: null,
    newScore: null,
    rulesetId: null,
    listVersionIds: null,
    error: null,
    ...fields,
  };
}

async function refreshVersionSources(db: DbOrTx, state: WorkerState) {
  for (const row of await findListVersionSources(db)) state.versionSources.set(row.id, row.source);
}

/** Listed document numbers of the current versions, by keyed hash (cached per set of versions). */
async function documentNumbersFor(deps: MonitoringDeps, state: WorkerState, snapshot: ListSnapshot) {
  const key = snapshot.versions.map((ref) => ref.versionId).sort().join(',');
  if (state.documentVersionsKey !== key) {
    state.documentNumbers = await listedDocumentNumbers(deps, snapshot.versions.map((ref) => ref.versionId));
    // Numbers of changed entries join below; they belong to the previous set's deltas.
    state.deltas.clear();
    state.documentVersionsKey = key;
  }
  return state.documentNumbers;
}

/** What differs between the versions a subject was checked against and the current ones. */
async function listChangesFor(deps: MonitoringDeps, state: WorkerState, changes: readonly VersionChange[]): Promise<ListChanges> {
  const key = versionChangesKey(changes);
  const cached = state.deltas.get(key);
  if (cached) return cached;
  const entries = (await Promise.all(changes.map((change) => findChangedEntries(deps.db, change)))).flat();
  const identifierKeys = new Set<string>();
  const documentKinds = new Set<string>(DOCUMENT_IDENTIFIER_KINDS);
  for (const entry of entries) {
    for (const identifier of entry.data.identifiers) {
      identifierKeys.add(identifierKey(identifier.kind, identifier.normalized));
      // A subject whose document matched a removed entry must still be recognised as touched.
      if (documentKinds.has(identifier.kind)) state.documentNumbers.set(linkKeyOf(deps.keyedHash, 'document', identifier.normalized), identifier.normalized);
    }
  }
  const snapshot = buildSnapshot([], entries);
  const delta: ListChanges = { searchNames: (query, options) => snapshot.searchNames(query, options), identifierKeys };
  state.deltas.set(key, delta);
  return delta;
}

async function planItem(
  deps: MonitoringDeps,
  state: WorkerState,
  context: { snapshot: ListSnapshot; ruleset: Ruleset | undefined; documentNumbers: Map<string, string> },
  plan: Plan,
): Promise<void> {
  const subject = plan.state;
  if (!subject?.decisionId || subject.inputDigest === null) {
    plan.outcome = outcomeOf(plan.item, subject, { status: 'skipped', error: 'The subject has no decision to screen again' });
    return;
  }
  if (subject.input === null || subject.input === undefined) {
    plan.outcome = outcomeOf(plan.item, subject, { status: 'skipped', error: "The stored input was erased (retention or the subject's erasure request)" });
    return;
  }
  const { ruleset, snapshot } = context;
  if (!ruleset) {
    plan.outcome = outcomeOf(plan.item, subject, { status: 'failed', error: 'The tenant has no published ruleset' });
    return;
  }
  const basis = listBasis(subject);
  const checkedAgainst = { rulesetId: ruleset.id, listVersionIds: snapshot.versions.map((ref) => ref.versionId) };
  const evaluationBasis = { ruleset, snapshot, listedDocumentNumber: (hash: string) => context.documentNumbers.get(hash) };
  const stored = { tenantId: plan.item.tenantId, decisionId: subject.decisionId, subjectId: subject.subjectId, externalRef: subject.externalRef, input: subject.input };
  const restored = restoreStoredInput(deps, stored, evaluationBasis);

  // A link run is about other applicants, which no list or ruleset delta shows: always in full.
  const linkRun = state.runs.get(plan.item.runId)?.trigger.kind === 'link';
  if (basis.rulesetId === ruleset.id && !linkRun) {
    let changes = listVersionChanges(basis.listVersionIds, snapshot.versions, (id) => state.versionSources.get(id));
    if (changes === undefined) {
      await refreshVersionSources(deps.db, state);
      changes = listVersionChanges(basis.listVersionIds, snapshot.versions, (id) => state.versionSources.get(id));
    }
    if (changes !== undefined) {
      const touched =
        changes.length > 0 &&
        isTouchedByListChanges(restored.subject, collectLookups(restored.subject, restored.hash).identifiers, listDependentRules(ruleset), await listChangesFor(deps, state, changes));
      if (!touched) {
        plan.outcome = outcomeOf(plan.item, subject, { status: 'unchanged', method: 'delta', ...checkedAgainst });
        return;
      }
    }
  }

  // Evaluated with the batch's other full re-screens (evaluatePending): one lookup statement for all.
  plan.pending = { stored, restored, basis: evaluationBasis };
}

/** Subjects evaluated per lookup statement. */
const LOOKUP_CHUNK = 100;

/**
 * The batch's full re-screens, grouped by what they are evaluated against (tenant, ruleset and
 * list snapshot: the list index may move on while a batch is planned, and each item must be
 * evaluated against the snapshot its run records): previous screenings and lookups in one
 * statement per chunk, then each evaluated as a screening would be. A chunk that fails fails its items.
 */
async function evaluatePending(deps: MonitoringDeps, plans: readonly Plan[]): Promise<void> {
  const groups: { tenantId: string; basis: EvaluationBasis; plans: Plan[] }[] = [];
  for (const plan of plans) {
    if (!plan.pending) continue;
    const { basis } = plan.pending;
    const same = groups.find((group) => group.tenantId === plan.item.tenantId && group.basis.ruleset === basis.ruleset && group.basis.snapshot === basis.snapshot);
    if (same) same.plans.push(plan);
    else groups.push({ tenantId: plan.item.tenantId, basis, plans: [plan] });
  }
  for (const { tenantId, basis, plans: group } of groups) {
    for (let start = 0; start < group.length; start += LOOKUP_CHUNK) {
      const chunk = group.slice(start, start + LOOKUP_CHUNK);
      try {
        const evaluated = await evaluateRestoredMany(deps, tenantId, chunk.map((plan) => plan.pending!), basis, yieldToEventLoop);
        for (const [index, plan] of chunk.entries()) {
          const { evaluation, links, restored } = evaluated[index]!;
          plan.full = { evaluation, links, name: restored.subject.name, ruleset: basis.ruleset, listVersions: basis.snapshot.versions };
        }
      } catch (error) {
        for (const plan of chunk) plan.outcome = outcomeOf(plan.item, plan.state, { status: 'failed', error: errorText(error) });
      }
      for (const plan of chunk) delete plan.pending;
    }
  }
}

/** What the subject was last checked against: a later unchanged check, else its last decision. */
function listBasis(subject: SubjectState): { rulesetId: string | null; listVersionIds: string[] } {
  if (subject.basisRulesetId && subject.basisListVersionIds) return { rulesetId: subject.basisRulesetId, listVersionIds: subject.basisListVersionIds };
  return { rulesetId: subject.rulesetId, listVersionIds: (subject.listVersions ?? []).map((ref) => ref.versionId) };
}

/**
 * Lets timers and I/O run. On embedded PGlite a query never waits for I/O, so a busy loop of
 * queries is one long chain of microtasks that would keep HTTP requests (and other workers)
 * from being served until the run ends.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * Writes the decisions of fully re-screened subjects whose outcome changed and marks their
 * items done, in one transaction, only for items this worker still leases.
 */
async function writeChunk(deps: MonitoringDeps, owner: string, plans: readonly Plan[]): Promise<{ finished: ItemOutcome[]; lost: number }> {
  return deps.db.transaction(async (tx) => {
    const owned = new Set((await lockOwnedItems(tx, { owner, keys: plans.map((plan) => plan.item) })).map((row) => `${row.runId}/${row.subjectId}`));
    const mine = plans.filter((plan) => owned.has(`${plan.item.runId}/${plan.item.subjectId}`));
    const full = mine.filter((plan) => plan.full);
    // Subjects first, in id order, then the chain head (in recordScreening): the order a new
    // screening takes them too, so a re-screen and a screening of one subject cannot deadlock.
    const current = new Map((await lockSubjects(tx, [...new Set(full.map((plan) => plan.item.subjectId))].sort())).map((row) => [row.id, row.lastDecisionId]));
    const outcomes: ItemOutcome[] = [];
    for (const plan of mine) {
      if (plan.outcome) {
        outcomes.push(plan.outcome);
        continue;
      }
      const subject = plan.state!;
      const work = plan.full!;
      const checkedAgainst = { rulesetId: work.ruleset.id, listVersionIds: work.listVersions.map((ref) => ref.versionId) };
      const lastDecisionId = current.get(plan.item.subjectId);
      if (lastDecisionId !== subject.decisionId) {
        outcomes.push(outcomeOf(plan.item, subject, { status: 'skipped', method: 'full', error: `Screened again while the run was in progress (decision ${lastDecisionId})` }));
        continue;
      }
      const previous = { outcome: subject.outcome ?? '', score: subject.score ?? -1, hits: (subject.hits ?? []) as Hit[] };
      // No hit names a list entry, so the false-positive memory leaves the evaluation as it is
      // (applyFalsePositiveMemory): recordScreening would keep nothing when nothing changed.
      if (!work.evaluation.hits.some((hit) => hit.entry) && !hasChanged(previous, work.evaluation)) {
        outcomes.push(outcomeOf(plan.item, subject, { status: 'unchanged', method: 'full', ...checkedAgainst }));
        continue;
      }
      try {
        // A savepoint per subject: one that fails is recorded as failed, the others still commit.
        const recorded = await tx.transaction((savepoint) =>
          recordScreening(savepoint, deps.chains, {
            tenantId: plan.item.tenantId,
            subject: { id: plan.item.subjectId },
            externalRef: subject.externalRef,
            name: work.name,
            links: work.links,
            evaluation: work.evaluation,
            ruleset: work.ruleset,
            listVersions: work.listVersions,
            input: subject.input,
            inputDigest: subject.inputDigest!,
            idempotencyKey: null,
            createdAt: deps.now().toISOString(),
            lockChainHead: true,
            keep: (screened) => hasChanged(previous, screened),
          }),
        );
        outcomes.push(
          recorded
            ? outcomeOf(plan.item, subject, { status: 'changed', method: 'full', newDecisionId: recorded.row.id, newOutcome: recorded.row.outcome, newScore: recorded.row.score, ...checkedAgainst })
            : outcomeOf(plan.item, subject, { status: 'unchanged', method: 'full', ...checkedAgainst }),
        );
      } catch (error) {
        outcomes.push(outcomeOf(plan.item, subject, { status: 'failed', method: 'full', error: errorText(error) }));
      }
    }
    await finishItems(tx, { owner, outcomes });
    return { finished: outcomes, lost: plans.length - mine.length };
  });
}

/** Processes one leased batch: plan (delta check or full evaluation), then write and finish. */
async function processBatch(
  deps: MonitoringDeps,
  state: WorkerState,
  claimed: readonly ClaimedItem[],
  options: { maxAttempts?: number; writeChunk?: number; shouldStop?: () => boolean } = {},
): Promise<BatchResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
  const plans: Plan[] = [];
  const states = new Map((await findSubjectStates(deps.db, claimed.map((item) => item.subjectId))).map((row) => [row.subjectId, row]));
  await ensureIndexCovers(deps, state, claimed);
  // Watchlists keep documents as link keys only: the numbers to restore are the global lists'.
  const documentNumbers = await documentNumbersFor(deps, state, deps.lists.current());
  if (state.versionSources.size === 0) await refreshVersionSources(deps.db, state);
  const rulesets = new Map<string, Ruleset | undefined>();
  for (const item of claimed) {
    const plan: Plan = { item, state: states.get(item.subjectId) };
    plans.push(plan);
    if (item.attempts > maxAttempts) {
      plan.outcome = outcomeOf(item, plan.state, { status: 'failed', error: `Gave up after ${maxAttempts} attempts` });
      continue;
    }
    if (options.shouldStop?.()) break;
    if (!rulesets.has(item.tenantId)) rulesets.set(item.tenantId, await findActiveRuleset(deps.db, item.tenantId));
    try {
      await planItem(deps, state, { snapshot: deps.lists.forTenant(item.tenantId), ruleset: rulesets.get(item.tenantId), documentNumbers }, plan);
    } catch (error) {
      plan.outcome = outcomeOf(item, plan.state, { status: 'failed', error: errorText(error) });
    }
    if (plans.length % 64 === 0) await yieldToEventLoop();
  }
  await evaluatePending(deps, plans);
  const result: BatchResult = { processed: 0, changed: 0, unchanged: 0, skipped: 0, failed: 0, lost: 0 };
  const count = (outcomes: readonly ItemOutcome[], finished: number) => {
    result.lost += outcomes.length - finished;
    for (const outcome of outcomes) result[outcome.status] += 1;
    result.processed += finished;
  };
  // Everything decided without a decision to write is marked done in one statement, which
  // itself only touches rows this worker still leases.
  const light = plans.flatMap((plan) => (plan.outcome ? [plan.outcome] : []));
  if (light.length > 0) count(light, await finishItems(deps.db, { owner: state.owner, outcomes: light }));
  const chunkSize = options.writeChunk ?? DEFAULTS.writeChunk;
  const heavy = plans.filter((plan) => plan.full);
  for (let start = 0; start < heavy.length; start += chunkSize) {
    await yieldToEventLoop();
    const written = await writeChunk(deps, state.owner, heavy.slice(start, start + chunkSize));
    count(written.finished, written.finished.length);
    result.lost += written.lost;
  }
  return result;
}

/** A run for a list version this instance's index does not hold yet: refresh it before screening. */
async function ensureIndexCovers(deps: MonitoringDeps, state: WorkerState, claimed: readonly ClaimedItem[]) {
  const missing = [...new Set(claimed.map((item) => item.runId))].filter((id) => !state.runs.has(id));
  for (const run of await findRunsByIds(deps.db, missing)) state.runs.set(run.id, run);
  const wanted = [...new Set(claimed.map((item) => state.runs.get(item.runId)?.trigger))].flatMap((trigger) => (trigger?.kind === 'list_version' ? [trigger.versionId] : []));
  if (wanted.some((versionId) => !deps.lists.holds(versionId))) await deps.lists.refresh(deps.db);
}

// ── The worker ──────────────────────────────────────────────────────────────────────────

export interface MonitoringWorker {
  start(): void;
  /** Stops after the current step; unfinished leased items are released for others. */
  stop(): Promise<void>;
  /** Looks for new versions and work now instead of at the next poll. */
  kick(): void;
  readonly owner: string;
}

/** Sleeps that `wakeAll` ends early (a kick, a stop); none starts once `stopped()` is true. */
function wakeableSleep(stopped: () => boolean) {
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped()) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };
  return { sleep, wakeAll };
}

export function createMonitoringWorker(deps: MonitoringDeps, options: MonitoringWorkerOptions = {}): MonitoringWorker {
  const settings = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) } as typeof DEFAULTS & MonitoringWorkerOptions;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${uuidv7().slice(-12)}`;
  const state = newState(owner);
  let stopped = false;
  let running: Promise<void> | undefined;
  const { sleep, wakeAll } = wakeableSleep(() => stopped);

  const warn = (error: unknown, message: string) => options.log?.warn({ err: { message: errorText(error) } }, message);

  async function step(lane: number): Promise<boolean> {
    if (lane === 0) await createDueRuns(deps, { listSettleMs: settings.listSettleMs, state, ...(options.log ? { log: options.log } : {}) });
    const claimed = await claimItems(deps.db, { owner, limit: settings.batchSize, leaseMs: settings.leaseMs });
    if (claimed.length === 0) {
      for (const id of await completeFinishedRuns(deps.db)) options.log?.info({ monitoringRun: id }, 'monitoring run completed');
      return false;
    }
    const heartbeat = setInterval(() => {
      extendLeases(deps.db, { owner, leaseMs: settings.leaseMs }).catch((error: unknown) => warn(error, 'monitoring lease heartbeat failed'));
    }, Math.max(50, Math.floor(settings.leaseMs / 3)));
    heartbeat.unref();
    try {
      await processBatch(deps, state, claimed, { maxAttempts: settings.maxAttempts, writeChunk: settings.writeChunk, shouldStop: () => stopped });
    } finally {
      clearInterval(heartbeat);
    }
    for (const id of await completeFinishedRuns(deps.db)) options.log?.info({ monitoringRun: id }, 'monitoring run completed');
    return true;
  }

  async function lane(index: number) {
    while (!stopped) {
      let busy = false;
      try {
        busy = await step(index);
      } catch (error) {
        warn(error, 'monitoring step failed');
      }
      if (!busy && !stopped) await sleep(settings.pollMs);
      else await yieldToEventLoop();
    }
  }

  async function loop() {
    if (settings.exclusiveDatabase) await releaseAllLeases(deps.db).catch((error: unknown) => warn(error, 'releasing stale monitoring leases failed'));
    await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, (_, index) => lane(index)));
    await releaseLeasesOf(deps.db, owner).catch((error: unknown) => warn(error, 'releasing monitoring leases failed'));
  }

  return {
    owner,
    start() {
      if (!running) running = loop();
    },
    async stop() {
      stopped = true;
      wakeAll();
      await running;
    },
    kick() {
      wakeAll();
    },
  };
}

// ── Views ───────────────────────────────────────────────────────────────────────────────

const iso = (value: string | Date) => new Date(value).toISOString();

function toRunView(row: MonitoringRunRow, progress: { done: number; changed: number; unchanged: number; skipped: number; failed: number } | undefined): MonitoringRunView {
  return {
    id: row.id,
    status: row.status as MonitoringRunView['status'],
    trigger: row.trigger,
    total: row.total,
    done: progress?.done ?? 0,
    changed: progress?.changed ?? 0,
    unchanged: progress?.unchanged ?? 0,
    skipped: progress?.skipped ?? 0,
    failed: progress?.failed ?? 0,
    createdAt: iso(row.createdAt),
    completedAt: row.completedAt ? iso(row.completedAt) : null,
  };
}

export async function listRuns(db: Db, tenantId: string, query: { limit: number; cursor?: string | undefined }) {
  const rows = await findRuns(db, { tenantId, limit: query.limit + 1, before: query.cursor });
  const page = rows.slice(0, query.limit);
  const progress = new Map((await findRunProgress(db, page.map((row) => row.id))).map((row) => [row.runId, row]));
  return { items: page.map((row) => toRunView(row, progress.get(row.id))), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

export const RESULT_STATUSES = ['changed', 'unchanged', 'skipped', 'failed'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export async function getRun(db: Db, tenantId: string, id: string, query: { status: ResultStatus; limit: number; cursor?: string | undefined }) {
  const row = await findRun(db, tenantId, id);
  if (!row) throw notFound('Monitoring run');
  const [progress] = await findRunProgress(db, [row.id]);
  const results = await findRunResults(db, { runId: row.id, status: query.status, limit: query.limit + 1, after: query.cursor });
  const page = results.slice(0, query.limit);
  return {
    ...toRunView(row, progress),
    results: {
      status: query.status,
      items: page.map((result) => ({
        subjectId: result.subjectId,
        externalRef: result.externalRef,
        method: result.method as 'delta' | 'full' | null,
        previous: result.previousDecisionId ? { decisionId: result.previousDecisionId, outcome: result.previousOutcome as Outcome, score: result.previousScore ?? 0 } : null,
        new: result.newDecisionId ? { decisionId: result.newDecisionId, outcome: result.newOutcome as Outcome, score: result.newScore ?? 0 } : null,
        error: result.error,
        processedAt: result.processedAt ? iso(result.processedAt) : null,
      })),
      nextCursor: results.length > query.limit ? (page.at(-1)?.subjectId ?? null) : null,
    },
  };
}
