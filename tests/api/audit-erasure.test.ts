import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  for (const [key, externalRef, name] of [
    [t.keys.screener, 'cand-1', 'Jane Roe'],
    [t.keys.screener, 'cand-1', 'Jane R. Roe'],
    [t.keys.screener, 'cand-2', 'John Doe'],
    [t.keys.otherTenantScreener, 'cand-1', 'Other Tenant Jane'],
  ] as const) {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(key)).send({ subject: { externalRef, name } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  }
  // Link keys as the cross-subject rules record them: one per decision here.
  await t.database.db.execute(sql`
    insert into subject_link_keys (tenant_id, subject_id, kind, key, name_key, field, display, decision_id, created_at)
    select tenant_id, subject_id, 'email', 'k-' || id, 'jane roe', '/subject/emails/0', 'j***@example.com', id, created_at from decisions`);
});
afterAll(() => t.close());

const erase = (externalRef: unknown, key = t.keys.admin) => request(t.app.server).post('/v1/subjects/erasure').set(bearer(key)).send({ externalRef });

async function decisionsOf(externalRef: string) {
  return queryRows<{ tenant: string; input: unknown; input_erased_at: string | null; input_digest: string }>(
    t.database,
    sql`select t.slug as tenant, d.input, d.input_erased_at, d.input_digest from decisions d join tenants t on t.id = d.tenant_id where d.external_ref = ${externalRef} order by t.slug, d.sequence`,
  );
}

describe('POST /v1/subjects/erasure', () => {
  test("erases every stored input of the subject and its link keys, keeps the digests, and the chain still verifies", async () => {
    const digests = (await decisionsOf('cand-1')).map((row) => row.input_digest);
    const response = await erase('cand-1');
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({ externalRef: 'cand-1', subjectFound: true, decisionsErased: 2, alreadyErased: 0, linkKeysDeleted: 2, erasedAt: '2026-11-25T12:00:00.000Z' });

    const rows = await decisionsOf('cand-1');
    const mine = rows.filter((row) => row.tenant === 'default');
    expect(mine.every((row) => row.input === null && row.input_erased_at !== null)).toBe(true);
    expect(rows.map((row) => row.input_digest)).toEqual(digests);
    // Another tenant's subject with the same reference is untouched, and so is cand-2.
    expect(rows.find((row) => row.tenant === 'other')?.input).not.toBeNull();
    expect((await decisionsOf('cand-2'))[0]?.input).not.toBeNull();
    const keys = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from subject_link_keys`);
    expect(keys[0]?.n).toBe(2);

    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body, JSON.stringify(verify.body)).toMatchObject({ ok: true, checked: 3 });
  });

  test('the erasure is an audit event naming the admin key and the counts', async () => {
    const events = await request(t.app.server).get('/v1/audit/events?limit=1000').set(bearer(t.keys.auditor));
    const [adminKey] = await queryRows<{ id: string }>(t.database, sql`select id from api_keys where label = 'bootstrap admin key'`);
    expect(events.body.items.filter((event: { action: string }) => event.action === 'subject.erased')).toEqual([
      expect.objectContaining({ actor: `api-key:${adminKey!.id}`, targetType: 'subject', details: { externalRef: 'cand-1', decisionsErased: 2, alreadyErased: 0, linkKeysDeleted: 2 } }),
    ]);
  });

  test('asking again erases nothing new and says what was erased before; an unknown subject is not an error', async () => {
    expect((await erase('cand-1')).body).toMatchObject({ subjectFound: true, decisionsErased: 0, alreadyErased: 2, linkKeysDeleted: 0 });
    expect((await erase('never-screened')).body).toMatchObject({ subjectFound: false, decisionsErased: 0, alreadyErased: 0, linkKeysDeleted: 0 });
  });

  test('the decision itself stays readable', async () => {
    const [row] = await queryRows<{ id: string }>(t.database, sql`select d.id from decisions d join tenants t on t.id = d.tenant_id where d.external_ref = 'cand-1' and t.slug = 'default' limit 1`);
    const response = await request(t.app.server).get(`/v1/decisions/${row!.id}`).set(bearer(t.keys.reviewer));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ externalRef: 'cand-1', inputDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  test.each([
    ['a missing externalRef', {}, '/externalRef'],
    ['an empty externalRef', { externalRef: '' }, '/externalRef'],
    ['an unknown field', { externalRef: 'cand-2', name: 'John Doe' }, '/name'],
  ])('%s is 400 and erases nothing', async (_label, body, field) => {
    const response = await request(t.app.server).post('/v1/subjects/erasure').set(bearer(t.keys.admin)).send(body);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect((await decisionsOf('cand-2'))[0]?.input).not.toBeNull();
  });

  test('only an admin may erase', async () => {
    for (const key of [t.keys.auditor, t.keys.reviewer, t.keys.screener]) expect((await erase('cand-2', key)).status).toBe(403);
    expect((await decisionsOf('cand-2'))[0]?.input).not.toBeNull();
  });
});
