import { describe, expect, test } from 'vitest';
import { compareNames } from '../../src/domain/screening/index.js';
import { isWadeGilesName, pinyinAsWadeGiles } from '../../src/domain/screening/wade-giles.js';
import { normaliseName } from '../../src/domain/screening/name-normalise.js';

const person = (name: string) => ({ name, type: 'individual' as const });

describe('a name contained in a longer one is not charged twice for the words it omits', () => {
  test.each([
    ['Ayman Zawahiri', 'Ayman Muhammad Rabi al-Zawahiri'],
    ['Gerhard Schröder', 'Gerhard Fritz Kurt Schröder'],
  ])('%s matches %s', (a, b) => {
    expect(compareNames(person(a), person(b)).match).toBe(true);
  });

  test('fuse still compares the paired words and left-over initials', () => {
    expect(compareNames(person('Ayman Zawahiri'), person('Ayman Muhammad Rabi al-Rawi')).match).toBe(false);
    expect(compareNames({ name: 'L.X.C. Aviation' }, { name: 'LAU Aviation' }).match).toBe(false);
  });
});

describe('numbers written as words, digits or signs', () => {
  test.each([
    ['5% Club', 'Five Percent Club'],
    ['The 99%ers', 'The Ninety-Nine Percenters'],
    ['Fourty Two Holdings', '42 Holdings'],
  ])('%s matches %s', (a, b) => {
    expect(compareNames({ name: a }, { name: b }).match).toBe(true);
  });

  test('different numbers still differ', () => {
    expect(compareNames({ name: 'Fourty Three Ltd' }, { name: 'Forty Four Ltd' }).match).toBe(false);
  });
});

describe('Chinese names in Wade–Giles meet their pinyin', () => {
  test('pinyin syllables are written in Wade–Giles by the table', () => {
    expect(pinyinAsWadeGiles('zedong')).toContain('tsetung');
    expect(pinyinAsWadeGiles('xiaoping')).toContain('hsiaoping');
    expect(pinyinAsWadeGiles('jingguo')).toContain('chingkuo');
    expect(pinyinAsWadeGiles('smith')).toEqual([]);
  });

  test('a name is Wade–Giles only when some word is no pinyin', () => {
    expect(isWadeGilesName(['teng', 'hsiao', 'ping'])).toBe(true);
    expect(isWadeGilesName(['li', 'peng'])).toBe(false);
    expect(isWadeGilesName(['john', 'smith'])).toBe(false);
  });

  test.each([
    ['Teng Hsiao-ping', 'Deng Xiaoping'],
    ['Chiang Ching-kuo', 'Jiang Jingguo'],
    ['Chang Tso-lin', 'Zhang Zuolin'],
  ])('%s matches %s', (a, b) => {
    expect(compareNames(person(a), person(b)).match).toBe(true);
  });

  test('a Wade–Giles name leaves the same words of other names as they were (finished tokens are shared)', () => {
    const before = normaliseName('Mao Smith').tokens.find((t) => t.text === 'mao');
    expect(normaliseName('Mao Tse-tung').tokens.find((t) => t.text === 'mao')?.wadeGiles).toBe(true);
    const after = normaliseName('Mao Smith').tokens.find((t) => t.text === 'mao');
    expect(before?.wadeGiles).toBeUndefined();
    expect(after?.wadeGiles).toBeUndefined();
  });

  test('other syllables, and Korean names whose spellings look like Wade–Giles, still differ', () => {
    expect(compareNames(person('Chang Tso-lin'), person('Zhang Zuoyi')).match).toBe(false);
    // Korean "Jang" is not the Wade–Giles spelling of pinyin "rang".
    expect(compareNames(person('Han Jang Su'), person('Han Rang Su')).match).toBe(false);
  });
});

describe('a name ending thousands share (-dóttir, -uddin, -ullah, -shvili, -zadeh) is no evidence', () => {
  test.each([
    ['Halla Jónsdóttir', 'Halla Tómasdóttir'],
    ['Abdul Saifullah', 'Abdul Sanaullah'],
    ['Mohammed Shamsuddin', 'Mohammed Shahabuddin'],
  ])('%s does not match %s: the stems before the ending differ', (a, b) => {
    expect(compareNames(person(a), person(b)).match).toBe(false);
  });

  test.each([
    ['Hamidullah Khan', 'Hameedullah Khan'],
    ['Nuruddin Ali', 'Nooruddin Ali'],
    ['Shamsuddin Haqqani', 'Shamsudin Haqqani'],
    ['Irakli Gharibashvili', 'Irakli Garibashvili'],
    ['Ahmad Rezaeinejad', 'Ahmad Rezainezhad'],
  ])('%s still matches %s: the stems are spellings of one name', (a, b) => {
    expect(compareNames(person(a), person(b)).match).toBe(true);
  });
});

describe('a title of office with a rare surname designates one person', () => {
  test('"President Zelensky" leaves out the given name and patronymic as one omission', () => {
    const r = compareNames(person('President Zelensky'), person('Volodymyr Oleksandrovych Zelensky'));
    expect(r.match).toBe(true);
    expect(r.explanation.components.find((c) => c.component === 'tokens')?.detail).toContain('designates one person');
  });

  test('a title with a name many listed people share designates no one', () => {
    const r = compareNames(person('General Ali'), person('Ali Hassan'));
    expect(r.match, JSON.stringify(r.explanation.components)).toBe(false);
  });
});
