import request from 'supertest';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function decisionCount() {
  const rows = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from decisions`);
  return rows[0]?.n;
}

function post(body: string | Buffer, contentType = 'application/json') {
  return request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).set('Content-Type', contentType).send(body);
}

describe('bad input to POST /v1/screenings gets a 4xx problem+json and writes nothing', () => {
  const cases: [string, () => Promise<request.Response>, number, string | undefined][] = [
    ['malformed JSON', () => post('{"subject": {"name": '), 400, undefined],
    ['an empty body', () => post(''), 400, undefined],
    ['a missing name', () => post(JSON.stringify({ subject: {} })), 400, '/subject/name'],
    ['a missing subject', () => post(JSON.stringify({})), 400, '/subject'],
    ['a name of the wrong type', () => post(JSON.stringify({ subject: { name: 42 } })), 400, '/subject/name'],
    ['a whitespace-only name', () => post(JSON.stringify({ subject: { name: '   ' } })), 400, '/subject/name'],
    ['a name with control characters', () => post(JSON.stringify({ subject: { name: 'Jane\u0007Roe' } })), 400, '/subject/name'],
    ['a 10,000-character name', () => post(JSON.stringify({ subject: { name: 'a'.repeat(10_000) } })), 400, '/subject/name'],
    ['an unknown field in the subject', () => post(JSON.stringify({ subject: { name: 'Jane', shoeSize: 42 } })), 400, '/subject/shoeSize'],
    ['an unknown top-level field', () => post(JSON.stringify({ subject: { name: 'Jane' }, extra: true })), 400, '/extra'],
    ['an impossible birth date', () => post(JSON.stringify({ subject: { name: 'Jane', birthDate: '1990-02-31' } })), 400, '/subject/birthDate'],
    ['a nationality that is not ISO alpha-2', () => post(JSON.stringify({ subject: { name: 'Jane', nationality: 'USA' } })), 400, '/subject/nationality'],
    ['non-UTF-8 bytes', () => post(Buffer.from([0x7b, 0x22, 0x73, 0x75, 0x62, 0x6a, 0x65, 0x63, 0x74, 0x22, 0x3a, 0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d, 0x7d])), 400, undefined],
    ['a 10 MB body', () => post(JSON.stringify({ subject: { name: 'x'.repeat(10 * 1024 * 1024) } })), 413, undefined],
    ['a non-JSON content type', () => post('name=Jane', 'text/plain'), 415, undefined],
  ];

  test.each(cases)('%s', async (_label, send, status, field) => {
    const before = await decisionCount();
    const response = await send();
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+|select |insert /i);
    if (field) expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(await decisionCount()).toBe(before);
  });

  test('the service stays up after all of that', async () => {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Still Working' } });
    expect(response.status).toBe(201);
  });
});

describe('unknown routes', () => {
  test('are 404 problem+json', async () => {
    const response = await request(t.app.server).get('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toContain('/v1/nothing-here');
  });
});
