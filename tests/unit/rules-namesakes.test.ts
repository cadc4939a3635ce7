/**
 * Name-only list matches weighed by how identifying they are (list_name_match `namesakes`), and
 * named combinations shown as reasons of their own (`recordCombinations`).
 */
import { describe, expect, test } from 'vitest';
import { commonNameOf } from '../../src/domain/rules/common-names.data.js';
import { DEFAULT_COMBINATION, DEFAULT_THRESHOLDS } from '../../src/domain/rules/default-ruleset.js';
import { evaluateRuleset, type EvaluationContext, type NameCandidate } from '../../src/domain/rules/evaluate.js';
import type { EntryParticular } from '../../src/domain/rules/evaluation-context.js';
import { scoreWithCombination } from '../../src/domain/rules/evidence-combination.js';
import type { Hit, Rule } from '../../src/domain/rules/ruleset.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { entryParticulars, listEntryOf } from '../../src/domain/lists/list-entry.js';
import { DISCRIMINATOR_WEIGHTS } from '../../src/domain/screening/match-options.js';
import { contextFor, defaultRule, defaultRuleset, rulesetOf } from './rules-fixtures.js';

interface Listed {
  name: string;
  particulars?: readonly EntryParticular[];
  /** The matcher's birth-date component for the query, when the entry lists a birth date. */
  birthDateDelta?: number;
  score?: number;
}

/** A search that answers one listed person for any query, as the matcher would explain it. */
function searchAnswering(listed: Listed): EvaluationContext['searchNames'] {
  return () => [
    {
      entry: { id: 'e1', source: 'test-list', sourceId: 'E1', name: listed.name, type: 'individual', programs: ['DPRK3'], ...(listed.particulars !== undefined ? { particulars: listed.particulars } : {}) },
      matchedName: listed.name,
      score: listed.score ?? 0.95,
      explanation: {
        nameScore: 0.95,
        components: listed.birthDateDelta !== undefined ? [{ component: 'birth-date', value: listed.birthDateDelta, delta: listed.birthDateDelta }] : [],
      },
    } satisfies NameCandidate,
  ];
}

function person(name: string, extra: Partial<ScreeningSubject> = {}): ScreeningSubject {
  return { externalRef: 'p-1', name, nationality: 'KR', ...extra };
}

function nameHit(subject: ScreeningSubject, listed: Listed, rule: Rule = defaultRule('list-name-match')) {
  const evaluation = evaluateRuleset(subject, rulesetOf(rule), { ...contextFor(subject), searchNames: searchAnswering(listed) });
  return { evaluation, hit: evaluation.hits.find((candidate) => candidate.ruleId === rule.key)! };
}

describe('common full names, as data with sources', () => {
  test('a common surname makes a full name very common only beside a most-frequent given name', () => {
    expect(commonNameOf(['sergey', 'ivanov'])).toMatchObject({ surname: 'ivanov', givenName: 'sergey' });
    expect(commonNameOf(['haoran', 'wang'])).toMatchObject({ surname: 'wang', percent: 7.25, givenName: 'haoran' });
    // However frequent the surname, the given name tells a listed person from other bearers.
    expect(commonNameOf(['kim', 'kwang', 'jin'])).toBeUndefined();
    expect(commonNameOf(['zhenxing', 'wang'])).toBeUndefined();
    // Ivanov with a rarer given name, and names of no very common surname, are not.
    expect(commonNameOf(['yaroslav', 'ivanov'])).toBeUndefined();
    expect(commonNameOf(['daniel', 'brooks'])).toBeUndefined();
    expect(commonNameOf(['sun', 'sidong'])).toBeUndefined();
  });
});

describe('what a list entry gives besides names', () => {
  test('birth dates, nationalities, identity documents and street addresses; a country or city alone is not an address', () => {
    const bare = listEntryOf({ sourceId: 'X', type: 'individual', name: 'Kim Kwang Jin', names: [], addresses: [{ country: 'AE', countryName: 'United Arab Emirates' }, { region: 'NJ', city: 'Newark', country: 'US' }] });
    expect(entryParticulars(bare)).toEqual([]);
    expect(entryParticulars({ ...bare, birthDates: [{ value: '1980' }], citizenships: ['KP'], addresses: [{ line: '12 Oak St', country: 'US' }] })).toEqual(['birth-date', 'nationality', 'address']);
    expect(entryParticulars({ ...bare, identifiers: [{ kind: 'passport', value: 'P123', normalized: 'P123' }] })).toEqual(['identifier']);
    // Handles (e-mail, wallet) are checked by the identifier rules; they do not say who bears the name.
    expect(entryParticulars({ ...bare, identifiers: [{ kind: 'email', value: 'a@b.example', normalized: 'a@b.example' }, { kind: 'wallet', value: '0xab', normalized: '0xab' }] })).toEqual([]);
  });
});

