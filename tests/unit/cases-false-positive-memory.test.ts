import { describe, expect, test } from 'vitest';
import { clearedEntryKey, entriesToRemember, markPreviouslyCleared } from '../../src/domain/cases/false-positive-memory.js';
import type { Hit } from '../../src/domain/rules/ruleset.js';

const listHit = (entryId: string, sourceId: string, points = 55, extra: Partial<Hit> = {}): Hit => ({
  ruleId: 'list-name-match',
  ruleVersion: 1,
  indicatorIds: ['LIST-SDN-PERSON'],
  points,
  field: '/subject/name',
  value: 'Sang Man Kim',
  entry: { id: entryId, source: 'ofac-sdn', sourceId, name: 'KIM, Sang Man' },
  ...extra,
});
const otherHit: Hit = { ruleId: 'country-set', ruleVersion: 1, indicatorIds: ['X-1'], points: 10, field: '/subject/nationality' };

const hashes = new Map([
  ['e-1', 'hash-a'],
  ['e-2', 'hash-b'],
]);

describe('false-positive memory', () => {
  test('remembers each list entry of the hits once, with its content hash', () => {
    expect(entriesToRemember([listHit('e-1', '100'), listHit('e-1', '100'), listHit('e-2', '200'), otherHit, listHit('gone', '300')], hashes)).toEqual([
      { source: 'ofac-sdn', sourceId: '100', contentHash: 'hash-a' },
      { source: 'ofac-sdn', sourceId: '200', contentHash: 'hash-b' },
    ]);
  });

  test.each([
    ['the same entry, unchanged', 'e-1', '100', 'hash-a', true],
    ['the same entry in a newer list version (new row id, same content)', 'e-9', '100', 'hash-a', true],
    ['the same entry after the list changed it', 'e-1', '100', 'hash-CHANGED', false],
    ['another entry', 'e-2', '200', 'hash-b', false],
  ])('%s: marked = %s', (_label, entryId, sourceId, currentHash, marked) => {
    const cleared = new Set([clearedEntryKey({ source: 'ofac-sdn', sourceId: '100', contentHash: 'hash-a' })]);
    const result = markPreviouslyCleared([listHit(entryId, sourceId, 55, { forcesBlock: true }), otherHit], new Map([[entryId, currentHash]]), cleared);
    expect(result.clearedCount).toBe(marked ? 1 : 0);
    if (marked) {
      expect(result.hits[0]).toMatchObject({ previouslyCleared: true, points: 0 });
      expect(result.hits[0]).not.toHaveProperty('forcesBlock');
    } else {
      expect(result.hits[0]).toEqual(listHit(entryId, sourceId, 55, { forcesBlock: true }));
    }
    expect(result.hits[1]).toBe(otherHit);
  });
});
