import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { listsData } from '../helpers/shared-data.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Two scopes: the operator (tenants, global lists) and the tenants (their keys, rules, cases,
 * watchlists). Reproduces the review finding: a second tenant's admin replaced the OFAC list of
 * every tenant with a one-row file, and the first tenant's block became clear.
 */
let t: TestApp;
const tiny = (name: string) => listsData('ofac-sdn', '2025-05_watchman-tiny', name);
const LISTED_EMAIL = 'khoroshev1@icloud.com';
const OFAC_FILES = ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'];

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function upload(key: string, files: [string, Buffer][], query = '') {
  let pending = request(t.app.server).post(`/v1/lists/ofac-sdn/imports${query}`).set(bearer(key));
  for (const [name, content] of files) pending = pending.attach('files', content, name);
  return pending;
}

const oneRowSdn = () => {
  const [first] = readFileSync(tiny('sdn.csv'), 'utf8').split('\r\n');
  return Buffer.from(`${first}\r\n`);
};

async function screenListedEmail(externalRef: string) {
  const response = await request(t.app.server)
    .post('/v1/screenings')
    .set(bearer(t.keys.screener))
    .send({ subject: { externalRef, name: 'Alex Smith', emails: [LISTED_EMAIL] }, monitor: true });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { outcome: string; listVersions: { source: string; version: number }[] };
}

async function activeOfacVersion() {
  const [row] = await queryRows<{ version: number }>(t.database, sql`select v.version from list_sources s join list_versions v on v.id = s.active_version_id where s.slug = 'ofac-sdn'`);
  return row?.version;
}

describe('global lists belong to the operator', () => {
  test('the operator imports OFAC; a tenant screening a listed e-mail is blocked', async () => {
    const imported = await upload(t.keys.operator, OFAC_FILES.map((name) => [name, readFileSync(tiny(name))]));
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect((await screenListedEmail('applicant-1')).outcome).toBe('block');
  });

  test("another tenant's admin cannot replace the list every tenant screens against: 403, nothing changes", async () => {
    const refused = await upload(t.keys.otherTenantAdmin, [['sdn.csv', oneRowSdn()]]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.type).toBe('https://redflag.dev/problems/forbidden');
    expect(await activeOfacVersion()).toBe(1);
    expect((await screenListedEmail('applicant-2')).outcome).toBe('block');
    // Nor can the tenant's own admin.
    expect((await upload(t.keys.admin, [['sdn.csv', oneRowSdn()]])).status).toBe(403);
  });

  test('even the operator cannot drop more than a fifth of the list by accident: 409 naming both counts, nothing imported', async () => {
    const before = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from list_versions`);
    const refused = await upload(t.keys.operator, [['sdn.csv', oneRowSdn()]]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.type).toBe('https://redflag.dev/problems/list-would-shrink');
    expect(refused.body.detail).toMatch(/remove 16 of the 17 entries of ofac-sdn version 1/);
    expect(refused.body.errors).toEqual([{ field: 'allowShrink', message: expect.stringContaining('16 of 17') }]);
    expect(await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from list_versions`)).toEqual(before);
    expect((await screenListedEmail('applicant-3')).outcome).toBe('block');
  });

  test('a list that really shrank is imported when the operator says so', async () => {
    const accepted = await upload(t.keys.operator, [['sdn.csv', oneRowSdn()]], '?allowShrink=true');
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body.version).toMatchObject({ version: 2, counts: expect.objectContaining({ entries: 1 }) });
  });

  test('operator keys read no tenant data: decisions, cases, subjects and exports are 403', async () => {
    for (const [method, path] of [
      ['get', '/v1/cases'],
      ['get', '/v1/audit/decisions/export'],
      ['get', '/v1/audit/events'],
      ['post', '/v1/subjects/erasure'],
      ['post', '/v1/screenings'],
      ['get', '/v1/monitoring/runs'],
    ] as const) {
      const response = await request(t.app.server)[method](path).set(bearer(t.keys.operator)).send({ externalRef: 'x', subject: { name: 'x' } });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });
});

describe('tenants, managed by the operator', () => {
  test('a tenant is created over the API with the default ruleset; its admin key then works', async () => {
    const created = await request(t.app.server).post('/v1/tenants').set(bearer(t.keys.operator)).send({ slug: 'acme', name: 'Acme Staffing' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual({ slug: 'acme', name: 'Acme Staffing', createdAt: expect.any(String), disabledAt: null });
    const admin = await createApiKey(t.database.db, { tenantSlug: 'acme', roles: ['admin'], owner: 'Acme admin' });
    const rulesets = await request(t.app.server).get('/v1/rulesets').set(bearer(admin.key));
    expect(rulesets.status).toBe(200);
    expect(rulesets.body.items).toHaveLength(1);
    const screened = await request(t.app.server).post('/v1/screenings').set(bearer(admin.key)).send({ subject: { name: 'Jane Roe' } });
    expect(screened.status).toBe(201);
    const listed = await request(t.app.server).get('/v1/tenants').set(bearer(t.keys.operator));
    expect(listed.body.items.map((tenant: { slug: string }) => tenant.slug)).toEqual(['acme', 'default', 'other']);
  });

  test('a taken slug is 409, a bad one 400 naming the field, an unknown field 400', async () => {
    const taken = await request(t.app.server).post('/v1/tenants').set(bearer(t.keys.operator)).send({ slug: 'acme', name: 'Again' });
    expect(taken.status).toBe(409);
    const bad = await request(t.app.server).post('/v1/tenants').set(bearer(t.keys.operator)).send({ slug: 'Acme:Inc', name: 'Acme' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: '/slug' })]);
    const unknown = await request(t.app.server).post('/v1/tenants').set(bearer(t.keys.operator)).send({ slug: 'beta', name: 'Beta', plan: 'gold' });
    expect(unknown.status).toBe(400);
  });

  test("a disabled tenant's keys get 401 at once; its data stays; it gets no new keys", async () => {
    const admin = await createApiKey(t.database.db, { tenantSlug: 'acme', roles: ['admin'], owner: 'Acme admin' });
    expect((await request(t.app.server).get('/v1/api-keys').set(bearer(admin.key))).status).toBe(200);
    const disabled = await request(t.app.server).post('/v1/tenants/acme/disable').set(bearer(t.keys.operator));
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    const refused = await request(t.app.server).get('/v1/api-keys').set(bearer(admin.key));
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const [kept] = await queryRows<{ decisions: number }>(t.database, sql`select count(*)::int as decisions from decisions d join tenants t on t.id = d.tenant_id where t.slug = 'acme'`);
    expect(kept?.decisions).toBe(1);
    await expect(createApiKey(t.database.db, { tenantSlug: 'acme', roles: ['screener'], owner: 'Acme screener' })).rejects.toThrow(/disabled/);
    expect((await request(t.app.server).post('/v1/tenants/acme/disable').set(bearer(t.keys.operator))).body.disabledAt).toBe(disabled.body.disabledAt);
    expect((await request(t.app.server).post('/v1/tenants/nobody/disable').set(bearer(t.keys.operator))).status).toBe(404);
    // Other tenants are untouched.
    expect((await request(t.app.server).get('/v1/api-keys').set(bearer(t.keys.admin))).status).toBe(200);
  });

  test('a tenant admin cannot create operator keys', async () => {
    const response = await request(t.app.server).post('/v1/api-keys').set(bearer(t.keys.admin)).send({ roles: ['operator'] });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toMatch(/^\/roles/);
  });
});
