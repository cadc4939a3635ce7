import request from 'supertest';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** Admins manage their tenant's keys over the API; a leaked key can be stopped at once. */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const as = (key: string) => ({
  get: (url: string) => request(t.app.server).get(url).set(bearer(key)),
  post: (url: string, body?: object) => request(t.app.server).post(url).set(bearer(key)).send(body),
  delete: (url: string) => request(t.app.server).delete(url).set(bearer(key)),
});
const screen = (key: string) => as(key).post('/v1/screenings', { subject: { name: 'Key Holder' } });

describe('API keys', () => {
  test('an admin creates a key: the secret once, then listings show only its prefix; the key works with its roles', async () => {
    const created = await as(t.keys.admin).post('/v1/api-keys', { roles: ['screener'], owner: 'Workday connector', label: 'HR connector' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), roles: ['screener'], owner: 'Workday connector', label: 'HR connector', revokedAt: null, key: expect.stringMatching(/^rf_[A-Za-z0-9_-]{43}$/) });
    const admin = (await as(t.keys.admin).get('/v1/me')).body as { id: string };
    expect(created.body.createdByKeyId, 'the key that made it, for four-eyes lineage').toBe(admin.id);
    expect(created.body.keyPrefix).toBe(created.body.key.slice(0, 8));

    const listed = await as(t.keys.admin).get('/v1/api-keys');
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((key: { id: string }) => key.id === created.body.id);
    expect(item).toEqual({
      id: created.body.id,
      label: 'HR connector',
      owner: 'Workday connector',
      createdByKeyId: admin.id,
      roles: ['screener'],
      keyPrefix: created.body.keyPrefix,
      createdAt: created.body.createdAt,
      revokedAt: null,
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    // Only this tenant's keys: the other tenant's admin and screener are not listed.
    expect(listed.body.items.every((key: { roles: string[] }) => Array.isArray(key.roles))).toBe(true);
    const otherListed = await as(t.keys.otherTenantAdmin).get('/v1/api-keys');
    expect(otherListed.body.items.map((key: { id: string }) => key.id)).not.toContain(created.body.id);

    expect((await screen(created.body.key)).status).toBe(201);
    expect((await as(created.body.key).get('/v1/api-keys')).status).toBe(403);
  });

  test('every key names its owner: without one, or with only spaces, it is 400 naming /owner, and nothing is made', async () => {
    const before = (await as(t.keys.admin).get('/v1/api-keys')).body.items.length as number;
    for (const body of [{ roles: ['reviewer'], label: 'no owner' }, { roles: ['reviewer'], owner: '   ' }]) {
      const refused = await as(t.keys.admin).post('/v1/api-keys', body);
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: '/owner' })]));
    }
    expect((await as(t.keys.admin).get('/v1/api-keys')).body.items).toHaveLength(before);
  });

  test('GET /v1/me tells any key who holds it and what it may do, never the secret', async () => {
    const me = await as(t.keys.reviewer).get('/v1/me');
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body).toMatchObject({ owner: 'reviewer of default', roles: ['reviewer'], tenant: 'default', keyPrefix: t.keys.reviewer.slice(0, 8), revokedAt: null });
    expect(JSON.stringify(me.body)).not.toContain(t.keys.reviewer);
    expect((await request(t.app.server).get('/v1/me')).status).toBe(401);
  });

  test('bad input is 400 naming the field; only admins manage keys', async () => {
    const badRole = await as(t.keys.admin).post('/v1/api-keys', { roles: ['superuser'] });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/^\/roles/) })]));
    const noRoles = await as(t.keys.admin).post('/v1/api-keys', { roles: [] });
    expect(noRoles.status).toBe(400);
    const unknownField = await as(t.keys.admin).post('/v1/api-keys', { roles: ['auditor'], tenant: 'other' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: '/tenant' })]));
    expect((await as(t.keys.reviewer).post('/v1/api-keys', { roles: ['admin'] })).status).toBe(403);
    expect((await as(t.keys.admin).delete('/v1/api-keys/not-a-uuid')).status).toBe(400);
  });

  test('a revoked key is refused at once; revoking again changes nothing; both changes are audit events', async () => {
    const created = await as(t.keys.admin).post('/v1/api-keys', { roles: ['screener'], owner: 'Leaky System', label: 'leaked' });
    const key = created.body.key as string;
    // Checked once, so this instance has it cached as valid.
    expect((await screen(key)).status).toBe(201);
    const revoked = await as(t.keys.admin).delete(`/v1/api-keys/${created.body.id}`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ id: created.body.id, revokedAt: expect.any(String) });
    const refused = await screen(key);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');

    const again = await as(t.keys.admin).delete(`/v1/api-keys/${created.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);

    const events = await queryRows<{ action: string; actor: string }>(
      t.database,
      sql`select action, actor from audit_events where target_type = 'api_key' and target_id = ${created.body.id} order by created_at, id`,
    );
    expect(events.map((event) => event.action)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(events.every((event) => event.actor.startsWith('api-key:'))).toBe(true);
  });

  test('a key cannot revoke itself (409); an unknown key is 404', async () => {
    const admin = await as(t.keys.admin).post('/v1/api-keys', { roles: ['admin'], owner: 'Second Admin' });
    const self = await as(admin.body.key).delete(`/v1/api-keys/${admin.body.id}`);
    expect(self.status).toBe(409);
    expect(self.body.detail).toMatch(/another admin key/);
    expect((await screen(admin.body.key)).status).toBe(201);
    const unknown = await as(t.keys.admin).delete('/v1/api-keys/01900000-0000-7000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });
});
