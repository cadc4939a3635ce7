import { describe, expect, test } from 'vitest';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { cleanPolishFreelancer, contextFor, defaultRuleset } from './rules-fixtures.js';

/**
 * Issue 18, item 5: every host in the profile is checked against listed (and seized) domains,
 * the domains above it included: a profile page on a seized facilitator site, or an e-mail at a
 * subdomain of a listed front, is a list hit like any other.
 */
const SEIZED = [{ kind: 'domain' as const, normalized: 'seized-front.example', entryId: 'seized-1', entryName: 'Seized facilitator site' }];

function domainHits(subject: ScreeningSubject) {
  const evaluation = evaluateRuleset(subject, defaultRuleset(), contextFor(subject, { identifiers: SEIZED }));
  return evaluation.hits.filter((hit) => hit.ruleId === 'list-domain-match' && hit.points > 0).map((hit) => ({ field: hit.field, value: hit.value }));
}

describe('domains everywhere', () => {
  const base = cleanPolishFreelancer();

  test.each<[string, Partial<ScreeningSubject>, string]>([
    ['a profile page on the seized site', { profiles: [{ platform: 'portfolio', url: 'https://seized-front.example/dev/anna' }] }, '/subject/profiles/0/url'],
    ['a profile page on a subdomain of it', { profiles: [{ platform: 'portfolio', url: 'https://jobs.seized-front.example/anna' }] }, '/subject/profiles/0/url'],
    ['an e-mail at a subdomain of it', { emails: ['anna@mail.seized-front.example'] }, '/subject/emails/0'],
    ['an employer domain under it', { employment: [{ employer: 'Front', domain: 'www.hr.seized-front.example' }] }, '/subject/employment/0/domain'],
  ])('%s is a list hit', (_label, change, field) => {
    expect(domainHits({ ...base, ...change })).toEqual([expect.objectContaining({ field })]);
  });

  test('a look-alike domain or a page on a big platform is not', () => {
    expect(domainHits({ ...base, emails: ['anna@notseized-front.example'], profiles: [{ platform: 'github', url: 'https://github.com/seized-front.example' }] })).toEqual([]);
  });
});
