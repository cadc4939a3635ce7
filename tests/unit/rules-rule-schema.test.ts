import { describe, expect, test } from 'vitest';
import { DEFAULT_RULES, DEFAULT_THRESHOLDS } from '../../src/domain/rules/default-ruleset.js';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
import { RULE_KINDS, validateRule, validateRuleset } from '../../src/domain/rules/rule.schema.js';
import { asRule, contextFor, rulesetOf } from './rules-fixtures.js';

const good = {
  key: 'payment-crypto',
  kind: 'field_value',
  description: 'Asks to be paid in crypto',
  enabled: true,
  weight: 15,
  severity: 'high',
  forcesBlock: false,
  indicatorIds: ['US22-PAY-CRYPTO'],
  params: { field: 'payment.crypto', equals: [true] },
};

function issuesOf(rule: unknown) {
  const result = validateRule(rule);
  return result.ok ? [] : result.issues;
}

describe('validateRule', () => {
  test('accepts every default rule and the default ruleset', () => {
    for (const rule of DEFAULT_RULES) expect(issuesOf(rule), rule.key).toEqual([]);
    expect(validateRuleset({ thresholds: DEFAULT_THRESHOLDS, rules: DEFAULT_RULES })).toMatchObject({ ok: true });
  });

  test('the default ruleset uses every evaluator kind', () => {
    expect(new Set(DEFAULT_RULES.map((rule) => rule.kind))).toEqual(new Set(RULE_KINDS));
  });

  test('fills parameter defaults, so rules stored before `targets` existed keep screening the person', () => {
    const result = validateRule({ ...good, key: 'list-name-match', kind: 'list_name_match', indicatorIds: ['LIST-SDN-PERSON'], params: { minSimilarity: 0.85, maxHits: 5 } });
    expect(result).toMatchObject({ ok: true, value: { params: { targets: ['person'] } } });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['an unknown kind', { kind: 'astrology' }, '/kind'],
    ['params of another kind', { params: { minSimilarity: 0.9, maxHits: 3 } }, '/params/field'],
    ['an unknown parameter', { params: { field: 'payment.crypto', equals: [true], extra: 1 } }, '/params'],
    ['an unknown field', { params: { field: 'payment.iban', equals: ['x'] } }, '/params/field'],
    ['a value the field cannot take', { params: { field: 'payment.method', equals: ['cheque'] } }, '/params/equals/0'],
    ['a string for a boolean field', { params: { field: 'interview.cameraOn', equals: ['false'] } }, '/params/equals/0'],
    ['containsAny on a boolean field', { params: { field: 'interview.cameraOn', containsAny: ['x'] } }, '/params/containsAny'],
    ['both equals and containsAny', { params: { field: 'payment.provider', equals: ['x'], containsAny: ['y'] } }, '/params/equals'],
    ['a weight over 100', { weight: 150 }, '/weight'],
    ['a fractional weight', { weight: 12.5 }, '/weight'],
    ['an unknown indicator', { indicatorIds: ['US99-MADE-UP'] }, '/indicatorIds/0'],
    ['a repeated indicator', { indicatorIds: ['US22-PAY-CRYPTO', 'US22-PAY-CRYPTO'] }, '/indicatorIds'],
    ['a key that is not kebab-case', { key: 'Payment Crypto' }, '/key'],
    ['an unknown severity', { severity: 'apocalyptic' }, '/severity'],
    ['an unknown property', { colour: 'red' }, '/'],
    ['a block forced by a corroborative-only indicator', { forcesBlock: true, indicatorIds: ['US22-NAT-KOREAN'] }, '/forcesBlock'],
  ])('refuses %s with the path', (_label, change, path) => {
    expect(issuesOf({ ...good, ...change }).map((issue) => issue.path)).toContain(path);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['list_name_match', { minSimilarity: 1.5, maxHits: 5 }, '/params/minSimilarity'],
    ['list_name_match', { targets: ['person', 'person'], minSimilarity: 0.9, maxHits: 5 }, '/params/targets'],
    ['list_name_match', { targets: ['pets'], minSimilarity: 0.9, maxHits: 5 }, '/params/targets/0'],
    ['list_identifier_match', { sources: ['carrier_pigeon'], lowConfidencePoints: 10 }, '/params/sources/0'],
    ['list_identifier_match', { sources: ['wallet'], lowConfidencePoints: 50 }, '/params/lowConfidencePoints'],
    ['country_set', { fields: ['logins'], countries: ['XX'] }, '/params/countries/0'],
    ['country_set', { fields: ['logins'] }, '/params'],
    ['country_set', { fields: ['moon'], countries: ['KP'] }, '/params/fields/0'],
    ['field_consistency', { check: 'horoscope' }, '/params/check'],
    ['field_consistency', { check: 'claimed_country', against: 'weather' }, '/params/against'],
    ['login_behaviour', { check: 'off_hours', fromHour: 6, toHour: 2, minShare: 0.5, minLogins: 3 }, '/params/toHour'],
    ['login_behaviour', { check: 'hosting_network', kinds: ['proxy'], minCount: 1, minShare: 0.5 }, '/params/kinds/0'],
    ['login_behaviour', { check: 'hosting_network', kinds: [], minCount: 1, minShare: 0.5 }, '/params/kinds'],
    ['login_behaviour', { check: 'many_countries', windowHours: -1, minCountries: 3 }, '/params/windowHours'],
    ['subject_link', { kinds: ['email'], otherKinds: ['dna'], minSubjects: 1, sameNameSimilarity: 0.9 }, '/params/otherKinds/0'],
    ['profile_change', { kinds: [] }, '/params/kinds'],
  ])('refuses bad %s params %j', (kind, params, path) => {
    expect(issuesOf({ ...good, kind, weight: 20, params }).map((issue) => issue.path)).toContain(path);
  });

  test('validateRuleset refuses duplicate keys and inverted thresholds', () => {
    const result = validateRuleset({ thresholds: { review: 80, block: 40 }, rules: [good, good] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['/thresholds/block', '/rules/1/key']));
  });

  test('a rule stored without validation is skipped at screening time and reported, never thrown', () => {
    const broken = asRule({ ...DEFAULT_RULES[0]!, key: 'broken', kind: 'astrology' as 'list_name_match' });
    const subject = { name: 'Jane Roe' };
    const evaluation = evaluateRuleset(subject, rulesetOf(broken), contextFor(subject));
    expect(evaluation).toMatchObject({ hits: [], outcome: 'clear', skippedRules: [{ key: 'broken' }] });
  });
});
