import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedBundledListsIfEmpty } from '../../src/services/list-import.service.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** POST /v1/match and /v1/names/compare over the bundled DPRK data (real OFAC SDN and UN entries). */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ beforeBuild: async (database) => void (await seedBundledListsIfEmpty(database.db, 'dprk')) });
}, 120_000);
afterAll(() => t.close());

const match = (body: object) => request(t.app.server).post('/v1/match').set(bearer(t.keys.screener)).send(body);

describe('POST /v1/match', () => {
  test.each([
    ['reordered tokens', 'Sang Man Kim'],
    ['a hyphenated syllable split', 'Kim Sang-man'],
    ['the listed order with a comma', 'KIM, Sang Man'],
  ])('finds the DPRK IT-worker designee 43377 from %s', async (_label, name) => {
    const response = await match({ name });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const top = response.body.results[0];
    expect(top?.entry).toMatchObject({ source: 'ofac-sdn', sourceId: '43377' });
    expect(top.score).toBeGreaterThan(0.7);
    expect(top.explanation).toMatchObject({ queryName: name, matchedName: expect.any(String), tokens: expect.any(Array), components: expect.any(Array) });
  });

  test('finds a company despite its legal form, and ranks results by score', async () => {
    const response = await match({ name: 'Chinyong Information Technology Cooperation Co., Ltd.', type: 'entity' });
    expect(response.body.results[0]?.entry.sourceId).toBe('43379');
    const scores = response.body.results.map((result: { score: number }) => result.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  test('Hangul input matches the listed romanised form', async () => {
    const response = await match({ name: '김상만' });
    expect(response.body.results.map((result: { entry: { sourceId: string } }) => result.entry.sourceId)).toContain('43377');
  });

  test('sources and limit narrow the results; an unrelated name finds nothing', async () => {
    const un = await match({ name: 'Kim Sang Man', sources: ['un'], limit: 3 });
    expect(un.body.results.every((result: { entry: { source: string } }) => result.entry.source === 'un')).toBe(true);
    expect(un.body.results.length).toBeLessThanOrEqual(3);
    expect((await match({ name: 'Maria Kowalska' })).body.results).toEqual([]);
  });

  test.each([
    ['an empty name', { name: '' }, 400],
    ['a whitespace-only name', { name: '   ' }, 400],
    ['a 10,000-character name', { name: 'a'.repeat(10_000) }, 400],
    ['control characters', { name: 'Kim\u0000Jong' }, 400],
    ['a bad birth date', { name: 'Kim', birthDate: '84' }, 400],
    ['an unknown field', { name: 'Kim', fuzzy: true }, 400],
  ])('%s is a 400 naming the field', async (_label, body, status) => {
    const response = await match(body);
    expect(response.status).toBe(status);
    expect(response.body.errors[0].field).toMatch(/^\/(name|birthDate|fuzzy)$/);
  });

  test.each([
    ['emoji only', '🙂🙂🙂'],
    ['mixed scripts', 'Kim 정은 Ivanov Иван'],
    ['only legal-form words', 'Co. Ltd. LLC'],
    ['a 500-character name', 'Kim Jong '.repeat(55).slice(0, 500)],
  ])('%s gets an answer quickly, never an error', async (_label, name) => {
    const started = performance.now();
    const response = await match({ name });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('POST /v1/names/compare', () => {
  test('scores a pair with the same engine and explains it', async () => {
    const response = await request(t.app.server)
      .post('/v1/names/compare')
      .set(bearer(t.keys.reviewer))
      .send({ a: { name: 'Choe Pu Il' }, b: { name: 'CHOI, Bu-il' } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ match: true, score: expect.any(Number), explanation: { korean: true } });
    const different = await request(t.app.server).post('/v1/names/compare').set(bearer(t.keys.reviewer)).send({ a: { name: 'Anna Kowalska' }, b: { name: 'KIM, Sang Man' } });
    expect(different.body.match).toBe(false);
  });

  const compare = (body: object) => request(t.app.server).post('/v1/names/compare').set(bearer(t.keys.reviewer)).send(body);

  test('birth dates: a year apart barely changes the score, a decade apart keeps an exact name below the threshold', async () => {
    const near = await compare({ a: { name: 'Kim Jong Un', birthDate: '1984' }, b: { name: 'KIM, Jong Un', birthDate: '1983-01-08' } });
    const far = await compare({ a: { name: 'Kim Jong Un', birthDate: '1994' }, b: { name: 'KIM, Jong Un', birthDate: '1984-01-08' } });
    expect(near.status, JSON.stringify(near.body)).toBe(200);
    expect(near.body.match).toBe(true);
    expect(far.body.match, JSON.stringify(far.body)).toBe(false);
    expect(far.body.explanation.components).toEqual(expect.arrayContaining([expect.objectContaining({ component: 'birth-date', effect: '-' })]));
  });

  test('a known different gender lowers the score and says so', async () => {
    const same = await compare({ a: { name: 'Maria Petrova', gender: 'female' }, b: { name: 'Maria Petrova', gender: 'female' } });
    const other = await compare({ a: { name: 'Maria Petrova', gender: 'male' }, b: { name: 'Maria Petrova', gender: 'female' } });
    expect(other.body.score, JSON.stringify(other.body)).toBeLessThan(same.body.score);
    expect(other.body.explanation.components).toEqual(expect.arrayContaining([expect.objectContaining({ component: 'gender', effect: '-' })]));
  });

  test('hanja compares with the romanised name, and the explanation shows the reading used', async () => {
    const response = await compare({ a: { name: '金正恩' }, b: { name: 'KIM, Jong Un' } });
    expect(response.body.match, JSON.stringify(response.body)).toBe(true);
    expect(response.body.explanation.tokens[0].transliteration).toMatch(/金 → .*gim.*Korean reading/);
  });

  test('titles are removed before comparing and listed in the explanation', async () => {
    const response = await compare({ a: { name: 'Президент Путин' }, b: { name: 'Путин' } });
    expect(response.body.match, JSON.stringify(response.body)).toBe(true);
    expect(response.body.explanation.titles).toEqual(['query: президент']);
  });

  test('a bad gender is a 400 naming the field', async () => {
    const response = await compare({ a: { name: 'Kim', gender: 'x' }, b: { name: 'Kim' } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('/a/gender');
  });
});

describe('POST /v1/match with identity evidence', () => {
  test('a birth year a decade off keeps an exact name from matching; gender is accepted', async () => {
    const plain = await match({ name: 'Kim Sang Man', gender: 'male' });
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body.results[0]?.entry.sourceId).toBe('43377');
    const near = await match({ name: 'Kim Sang Man', birthDate: '1966' });
    expect(near.body.results[0]?.entry.sourceId).toBe('43377');
    const far = await match({ name: 'Kim Sang Man', birthDate: '1980' });
    expect(far.body.results.map((r: { entry: { sourceId: string } }) => r.entry.sourceId)).not.toContain('43377');
  });
});
