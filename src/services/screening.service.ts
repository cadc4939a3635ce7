import { uuidv7 } from 'uuidv7';
import type { Db, DbOrTx } from '../db/client.js';
import { appendDecision, findDecision, findDecisionByIdempotencyKey, type DecisionRow } from '../db/repositories/decisions.repository.js';
import { isUniqueViolation } from '../db/errors.js';
import { setLastDecision, upsertSubject } from '../db/repositories/subjects.repository.js';
import { findActiveRuleset } from '../db/repositories/rulesets.repository.js';
import { evaluateRuleset } from '../domain/rules/evaluate.js';
import { nameKeyOf } from '../domain/rules/name-similarity.js';
import { collectLookups, type KeyedHash, type LinkKey } from '../domain/rules/subject-lookups.js';
import { redactForStorage } from '../domain/rules/subject-redaction.js';
import { findIdentifierMatches, findLinkedSubjects, findLinkKeysOfDecision, findSubjectByExternalRef, insertLinkKeys } from '../db/repositories/lookups.repository.js';
import type { Hit, Outcome, Ruleset } from '../domain/rules/ruleset.js';
import type { ScreeningSubject } from '../domain/rules/screening-subject.js';
import { AppError, notFound } from '../errors.js';
import { canonicalDigest } from '../shared/hashing.js';
import { sealDecision } from '../domain/audit/chain-record.js';
import { nodeSha256 } from '../audit/node-sha256.js';
import { applyFalsePositiveMemory, caseRefOfDecision, NO_CASE, openOrJoinCase, type DecisionCaseRef } from './cases.service.js';
import type { ListIndexHolder } from './list-index.service.js';
import type { ListVersionRef } from '../db/schema/index.js';

export interface ScreeningDeps {
  db: Db;
  lists: ListIndexHolder;
  now: () => Date;
  /** HMAC for personal identifiers; see keyed-hash.service.ts. */
  keyedHash: KeyedHash;
}

export interface DecisionView extends DecisionCaseRef {
  id: string;
  externalRef: string | null;
  outcome: Outcome;
  score: number;
  hits: Hit[];
  rulesetVersion: number;
  listVersions: ListVersionRef[];
  inputDigest: string;
  createdAt: string;
}

export function toDecisionView(row: DecisionRow, caseRef: DecisionCaseRef = NO_CASE): DecisionView {
  return {
    id: row.id,
    externalRef: row.externalRef,
    outcome: row.outcome as Outcome,
    score: row.score,
    hits: row.hits as Hit[],
    rulesetVersion: row.rulesetVersion,
    listVersions: row.listVersions,
    inputDigest: row.inputDigest,
    createdAt: new Date(row.createdAt).toISOString(),
    ...caseRef,
  };
}

export interface ScreenRequest {
  tenantId: string;
  subject: ScreeningSubject;
  idempotencyKey?: string;
  /** Enrol the subject in monitoring: screened again when a list or ruleset version becomes active. */
  monitor?: boolean;
}

/** The decision an earlier request with the same Idempotency-Key made; 422 when its body differed. */
async function earlierDecision(deps: ScreeningDeps, tenantId: string, idempotencyKey: string, inputDigest: string) {
  const previous = await findDecisionByIdempotencyKey(deps.db, tenantId, idempotencyKey);
  if (!previous) return undefined;
  if (previous.inputDigest !== inputDigest) {
    throw new AppError('unprocessable', 'This Idempotency-Key was already used with a different request body', [
      { field: 'Idempotency-Key', message: 'reused with a different body' },
    ]);
  }
  return { decision: toDecisionView(previous, await caseRefOfDecision(deps.db, tenantId, previous.id)), replayed: true };
}

/**
 * Answers from PostgreSQL what the rules need besides the in-memory name index: list
 * identifiers equal to the subject's, other subjects sharing a link key (the laptop-farm
 * pattern), and the keys recorded at this subject's previous screening.
 */
export async function answerLookups(deps: ScreeningDeps, request: ScreenRequest, versionIds: string[]) {
  const previous = request.subject.externalRef ? await findSubjectByExternalRef(deps.db, request.tenantId, request.subject.externalRef) : undefined;
  return answerLookupsFor(deps, { tenantId: request.tenantId, subject: request.subject, subjectId: previous?.id, previousDecisionId: previous?.lastDecisionId }, versionIds);
}

/** Whose lookups to answer: a new screening finds its subject by externalRef, a re-screen knows it. */
export interface LookupScope {
  tenantId: string;
  subject: ScreeningSubject;
  /** The keyed hash for link keys; a re-screen passes one that maps stored hashes back (domain/monitoring). */
  keyedHash?: KeyedHash;
  /** The subject's own row, whose keys are not another applicant's. */
  subjectId?: string | undefined;
  /** The decision whose link keys are "the previous screening" for the profile-change rules. */
  previousDecisionId?: string | null | undefined;
}

