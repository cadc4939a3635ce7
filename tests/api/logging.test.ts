import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('request logging', () => {
  test('one JSON line per request with request id, tenant, route, status and duration, and no personal data', async () => {
    const subject = { externalRef: 'cand-77', name: 'Personal Namesake', aliases: ['Secret Alias'], birthDate: '1988-01-02', nationality: 'PL' };
    const created = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).set('x-request-id', 'req-abc-1').send({ subject });
    expect(created.status).toBe(201);
    await request(t.app.server).get(`/v1/decisions/${created.body.id}?name=Personal+Namesake`).set(bearer(t.keys.screener));
    await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Personal Namesake', shoeSize: 1 } });

    const lines = t.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = lines.filter((line) => line.msg === 'request completed');
    expect(requestLines).toHaveLength(3);
    expect(requestLines[0]).toMatchObject({ reqId: 'req-abc-1', tenant: 'default', route: '/v1/screenings', method: 'POST', status: 201, ms: expect.any(Number) });
    expect(requestLines[1]).toMatchObject({ route: '/v1/decisions/:id', status: 200 });
    expect(requestLines[2]).toMatchObject({ status: 400 });

    const text = t.logs.text();
    for (const secret of ['Personal', 'Namesake', 'Secret Alias', '1988-01-02', t.keys.screener]) {
      expect(text, `log contains ${secret}`).not.toContain(secret);
    }
  });

  test('a response carries the request id header', async () => {
    const response = await request(t.app.server).get('/healthz');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
