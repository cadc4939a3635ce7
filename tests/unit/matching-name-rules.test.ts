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
