import { uuidv7 } from 'uuidv7';
import type { Db, DbOrTx } from '../db/client.js';
import type { DecisionChains } from '../db/decision-chain.js';
import { findDecision, findDecisionByIdempotencyKey, type DecisionRow, type UnchainedDecision } from '../db/repositories/decisions.repository.js';
import { isSubjectNotNew, isTransientConflict, isUniqueViolation } from '../db/errors.js';
import { setLastDecision, upsertSubject } from '../db/repositories/subjects.repository.js';
import { LinkedSubjectsCut, linkedHoldersWanted, plannedNameSearches, type Evaluation } from '../domain/rules/evaluate.js';
import { nameKeyOf } from '../domain/rules/name-similarity.js';
import { collectLookups, type KeyedHash, type LinkKey } from '../domain/rules/subject-lookups.js';
import { redactForStorage } from '../domain/rules/subject-redaction.js';
import type { ScreeningLookupQueue } from '../db/lookup-queue.js';
import { findScreeningLookups, insertLinkKeys, type LookupSubject } from '../db/repositories/lookups.repository.js';
import type { Hit, Outcome, Ruleset } from '../domain/rules/ruleset.js';
import type { ScreeningSubject } from '../domain/rules/screening-subject.js';
import { AppError, notFound } from '../errors.js';
import { canonicalDigest } from '../shared/hashing.js';
import { sealDecision, type ChainHead } from '../domain/audit/chain-record.js';
import { isCaseOutcome } from '../domain/cases/case-state.js';
import { nodeSha256 } from '../audit/node-sha256.js';
import type { ActiveRulesets, InFlight } from './active-ruleset.service.js';
import { evaluateHere, type EvaluateScreening } from './evaluation-offload.js';
import { applyFalsePositiveMemory, caseOpening, caseRefOfDecision, NO_CASE, openOrJoinCase, type DecisionCaseRef } from './cases.service.js';
import { webhookPayload } from './webhooks.service.js';
import type { ListIndexHolder, ListSnapshot } from './list-index.service.js';
import type { ListVersionRef } from '../db/schema/index.js';
import { findVersionImportTimes } from '../db/repositories/lists.repository.js';
import { withListAges } from '../domain/lists/list-age.js';
import type { DecisionView } from '../http/schemas/screening.schemas.js';
import type { IpIntelligence } from '../domain/rules/login-locations.js';
import type { IpLocator } from './ip-intelligence.service.js';
import { inSpan, inSpanSync } from '../telemetry/spans.js';

export interface ScreeningDeps {
  db: Db;
  lists: ListIndexHolder;
  now: () => Date;
  /** HMAC for personal identifiers; see keyed-hash.service.ts. */
  keyedHash: KeyedHash;
  /** Where the rules run: the evaluation thread, or (absent) the calling thread. */
  evaluate?: EvaluateScreening;
  /** Told of each evaluation's duration and each decision recorded (metrics); nothing personal. */
  observe?: ScreeningObserver;
  /** Geolocates login IPs (ip-intelligence.service.ts); absent: login rules use the caller's countries. */
  ipLocator?: Pick<IpLocator, 'locate'>;
  /** The tenants' active rulesets, cached by this set of services (createServices). */
  rulesets: ActiveRulesets;
  /** Screenings of this set of services under way: a lone one is evaluated on the calling thread. */
  inFlight: InFlight;
  /** The tenants' decision chains as these services append to them (createServices). */
  chains: DecisionChains;
  /** Sends concurrent screenings' lookups together (lookup-queue.ts); absent: each on its own. */
  lookups?: ScreeningLookupQueue;
}

export interface ScreeningObserver {
  /** Seconds the name search and rule evaluation took. */
  evaluated(seconds: number): void;
  /** A decision was recorded: its outcome and the rule of each hit. */
  decided(decision: { outcome: string; ruleIds: readonly string[] }): void;
}

