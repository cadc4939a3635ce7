import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const screen = (body: object, idempotencyKey?: string) => {
  const pending = request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener));
  return (idempotencyKey ? pending.set('Idempotency-Key', idempotencyKey) : pending).send(body);
};

describe('concurrent screenings', () => {
  // Only a real server runs transactions in parallel; PGlite serialises them.
  test.skipIf(!process.env.DATABASE_URL)('200 at once form one chain: sequences 1..200, no fork, and it verifies', { timeout: 120_000 }, async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, (_, index) => screen({ subject: { externalRef: `c-${index}`, name: `Parallel Person ${index}` } })));
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 200 }, () => 201));
    const rows = await queryRows<{ sequence: string | number; prev_hash: string; hash: string }>(
      t.database,
      sql`select d.sequence, d.prev_hash, d.hash from decisions d join tenants t on t.id = d.tenant_id where t.slug = 'default' order by d.sequence`,
    );
    expect(rows.map((row) => Number(row.sequence))).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    // No fork: every prev_hash is used once, and it is the hash of the row before.
    expect(new Set(rows.map((row) => row.prev_hash)).size).toBe(200);
    rows.slice(1).forEach((row, index) => expect(row.prev_hash).toBe(rows[index]!.hash));
    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body, JSON.stringify(verify.body)).toMatchObject({ ok: true, checked: 200, anchor: 'genesis', headMatches: true });
  });

  test('the same Idempotency-Key sent several times at once makes one decision; all get it back', async () => {
    const body = { subject: { externalRef: 'idem-race', name: 'Idem Race' } };
    const responses = await Promise.all(Array.from({ length: 8 }, () => screen(body, 'race-1')));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses, JSON.stringify(responses.map((response) => response.body))).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    const count = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from decisions where idempotency_key = 'race-1'`);
    expect(count[0]?.n).toBe(1);
  });

  test('a racing request with the same key and another body is 422', async () => {
    const responses = await Promise.all([
      screen({ subject: { name: 'First Body' } }, 'race-2'),
      screen({ subject: { name: 'Second Body' } }, 'race-2'),
      screen({ subject: { name: 'Third Body' } }, 'race-2'),
    ]);
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses, JSON.stringify(responses.map((response) => response.body))).toEqual([201, 422, 422]);
    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body.ok).toBe(true);
  });
});
