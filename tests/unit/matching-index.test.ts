import { describe, expect, test } from 'vitest';
import { buildMatchIndex, compareNames, searchIndex } from '../../src/domain/screening/index.js';
import { NAME_FREQUENCY_MIN_PARTIES, NAME_WORD_FREQUENCY } from '../../src/domain/screening/name-frequency.table.js';
import { entry, ENTRIES } from './matching-fixtures.js';

const index = buildMatchIndex(ENTRIES);
const ids = (query: Parameters<typeof searchIndex>[1]) => searchIndex(index, query).map((r) => r.entry.id);

describe('searchIndex finds listed entries from how people actually write the name', () => {
  test.each([
    ['the listed spelling', 'KIM, Jong Un', 'ofac-sdn:20157'],
    ['reordered', 'Jong Un Kim', 'ofac-sdn:20157'],
    ['joined given name', 'Kim Jongun', 'ofac-sdn:20157'],
    ['Hangul', '김정은', 'ofac-sdn:20157'],
    ['Revised Romanization', 'Gim Jeong-eun', 'ofac-sdn:20157'],
    ['Western spelling', 'Lee Yong Gil', 'ofac-sdn:33936'],
    ['South Korean Hangul', '이영길', 'ofac-sdn:33936'],
    ['an alias', 'Choi Bu-il', 'ofac-sdn:20120'],
    ['a typo', 'Park Jin Hyock', 'ofac-sdn:24918'],
    ['a company without its legal form', 'Chinyong Information Technology Cooperation', 'ofac-sdn:43379'],
    ['a company with another legal form', 'Yanbian Silverstar Network Technology Limited', 'ofac-sdn:24977'],
    ['a company alias with a typo', 'Jinyong IT Coperation Company', 'ofac-sdn:43379'],
  ])('%s: %s', (_label, name, expected) => {
    expect(ids({ name })[0]).toBe(expected);
  });

  test('look-alikes are not returned', () => {
    expect(ids({ name: 'Kim Jong Chol' })).toEqual([]);
    expect(ids({ name: 'Korea Trading Company' })).toEqual([]);
    expect(ids({ name: 'Zzyzx Qwerty' })).toEqual([]);
  });

  test('the same person on two lists is found on both, best first, ties in a stable order', () => {
    const results = searchIndex(index, { name: 'Kim Jong Sik' });
    expect(results.map((r) => r.entry.id)).toEqual(['ofac-sdn:23214', 'un:KPi.066']);
    expect(results[0]!.score).toBe(results[1]!.score);
  });

  test('sources restrict the search', () => {
    expect(ids({ name: 'Kim Jong Sik', sources: ['un'] })).toEqual(['un:KPi.066']);
    expect(ids({ name: 'Kim Jong Sik', sources: ['nowhere'] })).toEqual([]);
  });

  test('limit and threshold apply', () => {
    expect(ids({ name: 'Kim Jong Sik', limit: 1 })).toHaveLength(1);
    expect(searchIndex(index, { name: 'Kim Jong', threshold: 0.1 }).length).toBeGreaterThan(0);
    expect(searchIndex(index, { name: 'Kim Jong' })).toEqual([]);
  });

  test('one entry is returned once, with its best-matching name', () => {
    const results = searchIndex(index, { name: "Ri Yo'ng-kil" });
    expect(results.filter((r) => r.entry.id === 'ofac-sdn:33936')).toHaveLength(1);
    expect(results[0]!.matchedName).toBe("RI, Yo'ng-kil");
  });

  test('options from rule parameters are honoured', () => {
    const strict = searchIndex(index, { name: 'Park Jin Hyock' }, { threshold: 0.99 });
    expect(strict).toEqual([]);
    const loose = searchIndex(index, { name: 'Park Jin Hyock' }, { fuse: { threshold: 0.2 }, fuseWeight: 0 });
    expect(loose[0]?.entry.id).toBe('ofac-sdn:24918');
  });

  test('the index reports its size and keeps entries by reference', () => {
    expect(index.stats).toMatchObject({ entries: ENTRIES.length });
    expect(index.stats.names).toBeGreaterThanOrEqual(ENTRIES.length);
    expect(index.entries).toBe(ENTRIES);
  });

  test('entries without names, or with empty names, are indexed without failing', () => {
    const odd = buildMatchIndex([
      entry({ sourceId: '1', name: 'ALONE', names: [] }),
      entry({ sourceId: '2', name: '', names: [{ full: '  ', kind: 'primary', strength: 'strong' }] }),
    ]);
    expect(searchIndex(odd, { name: 'Alone' }).map((r) => r.entry.sourceId)).toEqual(['1']);
  });
});