export function toDecisionView(row: DecisionRow, caseRef: DecisionCaseRef = NO_CASE, listImportTimes: ReadonlyMap<string, string> = new Map()): DecisionView {
  return {
    id: row.id,
    externalRef: row.externalRef,
    outcome: row.outcome as Outcome,
    score: row.score,
    hits: row.hits as Hit[],
    rulesetVersion: row.rulesetVersion,
    listVersions: withListAges(row.listVersions, listImportTimes, new Date(row.createdAt)),
    inputDigest: row.inputDigest,
    createdAt: new Date(row.createdAt).toISOString(),
    ...caseRef,
  };
}

/** Import times of a decision's list versions: from the index for the active ones, else the database. */
async function listImportTimes(deps: Pick<ScreeningDeps, 'db'> & Partial<Pick<ScreeningDeps, 'lists'>>, refs: readonly ListVersionRef[]): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  const missing: string[] = [];
  for (const ref of refs) {
    const at = deps.lists?.importedAtOf(ref.versionId);
    if (at) times.set(ref.versionId, at);
    else missing.push(ref.versionId);
  }
  for (const row of await findVersionImportTimes(deps.db, missing)) times.set(row.id, new Date(row.importedAt).toISOString());
  return times;
}

export interface ScreenRequest {
  tenantId: string;
  subject: ScreeningSubject;
  idempotencyKey?: string;
  /** Enrol the subject in monitoring: screened again when a list or ruleset version becomes active. */
  monitor?: boolean;
}

/** The decision an earlier request with the same Idempotency-Key made; 422 when its body differed. */
async function earlierDecision(deps: ScreeningDeps, tenantId: string, idempotencyKey: string, input: ScreeningInput, inputDigest: string) {
  const previous = await findDecisionByIdempotencyKey(deps.db, tenantId, idempotencyKey);
  if (!previous) return undefined;
  if (!isSameRequest(previous, input, inputDigest)) {
    throw new AppError('unprocessable', 'This Idempotency-Key was already used with a different request body', [
      { field: 'Idempotency-Key', message: 'reused with a different body' },
    ]);
  }
  return { decision: toDecisionView(previous, await caseRefOfDecision(deps.db, tenantId, previous.id), await listImportTimes(deps, previous.listVersions)), replayed: true };
}

/** What a screening stores and digests: the subject as stored, and where its login IPs were located. */
export interface ScreeningInput {
  subject: ReturnType<typeof redactForStorage>;
  ipIntelligence?: IpIntelligence;
}

/**
 * The same body as the earlier request with this Idempotency-Key: the same digest, or the same
 * subject whose IPs an earlier database located (the database was updated between the two).
 */
function isSameRequest(previous: DecisionRow, input: ScreeningInput, inputDigest: string): boolean {
  if (previous.inputDigest === inputDigest) return true;
  const recorded = (previous.input as { ipIntelligence?: unknown } | null)?.ipIntelligence;
  return recorded !== undefined && input.ipIntelligence !== undefined && canonicalDigest({ ...input, ipIntelligence: recorded }) === previous.inputDigest;
}

/** The login IPs located, when the subject has logins and the service a locator. */
export function locateLoginIps(deps: Pick<ScreeningDeps, 'ipLocator'>, subject: ScreeningSubject): IpIntelligence | undefined {
  const logins = subject.logins ?? [];
  return deps.ipLocator && logins.length > 0 ? deps.ipLocator.locate(logins.map((login) => login.ip)) : undefined;
}

/**
 * Answers from PostgreSQL what the rules need besides the in-memory name index: list
 * identifiers equal to the subject's, other subjects sharing a link key (the laptop-farm
 * pattern), and the keys recorded at this subject's previous screening.
 */
export async function answerLookups(
  deps: Pick<ScreeningDeps, 'db' | 'keyedHash' | 'lookups'>,
  request: Pick<ScreenRequest, 'tenantId' | 'subject'>,
  versionIds: string[],
  linkedPerKey?: number,
) {
  const { externalRef } = request.subject;
  return answerLookupsFor(deps, { tenantId: request.tenantId, subject: request.subject, ...(externalRef === undefined ? {} : { stored: { externalRef } }), linkedPerKey }, versionIds);
}

