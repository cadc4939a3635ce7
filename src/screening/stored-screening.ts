/**
 * The one way a stored screening input becomes an evaluation again. Monitoring re-screens,
 * replays and ruleset dry-runs all come through here, so they see a stored subject exactly as
 * its screening did:
 *
 * 1. restore: document and bank-account numbers were stored as keyed hashes; listed numbers come
 *    back, the others become placeholders that hash to the stored value (stored-subject-restore);
 * 2. lookups: list identifiers, other applicants' link keys and the subject's previous screening,
 *    answered from PostgreSQL (as of the decision's place in the chain when one is given);
 * 3. rules: the ruleset over the subject with the list snapshot's name index, and the login IPs
 *    located as the screening located them (the IP intelligence stored with its input);
 * 4. false-positive memory: applied here when the evaluation stands for a recorded decision (as it
 *    stood then); a re-screen that writes applies it inside its write instead (recordScreening).
 *
 * A fresh screening (screening.service.ts `screenSubject`) differs only in step 1: it has the
 * numbers themselves, and it records what it evaluated.
 */
import type { DbOrTx } from '../db/client.js';
import { findListedDocumentNumbers, findPreviousScreening, findPreviousScreenings } from '../db/repositories/monitoring.repository.js';
import { findScreeningLookupsMany } from '../db/repositories/lookups.repository.js';
import { canonicalTimestamp } from '../domain/audit/chain-record.js';
import { DOCUMENT_IDENTIFIER_KINDS, restoreStoredSubject, type RestoredSubject } from '../domain/monitoring/stored-subject-restore.js';
import { evaluateRuleset, type Evaluation } from '../domain/rules/evaluate.js';
import { storedIpIntelligence } from '../domain/rules/login-locations.js';
import type { Hit, Outcome, Ruleset } from '../domain/rules/ruleset.js';
import type { StoredSubject } from '../domain/rules/subject-redaction.js';
import { collectLookups, linkKeyOf, type KeyedHash } from '../domain/rules/subject-lookups.js';
import type { EvaluationContext } from '../domain/rules/evaluation-context.js';
import { applyFalsePositiveMemory } from '../services/cases.service.js';
import type { ListVersionRef } from '../db/schema/index.js';
import { loadListSnapshot, type ListIndexHolder, type ListSnapshot } from '../services/list-index.service.js';
import { answerLookupsFor } from '../services/screening.service.js';

export interface StoredScreeningDeps {
  db: DbOrTx;
  keyedHash: KeyedHash;
}

/** A recorded screening, or the last screening of a monitored subject. */
export interface StoredScreening {
  tenantId: string;
  /** The decision whose input this is: its previous screening is what profile-change rules compare with. */
  decisionId: string;
  subjectId: string | null;
  externalRef: string | null;
  input: unknown;
}

/**
 * Where the recorded decision sits: lookups see only other applicants' keys recorded before it,
 * and the false-positive memory as it stood when it was made. Absent: as of now.
 */
export interface RecordedPlace {
  sequence: number;
  createdAt: string | Date;
}

export interface EvaluationBasis {
  ruleset: Ruleset;
  snapshot: ListSnapshot;
  /** The listed document number behind a keyed hash (see `listedDocumentNumbers`). */
  listedDocumentNumber: (numberHash: string) => string | undefined;
}

export interface StoredEvaluation {
  restored: RestoredSubject;
  /** The link keys this evaluation computed: what a re-screen records. */
  links: Awaited<ReturnType<typeof answerLookupsFor>>['lookups']['links'];
  evaluation: Evaluation;
}

export interface RememberedOutcome {
  outcome: Outcome;
  score: number;
  hits: Hit[];
}

/** Listed document numbers of some list versions, by the keyed hash a stored input holds of them. */
export async function listedDocumentNumbers(deps: StoredScreeningDeps, versionIds: readonly string[]): Promise<Map<string, string>> {
  const numbers = new Map<string, string>();
  for (const number of await findListedDocumentNumbers(deps.db, versionIds, DOCUMENT_IDENTIFIER_KINDS)) {
    numbers.set(linkKeyOf(deps.keyedHash, 'document', number), number);
  }
  return numbers;
}

/** Step 1: the stored subject made screenable again. */
export function restoreStoredInput(deps: Pick<StoredScreeningDeps, 'keyedHash'>, stored: Pick<StoredScreening, 'input'>, basis: Pick<EvaluationBasis, 'listedDocumentNumber'>): RestoredSubject {
  return restoreStoredSubject((stored.input as { subject: StoredSubject }).subject, { hash: deps.keyedHash, listedDocumentNumber: basis.listedDocumentNumber });
}

