import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', [
        listEntry({ sourceId: '1001', name: 'KIM, Sang Man', nationalities: ['KP'] }),
        listEntry({ sourceId: '1002', name: 'CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY', type: 'entity' }),
      ]);
    },
  });
});
afterAll(() => t.close());

describe('POST /v1/screenings', () => {
  test('a name on the watchlist is matched, scored into review, stored and readable back', async () => {
    const response = await request(t.app.server)
      .post('/v1/screenings')
      .set(bearer(t.keys.screener))
      .send({ subject: { externalRef: 'cand-1', name: 'Sang Man Kim' } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.outcome).toBe('review');
    expect(response.body.score).toBeGreaterThanOrEqual(40);
    expect(response.body.hits).toHaveLength(1);
    expect(response.body.hits[0]).toMatchObject({ ruleId: 'list-name-match', ruleVersion: 1, field: '/subject/name', entry: { sourceId: '1001', source: 'test-watchlist' } });
    expect(response.body.rulesetVersion).toBe(1);
    expect(response.body.listVersions).toEqual([expect.objectContaining({ source: 'test-watchlist', version: 1 })]);
    expect(response.body.createdAt).toBe('2026-11-25T12:00:00.000Z');
    expect(response.headers.location).toBe(`/v1/decisions/${response.body.id}`);

    const readBack = await request(t.app.server).get(`/v1/decisions/${response.body.id}`).set(bearer(t.keys.reviewer));
    expect(readBack.status, JSON.stringify(readBack.body)).toBe(200);
    expect(readBack.body).toEqual(response.body);
  });

  test('a name unlike any listed name is clear with no hits', async () => {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Maria Kowalska' } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ outcome: 'clear', score: 0, hits: [], externalRef: null });
  });

  test('an alias that matches is reported on the alias field', async () => {
    const response = await request(t.app.server)
      .post('/v1/screenings')
      .set(bearer(t.keys.screener))
      .send({ subject: { name: 'John Smith', aliases: ['Kim Sang Man'] } });
    expect(response.status).toBe(201);
    expect(response.body.hits[0]?.field).toBe('/subject/aliases/0');
  });

  test('the same Idempotency-Key and body return the same decision; another body is 422', async () => {
    const body = { subject: { name: 'Idem Potent' } };
    const first = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).set('Idempotency-Key', 'k-1').send(body);
    const second = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).set('Idempotency-Key', 'k-1').send(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const other = await request(t.app.server)
      .post('/v1/screenings')
      .set(bearer(t.keys.screener))
      .set('Idempotency-Key', 'k-1')
      .send({ subject: { name: 'Someone Else' } });
    expect(other.status, JSON.stringify(other.body)).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
  });
});

describe('GET /v1/decisions/{id}', () => {
  test('an unknown id is 404 problem+json', async () => {
    const response = await request(t.app.server).get('/v1/decisions/0190f2a0-0000-7000-8000-000000000000').set(bearer(t.keys.screener));
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ status: 404, title: 'Resource not found' });
  });

  test('a malformed id is 400 naming the parameter', async () => {
    const response = await request(t.app.server).get('/v1/decisions/not-a-uuid').set(bearer(t.keys.screener));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'params:/id' })]);
  });
});
