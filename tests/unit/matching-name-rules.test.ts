import { describe, expect, test } from 'vitest';
import { compareNames } from '../../src/domain/screening/index.js';

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
