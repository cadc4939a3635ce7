/**
 * Runs a ruleset over one subject: each enabled rule goes to the evaluator of its kind, hits
 * are capped at the rule's weight, corroborative-only hits count only next to another reason,
 * and the ruleset's combination (additive points, or likelihood ratios: evidence-combination.ts)
 * turns them into a score compared with the ruleset's thresholds. Synchronous and pure: everything from
 * storage arrives precomputed in the context.
 */
import type { EvaluationContext, Evaluator, RuleOfKind } from './evaluation-context.js';
import { countrySet } from './evaluators/country-set.evaluator.js';
import { fieldConsistency } from './evaluators/field-consistency.evaluator.js';
import { fieldValue } from './evaluators/field-value.evaluator.js';
import { listIdentifierMatch } from './evaluators/list-identifier-match.evaluator.js';
import { listNameMatch, nameSearchesOf, type PlannedNameSearch } from './evaluators/list-name-match.evaluator.js';
import { loginBehaviour } from './evaluators/login-behaviour.evaluator.js';
import { profileChange } from './evaluators/profile-change.evaluator.js';
import { holdersEnough, subjectLink } from './evaluators/subject-link.evaluator.js';
import { scoreWithCombination } from './evidence-combination.js';
import { ruleSchema, type CheckedRule, type RuleKind } from './rule.schema.js';
import { applyCorroboration, isCorroborativeOnly, type Hit, type Ruleset, type ScoredOutcome } from './ruleset.js';
import type { ScreeningSubject } from './screening-subject.js';

export type { EvaluationContext, IdentifierMatch, LinkedSubject, NameCandidate, NameQuery } from './evaluation-context.js';
export { LinkedSubjectsCut, NO_LOOKUP_ANSWERS } from './evaluation-context.js';

export const EVALUATORS: { readonly [K in RuleKind]: Evaluator<RuleOfKind<K>> } = {
  list_name_match: listNameMatch,
  list_identifier_match: listIdentifierMatch,
  country_set: countrySet,
  field_value: fieldValue,
  field_consistency: fieldConsistency,
  login_behaviour: loginBehaviour,
  subject_link: subjectLink,
  profile_change: profileChange,
};

export interface SkippedRule {
  key: string;
  /** Why the rule did not run; only possible for rules stored without validation. */
  reason: string;
}

export interface Evaluation extends ScoredOutcome {
  hits: Hit[];
  /** Rules that could not run (unknown kind, bad params). Validation at publish prevents these. */
  skippedRules: SkippedRule[];
}

function finitePoints(points: number): number {
  return Number.isFinite(points) ? Math.max(0, Math.round(points)) : 0;
}

type RunnableRule = CheckedRule & { version: number };

interface CheckedRules {
  runnable: RunnableRule[];
  skippedRules: SkippedRule[];
}

/**
 * Rules validated once per ruleset object, not once per screening: a ruleset is immutable once
 * published, and services hand the same object to every screening until a new version is active.
 */
const checkedRulesOf = new WeakMap<Ruleset, CheckedRules>();

function checkRules(ruleset: Ruleset): CheckedRules {
  const known = checkedRulesOf.get(ruleset);
  if (known) return known;
  const checked: CheckedRules = { runnable: [], skippedRules: [] };
  for (const stored of ruleset.rules) {
    if (!stored.enabled) continue;
    const parsed = ruleSchema.safeParse(stored);
    if (!parsed.success) {
      // Refused at publish time; skipping keeps screening up, and the service can log it.
      checked.skippedRules.push({ key: stored.key, reason: parsed.error.issues.map((issue) => `${issue.path.join('/')}: ${issue.message}`).join('; ') });
      continue;
    }
    checked.runnable.push({ ...parsed.data, version: stored.version } as RunnableRule);
  }
  checkedRulesOf.set(ruleset, checked);
  return checked;
}

/**
 * Holders of each key and kind worth looking up for this ruleset's link rules: twice what the
 * most demanding one reads when every holder counts, so that holders it skips (the same person
 * again, a role it does not read) rarely make it ask for all (`LinkedSubjectsCut`).
 */
export function linkedHoldersWanted(ruleset: Ruleset): number {
  let most = 0;
  for (const rule of checkRules(ruleset).runnable) if (rule.kind === 'subject_link') most = Math.max(most, holdersEnough(rule.params));
  return 2 * most;
}

/**
 * Every name search this ruleset's rules will make for this subject, whatever the lookups answer:
 * a screening runs them while its lookups are out, and the evaluation finds them answered.
 */
export function plannedNameSearches(subject: ScreeningSubject, ruleset: Ruleset): PlannedNameSearch[] {
  return checkRules(ruleset).runnable.flatMap((rule) => (rule.kind === 'list_name_match' ? nameSearchesOf(subject, rule) : []));
}

export function evaluateRuleset(subject: ScreeningSubject, ruleset: Ruleset, context: EvaluationContext): Evaluation {
  const hits: Hit[] = [];
  const { runnable, skippedRules } = checkRules(ruleset);
  for (const rule of runnable) {
    const evaluator = EVALUATORS[rule.kind] as Evaluator<typeof rule>;
    let remaining = rule.weight;
    for (const hit of evaluator(subject, rule, context)) {
      // A rule is one reason: however many hits it finds, together they add at most its weight.
      const points = Math.min(finitePoints(hit.points), remaining);
      remaining -= points;
      const forcesBlock = (hit.forcesBlock ?? rule.forcesBlock) && !isCorroborativeOnly(hit);
      const { forcesBlock: _evaluatorChoice, ...rest } = hit;
      hits.push(forcesBlock ? { ...rest, points, forcesBlock: true } : { ...rest, points });
    }
  }
  const counted = applyCorroboration(hits);
  return { ...scoreWithCombination(counted, ruleset.thresholds, ruleset.combination, ruleset.version), skippedRules: [...skippedRules] };
}