describe('a name-only match weighs what it can tell apart from a namesake', () => {
  const exact = Math.round(35 * 0.95);

  test('an entry listing nothing but names: 10 points less, and the hit says why', () => {
    const { hit, evaluation } = nameHit(person('Jin Sung Il'), { name: 'Jin Sung Il', particulars: [] });
    expect(hit.points).toBe(exact - 10);
    expect(hit.lowered).toEqual([expect.objectContaining({ reason: 'undescribed-entry', points: 10 })]);
    expect(evaluation.outcome).toBe('clear');
  });

  test('a very common full name without an agreeing birth date: 10 points less; both reasons add', () => {
    const described = nameHit(person('Sergey Ivanov'), { name: 'IVANOV, Sergey', particulars: ['birth-date', 'nationality'] }).hit;
    expect(described.points).toBe(exact - 10);
    expect(described.lowered).toEqual([expect.objectContaining({ reason: 'common-name', detail: expect.stringContaining('surname ivanov (1.3%) with the frequent given name sergey') })]);
    const bare = nameHit(person('Sergey Ivanov'), { name: 'Sergey Ivanov', particulars: [] }).hit;
    expect(bare.points).toBe(exact - 20);
    expect(bare.lowered!.map((part) => part.reason)).toEqual(['undescribed-entry', 'common-name']);
  });

  test('a common surname alone does not make a full name common: a listed Kim Chol with a birth date keeps the whole weight', () => {
    const { hit } = nameHit(person('Kim Chol'), { name: 'KIM Chol', particulars: ['birth-date', 'nationality'] });
    expect(hit.points).toBe(exact);
    expect(hit.lowered).toBeUndefined();
  });

  test('an agreeing birth date is confirming evidence: a common name is not lowered', () => {
    const { hit } = nameHit(person('Kim Chol', { birthDate: '1964' }), { name: 'KIM Chol', particulars: ['birth-date'], birthDateDelta: DISCRIMINATOR_WEIGHTS.birthYear });
    expect(hit.points).toBe(exact);
    expect(hit.lowered).toBeUndefined();
  });

  test('a match that identifies the listed person (exact listed birth date) still forces a block', () => {
    const { hit, evaluation } = nameHit(person('Kim Chol', { birthDate: '1964-09-27' }), { name: 'KIM Chol', particulars: ['birth-date'], birthDateDelta: DISCRIMINATOR_WEIGHTS.birthDateExact });
    expect(hit).toMatchObject({ forcesBlock: true, points: exact });
    expect(evaluation.outcome).toBe('block');
  });

  test('an uncommon name against a described entry, or an entry of unknown particulars, keeps its full weight', () => {
    expect(nameHit(person('Sun Sidong'), { name: 'SUN Sidong', particulars: ['birth-date'] }).hit).toMatchObject({ points: exact });
    expect(nameHit(person('Jin Sung Il'), { name: 'Jin Sung Il' }).hit.lowered).toBeUndefined();
  });

  test('rules published before `namesakes` score weight × similarity, as they did', () => {
    const rule = defaultRule('list-name-match');
    const { namesakes: _dropped, ...params } = rule.params as Record<string, unknown>;
    const { hit } = nameHit(person('Kim Kwang Jin'), { name: 'Kim Kwang Jin', particulars: [] }, { ...rule, params });
    expect(hit.points).toBe(exact);
    expect(hit.lowered).toBeUndefined();
  });

  test('a lowered match still counts next to other evidence', () => {
    const subject = person('Kim Kwang Jin', { interview: { videoCompleted: false }, claimedLocation: { country: 'US' } });
    const evaluation = evaluateRuleset(subject, defaultRuleset(), { ...contextFor(subject), searchNames: searchAnswering({ name: 'Kim Kwang Jin', particulars: [] }) });
    expect(evaluation.hits.find((hit) => hit.ruleId === 'list-name-match')?.points).toBe(exact - 10);
    expect(evaluation.score).toBeGreaterThan(evaluateRuleset({ ...subject, name: 'Daniel Brooks' }, defaultRuleset(), contextFor(subject)).score);
  });
});

