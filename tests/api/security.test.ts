import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { ROLES } from '../../src/domain/auth/roles.js';

let t: TestApp;
let otherTenantDecisionId: string;
let otherTenantCaseId: string;
let otherTenantWebhookId: string;
let otherTenantApiKeyId: string;

type KeyName = keyof TestApp['keys'];
interface ProtectedRoute {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: () => string;
  body?: unknown;
  /** Keys that must get through: of tenant `default` (admin gets every tenant route), or the operator's. */
  allowed: KeyName[];
  /** An object of another tenant: must look missing (404). */
  otherTenantPath?: () => string;
}

/** Every protected route. A test below fails when the OpenAPI document has a route not listed here. */
const ROUTES: ProtectedRoute[] = [
  { method: 'post', path: () => '/v1/screenings', body: { subject: { name: 'Jane Roe' } }, allowed: ['screener', 'admin'] },
  { method: 'post', path: () => '/v1/screenings/batch', body: { items: [{ subject: { name: 'Jane Roe' } }] }, allowed: ['screener', 'admin'] },
  { method: 'get', path: () => '/v1/monitoring/runs', allowed: ['reviewer', 'auditor', 'admin'] },
  // Other-tenant runs are checked in tests/api/monitoring-runs.test.ts.
  { method: 'get', path: () => '/v1/monitoring/runs/0190f2a0-0000-7000-8000-000000000000', allowed: ['reviewer', 'auditor', 'admin'] },
  {
    method: 'get',
    path: () => `/v1/decisions/${otherTenantDecisionId}`,
    allowed: ['screener', 'reviewer', 'auditor', 'admin'],
    otherTenantPath: () => `/v1/decisions/${otherTenantDecisionId}`,
  },
  {
    method: 'post',
    path: () => `/v1/decisions/${otherTenantDecisionId}/replay`,
    allowed: ['auditor', 'reviewer', 'admin'],
    otherTenantPath: () => `/v1/decisions/${otherTenantDecisionId}/replay`,
  },
  { method: 'get', path: () => '/v1/audit/verify', allowed: ['auditor', 'admin'] },
  { method: 'get', path: () => '/v1/audit/decisions/export', allowed: ['auditor', 'admin'] },
  { method: 'get', path: () => '/v1/audit/events', allowed: ['auditor', 'admin'] },
  { method: 'get', path: () => '/v1/audit/events/export', allowed: ['auditor', 'admin'] },
  { method: 'get', path: () => '/v1/audit/checkpoints', allowed: ['auditor', 'admin'] },
  { method: 'get', path: () => '/metrics', allowed: ['operator'] },
  { method: 'get', path: () => '/v1/audit/checkpoints/public-key', allowed: ['auditor', 'admin'] },
  { method: 'post', path: () => '/v1/subjects/erasure', body: { externalRef: 'nobody-screened' }, allowed: ['admin'] },
  // Global lists are the operator's: a tenant admin cannot change what every tenant screens against.
  { method: 'post', path: () => '/v1/lists/ofac-sdn/imports', allowed: ['operator'] },
  { method: 'get', path: () => '/v1/lists', allowed: ['reviewer', 'auditor', 'admin', 'operator'] },
  { method: 'get', path: () => '/v1/lists/ofac-sdn/versions', allowed: ['reviewer', 'auditor', 'admin', 'operator'] },
  { method: 'get', path: () => '/v1/lists/ofac-sdn/versions/1/diff', allowed: ['reviewer', 'auditor', 'admin', 'operator'] },
  { method: 'post', path: () => '/v1/watchlists', body: { slug: 'security-test', name: 'Security test' }, allowed: ['admin'] },
  { method: 'get', path: () => '/v1/watchlists', allowed: ['admin', 'reviewer', 'auditor'] },
  { method: 'post', path: () => '/v1/watchlists/nowhere/imports', body: { entries: [{ name: 'x' }] }, allowed: ['admin'] },
  { method: 'get', path: () => '/v1/watchlists/nowhere/versions', allowed: ['admin', 'reviewer', 'auditor'] },
  { method: 'get', path: () => '/v1/watchlists/nowhere/versions/1/diff', allowed: ['admin', 'reviewer', 'auditor'] },
  { method: 'post', path: () => '/v1/tenants', body: { slug: 'security-test', name: 'Security test tenant' }, allowed: ['operator'] },
  { method: 'get', path: () => '/v1/tenants', allowed: ['operator'] },
  { method: 'post', path: () => '/v1/tenants/nobody-here/disable', allowed: ['operator'] },
  { method: 'get', path: () => '/v1/lists/entries', allowed: ['reviewer', 'admin'] },
  { method: 'get', path: () => '/v1/lists/entries/0190f2a0-0000-7000-8000-000000000000', allowed: ['reviewer', 'screener', 'admin'] },
  { method: 'get', path: () => '/v1/cases', allowed: ['reviewer', 'admin'] },
  { method: 'get', path: () => '/v1/cases/assignees', allowed: ['reviewer', 'admin'] },
  { method: 'get', path: () => '/v1/cases/counts', allowed: ['reviewer', 'admin'] },
  { method: 'get', path: () => `/v1/cases/${otherTenantCaseId}`, allowed: ['reviewer', 'admin'], otherTenantPath: () => `/v1/cases/${otherTenantCaseId}` },
  { method: 'get', path: () => `/v1/cases/${otherTenantCaseId}/events`, allowed: ['reviewer', 'admin'], otherTenantPath: () => `/v1/cases/${otherTenantCaseId}/events` },
  // Steps that change the case: their other-tenant checks are in tests/api/cases-security.test.ts.
  { method: 'post', path: () => `/v1/cases/${otherTenantCaseId}/assign`, body: { assignee: 'someone' }, allowed: ['reviewer', 'admin'], otherTenantPath: () => `/v1/cases/${otherTenantCaseId}/assign` },
  { method: 'post', path: () => `/v1/cases/${otherTenantCaseId}/comments`, body: { text: 'a note' }, allowed: ['reviewer', 'admin'] },
  { method: 'post', path: () => `/v1/cases/${otherTenantCaseId}/disposition`, body: { disposition: 'escalated', note: 'why' }, allowed: ['reviewer', 'admin'] },
  { method: 'post', path: () => `/v1/cases/${otherTenantCaseId}/approve`, body: { note: 'ok' }, allowed: ['reviewer', 'admin'] },
  { method: 'post', path: () => `/v1/cases/${otherTenantCaseId}/reopen`, body: { note: 'why' }, allowed: ['reviewer', 'admin'] },
  { method: 'post', path: () => '/v1/webhooks', body: { url: 'https://hooks.example.com/redflag', events: ['case.opened'] }, allowed: ['admin'] },
  { method: 'get', path: () => '/v1/webhooks', allowed: ['admin'] },
  { method: 'post', path: () => '/v1/api-keys', body: { roles: ['auditor'], owner: 'Security Test', label: 'security test' }, allowed: ['admin'] },
  { method: 'get', path: () => '/v1/api-keys', allowed: ['admin'] },
  { method: 'get', path: () => '/v1/me', allowed: ['screener', 'reviewer', 'rulesAdmin', 'auditor', 'admin'] },
  // Another tenant's key: it must look missing, and stay working.
  { method: 'delete', path: () => `/v1/api-keys/${otherTenantApiKeyId}`, allowed: ['admin'], otherTenantPath: () => `/v1/api-keys/${otherTenantApiKeyId}` },
  {
    method: 'get',
    path: () => `/v1/webhooks/${otherTenantWebhookId}/deliveries`,
    allowed: ['admin'],
    otherTenantPath: () => `/v1/webhooks/${otherTenantWebhookId}/deliveries`,
  },
  { method: 'post', path: () => '/v1/match', body: { name: 'Kim Jong Un' }, allowed: ['screener', 'reviewer', 'admin'] },
  { method: 'post', path: () => '/v1/names/compare', body: { a: { name: 'Kim Jong Un' }, b: { name: 'KIM, Jong-un' } }, allowed: ['screener', 'reviewer', 'admin'] },
  { method: 'get', path: () => '/v1/indicators', allowed: ['screener', 'reviewer', 'rulesAdmin', 'auditor', 'admin'] },
  { method: 'get', path: () => '/v1/rulesets', allowed: ['rulesAdmin', 'auditor', 'admin'] },
  // Rulesets are addressed by version within the caller's tenant: version 9 does not exist in any tenant here.
  { method: 'get', path: () => '/v1/rulesets/9', allowed: ['rulesAdmin', 'auditor', 'reviewer', 'admin'] },
  { method: 'post', path: () => '/v1/rulesets/drafts', allowed: ['rulesAdmin', 'admin'] },
  { method: 'patch', path: () => '/v1/rulesets/9/rules/list-name-match', body: { weight: 10 }, allowed: ['rulesAdmin', 'admin'] },
  { method: 'put', path: () => '/v1/rulesets/9/thresholds', body: { review: 40, block: 80 }, allowed: ['rulesAdmin', 'admin'] },
  { method: 'post', path: () => '/v1/rulesets/9/publish', allowed: ['rulesAdmin', 'admin'] },
  { method: 'post', path: () => '/v1/rulesets/9/dry-run', body: { limit: 5 }, allowed: ['rulesAdmin', 'admin'] },
];
const PUBLIC_PATHS = ['/healthz', '/readyz'];
const ALL_KEYS: KeyName[] = ['admin', 'screener', 'reviewer', 'auditor', 'rulesAdmin', 'operator'];
const ROLE_KEY_NAMES: Record<string, KeyName> = { admin: 'admin', screener: 'screener', reviewer: 'reviewer', auditor: 'auditor', rules_admin: 'rulesAdmin', operator: 'operator' };

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'security-watchlist', [listEntry({ sourceId: 'sec-1', name: 'KIM, Sang Man', nationalities: ['KP'] })]);
    },
    // Every route gets wrong keys here; the limit on failed authentication is tests/api/auth-failures.test.ts.
    appDeps: { authFailuresPerMinute: 0 },
  });
  const created = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.otherTenantScreener)).send({ subject: { name: 'Other Tenant Person' } });
  otherTenantDecisionId = created.body.id;
  const flagged = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.otherTenantScreener)).send({ subject: { externalRef: 'other-1', name: 'Sang Man Kim' } });
  otherTenantCaseId = flagged.body.caseId;
  const hook = await request(t.app.server).post('/v1/webhooks').set(bearer(t.keys.otherTenantAdmin)).send({ url: 'https://hooks.example.com/other', events: ['case.opened'] });
  otherTenantWebhookId = hook.body.id;
  otherTenantApiKeyId = (await request(t.app.server).post('/v1/api-keys').set(bearer(t.keys.otherTenantAdmin)).send({ roles: ['screener'], owner: 'Other Screener' })).body.id;
  if (!otherTenantCaseId || !otherTenantWebhookId || !otherTenantApiKeyId) throw new Error(`fixture setup failed: ${JSON.stringify([flagged.body, hook.body])}`);
});
afterAll(() => t.close());

