import { describe, expect, test } from 'vitest';
import { sameOwner, secondPersonRefusal, type KeyRecord } from '../../src/domain/auth/key-lineage.js';

/**
 * The tenant: the operator made `root` (Ops) with the CLI; Ops made keys for Alice and Bob; Alice's
 * admin key made a key for "Mallory", which made one for "Trent" (two identities Alice minted);
 * Carol's key came from the CLI too.
 */
const KEYS: KeyRecord[] = [
  { id: 'root', owner: 'Ops', createdByKeyId: null },
  { id: 'alice-admin', owner: 'Alice Kim', createdByKeyId: 'root' },
  { id: 'alice-reviewer', owner: 'alice kim ', createdByKeyId: 'root' },
  { id: 'bob', owner: 'Bob Lee', createdByKeyId: 'root' },
  { id: 'mallory', owner: 'Mallory', createdByKeyId: 'alice-admin' },
  { id: 'trent', owner: 'Trent', createdByKeyId: 'mallory' },
  { id: 'carol', owner: 'Carol', createdByKeyId: null },
];

describe('who counts as a second person', () => {
  test.each<[string, string, string, 'same_owner' | 'key_lineage' | undefined]>([
    ['two people whose keys the same third person made', 'alice-reviewer', 'bob', undefined],
    ['two CLI keys of different owners', 'carol', 'root', undefined],
    ['the same key', 'bob', 'bob', 'same_owner'],
    ['two keys of one owner (spelling and spaces aside)', 'alice-admin', 'alice-reviewer', 'same_owner'],
    ['a key the proposer made', 'alice-admin', 'mallory', 'key_lineage'],
    ['a key made by a key another key of the proposer made', 'alice-reviewer', 'trent', 'key_lineage'],
    ['the proposer proposing with a minted key, approving with their own', 'mallory', 'alice-reviewer', 'key_lineage'],
    ['the maker of every key approving what one of them proposed', 'bob', 'root', 'key_lineage'],
    ['siblings made by one key', 'mallory', 'bob', undefined],
  ])('%s: %s proposes, %s approves → %s', (_label, proposer, approver, rule) => {
    const refusal = secondPersonRefusal(KEYS, proposer, approver);
    expect(refusal?.rule).toBe(rule);
    if (refusal) expect(refusal.detail).toMatch(/^Four-eyes \((same owner|key lineage)\)/);
  });

  test('a proposer key the tenant no longer lists (another tenant, or a row gone) is only compared by id', () => {
    expect(secondPersonRefusal(KEYS, 'unknown-key', 'bob')).toBeUndefined();
    expect(secondPersonRefusal(KEYS, 'unknown-key', 'unknown-key')?.rule).toBe('same_owner');
  });

  test.each([
    ['Alice Kim', 'alice kim', true],
    ['Alice  Kim', ' Alice Kim ', true],
    ['Ａｌｉｃｅ', 'alice', true],
    ['Alice Kim', 'Alice Kimm', false],
  ])('"%s" and "%s" are the same owner: %s', (a, b, same) => {
    expect(sameOwner(a, b)).toBe(same);
  });

  test('a lineage cycle (which the database cannot make, but a bad row could) ends', () => {
    const cyclic: KeyRecord[] = [
      { id: 'a', owner: 'A', createdByKeyId: 'b' },
      { id: 'b', owner: 'B', createdByKeyId: 'a' },
      { id: 'c', owner: 'C', createdByKeyId: null },
    ];
    expect(secondPersonRefusal(cyclic, 'a', 'b')?.rule).toBe('key_lineage');
    expect(secondPersonRefusal(cyclic, 'a', 'c')).toBeUndefined();
  });
});