/** Whose lookups to answer: a new screening finds its subject by externalRef, a re-screen knows it. */
export interface LookupScope {
  tenantId: string;
  subject: ScreeningSubject;
  /** The keyed hash for link keys; a re-screen passes one that maps stored hashes back (domain/monitoring). */
  keyedHash?: KeyedHash;
  /**
   * The subject as stored, whose own keys are not another applicant's and whose previous
   * screening the profile-change rules compare with. Absent: a subject never seen before.
   */
  stored?: LookupSubject;
  /** Only other applicants' keys recorded before this place in the chain (a replay). */
  beforeSequence?: number;
  /** Other applicants per key and kind, the earliest (`LookupQuery.linkedPerKey`); absent: all. */
  linkedPerKey?: number | undefined;
}

export async function answerLookupsFor(deps: Pick<ScreeningDeps, 'db' | 'keyedHash' | 'lookups'>, scope: LookupScope, versionIds: string[]) {
  const lookups = collectLookups(scope.subject, scope.keyedHash ?? deps.keyedHash);
  const query = {
    tenantId: scope.tenantId,
    versionIds,
    identifiers: lookups.identifiers,
    links: lookups.links,
    subject: scope.stored,
    beforeSequence: scope.beforeSequence,
    linkedPerKey: scope.linkedPerKey,
  };
  const answers = await (deps.lookups ? deps.lookups.find(query) : findScreeningLookups(deps.db, query));
  return { lookups, ...answers };
}

/** Everything one screening writes; built by `screenSubject` and by monitoring's re-screens. */
export interface ScreeningRecord {
  tenantId: string;
  /** Found or created by the caller's externalRef (a screening), or already known (a re-screen). */
  subject: { externalRef: string | undefined; monitored: boolean } | { id: string };
  externalRef: string | null;
  /** The screened name, for the name stored beside the link keys. */
  name: string;
  links: readonly LinkKey[];
  evaluation: { hits: Hit[]; score: number; outcome: Outcome };
  ruleset: Pick<Ruleset, 'id' | 'version' | 'thresholds' | 'combination'>;
  listVersions: ListVersionRef[];
  input: unknown;
  inputDigest: string;
  idempotencyKey: string | null;
  createdAt: string;
  /**
   * Decides, once the false-positive memory has been applied, whether to write at all: a
   * re-screen that found nothing new writes no decision. Absent means always. Only with a
   * known subject (`{ id }`): a new screening points its subject at the decision as it upserts it.
   */
  keep?: (screened: { hits: Hit[]; score: number; outcome: Outcome }) => boolean;
  /** Lock the chain head outright: for a transaction that appends many decisions (re-screens). */
  lockChainHead?: boolean;
  /**
   * The lookups found no stored subject with this externalRef (or there is none): an applicant
   * never screened before, whose screening needs no false-positive memory and joins no case.
   */
  subjectWasNew?: boolean;
}

/** The decision a screening record makes, before its subject and its place in the chain are known. */
function draftOf(record: ScreeningRecord, id: string, screened: { hits: Hit[]; score: number; outcome: Outcome }) {
  return {
    id,
    tenantId: record.tenantId,
    externalRef: record.externalRef,
    outcome: screened.outcome,
    score: screened.score,
    hits: screened.hits,
    rulesetId: record.ruleset.id,
    rulesetVersion: record.ruleset.version,
    listVersions: record.listVersions,
    input: record.input,
    inputDigest: record.inputDigest,
    idempotencyKey: record.idempotencyKey,
    createdAt: record.createdAt,
  };
}

const sealWithNodeCrypto = (decision: UnchainedDecision, head: ChainHead | null) => sealDecision({ ...decision, externalRef: decision.externalRef ?? null }, head, nodeSha256);

/**
 * A new screening written with others in one statement (decision-chain.ts): one that writes only
 * its subject, link keys and decision (no case, no list entry, so no false-positive memory; most
 * applicants screen clear), and any screening of an applicant never seen before, whose case, if
 * it opens one, is new too. Everything else needs a transaction (recordScreening).
 */