/** Steps 2 and 3, for a subject already restored (monitoring restores first to decide whether a list change touches it). */
export async function evaluateRestored(
  deps: StoredScreeningDeps,
  stored: StoredScreening,
  restored: RestoredSubject,
  basis: EvaluationBasis,
  place?: RecordedPlace,
): Promise<StoredEvaluation> {
  // Without an externalRef no screening of the same subject came before (each is its own subject).
  const previousDecisionId = stored.externalRef === null ? undefined : await findPreviousScreening(deps.db, stored.decisionId);
  const answers = await answerLookupsFor(
    deps,
    {
      tenantId: stored.tenantId,
      subject: restored.subject,
      keyedHash: restored.hash,
      stored: { id: stored.subjectId ?? undefined, previousDecisionId },
      ...(place ? { beforeSequence: place.sequence } : {}),
    },
    basis.snapshot.versions.map((ref) => ref.versionId),
  );
  return { restored, links: answers.lookups.links, evaluation: evaluateAnswered(stored, restored, basis, answers) };
}

/**
 * Steps 2 and 3 for many restored subjects of one tenant, as of now (monitoring): the previous
 * screenings and the lookups of all of them in one statement each, then each evaluated as
 * `evaluateRestored` evaluates it, with the same answers.
 */
export async function evaluateRestoredMany(
  deps: StoredScreeningDeps,
  tenantId: string,
  items: readonly { stored: StoredScreening; restored: RestoredSubject }[],
  basis: EvaluationBasis,
  afterEach?: () => Promise<void>,
): Promise<StoredEvaluation[]> {
  const previous = await findPreviousScreenings(deps.db, items.flatMap((item) => (item.stored.externalRef === null ? [] : [item.stored.decisionId])));
  const lookups = items.map((item) => collectLookups(item.restored.subject, item.restored.hash));
  const answers = await findScreeningLookupsMany(deps.db, {
    tenantId,
    versionIds: basis.snapshot.versions.map((ref) => ref.versionId),
    subjects: items.map((item, index) => ({
      identifiers: lookups[index]!.identifiers,
      links: lookups[index]!.links,
      subject: { id: item.stored.subjectId ?? undefined, previousDecisionId: item.stored.externalRef === null ? undefined : previous.get(item.stored.decisionId) },
    })),
  });
  const evaluated: StoredEvaluation[] = [];
  for (const [index, item] of items.entries()) {
    const answered = { lookups: lookups[index]!, ...answers[index]! };
    evaluated.push({ restored: item.restored, links: answered.lookups.links, evaluation: evaluateAnswered(item.stored, item.restored, basis, answered) });
    await afterEach?.();
  }
  return evaluated;
}

/** Step 3: the rules over the restored subject with its lookup answers. */
function evaluateAnswered(stored: StoredScreening, restored: RestoredSubject, basis: EvaluationBasis, answers: Omit<EvaluationContext, 'searchNames'>): Evaluation {
  // The login IPs as the screening located them (recorded with its input), never as located today.
  const ipIntelligence = storedIpIntelligence(stored.input);
  return evaluateRuleset(restored.subject, basis.ruleset, {
    searchNames: (query, options) => basis.snapshot.searchNames(query, options),
    ...answers,
    ...(ipIntelligence ? { ipIntelligence } : {}),
  });
}

/**
 * Steps 1 to 4 for a recorded decision: the outcome its stored input gets under `basis`, with the
 * false-positive memory as it stood when the decision was made (a later disposition, or a
 * reopening that withdrew one, changes nothing). Replays and dry-runs.
 */
export async function evaluateRecorded(deps: StoredScreeningDeps, stored: StoredScreening, basis: EvaluationBasis, place: RecordedPlace): Promise<RememberedOutcome> {
  const restored = restoreStoredInput(deps, stored, basis);
  const { evaluation } = await evaluateRestored(deps, stored, restored, basis, place);
  const screened = { outcome: evaluation.outcome, score: evaluation.score, hits: evaluation.hits };
  if (!stored.subjectId) return screened;
  const { hits, score, outcome } = await applyFalsePositiveMemory(deps.db, {
    tenantId: stored.tenantId,
    subjectId: stored.subjectId,
    evaluation: screened,
    thresholds: basis.ruleset.thresholds,
    combination: basis.ruleset.combination,
    asOf: canonicalTimestamp(place.createdAt),
  });
  return { hits, score, outcome };
}

/**
 * The list snapshot of exactly these versions: the tenant's current one when it was built from
 * them, else one loaded for them (kept in `loaded`, when given, for the next decision citing them).
 */
export async function snapshotOfVersions(
  deps: { db: DbOrTx; lists: ListIndexHolder },
  tenantId: string,
  versions: readonly ListVersionRef[],
  loaded?: Map<string, Promise<ListSnapshot>>,
): Promise<ListSnapshot> {
  const key = (refs: readonly ListVersionRef[]) => refs.map((ref) => ref.versionId).sort().join(',');
  const current = deps.lists.forTenant(tenantId);
  const wanted = key(versions);
  if (key(current.versions) === wanted) return current;
  const cached = loaded?.get(wanted);
  if (cached) return cached;
  const loading = loadListSnapshot(deps.db, [...versions]);
  loaded?.set(wanted, loading);
  return loading;
}
