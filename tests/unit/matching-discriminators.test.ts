import { describe, expect, test } from 'vitest';
import { birthDateComponent, nationalityComponent } from '../../src/domain/screening/discriminators.js';
import {
  buildMatchIndex,
  compareNames,
  DEFAULT_MATCH_THRESHOLD,
  DISCRIMINATOR_WEIGHTS,
  NAME_ONLY_SCORE_CAP,
  searchIndex,
} from '../../src/domain/screening/index.js';
import { ENTRIES } from './matching-fixtures.js';

const index = buildMatchIndex(ENTRIES);
const top = (query: Parameters<typeof searchIndex>[1]) => searchIndex(index, { ...query, threshold: 0 })[0];

describe('birth dates', () => {
  test.each([
    ['the exact date is listed', '1984-01-08', [{ value: '1984-01-08' }], '+', DISCRIMINATOR_WEIGHTS.birthDateExact],
    ['the year agrees', '1984', [{ value: '1984-01-08' }], '+', DISCRIMINATOR_WEIGHTS.birthYear],
    ['the year falls in a listed range', '1961', [{ value: '1960', to: '1962' }], '+', DISCRIMINATOR_WEIGHTS.birthYear],
    ['a year apart is neither for nor against', '1985', [{ value: '1984-01-08' }], '=', 0],
    ['circa allows two years', '1949', [{ value: '1947', circa: true }], '=', 0],
    ['two years apart costs a little', '1986', [{ value: '1984-01-08' }], '-', -0.0333],
    ['five years apart costs more', '1989', [{ value: '1984-01-08' }], '-', -0.1333],
    ['a decade apart contradicts in full', '1994', [{ value: '1984-01-08' }], '-', DISCRIMINATOR_WEIGHTS.birthYearGapMax],
    ['decades apart cost no more than a decade', '2029', [{ value: '1984-01-08' }], '-', DISCRIMINATOR_WEIGHTS.birthYearGapMax],
    ['the nearest of several listed dates speaks', '1990', [{ value: '1960' }, { value: '1989' }], '=', 0],
    ['the list gives none', '1984', [], '=', 0],
    ['an unreadable query date is not compared', 'around 1984', [{ value: '1984' }], '=', 0],
  ])('%s', (_label, query, listed, effect, delta) => {
    expect(birthDateComponent(query, listed)).toMatchObject({ component: 'birth-date', effect, delta });
  });

  test('no query date, no component', () => {
    expect(birthDateComponent(undefined, [{ value: '1984' }])).toBeUndefined();
  });
});

describe('nationality', () => {
  test.each([
    ['same code', 'KP', ['KP'], '+'],
    ['a name and a code of one country', 'North Korea', ['KP'], '+'],
    ['the UN spelling', "Democratic People's Republic of Korea", ['Korea, North'], '+'],
    ['one of several', ['CN', 'KP'], ['KP'], '+'],
    ['different countries', 'KR', ['KP'], '-'],
    ['an ambiguous adjective is not a contradiction', 'Korean', ['KP'], '='],
    ['the list gives none', 'KP', [], '='],
  ])('%s', (_label, query, listed, effect) => {
    expect(nationalityComponent(query, listed)).toMatchObject({ component: 'nationality', effect });
  });
});

describe('discriminators move the score and say so', () => {
  test('a name-only match is capped below the band identifier matches own', () => {
    const result = top({ name: 'Kim Jong Un' })!;
    expect(result.score).toBe(NAME_ONLY_SCORE_CAP);
    expect(result.explanation.components.at(-1)).toMatchObject({ component: 'name-only-cap', effect: '-' });
  });

  test('agreeing birth date and nationality raise a name match (up to the cap)', () => {
    const plain = top({ name: 'Kim Jong Man' })!;
    const supported = top({ name: 'Kim Jong Manh', nationality: 'KP' })!;
    const typo = top({ name: 'Kim Jong Manh' })!;
    expect(supported.score).toBeGreaterThan(typo.score);
    expect(plain.score).toBe(NAME_ONLY_SCORE_CAP);
    const both = top({ name: 'Lee Yong Gil', birthDate: '1955', nationality: 'KP' })!;
    expect(both.explanation.components.filter((c) => c.effect === '+').map((c) => c.component)).toEqual(
      expect.arrayContaining(['birth-date', 'nationality']),
    );
  });

  test('a contradicting birth year and nationality push an exact name below the threshold', () => {
    const result = top({ name: 'Kim Jong Un', birthDate: '1999-05-05', nationality: 'KR' })!;
    expect(result.entry.sourceId).toBe('20157');
    expect(result.score).toBeLessThan(DEFAULT_MATCH_THRESHOLD);
    expect(searchIndex(index, { name: 'Kim Jong Un', birthDate: '1999-05-05', nationality: 'KR' })).toEqual([]);
  });

  test('a nationality contradiction alone, or a birth year a few years off, does not drop an exact name', () => {
    expect(searchIndex(index, { name: 'Kim Jong Un', birthDate: '1987' })[0]?.entry.sourceId).toBe('20157');
    expect(searchIndex(index, { name: 'Kim Jong Un', nationality: 'KR' })[0]?.entry.sourceId).toBe('20157');
  });

  test('a birth year a decade or more from the listed one keeps an exact name below the threshold', () => {
    expect(searchIndex(index, { name: 'Kim Jong Un', birthDate: '1994' })).toEqual([]);
    expect(top({ name: 'Kim Jong Un', birthDate: '2029' })!.explanation.components.find((c) => c.component === 'birth-date')).toMatchObject({
      effect: '-',
      delta: DISCRIMINATOR_WEIGHTS.birthYearGapMax,
    });
  });

  test('a person query against an organisation is lowered', () => {
    const asEntity = compareNames({ name: 'Yanbian Silverstar', type: 'individual' }, { name: 'YANBIAN SILVERSTAR', type: 'entity' });
    const same = compareNames({ name: 'Yanbian Silverstar', type: 'entity' }, { name: 'YANBIAN SILVERSTAR', type: 'entity' });
    expect(asEntity.score).toBeLessThan(same.score);
    expect(asEntity.explanation.components.find((c) => c.component === 'type')).toMatchObject({ effect: '-' });
  });

  test('a weak alias scores lower than a strong name', () => {
    const weak = top({ name: 'Henny Watson' })!;
    const strong = top({ name: 'Park Jin Hyok' })!;
    expect(weak.entry.sourceId).toBe('24918');
    expect(weak.explanation.matchedNameStrength).toBe('weak');
    expect(weak.score).toBeLessThan(strong.score);
  });

  test('a weak one-word alias does not match a longer query', () => {
    expect(searchIndex(index, { name: 'John Smith' })).toEqual([]);
  });
});