export function isBatchable(record: ScreeningRecord): record is ScreeningRecord & { subject: { externalRef: string | undefined; monitored: boolean } } {
  if ('id' in record.subject || record.keep !== undefined) return false;
  return record.subjectWasNew === true || !needsKnownSubject(record);
}

/** What only a stored subject can change: hits a reviewer cleared before, a case still open. */
const needsKnownSubject = (record: ScreeningRecord) => isCaseOutcome(record.evaluation.outcome) || record.evaluation.hits.some((hit) => hit.entry);

export async function recordScreeningAtOnce(db: Db, chains: DecisionChains, record: ScreeningRecord & { subject: { externalRef: string | undefined; monitored: boolean } }) {
  const decision = draftOf(record, uuidv7(), record.evaluation);
  const subjectId = uuidv7();
  const { outcome } = decision;
  // The case, when the outcome opens one, is written by the same statement as the decision.
  const opening = isCaseOutcome(outcome)
    ? inSpanSync(CASE_SPAN, () => caseOpening({ tenantId: record.tenantId, subjectId, decision: { id: decision.id, outcome, score: decision.score, externalRef: decision.externalRef }, now: record.createdAt }), { 'redflag.case.opened': true })
    : undefined;
  const row = await inSpan(CHAIN_SPAN, () => chains.appendScreening(db, decision, sealWithNodeCrypto, {
    newId: subjectId,
    externalRef: record.subject.externalRef ?? null,
    monitored: record.subject.monitored,
    nameKey: nameKeyOf(record.name),
    links: record.links,
    mustBeNew: needsKnownSubject(record),
    ...(opening ? { opensCase: { caseRow: opening.caseRow, event: opening.event, webhookPayload: webhookPayload({ ...opening.webhook, now: record.createdAt }) } } : {}),
  }), { 'redflag.write.kind': 'one_statement' });
  return { row, caseRef: opening?.ref ?? NO_CASE };
}

/**
 * Writes one screening inside the caller's transaction: the subject, the case it opens or joins,
 * the link keys it recorded, and last the decision appended to the tenant's hash chain.
 */
export async function recordScreening(tx: DbOrTx, chains: DecisionChains, record: ScreeningRecord): Promise<{ row: DecisionRow; caseRef: DecisionCaseRef } | undefined> {
  if (record.keep && !('id' in record.subject)) throw new Error('`keep` needs a known subject');
  const decisionId = uuidv7();
  const subject =
    'id' in record.subject
      ? { id: record.subject.id, created: false }
      : await upsertSubject(tx, { tenantId: record.tenantId, externalRef: record.subject.externalRef, monitored: record.subject.monitored, lastDecisionId: decisionId, at: record.createdAt });
  // A subject seen for the first time has no hit a reviewer cleared before.
  const screened = subject.created
    ? record.evaluation
    : await applyFalsePositiveMemory(tx, { tenantId: record.tenantId, subjectId: subject.id, evaluation: record.evaluation, thresholds: record.ruleset.thresholds, combination: record.ruleset.combination });
  if (record.keep && !record.keep(screened)) return undefined;
  const draft = { ...draftOf(record, decisionId, screened), subjectId: subject.id };
  const caseRef = await inSpan(CASE_SPAN, async (span) => {
    const ref = await openOrJoinCase(tx, { tenantId: record.tenantId, subjectId: subject.id, newSubject: subject.created, decision: draft, now: record.createdAt });
    span?.setAttribute('redflag.case.linked', ref.caseId !== null);
    return ref;
  });
  await insertLinkKeys(tx, { tenantId: record.tenantId, subjectId: subject.id, decisionId: draft.id, nameKey: nameKeyOf(record.name), keys: record.links, at: record.createdAt });
  if ('id' in record.subject) await setLastDecision(tx, subject.id, draft.id);
  // Last: from here to commit the tenant's chain head is locked (see appendDecision).
  const decision = await inSpan(CHAIN_SPAN, () => chains.appendDecision(tx, draft, sealWithNodeCrypto, { lockHead: record.lockChainHead ?? false }), { 'redflag.write.kind': 'transaction' });
  return { row: decision, caseRef };
}