describe("a search result accounts for the listed name's rarest word", () => {
  // Word frequencies come from the name-frequency table (all SDN and UN parties), not from
  // this small index: a result does not depend on which other entries are loaded.
  const people = buildMatchIndex([
    entry({ sourceId: '1', name: 'GAXIOLA GARCIA, Maria Elena', programs: ['SDNTK'] }),
    entry({ sourceId: '2', name: 'KULYGINA, Olga Ivanovna', programs: ['RUSSIA-EO14024'] }),
    entry({ sourceId: '3', name: 'LAVROV, Sergey Viktorovich', programs: ['RUSSIA-EO14024'] }),
  ]);
  const found = (name: string) => searchIndex(people, { name, type: 'individual' }).map((r) => r.entry.sourceId);

  test.each([
    ['a common given name and surname', 'Maria Garcia'],
    ['a given name and patronymic without the surname', 'Olga Ivanovna'],
  ])('%s shared with a listed name is not a match: %s', (_label, name) => {
    expect(found(name)).toEqual([]);
  });

  test('leaving out a commoner word (a patronymic) still matches', () => {
    expect(found('Sergey Lavrov')).toEqual(['3']);
    expect(found('Maria Elena Gaxiola')).toEqual(['1']);
  });

  test('the explanation names the missing word', () => {
    const [result] = searchIndex(people, { name: 'Olga Ivanovna', type: 'individual', threshold: 0 });
    expect(result!.explanation.unmatchedListed).toEqual(['kulygina']);
    expect(result!.explanation.components[0]!.detail).toContain('"kulygina", the listed name\'s rarest word');
  });

  test('a bare pair comparison has no listed side and stays symmetric', () => {
    const ab = compareNames({ name: 'Olga Ivanovna' }, { name: 'KULYGINA, Olga Ivanovna' }).score;
    const ba = compareNames({ name: 'KULYGINA, Olga Ivanovna' }, { name: 'Olga Ivanovna' }).score;
    expect(ab).toBe(ba);
  });
});

test('of names sharing the same words with the query, the one with least left over is scored, whatever its place in the list', () => {
  // Forty long names hold "Tarkhan" and so tie with the short one in retrieval; only the best
  // DEFAULT_MAX_CANDIDATES names are compared in full, and the short one was indexed last.
  const filler = (i: number) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26)) + 'zorvex';
  const longNames = Array.from({ length: 40 }, (_, i) => entry({ sourceId: `long-${i}`, name: `Tarkhan ${filler(i)} ${filler(i + 40)} ${filler(i + 80)}` }));
  const short = entry({ sourceId: 'short', name: 'Tarkhan Uwaysi' });
  const tied = buildMatchIndex([...longNames, short]);
  const found = searchIndex(tied, { name: 'Tarkhan Owaisi', threshold: 0, limit: 100 }).map((r) => r.entry.id);
  expect(found).toContain(short.id);
});

test('a common spelling of a given name still finds the bearers of its other spellings', () => {
  // "mohamed" is on 90 names here; before, a spelling that common did not look up its relatives,
  // and the one "Muhammad Salah" was cut behind thirty "Mohamed Salah …" names.
  const filler = (i: number) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26)) + 'quorvel';
  const mohameds = Array.from({ length: 60 }, (_, i) => entry({ sourceId: `m-${i}`, name: `Mohamed ${filler(i)}` }));
  const longer = Array.from({ length: 30 }, (_, i) => entry({ sourceId: `ms-${i}`, name: `Mohamed Salah ${filler(i + 60)} ${filler(i + 90)}` }));
  const target = entry({ sourceId: 'target', name: 'Muhammad Salah' });
  const crowded = buildMatchIndex([...mohameds, ...longer, target]);
  expect(searchIndex(crowded, { name: 'Mohamed Salah', limit: 100 }).map((r) => r.entry.id)).toContain(target.id);
});

test('the name-frequency table is well-formed data: each word once, lower-case letters, counts at the floor or above', () => {
  const words = NAME_WORD_FREQUENCY.flatMap(([parties, list]) => {
    expect(parties).toBeGreaterThanOrEqual(NAME_FREQUENCY_MIN_PARTIES);
    return list.split(' ');
  });
  for (const word of words) expect(word).toMatch(/^[a-z]+$/);
  expect(new Set(words).size).toBe(words.length);
});

describe('what a search remembers from earlier queries', () => {
  test('changes no result: each query on a fresh index equals it after every other query, in both readings', () => {
    const queries = [
      'KIM, Jong Un', 'Jong Un Kim', 'Kim Jongun', 'Kimjongun', '김정은', 'Gim Jeong-eun', 'Lee Yong Gil', '이영길', 'Choi Bu-il',
      'Park Jin Hyock', 'Kim Jong Sik', 'Kim Jong Chol', 'Chinyong Information Technology Cooperation', 'Jinyong IT Coperation Company',
      'Yanbian Silverstar Network Technology Limited', 'Korea Trading Company', 'Zzyzx Qwerty', 'Jong Kim Un', 'Un Kim Jong',
    ];
    const cold = queries.map((name) => JSON.stringify(searchIndex(buildMatchIndex(ENTRIES), { name, threshold: 0, limit: 100 })));
    const warm = buildMatchIndex(ENTRIES);
    for (let round = 0; round < 2; round++) {
      queries.forEach((name, i) => {
        expect(JSON.stringify(searchIndex(warm, { name, threshold: 0, limit: 100 }))).toBe(cold[i]);
      });
    }
  });

  test('is bounded: thousands of distinct query words leave later results unchanged', () => {
    const warm = buildMatchIndex(ENTRIES);
    const before = JSON.stringify(searchIndex(warm, { name: 'Kim Jong Sik', threshold: 0 }));
    for (let k = 0; k < 5000; k++) searchIndex(warm, { name: `Kim Qx${k.toString(36)} Jong` });
    expect(JSON.stringify(searchIndex(warm, { name: 'Kim Jong Sik', threshold: 0 }))).toBe(before);
  });
});
