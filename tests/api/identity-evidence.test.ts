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
        listEntry({ sourceId: 'ID-3', name: 'RI, Yong Chol', nationalities: ['KP'] }),
      ]);
    },
  });
});
afterAll(() => t.close());

type Hit = { ruleId: string; forcesBlock?: boolean; entry?: { sourceId: string }; similarity?: number; explanation?: { components: { component: string; effect: string }[] } };
const nameHit = (decision: { hits: unknown[] }, sourceId: string) => (decision.hits as Hit[]).find((hit) => hit.ruleId === 'list-name-match' && hit.entry?.sourceId === sourceId);

describe('a strong name match with the listed birth date', () => {
  test('forces a block, and the hit says so', async () => {
    const decision = await screen(t, { name: 'Sang Man Kim', birthDate: '1961-08-12' });
    expect(decision.outcome).toBe('block');
    expect(nameHit(decision, 'ID-1')).toMatchObject({ forcesBlock: true });
  });

  test('only the birth year agrees (another day of 1961): a name hit to review, not a forced block', async () => {
    const decision = await screen(t, { name: 'Sang Man Kim', birthDate: '1961-03-02' });
    expect(decision.outcome).toBe('review');
    expect(nameHit(decision, 'ID-1')?.forcesBlock).toBeUndefined();
    expect((nameHit(decision, 'ID-1') as { lowered?: unknown } | undefined)?.lowered).toBeUndefined();
  });

  test('no birth date given: a listed Kim with a birth date keeps its whole weight (a frequent surname alone is no common full name), review', async () => {
    const decision = await screen(t, { name: 'Sang Man Kim' });
    expect(decision.outcome).toBe('review');
    const hit = nameHit(decision, 'ID-1') as (Hit & { lowered?: { reason: string }[]; points: number }) | undefined;
    expect(hit?.forcesBlock).toBeUndefined();
    expect(hit?.lowered).toBeUndefined();
  });

  test('an entry without a birth date never reaches block on a name alone', async () => {
    const decision = await screen(t, { name: 'Hwa Song Pak', birthDate: '1975-01-01' });
    expect(nameHit(decision, 'ID-2')?.forcesBlock).toBeUndefined();
    expect(decision.outcome).not.toBe('block');
  });
});

describe('the countries a person belongs to, against a listed nationality', () => {
  const nationalityEffect = (hit: Hit | undefined) => hit?.explanation?.components.find((part) => part.component === 'nationality')?.effect;

  test('a passport or a citizenship of another country lowers the match; one of the listed country raises it', async () => {
    const bare = nameHit(await screen(t, { name: 'Yong Chol Ri' }), 'ID-3');
    const southKoreanPassport = nameHit(await screen(t, { name: 'Yong Chol Ri', documents: [{ type: 'passport', country: 'KR' }] }), 'ID-3');
    const southKoreanCitizen = nameHit(await screen(t, { name: 'Yong Chol Ri', citizenships: ['KR'] }), 'ID-3');
    const northKoreanPassport = nameHit(await screen(t, { name: 'Yong Chol Ri', nationality: 'KR', documents: [{ type: 'passport', country: 'KP' }] }), 'ID-3');
    expect(bare?.similarity).toBeDefined();
    expect(nationalityEffect(southKoreanPassport)).toBe('-');
    expect(nationalityEffect(southKoreanCitizen)).toBe('-');
    expect(southKoreanPassport?.similarity ?? 0).toBeLessThan(bare!.similarity!);
    // Claiming South Korea while holding a North Korean passport: the listed country is among them.
    expect(nationalityEffect(northKoreanPassport)).toBe('+');
    expect(northKoreanPassport!.similarity!).toBeGreaterThanOrEqual(bare!.similarity!);
  });

  test('a visa or a driving licence says nothing about nationality', async () => {
    const withVisa = nameHit(await screen(t, { name: 'Yong Chol Ri', documents: [{ type: 'visa', country: 'KR' }, { type: 'drivers_license', country: 'KR' }] }), 'ID-3');
    expect(nationalityEffect(withVisa)).toBeUndefined();
  });
});