describe('a named combination that fired is a reason of its own', () => {
  const evidence = (): Hit[] => [
    { ruleId: 'claimed-country-vs-logins', ruleVersion: 1, indicatorIds: ['US22-PROFILE-INCONSISTENT'], points: 9, field: '/subject/logins' },
    { ruleId: 'geo-hub-country', ruleVersion: 1, indicatorIds: ['GEO-HUB'], points: 0, field: '/subject/logins/0/country', value: 'CN' },
  ];

  test('the hit names the combination, what it escalated to and the rules that fired it; the outcome is as before', () => {
    const scored = scoreWithCombination(evidence(), DEFAULT_THRESHOLDS, DEFAULT_COMBINATION, 7);
    expect(scored.outcome).toBe('review');
    const shown = scored.hits.filter((hit) => hit.combination !== undefined);
    expect(shown).toEqual([
      {
        ruleId: 'hub-logins-against-claim',
        ruleVersion: 7,
        indicatorIds: ['US22-PROFILE-INCONSISTENT', 'GEO-HUB'],
        points: 0,
        field: '/subject',
        combination: { escalateTo: 'review', members: ['claimed-country-vs-logins', 'geo-hub-country'], description: expect.any(String) },
      },
    ]);
    const without = scoreWithCombination(evidence(), DEFAULT_THRESHOLDS, { ...DEFAULT_COMBINATION, recordCombinations: undefined }, 7);
    expect({ score: without.score, outcome: without.outcome }).toEqual({ score: scored.score, outcome: scored.outcome });
    expect(without.hits.some((hit) => hit.combination !== undefined)).toBe(false);
  });

  test('scored again (false-positive memory), the hit is kept once, or dropped when its rules no longer fire', () => {
    const first = scoreWithCombination(evidence(), DEFAULT_THRESHOLDS, DEFAULT_COMBINATION, 7);
    const again = scoreWithCombination(first.hits, DEFAULT_THRESHOLDS, DEFAULT_COMBINATION, 9);
    expect(again.hits.filter((hit) => hit.combination !== undefined)).toEqual(first.hits.filter((hit) => hit.combination !== undefined));
    const withoutHub = scoreWithCombination(first.hits.filter((hit) => hit.ruleId !== 'geo-hub-country'), DEFAULT_THRESHOLDS, DEFAULT_COMBINATION, 7);
    expect(withoutHub.hits.some((hit) => hit.combination !== undefined)).toBe(false);
    expect(withoutHub.outcome).toBe('clear');
  });

  test('additive rulesets are unchanged: no combination hits', () => {
    const scored = scoreWithCombination(evidence(), DEFAULT_THRESHOLDS, undefined, 7);
    expect(scored.hits).toEqual(evidence());
  });
});

describe('two applicants who give each other as references', () => {
  const link = (ruleId: string, related: string): Hit => ({ ruleId, ruleVersion: 1, indicatorIds: ['JP24-REVIEW-COLLUSION', 'FBI25-CROSS-APPLICANT'], points: 15, field: ruleId.startsWith('reference') ? '/subject/references/0/email' : '/subject/emails/0', related: [related] });

  test('a loop with one same subject escalates to review, shown as its own reason', () => {
    const scored = scoreWithCombination([link('reference-is-other-applicant', 'a-1'), link('applicant-is-other-reference', 'a-1')], DEFAULT_THRESHOLDS, DEFAULT_COMBINATION, 3);
    expect(scored.outcome).toBe('review');
    expect(scored.hits.filter((hit) => hit.combination !== undefined).map((hit) => hit.ruleId)).toEqual(['mutual-references']);
  });

  test('a reference who is one applicant and a referee of another is no loop: it stays clear', () => {
    const scored = scoreWithCombination([link('reference-is-other-applicant', 'a-1'), link('applicant-is-other-reference', 'b-2')], DEFAULT_THRESHOLDS, DEFAULT_COMBINATION, 3);
    expect(scored.outcome).toBe('clear');
    expect(scored.hits.some((hit) => hit.combination !== undefined)).toBe(false);
  });
});
