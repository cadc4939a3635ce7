import { hitOf, type Evaluator, type RuleOfKind } from '../evaluation-context.js';

/**
 * Values that appeared since the previous screening of the same `externalRef`: new contact
 * details, a new payout account, a new shipping address (US22, JP24, FBI24, DE24 all name
 * churn as a signal). Silent on a first screening: there is nothing to compare with.
 */
export const profileChange: Evaluator<RuleOfKind<'profile_change'>> = (_subject, rule, context) => {
  const previous = context.previousLinkKeys;
  if (previous === undefined) return [];
  const groups = rule.params.asOneKind ? [rule.params.kinds] : rule.params.kinds.map((kind) => [kind]);
  return groups.flatMap((group) => {
    const kinds = new Set<string>(group);
    const before = new Set(previous.filter((link) => kinds.has(link.kind)).map((link) => link.key));
    if (before.size === 0) return [];
    const added = context.lookups.links.filter((link) => kinds.has(link.kind) && !before.has(link.key));
    const first = added[0];
    if (first === undefined) return [];
    const more = added.length > 1 ? ` and ${added.length - 1} more` : '';
    return [hitOf(rule, { points: rule.weight, field: first.field, value: `${first.display} (new since the previous screening${more})` })];
  });
};
