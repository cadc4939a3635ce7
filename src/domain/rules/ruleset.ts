/** Rules are data; evaluator kinds are code. A ruleset version is what a decision cites. */

export const OUTCOMES = ['clear', 'review', 'block'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Thresholds {
  review: number;
  block: number;
}

export interface Rule {
  key: string;
  kind: string;
  /** Ruleset version in which the rule last changed. */
  version: number;
  description: string;
  enabled: boolean;
  /** Points the rule adds at full strength (0–100). */
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
  /** The subject's value, redacted to what a reviewer needs. */
  value?: string;
  entry?: HitEntryRef;
  similarity?: number;
  related?: string[];
  forcesBlock?: boolean;
  explanation?: unknown;
}

export interface ScoredOutcome {
  score: number;
  outcome: Outcome;
}

/**
 * Sums the hits' points, capped at 100, and compares the sum with the ruleset's thresholds.
 * Scores are integers so the audit record never carries a float.
 */
export function scoreHits(hits: readonly Hit[], thresholds: Thresholds): ScoredOutcome {
  const total = hits.reduce((sum, hit) => sum + hit.points, 0);
  const score = Math.max(0, Math.min(100, Math.round(total)));
  if (hits.some((hit) => hit.forcesBlock) || score >= thresholds.block) return { score, outcome: 'block' };
  if (score >= thresholds.review) return { score, outcome: 'review' };
  return { score, outcome: 'clear' };
}
