/**
 * Whether a re-screen says something the subject's last decision did not. Outcome and score
 * alone would miss a new sanctions match on a subject already in review for other reasons (the
 * score is capped and the outcome stays `review`), so the evidence counts too: which rule fired
 * on which field for which list entry, with how many points. Entry ids differ between list
 * versions for the same listed person, so entries are compared by source and source id; match
 * explanations and similarity decimals are not evidence of a change. Another applicant joining a
 * link (one more member of a farm sharing a phone) is: the hit names who shares it.
 */
import type { Hit, Outcome } from '../rules/ruleset.js';

export interface ScreenedOutcome {
  outcome: Outcome | string;
  score: number;
  hits: readonly Pick<Hit, 'ruleId' | 'field' | 'points' | 'entry' | 'related'>[];
}

export function evidenceKey(hit: Pick<Hit, 'ruleId' | 'field' | 'points' | 'entry' | 'related'>): string {
  const related = hit.related ? [...hit.related].sort().join(',') : '';
  return [hit.ruleId, hit.field, hit.entry ? `${hit.entry.source}:${hit.entry.sourceId}` : '', String(hit.points), related].join('\u0000');
}

const evidenceOf = (outcome: ScreenedOutcome) => outcome.hits.map(evidenceKey).sort();

export function hasChanged(previous: ScreenedOutcome, next: ScreenedOutcome): boolean {
  if (previous.outcome !== next.outcome || previous.score !== next.score) return true;
  const before = evidenceOf(previous);
  const after = evidenceOf(next);
  return before.length !== after.length || before.some((key, index) => key !== after[index]);
}
