import { DEFAULT_COMBINATION, DEFAULT_RULES, DEFAULT_THRESHOLDS } from '../domain/rules/default-ruleset.js';
import type { Db } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { findRecentInputs } from '../db/repositories/decisions.repository.js';
import {
  findActiveRuleset,
  findRulesetByVersion,
  findRulesetRow,
  insertDraftFrom,
  listRulesetVersions,
  markPublished,
  updateDraftRule,
  updateDraftThresholds,
} from '../db/repositories/rulesets.repository.js';
import { validateRule, validateRuleset } from '../domain/rules/rule.schema.js';
import type { Rule, Ruleset, Severity, Thresholds } from '../domain/rules/ruleset.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { ActiveRulesets } from './active-ruleset.service.js';
import { evaluateRecorded, listedDocumentNumbers, snapshotOfVersions } from '../screening/stored-screening.js';
import type { ListSnapshot } from './list-index.service.js';
import type { ScreeningDeps } from './screening.service.js';

export type RulesetDeps = Pick<ScreeningDeps, 'db' | 'lists' | 'now' | 'keyedHash' | 'rulesets'>;

const withoutVersion = ({ version: _version, ...rule }: Rule) => rule;

export async function listRulesets(db: Db, tenantId: string) {
  return (await listRulesetVersions(db, tenantId)).map((row) => ({
    id: row.id,
    version: row.version,
    status: row.status as 'draft' | 'published',
    thresholds: row.thresholds,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
    publishedAt: row.publishedAt ? new Date(row.publishedAt).toISOString() : null,
  }));
}

export async function getRuleset(db: Db, tenantId: string, version: number) {
  const row = await findRulesetRow(db, tenantId, version);
  const ruleset = row ? await findRulesetByVersion(db, tenantId, version) : undefined;
  if (!row || !ruleset) throw notFound(`Ruleset version ${version}`);
  const active = await findActiveRuleset(db, tenantId);
  return { ...ruleset, status: row.status as 'draft' | 'published', active: active?.id === ruleset.id };
}

/**
 * A draft copied from the active version, or from today's default ruleset (how a tenant created
 * before a new default takes it up: dry-run it, then publish). One draft at a time, so edits never fork.
 */
export async function createDraft(db: Db, tenantId: string, actor: string, from: 'active' | 'default' = 'active') {
  return db.transaction(async (tx) => {
    const versions = await listRulesetVersions(tx, tenantId);
    if (versions.some((row) => row.status === 'draft')) throw conflict('A draft already exists; publish or edit it');
    const active = await findActiveRuleset(tx, tenantId);
    if (!active) throw conflict('The tenant has no published ruleset to copy');
    const version = (versions[0]?.version ?? 0) + 1;
    const source = from === 'active' ? active : { thresholds: DEFAULT_THRESHOLDS, combination: DEFAULT_COMBINATION, rules: DEFAULT_RULES.map((rule) => ({ ...rule, version })) as Rule[] };
    await insertDraftFrom(tx, source, { tenantId, version, createdBy: actor });
    await recordAuditEvent(tx, { tenantId, actor, action: 'ruleset.draft_created', targetType: 'ruleset', targetId: String(version), details: { from: from === 'active' ? active.version : 'default' } });
    return version;
  });
}

async function requireDraft(db: Db, tenantId: string, version: number): Promise<Ruleset> {
  const row = await findRulesetRow(db, tenantId, version);
  if (!row) throw notFound(`Ruleset version ${version}`);
  if (row.status !== 'draft') throw conflict(`Ruleset version ${version} is published and cannot change; create a draft`);
  const ruleset = await findRulesetByVersion(db, tenantId, version);
  if (!ruleset) throw notFound(`Ruleset version ${version}`);
  return ruleset;
}

export interface RuleChange {
  enabled?: boolean | undefined;
  weight?: number | undefined;
  severity?: Severity | undefined;
  forcesBlock?: boolean | undefined;
  params?: Record<string, unknown> | undefined;
}

