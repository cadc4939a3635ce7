import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { evidenceToRemember, holdsListHit, markPreviouslyCleared, type RememberedEvidence } from '../../src/domain/cases/false-positive-memory.js';
import type { Hit } from '../../src/domain/rules/ruleset.js';

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

const nameHit = (extra: Partial<Hit> = {}): Hit => ({
  ruleId: 'list-name-match',
  ruleVersion: 1,
  indicatorIds: ['LIST-SDN-PERSON'],
  points: 55,
  field: '/subject/name',
  value: 'Sang Man Kim',
  matchedName: 'KIM, Sang Man',
  entry: { id: 'e-1', source: 'ofac-sdn', sourceId: '100', name: 'KIM, Sang Man' },
  similarity: 0.9,
  ...extra,
});
const emailHit: Hit = {
  ruleId: 'list-identifier-match',
  ruleVersion: 1,
  indicatorIds: ['LIST-IDENTIFIER'],
  points: 100,
  field: '/subject/email',
  value: 's***@example.org',
  entry: { id: 'e-1', source: 'ofac-sdn', sourceId: '100', name: 'KIM, Sang Man' },
  similarity: 1,
  forcesBlock: true,
};
const otherHit: Hit = { ruleId: 'country-set', ruleVersion: 1, indicatorIds: ['X-1'], points: 10, field: '/subject/nationality' };

const hashes = new Map([
  ['e-1', 'hash-a'],
  ['e-2', 'hash-b'],
  ['e-9', 'hash-a'],
]);

/** What a false-positive disposition of a case holding `nameHit()` remembered. */
function remembered(similarity = 900, extra: Partial<RememberedEvidence> = {}): RememberedEvidence {
  return {
    source: 'ofac-sdn',
    sourceId: '100',
    contentHash: 'hash-a',
    ruleId: 'list-name-match',
    field: '/subject/name',
    valueDigest: digest('Sang Man Kim\u001fKIM, Sang Man'),
    similarity,
    caseId: 'case-1',
    eventId: 'event-1',
    clearedAt: '2026-11-25T12:00:00.000Z',
    ...extra,
  };
}

describe('what a false-positive disposition remembers', () => {
  test('each name hit once, at the highest similarity seen; never identifier hits, hits that force a block, hits already cleared or entries gone', () => {
    const evidence = evidenceToRemember(
      [
        nameHit({ similarity: 0.85 }),
        nameHit({ similarity: 0.9 }),
        nameHit({ field: '/subject/aliases/0', value: 'Kim Sang-man' }),
        nameHit({ ruleId: 'list-name-match-strict', forcesBlock: true }),
        nameHit({ entry: { id: 'e-2', source: 'ofac-sdn', sourceId: '200', name: 'X' }, previouslyCleared: true } as Partial<Hit>),
        nameHit({ entry: { id: 'gone', source: 'ofac-sdn', sourceId: '300', name: 'Y' } }),
        emailHit,
        otherHit,
      ],
      hashes,
      digest,
    );
    expect(evidence).toEqual([
      { source: 'ofac-sdn', sourceId: '100', contentHash: 'hash-a', ruleId: 'list-name-match', field: '/subject/name', valueDigest: digest('Sang Man Kim\u001fKIM, Sang Man'), similarity: 900 },
      { source: 'ofac-sdn', sourceId: '100', contentHash: 'hash-a', ruleId: 'list-name-match', field: '/subject/aliases/0', valueDigest: digest('Kim Sang-man\u001fKIM, Sang Man'), similarity: 900 },
    ]);
  });

  test.each([
    ['a name hit', [nameHit()], true],
    ['an identifier hit', [emailHit], true],
    ['a hit already cleared', [{ ...nameHit(), points: 0, previouslyCleared: true }], true],
    ['only hits without a list entry', [otherHit], false],
    ['no hits', [], false],
  ])('a list is involved with %s: %s', (_label, hits, involved) => {
    expect(holdsListHit(hits)).toBe(involved);
  });
});

describe('which later hits the memory suppresses', () => {
  test.each<[string, Hit, boolean]>([
    ['the same evidence, same similarity', nameHit(), true],
    ['the same evidence at a lower similarity', nameHit({ similarity: 0.86 }), true],
    ['the same entry in a newer list version (new row id, same content)', nameHit({ entry: { id: 'e-9', source: 'ofac-sdn', sourceId: '100', name: 'KIM, Sang Man' } }), true],
    ['the same evidence at a higher similarity', nameHit({ similarity: 0.95 }), false],
    ['the entry changed by the list since', nameHit({ entry: { id: 'e-new', source: 'ofac-sdn', sourceId: '100', name: 'KIM, Sang Man' } }), false],
    ['another entry', nameHit({ entry: { id: 'e-2', source: 'ofac-sdn', sourceId: '200', name: 'KIM, Sang Man' } }), false],
    ['another rule', nameHit({ ruleId: 'list-name-match-employer' }), false],
    ['another field', nameHit({ field: '/subject/aliases/0' }), false],
    ['another name of the subject', nameHit({ value: 'Sang-man Kim' }), false],
    ['another listed name variant', nameHit({ matchedName: 'KIM Sang-man' }), false],
    ['a hit that forces a block', nameHit({ forcesBlock: true }), false],
    ['an identifier hit on the cleared entry', emailHit, false],
  ])('%s: suppressed = %s', (_label, hit, suppressed) => {
    const current = new Map([...hashes, ['e-new', 'hash-CHANGED']]);
    const result = markPreviouslyCleared([hit, otherHit], current, [remembered()], digest);
    expect(result.clearedCount).toBe(suppressed ? 1 : 0);
    if (suppressed) {
      expect(result.hits[0]).toEqual({
        ...hit,
        points: 0,
        previouslyCleared: true,
        suppressedBy: { caseId: 'case-1', eventId: 'event-1', disposition: 'false_positive', clearedAt: '2026-11-25T12:00:00.000Z' },
      });
    } else {
      expect(result.hits[0]).toBe(hit);
    }
    expect(result.hits[1]).toBe(otherHit);
  });

  test('when several dispositions cover a hit, the earliest one that saw at least its similarity is named', () => {
    const memory = [
      remembered(850, { caseId: 'case-low', eventId: 'event-low', clearedAt: '2026-01-01T00:00:00.000Z' }),
      remembered(950, { caseId: 'case-late', eventId: 'event-late', clearedAt: '2026-03-01T00:00:00.000Z' }),
      remembered(900, { caseId: 'case-early', eventId: 'event-early', clearedAt: '2026-02-01T00:00:00.000Z' }),
    ];
    const [hit] = markPreviouslyCleared([nameHit()], hashes, memory, digest).hits;
    expect(hit).toMatchObject({ previouslyCleared: true, suppressedBy: { caseId: 'case-early', eventId: 'event-early' } });
  });
});
