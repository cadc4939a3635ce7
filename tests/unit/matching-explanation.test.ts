import { describe, expect, test } from 'vitest';
import {
  buildMatchIndex,
  compareNames,
  EXPLANATION_VERSION,
  searchIndex,
  type MatchExplanation,
  type TokenMatchKind,
} from '../../src/domain/screening/index.js';
import { ENTRIES } from './matching-fixtures.js';

const index = buildMatchIndex(ENTRIES);
const TOKEN_KINDS: TokenMatchKind[] = ['exact', 'transliterated', 'korean-variant', 'fuzzy', 'initial'];
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function expectWellFormed(e: MatchExplanation): void {
  expect(e.version).toBe(EXPLANATION_VERSION);
  for (const pair of e.tokens) {
    expect(TOKEN_KINDS).toContain(pair.how);
    expect(pair.score).toBeGreaterThan(0);
    expect(pair.score).toBeLessThanOrEqual(1);
    expect(pair.weight).toBeGreaterThan(0);
  }
  for (const c of e.components) {
    expect(['+', '-', '=']).toContain(c.effect);
    expect(c.detail.length).toBeGreaterThan(0);
    if (c.effect === '+') expect(c.delta).toBeGreaterThan(0);
    if (c.effect === '-') expect(c.delta).toBeLessThan(0);
  }
  // The score is exactly the sum of the components (clamped at 0), so an auditor can redo it.
  const sum = round4(e.components.reduce((acc, c) => acc + c.delta, 0));
  expect(e.score).toBe(Math.max(0, sum));
  expect(e.match).toBe(e.score >= e.threshold);
}

describe('every result carries a stable, complete explanation', () => {
  test.each([
    ['Jong Un Kim', 'KIM, Jong Un', ['exact']],
    ['Lee Yong Gil', 'RI, Yong Gil', ['korean-variant', 'exact']],
    ['김정은', 'KIM, Jong Un', ['korean-variant']],
    ['Владимир Путин', 'PUTIN, Vladimir', ['transliterated']],
    ['Vladimir Pudin', 'PUTIN, Vladimir', ['exact', 'fuzzy']],
    ['V. Putin', 'PUTIN, Vladimir', ['initial', 'exact']],
  ])('%s vs %s', (query, listed, hows) => {
    const { explanation } = compareNames({ name: query, type: 'individual' }, { name: listed, type: 'individual' });
    expectWellFormed(explanation);
    expect(explanation.queryName).toBe(query);
    expect(explanation.matchedName).toBe(listed);
    expect(new Set(explanation.tokens.map((t) => t.how))).toEqual(new Set(hows));
  });

  test('the same comparison explains itself identically every time', () => {
    const a = compareNames({ name: 'Choi Bu-il' }, { name: 'CHOE, Pu Il' });
    const b = compareNames({ name: 'Choi Bu-il' }, { name: 'CHOE, Pu Il' });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  test('a comparison explanation has this shape', () => {
    const { explanation } = compareNames({ name: 'Kim Jongun', type: 'individual' }, { name: 'KIM, Jong Un', type: 'individual' });
    expect(explanation).toEqual({
      version: 2,
      queryName: 'Kim Jongun',
      matchedName: 'KIM, Jong Un',
      queryType: 'individual',
      listedType: 'individual',
      korean: true,
      tokens: [
        { query: 'kim', listed: 'kim', score: 1, how: 'exact', weight: 1 },
        { query: 'jongun', listed: 'jong un', score: 1, how: 'exact', weight: 1.5 },
      ],
      unmatchedQuery: [],
      unmatchedListed: [],
      components: [
        { component: 'tokens', effect: '+', value: 1, delta: 1, detail: expect.any(String) },
        { component: 'fuse', effect: expect.any(String), value: expect.any(Number), delta: expect.any(Number), detail: expect.any(String) },
        { component: 'name-only-cap', effect: '-', value: expect.any(Number), delta: expect.any(Number), detail: expect.any(String) },
        { component: 'type', effect: '=', value: 0, delta: 0, detail: 'types agree (individual / individual)' },
      ],
      nameScore: expect.any(Number),
      score: 0.95,
      threshold: 0.7,
      match: true,
    });
  });

  test('search results name the entry, the listed name that matched, and why', () => {
    const [result] = searchIndex(index, { name: 'Choi Bu-il', birthDate: '1944', type: 'individual' });
    expect(result).toMatchObject({
      entry: { id: 'ofac-sdn:20120', source: 'ofac-sdn', sourceId: '20120', name: 'CHOE, Pu Il', type: 'individual', programs: ['DPRK3'] },
      matchedName: 'CHOI, Bu-il',
      explanation: { matchedNameKind: 'aka', matchedNameStrength: 'strong', listedType: 'individual' },
    });
    expectWellFormed(result!.explanation);
    expect(result!.explanation.components.map((c) => c.component)).toEqual(
      expect.arrayContaining(['tokens', 'fuse', 'type', 'birth-date']),
    );
  });

  test('unmatched words on either side are listed', () => {
    const { explanation } = compareNames({ name: 'Vladimir Vladimirovich Putin' }, { name: 'PUTIN, Vladimir' });
    expect(explanation.unmatchedQuery).toEqual(['vladimirovich']);
    expect(explanation.unmatchedListed).toEqual([]);
  });
});
