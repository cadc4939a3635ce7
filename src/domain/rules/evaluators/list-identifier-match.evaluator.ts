import type { Hit } from '../ruleset.js';
import { hitOf, type Evaluator, type IdentifierMatch, type RuleOfKind } from '../evaluation-context.js';

function isLowConfidence(match: IdentifierMatch): boolean {
  return match.entry.attributes?.['confidence'] === 'low';
}

/**
 * The subject's identifiers equal to listed ones. An exact identifier is stronger evidence than
 * any name, so these rules usually force a block; a match found only on low-confidence curated
 * entries (third-party sources only) scores review-level points instead and never blocks.
 */
export const listIdentifierMatch: Evaluator<RuleOfKind<'list_identifier_match'>> = (_subject, rule, context) => {
  const sources = new Set(rule.params.sources);
  const byValue = new Map<string, IdentifierMatch[]>();
  for (const match of context.identifierMatches) {
    const id = `${match.kind}\u0000${match.normalized}`;
    byValue.set(id, [...(byValue.get(id) ?? []), match]);
  }
  const hits: Hit[] = [];
  const reported = new Set<string>();
  for (const lookup of context.lookups.identifiers) {
    if (!sources.has(lookup.source)) continue;
    const matches = (byValue.get(`${lookup.kind}\u0000${lookup.normalized}`) ?? []).filter(
      // The same digits issued by two countries are two documents.
      (match) => lookup.country === undefined || match.country === undefined || match.country === lookup.country,
    );
    const strong = matches.filter((match) => !isLowConfidence(match));
    const chosen = strong.length > 0 ? strong : matches;
    let first = true;
    for (const match of chosen) {
      const id = `${lookup.field}\u0000${match.entry.id}`;
      if (reported.has(id)) continue;
      reported.add(id);
      const lowOnly = strong.length === 0;
      hits.push(
        hitOf(rule, {
          points: first ? (lowOnly ? rule.params.lowConfidencePoints : rule.weight) : 0,
          field: lookup.field,
          value: lookup.display,
          entry: { id: match.entry.id, source: match.entry.source, sourceId: match.entry.sourceId, name: match.entry.name },
          similarity: 1,
          ...(lowOnly ? { forcesBlock: false } : {}),
        }),
      );
      first = false;
    }
  }
  return hits;
};
