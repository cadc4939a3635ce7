import { describe, expect, test } from 'vitest';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
import { applyCorroboration, scoreHits, type Hit } from '../../src/domain/rules/ruleset.js';
import { contextFor, defaultRule, rulesetOf } from './rules-fixtures.js';

const thresholds = { review: 40, block: 80 };
const hit = (points: number, indicatorIds: string[] = ['US22-PAY-CRYPTO'], extra: Partial<Hit> = {}): Hit => ({
  ruleId: 'r',
  ruleVersion: 1,
  indicatorIds,
  points,
  field: '/subject/name',
  ...extra,
});

describe('scoreHits', () => {
  test.each<[string, Hit[], number, string]>([
    ['no hits', [], 0, 'clear'],
    ['below review', [hit(39)], 39, 'clear'],
    ['at review', [hit(25), hit(15)], 40, 'review'],
    ['at block', [hit(80)], 80, 'block'],
    ['capped at 100', [hit(70), hit(70)], 100, 'block'],
    ['a forced block with few points', [hit(5, undefined, { forcesBlock: true })], 5, 'block'],
    ['corroborative-only hits alone', [hit(30, ['GEO-HUB']), hit(30, ['US22-NAT-KOREAN', 'USROK23-LANG-ORIGIN'])], 0, 'clear'],
    ['corroborative-only hits next to a real one', [hit(10), hit(30, ['GEO-HUB'], { field: '/subject/logins/0/country' })], 40, 'review'],
    ['a corroborative hit about the same part of the profile as the real one: one fact, counted once', [hit(10, undefined, { field: '/subject/logins/3/country' }), hit(30, ['GEO-HUB'], { field: '/subject/logins/0/country' })], 10, 'clear'],
    ['a corroborative hit cannot force a block', [hit(0, ['GEO-HUB'], { forcesBlock: true })], 0, 'clear'],
    ['negative or non-finite points count as 0', [hit(-50), hit(Number.NaN), hit(10)], 10, 'clear'],
  ])('%s', (_label, hits, score, outcome) => {
    expect(scoreHits(hits, thresholds)).toEqual({ score, outcome });
  });

  test('a hit citing a corroborative and a substantive indicator counts on its own', () => {
    expect(applyCorroboration([hit(10, ['GEO-HUB', 'US22-PAY-PRC-BANK'])])[0]?.points).toBe(10);
  });
});

describe('evaluateRuleset', () => {
  test("a rule's hits together add at most its weight", () => {
    const subject = { name: 'Jane Roe', claimedLocation: { country: 'US' }, phones: ['+86 138 0013 8000', '+7 495 123 4567', '+84 24 3825 2222'] };
    const evaluation = evaluateRuleset(subject, rulesetOf(defaultRule('claimed-country-vs-phone')), contextFor(subject));
    expect(evaluation.hits.map((candidate) => candidate.points)).toEqual([9, 0, 0]);
    expect(evaluation.score).toBe(9);
  });

  test('disabled rules do not run', () => {
    const subject = { name: 'Jane Roe', interview: { videoCompleted: false } };
    const evaluation = evaluateRuleset(subject, rulesetOf({ ...defaultRule('interview-no-video'), enabled: false }), contextFor(subject));
    expect(evaluation.hits).toEqual([]);
  });

  test('hits name the rule version they were produced by', () => {
    const subject = { name: 'Jane Roe', interview: { videoCompleted: false } };
    const evaluation = evaluateRuleset(subject, rulesetOf({ ...defaultRule('interview-no-video'), version: 7 }), contextFor(subject));
    expect(evaluation.hits[0]).toMatchObject({ ruleId: 'interview-no-video', ruleVersion: 7 });
  });

  test('a document number never appears in a decision', () => {
    const subject = { name: 'Jane Roe', documents: [{ type: 'passport' as const, country: 'KP', number: '109420132' }] };
    const context = contextFor(subject, { identifiers: [{ kind: 'passport', normalized: '109420132', country: 'KP', entryId: 'p1' }] });
    const evaluation = evaluateRuleset(subject, rulesetOf(defaultRule('list-document-match')), context);
    expect(evaluation.outcome).toBe('block');
    expect(evaluation.hits[0]?.value).toBe('passport (KP)');
    expect(JSON.stringify(evaluation)).not.toContain('109420132');
  });

  test("an e-mail's local part is masked in hits", () => {
    const subject = { name: 'Jane Roe', emails: ['glausli1990@outlook.com'] };
    const context = contextFor(subject, { identifiers: [{ kind: 'email', normalized: 'glausli1990@outlook.com', entryId: 'glaus' }] });
    const evaluation = evaluateRuleset(subject, rulesetOf(defaultRule('list-contact-match')), context);
    expect(evaluation.hits[0]?.value).toBe('g•••@outlook.com');
  });

  test('a strong and a low-confidence entry on the same identifier: the strong one decides', () => {
    const subject = { name: 'Jane Roe', emails: ['x@leads.example'] };
    const context = contextFor(subject, {
      identifiers: [
        { kind: 'email', normalized: 'x@leads.example', entryId: 'lead', confidence: 'low' },
        { kind: 'email', normalized: 'x@leads.example', entryId: 'sdn', confidence: 'high' },
      ],
    });
    const evaluation = evaluateRuleset(subject, rulesetOf(defaultRule('list-contact-match')), context);
    expect(evaluation.outcome).toBe('block');
    expect(evaluation.hits).toEqual([expect.objectContaining({ entry: expect.objectContaining({ id: 'sdn' }), forcesBlock: true, points: defaultRule('list-document-match').weight })]);
  });
});
