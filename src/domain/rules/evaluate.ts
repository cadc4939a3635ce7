import type { Hit, Rule, Ruleset, ScoredOutcome } from './ruleset.js';
import { scoreHits } from './ruleset.js';
import type { ScreeningSubject } from './screening-subject.js';

export interface NameCandidate {
  entry: { id: string; source: string; sourceId: string; name: string; type: string; programs: string[] };
  matchedName: string;
  /** 0..1 */
  score: number;
  explanation: unknown;
}

/** What evaluators may consult besides the subject: injected, so the core stays pure. */
export interface EvaluationContext {
  searchNames(query: { name: string; birthDate?: string; nationality?: string }, options: { threshold: number; limit: number }): NameCandidate[];
}

export type Evaluator = (subject: ScreeningSubject, rule: Rule, context: EvaluationContext) => Hit[];

function numberParam(rule: Rule, name: string, fallback: number): number {
  const value = rule.params[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Names of the subject that are screened against lists: the legal name and every alias. */
function subjectNames(subject: ScreeningSubject): { field: string; name: string }[] {
  const names = [{ field: '/subject/name', name: subject.name }];
  subject.aliases?.forEach((alias, index) => names.push({ field: `/subject/aliases/${index}`, name: alias }));
  return names;
}

const listNameMatch: Evaluator = (subject, rule, context) => {
  const threshold = numberParam(rule, 'minSimilarity', 0.85);
  const limit = numberParam(rule, 'maxHits', 5);
  const best = new Map<string, Hit>();
  for (const { field, name } of subjectNames(subject)) {
    const query = { name, ...(subject.birthDate ? { birthDate: subject.birthDate } : {}), ...(subject.nationality ? { nationality: subject.nationality } : {}) };
    for (const candidate of context.searchNames(query, { threshold, limit })) {
      const similarity = Math.round(candidate.score * 1000) / 1000;
      const previous = best.get(candidate.entry.id);
      if (previous && (previous.similarity ?? 0) >= similarity) continue;
      best.set(candidate.entry.id, {
        ruleId: rule.key,
        ruleVersion: rule.version,
        indicatorIds: rule.indicatorIds,
        points: Math.round(rule.weight * similarity),
        field,
        value: candidate.matchedName,
        entry: {
          id: candidate.entry.id,
          source: candidate.entry.source,
          sourceId: candidate.entry.sourceId,
          name: candidate.entry.name,
        },
        similarity,
        explanation: candidate.explanation,
      });
    }
  }
  // Several entries matching the same person are one reason, not several: only the strongest scores.
  const hits = [...best.values()].sort((a, b) => (b.similarity ?? 0) - (a.similarity ?? 0)).slice(0, limit);
  return hits.map((hit, index) => (index === 0 ? hit : { ...hit, points: 0 }));
};

export const EVALUATORS: Readonly<Record<string, Evaluator>> = {
  list_name_match: listNameMatch,
};

export interface Evaluation extends ScoredOutcome {
  hits: Hit[];
}

export function evaluateRuleset(subject: ScreeningSubject, ruleset: Ruleset, context: EvaluationContext): Evaluation {
  const hits: Hit[] = [];
  for (const rule of ruleset.rules) {
    if (!rule.enabled) continue;
    const evaluator = EVALUATORS[rule.kind];
    // Unknown kinds are refused when a ruleset is validated; skipping here keeps screening up.
    if (!evaluator) continue;
    hits.push(...evaluator(subject, rule, context).map((hit) => (rule.forcesBlock ? { ...hit, forcesBlock: true } : hit)));
  }
  return { hits, ...scoreHits(hits, ruleset.thresholds) };
}
