import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findTenantBySlug } from '../../src/db/repositories/tenancy.repository.js';
import { createDueRuns } from '../../src/services/monitoring.service.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import { screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Every route that names an object in its path, called by tenant `default` (admin, so roles are
 * never the reason) on an object of tenant `other`: the answer is 404, exactly as for an id that
 * does not exist, and the object is unchanged. A documented route with a path parameter that this
 * table does not list fails the first test, so a new route cannot skip the check.
 */

let t: TestApp;
/** Objects of tenant `other`. */
const other = { decision: '', case: '', webhook: '', run: '', draftVersion: 0, apiKey: '' };

interface IsolatedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path, as documented. */
  path: string;
  /** The same route naming tenant `other`'s object. */
  url: () => string;
  body?: unknown;
}

/** Routes whose path names list data: lists are reference data shared by every tenant, by design. */
const SHARED: Record<string, string> = {
  'POST /v1/lists/{source}/imports': 'global lists are shared reference data (operator only)',
  'POST /v1/tenants/{slug}/disable': 'tenants are the operator\'s (no tenant key reaches it: tests/api/security.test.ts)',
  'GET /v1/lists/{source}/versions': 'lists are shared reference data',
  'GET /v1/lists/{source}/versions/{version}/diff': 'lists are shared reference data',
  'GET /v1/lists/entries/{id}': "global list entries are shared reference data; another tenant's watchlist entry is 404 (tests/api/watchlists.test.ts)",
};

const ISOLATED: IsolatedRoute[] = [
  { method: 'GET', path: '/v1/decisions/{id}', url: () => `/v1/decisions/${other.decision}` },
  { method: 'POST', path: '/v1/decisions/{id}/replay', url: () => `/v1/decisions/${other.decision}/replay` },
  { method: 'GET', path: '/v1/cases/{id}', url: () => `/v1/cases/${other.case}` },
  { method: 'GET', path: '/v1/cases/{id}/events', url: () => `/v1/cases/${other.case}/events` },
  { method: 'POST', path: '/v1/cases/{id}/assign', url: () => `/v1/cases/${other.case}/assign`, body: { assignee: 'intruder' } },
  { method: 'POST', path: '/v1/cases/{id}/comments', url: () => `/v1/cases/${other.case}/comments`, body: { text: 'intruder was here' } },
  { method: 'POST', path: '/v1/cases/{id}/disposition', url: () => `/v1/cases/${other.case}/disposition`, body: { disposition: 'false_positive', note: 'intruder' } },
  { method: 'POST', path: '/v1/cases/{id}/approve', url: () => `/v1/cases/${other.case}/approve`, body: { note: 'intruder' } },
  { method: 'POST', path: '/v1/cases/{id}/reopen', url: () => `/v1/cases/${other.case}/reopen`, body: { note: 'intruder' } },
  { method: 'GET', path: '/v1/webhooks/{id}/deliveries', url: () => `/v1/webhooks/${other.webhook}/deliveries` },
  { method: 'DELETE', path: '/v1/api-keys/{id}', url: () => `/v1/api-keys/${other.apiKey}` },
  { method: 'GET', path: '/v1/monitoring/runs/{id}', url: () => `/v1/monitoring/runs/${other.run}` },
  { method: 'GET', path: '/v1/rulesets/{version}', url: () => `/v1/rulesets/${other.draftVersion}` },
  { method: 'PATCH', path: '/v1/rulesets/{version}/rules/{ruleKey}', url: () => `/v1/rulesets/${other.draftVersion}/rules/list-name-match`, body: { weight: 1 } },
  { method: 'PUT', path: '/v1/rulesets/{version}/thresholds', url: () => `/v1/rulesets/${other.draftVersion}/thresholds`, body: { review: 10, block: 20 } },
  { method: 'POST', path: '/v1/rulesets/{version}/publish', url: () => `/v1/rulesets/${other.draftVersion}/publish` },
  { method: 'POST', path: '/v1/rulesets/{version}/dry-run', url: () => `/v1/rulesets/${other.draftVersion}/dry-run`, body: { limit: 10 } },
  { method: 'POST', path: '/v1/watchlists/{slug}/imports', url: () => '/v1/watchlists/partner-feed/imports', body: { entries: [{ name: 'Intruder' }] } },
  { method: 'GET', path: '/v1/watchlists/{slug}/versions', url: () => '/v1/watchlists/partner-feed/versions' },
  { method: 'GET', path: '/v1/watchlists/{slug}/versions/{version}/diff', url: () => '/v1/watchlists/partner-feed/versions/1/diff' },
];

const call = (route: IsolatedRoute, key: string) =>
  t.app.inject({ method: route.method, url: route.url(), headers: bearer(key), ...(route.body !== undefined ? { payload: route.body as InjectOptions['payload'] } : {}) });

