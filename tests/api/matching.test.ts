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
});
