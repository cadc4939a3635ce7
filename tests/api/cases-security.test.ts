import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let ownCaseId: string;
let otherCaseId: string;
let otherWebhookId: string;

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', WATCHLIST);
    },
  });
  ownCaseId = (await screen(t, { externalRef: 'own-1', name: 'Sang Man Kim' })).caseId!;
  otherCaseId = (await screen(t, { externalRef: 'other-1', name: 'Sang Man Kim' }, t.keys.otherTenantScreener)).caseId!;
  const hook = await api(t, t.keys.otherTenantAdmin).post('/v1/webhooks', { url: 'http://127.0.0.1:9/never', events: ['case.disposed'] });
  otherWebhookId = hook.body.id;
  if (!ownCaseId || !otherCaseId || !otherWebhookId) throw new Error('fixture setup failed');
});
afterAll(() => t.close());

type KeyName = 'admin' | 'screener' | 'reviewer' | 'auditor' | 'rulesAdmin';
interface Route {
  method: 'get' | 'post';
  path: (id: string) => string;
  body?: object;
  allowed: KeyName[];
  /** Which object the route is about, for the other-tenant check. */
  kind: 'case' | 'webhook' | 'none';
}

const ROUTES: Route[] = [
  { method: 'get', path: () => '/v1/cases', allowed: ['reviewer', 'admin'], kind: 'none' },
  { method: 'get', path: () => '/v1/cases/assignees', allowed: ['reviewer', 'admin'], kind: 'none' },
  { method: 'get', path: (id) => `/v1/cases/${id}`, allowed: ['reviewer', 'admin'], kind: 'case' },
  { method: 'get', path: (id) => `/v1/cases/${id}/events`, allowed: ['reviewer', 'admin'], kind: 'case' },
  { method: 'post', path: (id) => `/v1/cases/${id}/assign`, body: { assignee: 'intruder' }, allowed: ['reviewer', 'admin'], kind: 'case' },
  { method: 'post', path: (id) => `/v1/cases/${id}/comments`, body: { text: 'intruder was here' }, allowed: ['reviewer', 'admin'], kind: 'case' },
  { method: 'post', path: (id) => `/v1/cases/${id}/disposition`, body: { disposition: 'false_positive', note: 'intruder' }, allowed: ['reviewer', 'admin'], kind: 'case' },
  { method: 'post', path: (id) => `/v1/cases/${id}/approve`, body: { note: 'intruder' }, allowed: ['reviewer', 'admin'], kind: 'case' },
  { method: 'post', path: (id) => `/v1/cases/${id}/reopen`, body: { note: 'intruder' }, allowed: ['reviewer', 'admin'], kind: 'case' },
  { method: 'post', path: () => '/v1/webhooks', body: { url: 'http://127.0.0.1:9/x', events: ['case.opened'] }, allowed: ['admin'], kind: 'none' },
  { method: 'get', path: () => '/v1/webhooks', allowed: ['admin'], kind: 'none' },
  { method: 'get', path: (id) => `/v1/webhooks/${id}/deliveries`, allowed: ['admin'], kind: 'webhook' },
];
const KEYS: KeyName[] = ['admin', 'screener', 'reviewer', 'auditor', 'rulesAdmin'];

function call(route: Route, id: string, key?: string) {
  const pending = request(t.app.server)[route.method](route.path(id));
  if (key) pending.set(bearer(key));
  return route.body ? pending.send(route.body) : pending;
}

const label = (route: Route) => `${route.method.toUpperCase()} ${route.path('{id}')}`;

describe('case and webhook routes', () => {
  test.each(ROUTES.map((route) => [label(route), route] as const))('%s: no key is 401', async (_name, route) => {
    const response = await call(route, otherCaseId);
    expect(response.status).toBe(401);
  });

  test.each(ROUTES.map((route) => [label(route), route] as const))('%s: roles outside the allowed set are 403 and change nothing', async (_name, route) => {
    for (const keyName of KEYS.filter((name) => !route.allowed.includes(name))) {
      const response = await call(route, route.kind === 'webhook' ? otherWebhookId : ownCaseId, t.keys[keyName]);
      expect(response.status, `${keyName}: ${JSON.stringify(response.body)}`).toBe(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const events = await api(t, t.keys.reviewer).get(`/v1/cases/${ownCaseId}/events`);
    expect(events.body.items.map((event: { type: string }) => event.type)).toEqual(['opened']);
  });

  test.each(ROUTES.filter((route) => route.kind !== 'none').map((route) => [label(route), route] as const))(
    "%s: another tenant's object is 404 (not 403) for every allowed key, and stays untouched",
    async (_name, route) => {
      const id = route.kind === 'webhook' ? otherWebhookId : otherCaseId;
      for (const keyName of route.allowed) {
        const response = await call(route, id, t.keys[keyName]);
        expect(response.status, `${keyName}: ${JSON.stringify(response.body)}`).toBe(404);
      }
      if (route.kind === 'case') {
        const owner = await api(t, t.keys.otherTenantAdmin).get(`/v1/cases/${otherCaseId}`);
        expect(owner.status).toBe(200);
        expect(owner.body).toMatchObject({ status: 'open', assignee: null, disposition: null });
        const events = await api(t, t.keys.otherTenantAdmin).get(`/v1/cases/${otherCaseId}/events`);
        expect(events.body.items.map((event: { type: string }) => event.type)).toEqual(['opened']);
      }
    },
  );

  test("the queue lists only the caller's tenant's cases", async () => {
    const own = await api(t, t.keys.reviewer).get('/v1/cases');
    expect(own.body.items.map((item: { id: string }) => item.id)).toEqual([ownCaseId]);
    const other = await api(t, t.keys.otherTenantAdmin).get('/v1/cases');
    expect(other.body.items.map((item: { id: string }) => item.id)).toEqual([otherCaseId]);
  });

  test("the webhook listing shows only the caller's tenant's webhooks", async () => {
    const own = await api(t, t.keys.admin).get('/v1/webhooks');
    expect(own.body.items.map((item: { id: string }) => item.id)).not.toContain(otherWebhookId);
  });

  test('a decision of another tenant does not reveal its case', async () => {
    const decisions = await api(t, t.keys.otherTenantAdmin).get(`/v1/cases/${otherCaseId}`);
    const decisionId = decisions.body.decisions[0].id;
    expect((await api(t, t.keys.admin).get(`/v1/decisions/${decisionId}`)).status).toBe(404);
  });
});