/** Changes one rule of a draft; a bad parameter is refused here, never at screening time. */
export async function changeDraftRule(db: Db, tenantId: string, version: number, ruleKey: string, change: RuleChange, actor: string) {
  const draft = await requireDraft(db, tenantId, version);
  const current = draft.rules.find((rule) => rule.key === ruleKey);
  if (!current) throw notFound(`Rule ${ruleKey}`);
  const changed: Rule = {
    ...current,
    ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
    ...(change.weight !== undefined ? { weight: change.weight } : {}),
    ...(change.severity !== undefined ? { severity: change.severity } : {}),
    ...(change.forcesBlock !== undefined ? { forcesBlock: change.forcesBlock } : {}),
    ...(change.params !== undefined ? { params: change.params } : {}),
    version,
  };
  const checked = validateRule(withoutVersion(changed));
  if (!checked.ok) {
    throw new AppError('validation_failed', `Rule ${ruleKey} would be invalid: ${checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      checked.issues.map((issue) => ({ field: issue.path, message: issue.message })));
  }
  await db.transaction(async (tx) => {
    await updateDraftRule(tx, draft.id, changed);
    await recordAuditEvent(tx, { tenantId, actor, action: 'ruleset.rule_changed', targetType: 'ruleset', targetId: String(version), details: { ruleKey, change } });
  });
  return getRuleset(db, tenantId, version);
}

export async function changeDraftThresholds(db: Db, tenantId: string, version: number, thresholds: Thresholds, actor: string) {
  const draft = await requireDraft(db, tenantId, version);
  if (thresholds.review >= thresholds.block) {
    throw new AppError('validation_failed', 'The review threshold must be below the block threshold', [{ field: '/block', message: 'must be above review' }]);
  }
  await db.transaction(async (tx) => {
    await updateDraftThresholds(tx, draft.id, thresholds);
    await recordAuditEvent(tx, { tenantId, actor, action: 'ruleset.thresholds_changed', targetType: 'ruleset', targetId: String(version), details: { thresholds } });
  });
  return getRuleset(db, tenantId, version);
}

/** Validates the whole draft and makes it the active version. Published versions never change. */
export async function publishDraft(db: Db, tenantId: string, version: number, actor: string, at: string, rulesets?: ActiveRulesets) {
  const draft = await requireDraft(db, tenantId, version);
  const checked = validateRuleset({ thresholds: draft.thresholds, ...(draft.combination ? { combination: draft.combination } : {}), rules: draft.rules.map(withoutVersion) });
  if (!checked.ok) {
    throw new AppError('validation_failed', `Ruleset version ${version} is invalid`, checked.issues.map((issue) => ({ field: issue.path, message: issue.message })));
  }
  await db.transaction(async (tx) => {
    await markPublished(tx, draft.id, at);
    await recordAuditEvent(tx, { tenantId, actor, action: 'ruleset.published', targetType: 'ruleset', targetId: String(version), details: { rules: draft.rules.length } });
  });
  // This instance reads the new version at once; other instances within ACTIVE_RULESET_TTL_MS.
  rulesets?.forget(tenantId);
  return getRuleset(db, tenantId, version);
}

/**
 * Evaluates a draft over the last N stored screening inputs, beside the decisions they got,
 * without writing anything: which outcomes would change and how. Each input is evaluated as its
 * replay is (src/screening), with the draft in place of the ruleset it was decided by: the list
 * versions it cited, the other applicants and the false-positive memory as they stood then. So
 * every change reported is the draft's doing, and an unchanged copy of the ruleset that decided
 * them reports none.
 */
export async function dryRunDraft(deps: RulesetDeps, tenantId: string, version: number, limit: number) {
  const draft = await requireDraft(deps.db, tenantId, version);
  const inputs = await findRecentInputs(deps.db, tenantId, limit);
  const snapshots = new Map<string, Promise<ListSnapshot>>();
  const documentNumbers = new Map<string, Promise<Map<string, string>>>();
  const changes = [];
  let unchanged = 0;
  for (const stored of inputs) {
    const versionIds = stored.listVersions.map((ref) => ref.versionId);
    const numbersKey = [...versionIds].sort().join(',');
    if (!documentNumbers.has(numbersKey)) documentNumbers.set(numbersKey, listedDocumentNumbers(deps, versionIds));
    const numbers = await documentNumbers.get(numbersKey)!;
    const evaluation = await evaluateRecorded(
      deps,
      { tenantId, decisionId: stored.id, subjectId: stored.subjectId, externalRef: stored.externalRef, input: stored.input },
      { ruleset: draft, snapshot: await snapshotOfVersions(deps, tenantId, stored.listVersions, snapshots), listedDocumentNumber: (hash) => numbers.get(hash) },
      { sequence: stored.sequence, createdAt: stored.createdAt },
    );
    if (evaluation.outcome === stored.outcome && evaluation.score === stored.score) {
      unchanged += 1;
      continue;
    }
    changes.push({
      decisionId: stored.id,
      externalRef: stored.externalRef,
      before: { outcome: stored.outcome, score: stored.score, rulesetVersion: stored.rulesetVersion },
      after: { outcome: evaluation.outcome, score: evaluation.score },
      rulesFired: [...new Set(evaluation.hits.filter((hit) => hit.points > 0).map((hit) => hit.ruleId))],
    });
  }
  return { version, evaluated: inputs.length, unchanged, changed: changes.length, changes };
}