/** What tenant `other` sees of all its objects: must not change when `default` pokes at them. */
async function otherTenantState() {
  const read = async (url: string) => (await t.app.inject({ method: 'GET', url, headers: bearer(t.keys.otherTenantAdmin) })).body;
  return Promise.all([
    read(`/v1/cases/${other.case}`),
    read(`/v1/cases/${other.case}/events`),
    read(`/v1/rulesets/${other.draftVersion}`),
    read('/v1/rulesets'),
    read('/v1/api-keys'),
    read('/v1/watchlists'),
    read('/v1/watchlists/partner-feed/versions'),
  ]);
}

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', WATCHLIST);
    },
    appDeps: { rateLimitPerMinute: 0, webhooks: { pollMs: 0, send: async () => ({ status: 200 }) } },
  });
  const admin = t.keys.otherTenantAdmin;
  const post = (url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: bearer(admin), ...(payload ? { payload } : {}) });
  other.decision = (await screen(t, { externalRef: 'iso-1', name: 'Jane Roe' }, admin)).id;
  // Monitored, so a new ruleset version gives the other tenant a monitoring run.
  const flagged = await post('/v1/screenings', { subject: { externalRef: 'iso-2', name: 'Sang Man Kim' }, monitor: true });
  other.case = flagged.json<{ caseId: string }>().caseId;
  other.webhook = (await post('/v1/webhooks', { url: 'http://127.0.0.1:9/iso', events: ['case.opened'] })).json<{ id: string }>().id;
  other.apiKey = (await post('/v1/api-keys', { roles: ['screener'], owner: 'Iso Screener', label: 'iso' })).json<{ id: string }>().id;
  await post('/v1/watchlists', { slug: 'partner-feed', name: 'Partner feed' });
  await post('/v1/watchlists/partner-feed/imports', { entries: [{ identifiers: [{ kind: 'ip', value: '175.45.176.10' }] }] });
  const published = (await post('/v1/rulesets/drafts')).json<{ version: number }>().version;
  await post(`/v1/rulesets/${published}/publish`);
  // The draft after it stays a draft: tenant `default` has no ruleset with this version number.
  other.draftVersion = (await post('/v1/rulesets/drafts')).json<{ version: number }>().version;
  const otherTenant = await findTenantBySlug(t.database.db, 'other');
  const lists = new ListIndexHolder();
  await lists.refresh(t.database.db);
  other.run = (await createDueRuns({ db: t.database.db, lists }, { listSettleMs: 0 })).find((run) => run.tenantId === otherTenant?.id)?.id ?? '';
  if (!other.case || !other.webhook || !other.run || !other.apiKey || !(other.draftVersion > 1)) throw new Error(`fixture setup failed: ${JSON.stringify(other)}`);
}, 120_000);
afterAll(() => t?.close());

describe("another tenant's objects", () => {
  test('every documented route with a path parameter is in this table', () => {
    const documented = Object.entries((t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths).flatMap(([path, methods]) =>
      path.includes('{') ? Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`) : [],
    );
    const listed = new Set([...ISOLATED.map((route) => `${route.method} ${route.path}`), ...Object.keys(SHARED)]);
    expect(documented.filter((route) => !listed.has(route)), 'add the route to ISOLATED (or, for shared data, SHARED)').toEqual([]);
  });

  test.each(ISOLATED.map((route) => [`${route.method} ${route.path}`, route] as const))('%s is 404 for tenant default and leaves the object as it was', async (_name, route) => {
    const before = await otherTenantState();
    const response = await call(route, t.keys.admin);
    expect(response.statusCode, response.body).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    // Indistinguishable from a missing object: nothing of the other tenant's object leaks (the
    // problem's `instance` is the request path, which holds the id the caller sent).
    const { instance: _instance, ...problem } = response.json<Record<string, unknown>>();
    for (const id of [other.decision, other.case, other.webhook, other.run]) expect(JSON.stringify(problem)).not.toContain(id);
    expect(await otherTenantState()).toEqual(before);
  });

  test('the owner reaches the objects the table uses (the 404s above are not for missing objects)', async () => {
    for (const route of ISOLATED.filter((candidate) => candidate.method === 'GET')) {
      const response = await call(route, t.keys.otherTenantAdmin);
      expect(response.statusCode, `${route.path}: ${response.body}`).toBe(200);
    }
  });

  test("collections and exports never list another tenant's objects", async () => {
    const ids = [other.decision, other.case, other.webhook, other.run];
    for (const url of ['/v1/cases', '/v1/webhooks', '/v1/monitoring/runs', '/v1/rulesets', '/v1/audit/events', '/v1/audit/decisions/export', '/v1/audit/events/export', '/v1/audit/verify']) {
      const response = await t.app.inject({ method: 'GET', url, headers: bearer(t.keys.admin) });
      expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(200);
      for (const id of ids) expect(response.body, url).not.toContain(id);
    }
    const rulesets = await t.app.inject({ method: 'GET', url: '/v1/rulesets', headers: bearer(t.keys.admin) });
    expect(rulesets.json<{ items: { version: number }[] }>().items.map((item) => item.version)).not.toContain(other.draftVersion);
  });
});
