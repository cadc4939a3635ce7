import { uuidv7 } from 'uuidv7';
import type { Db } from '../db/client.js';
import { appendDecision, findDecision, findDecisionByIdempotencyKey, type DecisionRow } from '../db/repositories/decisions.repository.js';
import { setLastDecision, upsertSubject } from '../db/repositories/subjects.repository.js';
import { findActiveRuleset } from '../db/repositories/rulesets.repository.js';
import { evaluateRuleset, NO_LOOKUP_ANSWERS } from '../domain/rules/evaluate.js';
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

export async function screenSubject(deps: ScreeningDeps, request: ScreenRequest): Promise<{ decision: DecisionView; replayed: boolean }> {
  const input = { subject: request.subject };
  const inputDigest = canonicalDigest(input);
  if (request.idempotencyKey) {
    const previous = await findDecisionByIdempotencyKey(deps.db, request.tenantId, request.idempotencyKey);
    if (previous) {
      if (previous.inputDigest !== inputDigest) {
        throw new AppError('unprocessable', 'This Idempotency-Key was already used with a different request body', [
          { field: 'Idempotency-Key', message: 'reused with a different body' },
        ]);
      }
      return { decision: toDecisionView(previous, await caseRefOfDecision(deps.db, request.tenantId, previous.id)), replayed: true };
    }
  }
  const ruleset = await findActiveRuleset(deps.db, request.tenantId);
  if (!ruleset) throw new AppError('conflict', 'The tenant has no published ruleset');
  const snapshot = deps.lists.current();
  // Identifier and cross-subject lookups are not answered yet (collectLookups, issue #5 wiring).
  const evaluation = evaluateRuleset(request.subject, ruleset, {
    searchNames: (query, options) => snapshot.searchNames(query, options),
    ...NO_LOOKUP_ANSWERS,
  });
  const createdAt = deps.now().toISOString();
  const { row, caseRef } = await deps.db.transaction(async (tx) => {
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
    await setLastDecision(tx, subject.id, decision.id);
    return { row: decision, caseRef };
  });
  return { decision: toDecisionView(row, caseRef), replayed: false };
}

export async function getDecision(deps: Pick<ScreeningDeps, 'db'>, tenantId: string, id: string): Promise<DecisionView> {
  const row = await findDecision(deps.db, tenantId, id);
  if (!row) throw notFound('Decision');
  return toDecisionView(row, await caseRefOfDecision(deps.db, tenantId, row.id));
}
