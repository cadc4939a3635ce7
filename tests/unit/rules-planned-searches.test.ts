/**
 * A screening runs the name searches its rules will make while its lookup statement is out
 * (screening.service.ts): `plannedNameSearches` must name exactly the searches the evaluation
 * then makes, or the early work is wasted and the evaluation searches again.
 */
import { describe, expect, test } from 'vitest';
import { evaluateRuleset, plannedNameSearches, type EvaluationContext } from '../../src/domain/rules/evaluate.js';
import type { Ruleset } from '../../src/domain/rules/ruleset.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { asRule, contextFor, defaultRule, defaultRuleset, rulesetOf } from './rules-fixtures.js';

const SUBJECTS: Record<string, ScreeningSubject> = {
  'a name alone': { name: 'Jane Smith' },
  'aliases, birth date and one nationality': { name: 'Kim Chol', aliases: ['Chol Kim', 'K. Chol'], birthDate: '1985-03-02', nationality: 'KP' },
  'several countries from citizenships and documents': {
    name: 'Pak Hyon',
    nationality: 'CN',
    citizenships: ['KP'],
    documents: [{ type: 'passport', number: 'X1', country: 'RU' }],
  },
  'companies and people around the applicant': {
    name: 'Carlos Ruiz',
    employment: [{ employer: 'Korea Sobaeksu Trading Company' }, { employer: 'Acme GmbH' }],
    references: [{ name: 'Ri Song Hyok', relation: 'colleague' }],
    engagement: { via: 'staffing_agency', vendorName: 'Yanbian Silverstar' },
    payment: { method: 'bank', accountHolderName: 'Jin Tong Trading' },
  },
  'a payee with the applicant\'s own name': { name: 'Maria Lopez', payment: { method: 'bank', accountHolderName: 'Maria Lopez' } },
} as unknown as Record<string, ScreeningSubject>;

/** The searches an evaluation makes, in order, each answered with nothing. */
function searchesMadeBy(subject: ScreeningSubject, ruleset: Ruleset) {
  const made: { query: unknown; options: unknown }[] = [];
  const searchNames: EvaluationContext['searchNames'] = (query, options) => {
    made.push({ query, options });
    return [];
  };
  evaluateRuleset(subject, ruleset, { ...contextFor(subject), searchNames });
  return made;
}

const planned = (subject: ScreeningSubject, ruleset: Ruleset) => plannedNameSearches(subject, ruleset).map(({ query, options }) => ({ query, options }));

describe('plannedNameSearches', () => {
  test.each(Object.entries(SUBJECTS))('the default ruleset, %s: the searches the evaluation makes, in order', (_label, subject) => {
    const ruleset = defaultRuleset();
    const made = searchesMadeBy(subject, ruleset);
    expect(made.length).toBeGreaterThan(0);
    expect(planned(subject, ruleset)).toEqual(made);
  });

  test('every target and country source of a name rule, with its own threshold and limit', () => {
    const base = defaultRule('list-name-match');
    const rule = asRule({ ...base, key: 'all-targets', params: { ...(base.params as object), targets: ['person', 'payee', 'employer', 'vendor', 'reference'], countries: ['nationality', 'citizenships', 'documents'], minSimilarity: 0.7, maxHits: 3 } } as never);
    const ruleset = rulesetOf(rule);
    const subject = SUBJECTS['companies and people around the applicant']!;
    const made = searchesMadeBy(subject, ruleset);
    expect(made).toHaveLength(6);
    expect(made.every((search) => JSON.stringify(search.options) === JSON.stringify({ threshold: 0.7, limit: 3 }))).toBe(true);
    expect(planned(subject, ruleset)).toEqual(made);
  });

  test('disabled name rules search nothing and are not planned', () => {
    const ruleset = { ...defaultRuleset(), rules: defaultRuleset().rules.map((rule) => (rule.kind === 'list_name_match' ? { ...rule, enabled: false } : rule)) };
    const subject = SUBJECTS['aliases, birth date and one nationality']!;
    expect(searchesMadeBy(subject, ruleset)).toEqual([]);
    expect(planned(subject, ruleset)).toEqual([]);
  });
});
