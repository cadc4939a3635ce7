import { describe, expect, test } from 'vitest';
import { compareNames, DEFAULT_MATCH_THRESHOLD, GENERIC_ONLY_CAP, SINGLE_WORD_CAP } from '../../src/domain/screening/index.js';

const org = (name: string) => ({ name, type: 'entity' as const });

describe('legal forms: spellings of one form match, forms weigh little', () => {
  test.each([
    ['Siemens AG', 'Siemens Aktiengesellschaft'],
    ['Gazprom LLC', 'OOO Gazprom'],
    ['OAO Gazprom', 'Open Joint Stock Company Gazprom'],
    ['Crystalord Limited', 'CRYSTALORD LTD'],
    ['Homs Refinery Corporation', 'The Homs Refinery Company'],
    ['Chinyong Information Technology Cooperation Co., Ltd.', 'CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY'],
    ['Yanbian Silverstar', 'YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.'],
    ['Korea Kumryong Trading', 'KOREA KUMRYONG TRADING CORPORATION'],
    ['SiemensAG', 'Siemens AG'],
    ['Procter & Gamble Co.', 'Procter and Gamble Company'],
    ['Bowne Global Solutions, L.L.C.', 'Bowne Global Solutions LLC'],
    ['华为技术有限公司', '华为技术有限公司'],
    // A long legal-form phrase with one word misspelt, or cut off where a list field ran out.
    ['Tactical Missiles Corporation Joynt Stock Company', 'TACTICAL MISSILES CORPORATION JSC'],
    ['Tactical Missiles Corporation Joint Stock Compan', 'TACTICAL MISSILES CORPORATION JOINT STOCK COMPANY'],
    ['Closed Joint Stok Company Atlant', 'ZAO ATLANT'],
  ])('%s = %s', (a, b) => {
    expect(compareNames(org(a), org(b)).score).toBeGreaterThanOrEqual(DEFAULT_MATCH_THRESHOLD);
  });

  test.each([
    ['a number is the identity: 11420 Corp. vs 11421 Corp.', '11420 Corp.', '11421 Corp.'],
    ['only generic words and legal forms in common', 'Korea Trading Company', 'KOREA KUMRYONG TRADING COMPANY'],
    ['one shared word while others differ', 'Sunrise Bakery Co., Ltd.', 'SUNRISE'],
    ['a different distinctive word', 'Bowne Litigation Solutions', 'Bowne Localization Solutions'],
    ['a number opposite a word is a whole conflict', 'Victory 3', 'Victory Star'],
  ])('%s', (_label, a, b) => {
    expect(compareNames(org(a), org(b)).match).toBe(false);
  });

  test('a legal-form phrase is recognised with one word off, not two', () => {
    const tokens = (name: string) => compareNames(org(name), org(name)).explanation.tokens.map((t) => t.query);
    expect(tokens('Atlant Joynt Stock Company')).toEqual(['atlant', 'joynt stock company']);
    expect(tokens('Atlant Joynt Stok Company')).toEqual(['atlant', 'joynt', 'stok', 'company']);
    // Cut short only at the end of the name.
    expect(tokens('Atlant Joint Stock Comp')).toEqual(['atlant', 'joint stock comp']);
    expect(tokens('Joint Stock Comp Atlant')).toEqual(['joint', 'stock', 'comp', 'atlant']);
  });

  test('a legal form alone never carries a match', () => {
    const result = compareNames(org('Co., Ltd.'), org('SAMSUNG ELECTRONICS CO., LTD.'));
    expect(result.score).toBeLessThanOrEqual(GENERIC_ONLY_CAP);
    expect(result.explanation.unmatchedListed).toContain('samsung');
  });

  test('the cap on generic-only matches is explained', () => {
    const result = compareNames(org('Korea Trading Bank'), org('KOREA TRADING COMPANY'));
    expect(result.score).toBeLessThanOrEqual(GENERIC_ONLY_CAP);
    expect(result.explanation.components.map((c) => c.component)).toContain('generic-only');
  });

  test('the cap on one shared word is explained', () => {
    const result = compareNames(org('Sunrise Bakery'), org('SUNRISE'));
    expect(result.score).toBeLessThanOrEqual(SINGLE_WORD_CAP);
    expect(result.explanation.components.find((c) => c.component === 'single-word')).toMatchObject({ effect: '-' });
  });

  test('the number in "11420 Corp." is kept and is what matches', () => {
    const result = compareNames(org('11420 Corp.'), org('11420 CORPORATION'));
    expect(result.match).toBe(true);
    expect(result.explanation.tokens.map((t) => t.query)).toEqual(['11420', 'corp']);
  });

  test('two names of only generic words can still agree entirely', () => {
    expect(compareNames(org('AT&T Inc.'), org('AT and T Inc.')).match).toBe(true);
  });
});

