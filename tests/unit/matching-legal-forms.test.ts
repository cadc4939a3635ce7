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
  ])('%s = %s', (a, b) => {
    expect(compareNames(org(a), org(b)).score).toBeGreaterThanOrEqual(DEFAULT_MATCH_THRESHOLD);
  });

  test.each([
    ['a number is the identity: 11420 Corp. vs 11421 Corp.', '11420 Corp.', '11421 Corp.'],
    ['only generic words and legal forms in common', 'Korea Trading Company', 'KOREA KUMRYONG TRADING COMPANY'],
    ['one shared word while others differ', 'Sunrise Bakery Co., Ltd.', 'SUNRISE'],
    ['a different distinctive word', 'Bowne Litigation Solutions', 'Bowne Localization Solutions'],
    ['a series number differs', 'Bowne Global Solutions II, Inc.', 'Bowne Global Solutions III, Inc.'],
  ])('%s', (_label, a, b) => {
    expect(compareNames(org(a), org(b)).match).toBe(false);
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