/** Spans of a screening's trace (spans.ts; README "Traces"). */
const CASE_SPAN = 'redflag.case';
const SEARCH_AHEAD_SPAN = 'redflag.name_searches_ahead';
const CHAIN_SPAN = 'redflag.decision_chain';

/** Attempts at a screening's write when PostgreSQL rolls it back for a conflict. */
const WRITE_ATTEMPTS = 3;

/**
 * A write PostgreSQL rolled back because of another one (deadlock_detected, serialization_failure)
 * is made again, as a transaction. Two screenings of one applicant at the same time can deadlock:
 * a batch that had to seal again holds the chain head and waits for the applicant's row, which a
 * case-opening transaction holds while it waits for the head. And the second of two first
 * screenings of one applicant finds, as it writes, that the subject is no longer new (RF001).
 * Nothing was written by the loser.
 */
async function withConflictRetries<T>(write: (inOneStatement: boolean) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write(attempt === 1);
    } catch (error) {
      if (attempt >= WRITE_ATTEMPTS || !(isTransientConflict(error) || isSubjectNotNew(error))) throw error;
    }
  }
}

function hitRuleIds(hits: readonly unknown[]): string[] {
  return hits.flatMap((hit) => (typeof hit === 'object' && hit !== null && typeof (hit as { ruleId?: unknown }).ruleId === 'string' ? [(hit as { ruleId: string }).ruleId] : []));
}

export async function screenSubject(deps: ScreeningDeps, request: ScreenRequest): Promise<{ decision: DecisionView; replayed: boolean }> {
  deps.inFlight.count += 1;
  try {
    return await inSpan('redflag.screening', async (span) => {
      const screened = await screen(deps, request);
      span?.setAttributes({ 'redflag.decision.outcome': screened.decision.outcome, 'redflag.decision.hits': screened.decision.hits.length, 'redflag.decision.replayed': screened.replayed });
      return screened;
    });
  } finally {
    deps.inFlight.count -= 1;
  }
}

/** What a screening stores and digests, worked out from the request alone. */
function storedInputOf(deps: ScreeningDeps, request: ScreenRequest) {
  // Stored (and digested) with document numbers and bank accounts as keyed hashes only, and with
  // the IP database's answers, so that a replay locates the logins as this screening did.
  const ipIntelligence = inSpanSync('redflag.ip_intelligence', () => locateLoginIps(deps, request.subject), { 'redflag.logins': request.subject.logins?.length ?? 0 });
  const input: ScreeningInput = { subject: redactForStorage(request.subject, deps.keyedHash), ...(ipIntelligence ? { ipIntelligence } : {}) };
  return { ipIntelligence, input, inputDigest: canonicalDigest(input) };
}

/** Runs the name searches the rules will make, whose answers the snapshot keeps; the ms it took. */
function searchNamesAhead(snapshot: ListSnapshot, subject: ScreeningSubject, ruleset: Ruleset): number {
  const started = performance.now();
  inSpanSync(SEARCH_AHEAD_SPAN, () => {
    for (const search of plannedNameSearches(subject, ruleset)) snapshot.searchNames(search.query, search.options);
  });
  return performance.now() - started;
}

