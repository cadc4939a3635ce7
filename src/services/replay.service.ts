/**
 * Replay of a stored decision (issue #6): the stored input evaluated again the way screenings
 * and monitoring re-screens evaluate it, with the ruleset the decision cites (by id, not today's),
 * an index and identifier lookups of exactly the list versions it cites, the other applicants'
 * link keys recorded before it, the subject's previous screening, and the false-positive memory
 * as it stood then. An auditor learns whether the recorded outcome follows from the recorded
 * configuration.
 *
 * Not reproducible, and shown as differences when it matters: link keys of other applicants
 * erased since (retention, erasure requests).
 */
import type { Db } from '../db/client.js';
import { findDecision, type DecisionRow } from '../db/repositories/decisions.repository.js';
import { findRulesetById } from '../db/repositories/rulesets.repository.js';
import { canonicalTimestamp } from '../domain/audit/chain-record.js';
import type { Hit, Outcome, Ruleset } from '../domain/rules/ruleset.js';
import { AppError, notFound } from '../errors.js';
import { canonicalDigest, canonicalJson } from '../shared/hashing.js';
import type { KeyedHash } from '../domain/rules/subject-lookups.js';
import { evaluateRecorded, listedDocumentNumbers, snapshotOfVersions } from '../screening/stored-screening.js';
import type { ListIndexHolder } from './list-index.service.js';
import type { DecisionReplayView } from '../http/schemas/audit.schemas.js';

export interface ReplayDeps {
  db: Db;
  lists: ListIndexHolder;
  keyedHash: KeyedHash;
}

export interface ReplayedOutcome {
  outcome: Outcome;
  score: number;
  hits: Hit[];
}

export interface ReplayDifference {
  /** JSON-pointer-like path: `/outcome`, `/score`, `/hits/2`, `/inputDigest`. */
  path: string;
  original: unknown;
  replayed: unknown;
}

/** The evaluation a screening made at the decision's time, from its stored input (src/screening). */
async function evaluateAsRecorded(deps: ReplayDeps, decision: DecisionRow, ruleset: Ruleset): Promise<ReplayedOutcome> {
  const snapshot = await snapshotOfVersions(deps, decision.tenantId, decision.listVersions);
  const numbers = await listedDocumentNumbers(deps, decision.listVersions.map((ref) => ref.versionId));
  return evaluateRecorded(
    deps,
    { tenantId: decision.tenantId, decisionId: decision.id, subjectId: decision.subjectId, externalRef: decision.externalRef, input: decision.input },
    { ruleset, snapshot, listedDocumentNumber: (hash) => numbers.get(hash) },
    { sequence: decision.sequence, createdAt: decision.createdAt },
  );
}

/** Hits as stored: JSON without undefined keys, so the comparison sees what the database holds. */
const asStored = (hits: readonly Hit[]): Hit[] => JSON.parse(JSON.stringify(hits)) as Hit[];

const hitKey = (hit: Hit) => [hit.ruleId, hit.field, hit.entry?.id ?? '', hit.value ?? ''].join('\u0000');

/** Hits are matched by rule, field, list entry and value, so one extra hit is one difference. */
function hitDifferences(original: readonly Hit[], replayed: readonly Hit[]): ReplayDifference[] {
  const differences: ReplayDifference[] = [];
  const replayedByKey = new Map<string, { hit: Hit; index: number }[]>();
  replayed.forEach((hit, index) => replayedByKey.set(hitKey(hit), [...(replayedByKey.get(hitKey(hit)) ?? []), { hit, index }]));
  original.forEach((hit, index) => {
    const match = replayedByKey.get(hitKey(hit))?.shift();
    if (!match) differences.push({ path: `/hits/${index}`, original: hit, replayed: null });
    else if (canonicalJson(hit) !== canonicalJson(match.hit)) differences.push({ path: `/hits/${index}`, original: hit, replayed: match.hit });
  });
  for (const left of replayedByKey.values()) {
    for (const { hit, index } of left) differences.push({ path: `/hits/${index}`, original: null, replayed: hit });
  }
  // Same hits in another order: the first name hit is the scoring one, so order matters too.
  if (differences.length === 0 && original.map(hitKey).join('\u0001') !== replayed.map(hitKey).join('\u0001')) {
    differences.push({ path: '/hits', original: original.map((hit) => hit.ruleId), replayed: replayed.map((hit) => hit.ruleId) });
  }
  return differences;
}

export async function replayDecision(deps: ReplayDeps, request: { tenantId: string; decisionId: string }): Promise<DecisionReplayView> {
  const decision = await findDecision(deps.db, request.tenantId, request.decisionId);
  if (!decision) throw notFound('Decision');
  if (decision.input === null || decision.input === undefined) {
    const when = decision.inputErasedAt ? ` on ${canonicalTimestamp(decision.inputErasedAt)}` : '';
    throw new AppError(
      'conflict',
      `The screened input of this decision was erased${when} (retention policy or the subject's erasure request), so it cannot be replayed. ` +
        `Its digest ${decision.inputDigest} remains in the hash chain, and GET /v1/audit/verify still verifies the decision.`,
    );
  }
  const ruleset = await findRulesetById(deps.db, request.tenantId, decision.rulesetId);
  if (!ruleset) throw new Error(`ruleset ${decision.rulesetId} of decision ${decision.id} is missing`);
  const screened = await evaluateAsRecorded(deps, decision, ruleset);

  const original: ReplayedOutcome = { outcome: decision.outcome as Outcome, score: decision.score, hits: decision.hits as Hit[] };
  const replayed: ReplayedOutcome = { outcome: screened.outcome, score: screened.score, hits: asStored(screened.hits) };
  const inputDigestMatches = canonicalDigest(decision.input) === decision.inputDigest;
  const differences: ReplayDifference[] = [];
  if (!inputDigestMatches) differences.push({ path: '/inputDigest', original: decision.inputDigest, replayed: canonicalDigest(decision.input) });
  if (original.outcome !== replayed.outcome) differences.push({ path: '/outcome', original: original.outcome, replayed: replayed.outcome });
  if (original.score !== replayed.score) differences.push({ path: '/score', original: original.score, replayed: replayed.score });
  differences.push(...hitDifferences(original.hits, replayed.hits));
  return {
    decisionId: decision.id,
    identical: differences.length === 0,
    rulesetVersion: ruleset.version,
    listVersions: decision.listVersions,
    inputDigestMatches,
    original,
    replayed,
    differences,
  };
}
