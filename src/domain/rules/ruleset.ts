/** Rules are data; evaluator kinds are code. A ruleset version is what a decision cites. */
import { CORROBORATIVE_ONLY_INDICATOR_IDS } from '../indicators/indicators.data.js';
import type { Combination } from './evidence-combination.js';

export const OUTCOMES = ['clear', 'review', 'block'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Thresholds {
  review: number;
  block: number;
}

/**
 * A rule as stored. `kind` and `params` are checked by `validateRule` (rule.schema.ts) when a
 * ruleset is published; the evaluator re-reads them with the same schema.
 */
export interface Rule {
  key: string;
  kind: string;
  /** Ruleset version in which the rule last changed. */
  version: number;
  description: string;
  enabled: boolean;
  /** Most points the rule adds to a decision, however many hits it produces (0–100). */
  weight: number;
  severity: Severity;
  /** A hit of this rule makes the decision `block` whatever the score. */
  forcesBlock: boolean;
  indicatorIds: string[];
  params: Record<string, unknown>;
}

export interface Ruleset {
  id: string;
  version: number;
  thresholds: Thresholds;
  rules: Rule[];
  /**
   * How hits become a score (evidence-combination.ts). Absent on rulesets published before the
   * choice existed: those add points, and replay as they were.
   */
  combination?: Combination | undefined;
}

export interface HitEntryRef {
  id: string;
  source: string;
  sourceId: string;
  name: string;
}

/** One reason behind a decision. Every field a reviewer or auditor needs, nothing more. */
export interface Hit {
  ruleId: string;
  ruleVersion: number;
  indicatorIds: string[];
  points: number;
  /** JSON-pointer-like path into the screened subject, e.g. `/subject/name`. */
  field: string;
  /** The subject's value, redacted to what a reviewer needs (document numbers never). */
  value?: string;
  /** For name matches: the listed name (primary or alias) the value matched. */
  matchedName?: string;
  entry?: HitEntryRef;
  similarity?: number;
  /** `externalRef`s of other subjects sharing the value (cross-subject links). */
  related?: string[];
  forcesBlock?: boolean;
  explanation?: unknown;
  /** Why the hit counts less than its rule's weight × similarity (a name-only match that cannot tell the listed person from a namesake). */
  lowered?: HitLowering[];
  /** For the hit of a named combination (evidence-combination.ts): the rules that together escalated the outcome. */
  combination?: { escalateTo: Outcome; members: string[]; description: string };
}

export interface HitLowering {
  reason: 'undescribed-entry' | 'common-name';
  /** Points taken off. */
  points: number;
  detail: string;
}

export interface ScoredOutcome {
  score: number;
  outcome: Outcome;
}

const CORROBORATIVE_ONLY: ReadonlySet<string> = new Set(CORROBORATIVE_ONLY_INDICATOR_IDS);

/** A hit that rests only on indicators the guidance says must never count on their own. */
export function isCorroborativeOnly(hit: Pick<Hit, 'indicatorIds'>): boolean {
  return hit.indicatorIds.length > 0 && hit.indicatorIds.every((id) => CORROBORATIVE_ONLY.has(id));
}

/** The part of the profile a hit is about: `/subject/payment/bankCountry` → `payment`. */
const sectionOf = (hit: Pick<Hit, 'field'>) => hit.field.split('/')[2] ?? '';

/**
 * Nationality, language and geography indicators add weight only next to another reason about
 * another part of the profile (anti-discrimination caution, catalogue section A): without one,
 * their hits stay visible to reviewers but count 0 points and never block. Logins from a hub
 * country do not corroborate a rule about those same logins: that is one fact, counted once.
 */
export function applyCorroboration(hits: readonly Hit[]): Hit[] {
  const evidence = hits.filter((hit) => !isCorroborativeOnly(hit) && (hit.points > 0 || hit.forcesBlock === true));
  return hits.map((hit) => {
    if (!isCorroborativeOnly(hit)) return hit;
    const { forcesBlock: _ignored, ...rest } = hit;
    const section = sectionOf(hit);
    return evidence.some((other) => sectionOf(other) !== section) ? rest : { ...rest, points: 0 };
  });
}

/**
 * Sums the hits' points, capped at 100, and compares the sum with the ruleset's thresholds.
 * Scores are integers so the audit record never carries a float.
 */
export function scoreHits(hits: readonly Hit[], thresholds: Thresholds): ScoredOutcome {
  const counted = applyCorroboration(hits);
  const total = counted.reduce((sum, hit) => sum + (Number.isFinite(hit.points) ? Math.max(0, hit.points) : 0), 0);
  const score = Math.max(0, Math.min(100, Math.round(total)));
  if (counted.some((hit) => hit.forcesBlock) || score >= thresholds.block) return { score, outcome: 'block' };
  if (score >= thresholds.review) return { score, outcome: 'review' };
  return { score, outcome: 'clear' };
}