function call(route: ProtectedRoute, path = route.path()) {
  const pending = request(t.app.server)[route.method](path);
  return route.body === undefined ? pending : pending.send(route.body as object);
}

describe('every protected route', () => {
  test('is listed in this test (the OpenAPI document has no route the table forgets)', async () => {
    const document = (await request(t.app.server).get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path.replace(/\{[^}]+\}/g, ':param')}`),
    );
    const listed = new Set([
      ...ROUTES.map((route) => `${route.method} ${route.path().replace(/[0-9a-f-]{36}/, ':param').replace('/ofac-sdn/', '/:param/').replace('/nobody-here/', '/:param/').replace('/watchlists/nowhere/', '/watchlists/:param/').replace('/versions/1/', '/versions/:param/').replace(/\/rulesets\/9(\/|$)/, '/rulesets/:param$1').replace('/rules/list-name-match', '/rules/:param')}`),
      ...PUBLIC_PATHS.map((path) => `get ${path}`),
    ]);
    expect(documented.filter((route) => !listed.has(route))).toEqual([]);
  });

  test.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path.toString()}`, route] as const))('%s: no key is 401', async (_name, route) => {
    const response = await call(route);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  test.each(ROUTES.map((route) => [route.method, route] as const))('%s: a wrong key or a malformed header is 401', async (_name, route) => {
    for (const header of ['Bearer rf_not-a-real-key', 'Basic dXNlcjpwYXNz', `Bearer ${t.keys.screener}x`, 'Bearer']) {
      const response = await call(route).set('Authorization', header);
      expect(response.status, header).toBe(401);
    }
  });

  test.each(ROUTES.map((route) => [route.method, route] as const))('%s: roles outside the allowed set are 403, allowed roles get through', async (_name, route) => {
    for (const keyName of ALL_KEYS) {
      const response = await call(route).set(bearer(t.keys[keyName]));
      // Allowed roles get past authorisation; what follows (404 for a missing object, 415 for an
      // import without files, 409 for a second draft) is the route's own answer.
      if (route.allowed.includes(keyName)) expect([200, 201, 404, 409, 415], `${keyName}: ${JSON.stringify(response.body)}`).toContain(response.status);
      else expect(response.status, keyName).toBe(403);
    }
  });

  test.each(ROUTES.filter((route) => route.otherTenantPath).map((route) => [route.method, route] as const))(
    "%s: another tenant's object is 404, not 403",
    async (_name, route) => {
      const response = await call(route, route.otherTenantPath!()).set(bearer(t.keys.admin));
      expect(response.status).toBe(404);
      const owner = await call(route, route.otherTenantPath!()).set(bearer(t.keys.otherTenantAdmin));
      expect(owner.status).toBe(200);
    },
  );

  test('public routes need no key', async () => {
    for (const path of [...PUBLIC_PATHS, '/openapi.json']) {
      expect((await request(t.app.server).get(path)).status, path).toBe(200);
    }
    expect((await request(t.app.server).get('/docs/')).status).toBe(200);
  });

  test('role names map onto the test keys', () => {
    expect(Object.keys(ROLE_KEY_NAMES).sort()).toEqual([...ROLES].sort());
  });
});
