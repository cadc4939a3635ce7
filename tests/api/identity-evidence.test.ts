import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screen } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 18, item 3: identity evidence in list matches. A strong name match with the listed full
 * birth date identifies the listed person and forces a block; a matching year, a weaker name or
 * an entry that lists no birth date does not.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'identity-list', [
        listEntry({ sourceId: 'ID-1', name: 'KIM, Sang Man', birthDates: [{ value: '1961-08-12' }] }),
        listEntry({ sourceId: 'ID-2', name: 'PAK, Hwa Song' }),
      ]);
    },
  });
});
afterAll(() => t.close());

type Hit = { ruleId: string; forcesBlock?: boolean; entry?: { sourceId: string } };
const nameHit = (decision: { hits: unknown[] }, sourceId: string) => (decision.hits as Hit[]).find((hit) => hit.ruleId === 'list-name-match' && hit.entry?.sourceId === sourceId);

describe('a strong name match with the listed birth date', () => {
  test('forces a block, and the hit says so', async () => {
    const decision = await screen(t, { name: 'Sang Man Kim', birthDate: '1961-08-12' });
    expect(decision.outcome).toBe('block');
    expect(nameHit(decision, 'ID-1')).toMatchObject({ forcesBlock: true });
  });

  test.each([
    ['only the birth year agrees (another day of 1961)', { name: 'Sang Man Kim', birthDate: '1961-03-02' }],
    ['no birth date given', { name: 'Sang Man Kim' }],
  ])('%s: a name hit to review, not a forced block', async (_label, subject) => {
    const decision = await screen(t, subject);
    expect(decision.outcome).toBe('review');
    expect(nameHit(decision, 'ID-1')?.forcesBlock).toBeUndefined();
  });

  test('an entry without a birth date never reaches block on a name alone', async () => {
    const decision = await screen(t, { name: 'Hwa Song Pak', birthDate: '1975-01-01' });
    expect(nameHit(decision, 'ID-2')?.forcesBlock).toBeUndefined();
    expect(decision.outcome).not.toBe('block');
  });
});
