import type { Rule, Thresholds } from './ruleset.js';

/**
 * The ruleset every new tenant starts with. Thresholds: a strong name match alone (≥ 0.85
 * similarity × weight 60 ≈ 51+) lands in review, never block; block needs identifier-grade
 * evidence or several independent red flags.
 */
export const DEFAULT_THRESHOLDS: Thresholds = { review: 40, block: 80 };

export const DEFAULT_RULES: readonly Omit<Rule, 'version'>[] = [
  {
    key: 'list-name-match',
    kind: 'list_name_match',
    description: "The subject's name or an alias matches a name on a sanctions list",
    enabled: true,
    weight: 60,
    severity: 'high',
    forcesBlock: false,
    indicatorIds: ['LIST-SDN-PERSON'],
    params: { minSimilarity: 0.85, maxHits: 5 },
  },
];
