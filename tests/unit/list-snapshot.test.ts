import { describe, expect, test } from 'vitest';
import { buildSnapshot } from '../../src/services/list-index.service.js';
import { listEntry } from '../helpers/list-fixtures.js';

const entries = [
  { id: 'e1', source: 'un', data: listEntry({ sourceId: 'KPi.001', name: 'KIM Chol Nam', type: 'individual' }) },
  { id: 'e2', source: 'un', data: listEntry({ sourceId: 'KPe.001', name: 'Korea Ryonbong General Corporation', type: 'entity' }) },
];

describe('a list snapshot remembers its searches', () => {
  const snapshot = buildSnapshot([], entries);

  test('the same search answers with the same (frozen) candidates; another search is made afresh', () => {
    const first = snapshot.searchNames({ name: 'Kim Chol Nam' }, { threshold: 0.7, limit: 5 });
    expect(first.map((candidate) => candidate.entry.id)).toEqual(['e1']);
    expect(snapshot.searchNames({ name: 'Kim Chol Nam' }, { threshold: 0.7, limit: 5 })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // Every part of the query and of the options is part of what is remembered.
    expect(snapshot.searchNames({ name: 'Kim Chol Nam' }, { threshold: 0.99, limit: 5 })).not.toBe(first);
    expect(snapshot.searchNames({ name: 'Kim Chol Nam', nationality: 'KP' }, { threshold: 0.7, limit: 5 })).not.toBe(first);
    expect(snapshot.searchNames({ name: 'Kim Chol Nam', birthDate: '1980-01-01' }, { threshold: 0.7, limit: 5 })).not.toBe(first);
    expect(snapshot.searchNames({ name: 'Ryonbong General' }, { threshold: 0.7, limit: 5 }).map((candidate) => candidate.entry.id)).toEqual(['e2']);
  });

  test('a snapshot of other versions answers from its own entries', () => {
    const other = buildSnapshot([], entries.slice(1));
    expect(other.searchNames({ name: 'Kim Chol Nam' }, { threshold: 0.7, limit: 5 })).toEqual([]);
    expect(snapshot.searchNames({ name: 'Kim Chol Nam' }, { threshold: 0.7, limit: 5 })).toHaveLength(1);
  });
});
