import { uuidv7 } from 'uuidv7';
import type { Db } from '../db/client.js';
import { appendDecision, findDecision, findDecisionByIdempotencyKey, type DecisionRow } from '../db/repositories/decisions.repository.js';
import { isUniqueViolation } from '../db/errors.js';
import { setLastDecision, upsertSubject } from '../db/repositories/subjects.repository.js';
import { findActiveRuleset } from '../db/repositories/rulesets.repository.js';
import { evaluateRuleset } from '../domain/rules/evaluate.js';
import { nameKeyOf } from '../domain/rules/name-similarity.js';
import { collectLookups, type KeyedHash } from '../domain/rules/subject-lookups.js';
import { redactForStorage } from '../domain/rules/subject-redaction.js';
import { findIdentifierMatches, findLinkedSubjects, findLinkKeysOfDecision, findSubjectByExternalRef, insertLinkKeys } from '../db/repositories/lookups.repository.js';
import type { Hit, Outcome } from '../domain/rules/ruleset.js';
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
async function answerLookups(deps: ScreeningDeps, request: ScreenRequest, versionIds: string[]) {
  const lookups = collectLookups(request.subject, deps.keyedHash);
  const previous = request.subject.externalRef ? await findSubjectByExternalRef(deps.db, request.tenantId, request.subject.externalRef) : undefined;
  const [identifierMatches, linkedSubjects, previousLinkKeys] = await Promise.all([
    findIdentifierMatches(deps.db, versionIds, lookups.identifiers),
    findLinkedSubjects(deps.db, request.tenantId, lookups.links, previous?.id),
    previous?.lastDecisionId ? findLinkKeysOfDecision(deps.db, previous.lastDecisionId) : Promise.resolve(undefined),
  ]);
  return { lookups, identifierMatches, linkedSubjects, ...(previousLinkKeys ? { previousLinkKeys } : {}) };
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
  const committed = deps.db.transaction(async (tx) => {
    const subject = await upsertSubject(tx, { tenantId: request.tenantId, externalRef: request.subject.externalRef, monitored: false, at: createdAt });
    const screened = await applyFalsePositiveMemory(tx, { tenantId: request.tenantId, subjectId: subject.id, evaluation, thresholds: ruleset.thresholds });
    const decision = await appendDecision(
      tx,
      {
        id: uuidv7(),
        tenantId: request.tenantId,
        subjectId: subject.id,
        externalRef: request.subject.externalRef ?? null,
        outcome: screened.outcome,
        score: screened.score,
        hits: screened.hits,
        rulesetId: ruleset.id,
        rulesetVersion: ruleset.version,
        listVersions: snapshot.versions,
        input,
        inputDigest,
        idempotencyKey: request.idempotencyKey ?? null,
        createdAt,
      },
      (draft, head) => sealDecision({ ...draft, externalRef: draft.externalRef ?? null }, head, nodeSha256),
    );
    const caseRef = await openOrJoinCase(tx, { tenantId: request.tenantId, subjectId: subject.id, decision, now: createdAt });
    await insertLinkKeys(tx, { tenantId: request.tenantId, subjectId: subject.id, decisionId: decision.id, nameKey: nameKeyOf(request.subject.name), keys: context.lookups.links, at: createdAt });
    await setLastDecision(tx, subject.id, decision.id);
    return { row: decision, caseRef };
  });
  let outcome: Awaited<typeof committed>;
  try {
    outcome = await committed;
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