export async function answerLookupsFor(deps: Pick<ScreeningDeps, 'db' | 'keyedHash'>, scope: LookupScope, versionIds: string[]) {
  const lookups = collectLookups(scope.subject, scope.keyedHash ?? deps.keyedHash);
  const [identifierMatches, linkedSubjects, previousLinkKeys] = await Promise.all([
    findIdentifierMatches(deps.db, versionIds, lookups.identifiers),
    findLinkedSubjects(deps.db, scope.tenantId, lookups.links, scope.subjectId),
    scope.previousDecisionId ? findLinkKeysOfDecision(deps.db, scope.previousDecisionId) : Promise.resolve(undefined),
  ]);
  return { lookups, identifierMatches, linkedSubjects, ...(previousLinkKeys ? { previousLinkKeys } : {}) };
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
  ruleset: Pick<Ruleset, 'id' | 'version' | 'thresholds'>;
  listVersions: ListVersionRef[];
  input: unknown;
  inputDigest: string;
  idempotencyKey: string | null;
  createdAt: string;
  /**
   * Decides, once the false-positive memory has been applied, whether to write at all: a
   * re-screen that found nothing new writes no decision. Absent means always.
   */
  keep?: (screened: { hits: Hit[]; score: number; outcome: Outcome }) => boolean;
}

/**
 * Writes one screening inside the caller's transaction: the subject, the decision appended to
 * the tenant's hash chain, the case it opens or joins, and the link keys it recorded.
 */
export async function recordScreening(tx: DbOrTx, record: ScreeningRecord): Promise<{ row: DecisionRow; caseRef: DecisionCaseRef } | undefined> {
  const subject =
    'id' in record.subject
      ? record.subject
      : await upsertSubject(tx, { tenantId: record.tenantId, externalRef: record.subject.externalRef, monitored: record.subject.monitored, at: record.createdAt });
  const screened = await applyFalsePositiveMemory(tx, { tenantId: record.tenantId, subjectId: subject.id, evaluation: record.evaluation, thresholds: record.ruleset.thresholds });
  if (record.keep && !record.keep(screened)) return undefined;
  const decision = await appendDecision(
    tx,
    {
      id: uuidv7(),
      tenantId: record.tenantId,
      subjectId: subject.id,
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
    },
    (draft, head) => sealDecision({ ...draft, externalRef: draft.externalRef ?? null }, head, nodeSha256),
  );
  const caseRef = await openOrJoinCase(tx, { tenantId: record.tenantId, subjectId: subject.id, decision, now: record.createdAt });
  await insertLinkKeys(tx, { tenantId: record.tenantId, subjectId: subject.id, decisionId: decision.id, nameKey: nameKeyOf(record.name), keys: record.links, at: record.createdAt });
  await setLastDecision(tx, subject.id, decision.id);
  return { row: decision, caseRef };
}

export async function screenSubject(deps: ScreeningDeps, request: ScreenRequest): Promise<{ decision: DecisionView; replayed: boolean }> {
  // Stored (and digested) with document numbers and bank accounts as keyed hashes only.
  const input = { subject: redactForStorage(request.subject, deps.keyedHash) };
  const inputDigest = canonicalDigest(input);
  if (request.idempotencyKey) {
    const earlier = await earlierDecision(deps, request.tenantId, request.idempotencyKey, inputDigest);
    if (earlier) return earlier;
  }
  const ruleset = await findActiveRuleset(deps.db, request.tenantId);
  if (!ruleset) throw new AppError('conflict', 'The tenant has no published ruleset');
  const snapshot = deps.lists.current();
  const context = await answerLookups(deps, request, snapshot.versions.map((version) => version.versionId));
  const evaluation = evaluateRuleset(request.subject, ruleset, { searchNames: (query, options) => snapshot.searchNames(query, options), ...context });
  const createdAt = deps.now().toISOString();
  const committed = deps.db.transaction((tx) =>
    recordScreening(tx, {
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
    }),
  );
  let outcome: NonNullable<Awaited<typeof committed>>;
  try {
    const recorded = await committed;
    if (!recorded) throw new Error('a screening without `keep` always records');
    outcome = recorded;
  } catch (error) {
    // Two requests with the same key both passed the lookup above; the unique index let one in.
    if (request.idempotencyKey && isUniqueViolation(error, 'decisions_tenant_idempotency_uq')) {
      const earlier = await earlierDecision(deps, request.tenantId, request.idempotencyKey, inputDigest);
      if (earlier) return earlier;
    }
    throw error;
  }
  return { decision: toDecisionView(outcome.row, outcome.caseRef), replayed: false };
}

export async function getDecision(deps: Pick<ScreeningDeps, 'db'>, tenantId: string, id: string): Promise<DecisionView> {
  const row = await findDecision(deps.db, tenantId, id);
  if (!row) throw notFound('Decision');
  return toDecisionView(row, await caseRefOfDecision(deps.db, tenantId, row.id));
}