describe('series numbers: members of one series are a lead to review, not another name', () => {
  const vessel = (name: string) => ({ name, type: 'vessel' as const });

  test.each([
    ['fund vintages in Roman numerals', 'Carlyle Partners VII L.P.', 'Carlyle Partners VIII L.P.'],
    ['a lone numeral before the legal form', 'Goldman Sachs Capital Partners V L.P.', 'Goldman Sachs Capital Partners VI L.P.'],
    ['a lone numeral at the end', 'Citigroup Capital Trust I', 'Citigroup Capital Trust II'],
    ['trust series and vintage years', 'JPMorgan Mortgage Trust Series 2007-1', 'JPMorgan Mortgage Trust Series 2007-2'],
  ])('%s: %s ~ %s', (_label, a, b) => {
    const result = compareNames(org(a), org(b));
    expect(result.match).toBe(true);
    // Still below agreeing names: the number cost something.
    expect(result.score).toBeLessThan(compareNames(org(a), org(a)).score - 0.1);
  });

  test('vessels of one series, and a number only one side has', () => {
    expect(compareNames(vessel('Snow Storm 1'), vessel('Snow Storm 2')).match).toBe(true);
    expect(compareNames(vessel('Victory'), vessel('Victory 3')).match).toBe(true);
  });

  test('in a Korean-shaped vessel name a number is no syllable', () => {
    expect(compareNames(vessel('CHON MA SAN 2'), vessel('CHON MA SAN')).match).toBe(true);
    expect(compareNames(vessel('CHON MA SAN 2'), vessel('CHON MA SAN 3')).match).toBe(true);
    // The syllables still decide: a different syllable is a different name.
    expect(compareNames(vessel('CHON MA SAN 2'), vessel('CHON MYONG SAN 2')).match).toBe(false);
  });

  test('a lone I, V or X elsewhere in the name stays an initial', () => {
    expect(compareNames(org('V Trading Partners'), org('Vista Trading Partners')).explanation.tokens.map((t) => t.how)).toContain('initial');
  });
});

describe('legal forms of different kinds name different legal persons', () => {
  test.each([
    ['a joint-stock company and a limited-liability one', 'Volkswagen AG', 'Volkswagen GmbH'],
    ['a non-profit and a limited-liability company', 'ANO Krasnaya Zvezda', 'OOO Krasnaya Zvezda'],
    ['a public joint-stock company and a limited-liability one', 'Gazprom PJSC', 'Gazprom LLC'],
  ])('%s do not match', (_label, a, b) => {
    expect(compareNames(org(a), org(b)).match).toBe(false);
  });

  test.each([
    ['forms of one kind', 'Gazprom PAO', 'Gazprom OAO'],
    ['"Co." and "Inc." say which kind of company nothing about', 'Hon Hai Precision Industry Co., Ltd.', 'Hon Hai Precision Industry Inc.'],
    ['a form only one side gives', 'Rosneft Oil Company PJSC', 'Rosneft Oil Company'],
  ])('%s still match', (_label, a, b) => {
    expect(compareNames(org(a), org(b)).match).toBe(true);
  });
});
