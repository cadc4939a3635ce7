import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { tamper } from '../helpers/audit-decisions.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
/** Each screening gets its own minute, from 2026-03-01T10:00Z: decision n is at 10:0(n-1). */
let clock = new Date('2026-03-01T10:00:00.000Z');
const minute = (n: number) => new Date(Date.UTC(2026, 2, 1, 10, n - 1)).toISOString();
const ids: string[] = [];

beforeAll(async () => {
  t = await createTestApp({
    appDeps: {
      now: () => {
        const now = clock;
        clock = new Date(clock.getTime() + 60_000);
        return now;
      },
    },
  });
  for (let n = 1; n <= 6; n += 1) {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { externalRef: `cand-${n}`, name: `Person Number${n}` } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    ids.push(response.body.id);
  }
  // Another tenant's chain is separate and must not affect this one.
  await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.otherTenantScreener)).send({ subject: { name: 'Other Tenant' } });
});
afterAll(() => t.close());

const verify = (query = '') => request(t.app.server).get(`/v1/audit/verify${query}`).set(bearer(t.keys.auditor));

describe('GET /v1/audit/verify', () => {
  test("an untouched chain verifies from the genesis hash to the chain head", async () => {
    const response = await verify();
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({
      ok: true,
      checked: 6,
      firstSequence: 1,
      lastSequence: 6,
      anchor: 'genesis',
      reachesHead: true,
      headMatches: true,
      complete: true,
      firstBroken: null,
      head: { sequence: 6 },
    });
  });

  test('a range in the middle is anchored at the decision before it and does not reach the head', async () => {
    const response = await verify(`?from=${minute(3)}&to=${minute(5)}`);
    expect(response.body, JSON.stringify(response.body)).toMatchObject({ ok: true, checked: 2, firstSequence: 3, lastSequence: 4, anchor: 'matched', reachesHead: false, headMatches: null });
  });

  test('a range with no decision is empty and fine', async () => {
    const response = await verify('?from=2030-01-01');
    expect(response.body).toMatchObject({ ok: true, checked: 0, anchor: 'empty', firstBroken: null });
  });

  test('a limit splits a long range: complete false, then continue with afterSequence', async () => {
    const first = await verify('?limit=4');
    expect(first.body, JSON.stringify(first.body)).toMatchObject({ ok: true, checked: 4, complete: false, nextAfterSequence: 4, headMatches: null });
    const rest = await verify('?limit=4&afterSequence=4');
    expect(rest.body, JSON.stringify(rest.body)).toMatchObject({ ok: true, checked: 2, firstSequence: 5, anchor: 'matched', complete: true, headMatches: true, nextAfterSequence: null });
  });

  test('a decision altered in SQL (trigger disabled) is named as the first broken link', async () => {
    await tamper(t.database.db, sql`update decisions set score = 99 where id = ${ids[2]}`);
    try {
      const response = await verify();
      expect(response.body, JSON.stringify(response.body)).toMatchObject({
        ok: false,
        checked: 2,
        firstBroken: { id: ids[2], sequence: 3, reason: 'hash_mismatch' },
      });
      // A range after the altered decision still verifies: it is anchored at decision 4's stored hash.
      expect((await verify(`?from=${minute(4)}`)).body).toMatchObject({ ok: true, checked: 3 });
    } finally {
      await tamper(t.database.db, sql`update decisions set score = 0 where id = ${ids[2]}`);
    }
    expect((await verify()).body.ok).toBe(true);
  });

  test('a hash rewritten to match altered content breaks the next link', async () => {
    const [row] = await queryRows<{ hash: string }>(t.database, sql`select hash from decisions where id = ${ids[1]}`);
    await tamper(t.database.db, sql`update decisions set hash = ${'a'.repeat(64)} where id = ${ids[1]}`);
    try {
      const response = await verify();
      expect(response.body.firstBroken).toMatchObject({ id: ids[1], sequence: 2, reason: 'hash_mismatch' });
    } finally {
      await tamper(t.database.db, sql`update decisions set hash = ${row!.hash} where id = ${ids[1]}`);
    }
  });

  test('a deleted decision shows as a gap; deleted newest decisions show against the chain head', async () => {
    const saved = await queryRows<Record<string, unknown>>(t.database, sql`select * from decisions where id in (${ids[3]}, ${ids[5]})`);
    await tamper(t.database.db, sql`delete from decisions where id = ${ids[3]}`);
    try {
      const response = await verify();
      expect(response.body.firstBroken, JSON.stringify(response.body)).toMatchObject({ sequence: 5, reason: 'sequence_gap' });
      // Starting right after the hole: the anchor is now decision 3, so the gap still shows.
      expect((await verify(`?from=${minute(4)}`)).body.firstBroken).toMatchObject({ sequence: 5, reason: 'sequence_gap' });
    } finally {
      await restore(saved.filter((row) => row.id === ids[3]));
    }
    await tamper(t.database.db, sql`delete from decisions where id = ${ids[5]}`);
    try {
      const response = await verify(`?from=${minute(5)}`);
      expect(response.body, JSON.stringify(response.body)).toMatchObject({
        ok: false,
        checked: 1,
        headMatches: false,
        firstBroken: { id: null, sequence: 6, reason: 'sequence_gap' },
      });
    } finally {
      await restore(saved.filter((row) => row.id === ids[5]));
    }
    expect((await verify()).body.ok).toBe(true);
  });
});

/** Puts deleted rows back as they were (inserts are not blocked by the trigger). */
async function restore(rows: Record<string, unknown>[]) {
  for (const row of rows) {
    const columns = Object.keys(row);
    const values = columns.map((column) => {
      const value = row[column];
      return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    });
    await t.database.db.execute(
      sql`insert into decisions (${sql.raw(columns.map((column) => `"${column}"`).join(', '))}) values (${sql.join(
        values.map((value) => sql`${value}`),
        sql`, `,
      )})`,
    );
  }
}

describe('bad input', () => {
  test.each([
    ['from after to', '?from=2026-03-02&to=2026-03-01', 'querystring:/from'],
    ['a from that is not a time', '?from=yesterday', 'querystring:/from'],
    ['a negative afterSequence', '?afterSequence=-1', 'querystring:/afterSequence'],
    ['a limit of zero', '?limit=0', 'querystring:/limit'],
    ['an unknown parameter', '?tenant=other', 'querystring:/tenant'],
  ])('%s is 400 naming the parameter', async (_label, query, field) => {
    const response = await verify(query);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  test('a screener or reviewer may not verify (403)', async () => {
    expect((await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.screener))).status).toBe(403);
    expect((await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.reviewer))).status).toBe(403);
  });
});