async function screen(deps: ScreeningDeps, request: ScreenRequest): Promise<{ decision: DecisionView; replayed: boolean }> {
  let stored: ReturnType<typeof storedInputOf> | undefined;
  if (request.idempotencyKey) {
    stored = storedInputOf(deps, request);
    const earlier = await earlierDecision(deps, request.tenantId, request.idempotencyKey, stored.input, stored.inputDigest);
    if (earlier) return earlier;
  }
  const ruleset = await deps.rulesets.get(deps.db, request.tenantId);
  if (!ruleset) throw new AppError('conflict', 'The tenant has no published ruleset');
  const snapshot = deps.lists.forTenant(request.tenantId);
  const versionIds = snapshot.versions.map((version) => version.versionId);
  // The thread hop costs more than it saves when nothing else is waiting for the event loop: a
  // screening that starts alone is evaluated here, concurrent ones on the evaluation thread.
  const evaluate = deps.evaluate && deps.inFlight.count > 1 ? deps.evaluate : evaluateHere;
  // Each key's other holders only as far as the link rules read them: a farm's key brings up to
  // 200, and parsing them and handing them to the evaluation thread was most of what a flagged
  // screening cost over a clear one (issue 21). A rule that needs more asks, and gets them all.
  const lookupsOut = inSpan('redflag.lookups', () => answerLookups(deps, request, versionIds, linkedHoldersWanted(ruleset)));
  // Awaited below; until then a failure must not count as unhandled.
  lookupsOut.catch(() => undefined);
  // While PostgreSQL answers, this thread has nothing else to do: work out the input to store and,
  // when the rules run here, the name searches they will make (the snapshot keeps the answers). A
  // lone screening no longer waits for its lookups and then for its searches (issue 21).
  stored ??= storedInputOf(deps, request);
  // Counted with the evaluation's own time below (the observer is told of both together).
  const searchedAheadMs = evaluate === evaluateHere ? searchNamesAhead(snapshot, request.subject, ruleset) : 0;
  const { ipIntelligence, input, inputDigest } = stored;
  const answers = await lookupsOut;
  let context = ipIntelligence ? { ...answers, ipIntelligence } : answers;
  const started = performance.now() - searchedAheadMs;
  let evaluation: Evaluation;
  try {
    evaluation = await inSpan('redflag.evaluation', () => evaluate(snapshot, request.subject, ruleset, context), { 'redflag.evaluation.offered_to_thread': evaluate !== evaluateHere });
  } catch (error) {
    if (!(error instanceof LinkedSubjectsCut)) throw error;
    const all = await inSpan('redflag.lookups', () => answerLookups(deps, request, versionIds));
    context = ipIntelligence ? { ...all, ipIntelligence } : all;
    evaluation = await inSpan('redflag.evaluation', () => evaluateHere(snapshot, request.subject, ruleset, context), { 'redflag.evaluation.offered_to_thread': false });
  }
  deps.observe?.evaluated((performance.now() - started) / 1000);
  const createdAt = deps.now().toISOString();
  const record: ScreeningRecord = {
    tenantId: request.tenantId,
    subject: { externalRef: request.subject.externalRef, monitored: request.monitor ?? false },
    externalRef: request.subject.externalRef ?? null,
    name: request.subject.name,
    links: context.lookups.links,
    evaluation,
    ruleset,
    listVersions: snapshot.versions,
    input,
    inputDigest,
    idempotencyKey: request.idempotencyKey ?? null,
    createdAt,
    subjectWasNew: !context.subjectKnown,
  };
  const write = (inOneStatement: boolean) =>
    inOneStatement && isBatchable(record) ? recordScreeningAtOnce(deps.db, deps.chains, record) : deps.db.transaction((tx) => recordScreening(tx, deps.chains, record));
  let outcome: NonNullable<Awaited<ReturnType<typeof write>>>;
  try {
    const recorded = await inSpan('redflag.write', () => withConflictRetries(write));
    if (!recorded) throw new Error('a screening without `keep` always records');
    outcome = recorded;
  } catch (error) {
    // Two requests with the same key both passed the lookup above; the unique index let one in.
    if (request.idempotencyKey && isUniqueViolation(error, 'decisions_tenant_idempotency_uq')) {
      const earlier = await earlierDecision(deps, request.tenantId, request.idempotencyKey, input, inputDigest);
      if (earlier) return earlier;
    }
    throw error;
  }
  deps.observe?.decided({ outcome: outcome.row.outcome, ruleIds: hitRuleIds(outcome.row.hits) });
  return { decision: toDecisionView(outcome.row, outcome.caseRef, await listImportTimes(deps, outcome.row.listVersions)), replayed: false };
}

export async function getDecision(deps: Pick<ScreeningDeps, 'db'> & Partial<Pick<ScreeningDeps, 'lists'>>, tenantId: string, id: string): Promise<DecisionView> {
  const row = await findDecision(deps.db, tenantId, id);
  if (!row) throw notFound('Decision');
  return toDecisionView(row, await caseRefOfDecision(deps.db, tenantId, row.id), await listImportTimes(deps, row.listVersions));
}
