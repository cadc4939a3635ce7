import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    appDeps: { monitoring: false },
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'batch-watchlist', [listEntry({ sourceId: 'b-1', name: 'KIM, Sang Man', nationalities: ['KP'] })]);
    },
  });
});
afterAll(() => t.close());

const batch = () => request(t.app.server).post('/v1/screenings/batch').set(bearer(t.keys.screener));

async function monitoredFlag(externalRef: string) {
  const rows = await queryRows<{ monitored: boolean }>(t.database, sql`select monitored from subjects where external_ref = ${externalRef}`);
  return rows[0]?.monitored;
}

describe('POST /v1/screenings/batch with a JSON body', () => {
  test('each item gets its own decision or its own error, in order; one bad profile does not fail the others', async () => {
    const response = await batch().send({
      items: [
        { subject: { externalRef: 'batch-1', name: 'Maria Kowalska' } },
        { subject: { externalRef: 'batch-2' } },
        { subject: { externalRef: 'batch-3', name: 'Sang Man Kim' }, monitor: true },
      ],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const [first, second, third] = response.body.results;
    expect(first).toMatchObject({ index: 0, status: 201, decision: { externalRef: 'batch-1', outcome: 'clear' } });
    expect(second).toMatchObject({ index: 1, status: 400, error: { status: 400, type: 'https://redflag.dev/problems/validation-failed' } });
    expect(second.error.errors).toContainEqual(expect.objectContaining({ field: '/subject/name' }));
    expect(second.decision).toBeUndefined();
    expect(third).toMatchObject({ index: 2, status: 201, decision: { externalRef: 'batch-3', outcome: 'review' } });
    expect(third.decision.caseId).toEqual(expect.any(String));

    const readBack = await request(t.app.server).get(`/v1/decisions/${first.decision.id}`).set(bearer(t.keys.reviewer));
    expect(readBack.status).toBe(200);
    expect(readBack.body).toEqual(first.decision);
    expect(await monitoredFlag('batch-1')).toBe(false);
    expect(await monitoredFlag('batch-3')).toBe(true);
  });

  test('a batch retried with the same Idempotency-Key gets the decisions already made back (200), no second ones', async () => {
    const items = [
      { subject: { externalRef: 'idem-batch-1', name: 'Maria Kowalska' } },
      { subject: { externalRef: 'idem-batch-2', name: 'Sang Man Kim' } },
      { subject: { externalRef: 'idem-batch-3' } },
    ];
    const first = await batch().set('Idempotency-Key', 'nightly-feed-7').send({ items });
    expect(first.body.results.map((result: { status: number }) => result.status)).toEqual([201, 201, 400]);
    const retried = await batch().set('Idempotency-Key', 'nightly-feed-7').send({ items });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.results.map((result: { status: number }) => result.status)).toEqual([200, 200, 400]);
    expect(retried.body.results[0].decision).toEqual(first.body.results[0].decision);
    expect(retried.body.results[1].decision.id).toBe(first.body.results[1].decision.id);
    const stored = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from decisions where external_ref like 'idem-batch-%'`);
    expect(stored[0]?.n).toBe(2);

    // The same key with a changed item: that item is 422 (as a single request would be); the others replay.
    const changed = await batch()
      .set('Idempotency-Key', 'nightly-feed-7')
      .send({ items: [items[0], { subject: { externalRef: 'idem-batch-2', name: 'Someone Else' } }] });
    expect(changed.body.results.map((result: { status: number }) => result.status)).toEqual([200, 422]);
    expect(changed.body.results[1].error.errors).toContainEqual({ field: 'Idempotency-Key', message: 'reused with a different body' });
    // Another key screens afresh.
    const fresh = await batch().set('Idempotency-Key', 'nightly-feed-8').send({ items: items.slice(0, 1) });
    expect(fresh.body.results[0]).toMatchObject({ status: 201 });
    expect(fresh.body.results[0].decision.id).not.toBe(first.body.results[0].decision.id);
  });

  test('a repeated externalRef is refused on the later item with 422 naming the first', async () => {
    const response = await batch().send({
      items: [{ subject: { externalRef: 'dup-1', name: 'Ann Lee' } }, { subject: { externalRef: 'dup-1', name: 'Ann Lee' } }, { subject: { name: 'No Ref' } }, { subject: { name: 'No Ref' } }],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results.map((result: { status: number }) => result.status)).toEqual([201, 422, 201, 201]);
    expect(response.body.results[1].error).toMatchObject({ status: 422, errors: [{ field: '/subject/externalRef', message: 'duplicate of item 0' }] });
  });

  test('more than 1,000 profiles is a 400 for the whole request naming the limit', async () => {
    const items = Array.from({ length: 1001 }, (_, index) => ({ subject: { name: `Person ${index}` } }));
    const response = await batch().send({ items });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toContain('at most 1000');
    expect(response.body.errors).toEqual([{ field: '/items', message: 'at most 1000 items' }]);
  });

  test('a body that is not a batch is a 400 naming `items`', async () => {
    for (const body of [{}, [{ subject: { name: 'Bare Array' } }], { items: [] }, { items: 'nope' }]) {
      const response = await batch().send(body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.errors?.[0]?.field).toBe('/items');
    }
  });
});

describe('POST /v1/screenings/batch with NDJSON', () => {
  test('one request per line; blank lines are skipped; a line that is not JSON is that item\'s error with its line number', async () => {
    const body = [
      JSON.stringify({ subject: { externalRef: 'nd-1', name: 'Maria Kowalska' }, monitor: true }),
      '',
      '{"subject": {"name": "broken"',
      JSON.stringify({ subject: { externalRef: 'nd-2', name: 'Jan Novak' }, extra: 1 }),
      JSON.stringify({ subject: { externalRef: 'nd-3', name: 'Ana Silva' } }),
      '',
    ].join('\r\n');
    const response = await batch().set('Content-Type', 'application/x-ndjson').send(body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const results = response.body.results;
    expect(results.map((result: { index: number; line: number; status: number }) => [result.index, result.line, result.status])).toEqual([
      [0, 1, 201],
      [1, 3, 400],
      [2, 4, 400],
      [3, 5, 201],
    ]);
    expect(results[1].error).toMatchObject({ type: 'https://redflag.dev/problems/invalid-json', errors: [{ field: 'line 3', message: 'not valid JSON' }] });
    expect(results[1].error.detail).toContain('Line 3');
    expect(results[2].error.errors).toEqual([{ field: '/extra', message: 'unknown field' }]);
    expect(await monitoredFlag('nd-1')).toBe(true);
  });

  test('an NDJSON line with a __proto__ key is refused like a JSON body would be', async () => {
    const response = await batch()
      .set('Content-Type', 'application/x-ndjson')
      .send(`{"subject":{"name":"A B"},"__proto__":{"x":1}}\n${JSON.stringify({ subject: { name: 'C D' } })}\n`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.results.map((result: { status: number }) => result.status)).toEqual([400, 201]);
  });

  test('NDJSON is accepted on the batch route only', async () => {
    const response = await request(t.app.server)
      .post('/v1/screenings')
      .set(bearer(t.keys.screener))
      .set('Content-Type', 'application/x-ndjson')
      .send(JSON.stringify({ subject: { name: 'Jane Roe' } }));
    expect(response.status, JSON.stringify(response.body)).toBe(415);
  });
});

describe('monitor: true on a single screening', () => {
  test('enrols the subject, and a later screening without it does not end the enrolment', async () => {
    const first = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { externalRef: 'mon-1', name: 'Maria Kowalska' }, monitor: true });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await monitoredFlag('mon-1')).toBe(true);
    await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { externalRef: 'mon-1', name: 'Maria Kowalska' } });
    expect(await monitoredFlag('mon-1')).toBe(true);
  });
});
