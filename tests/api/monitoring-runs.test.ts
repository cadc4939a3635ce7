import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { listRun, waitForRun, type RunView } from '../helpers/monitoring-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const SOURCE = 'runs-api-watchlist';
let first: RunView;
let second: RunView;

beforeAll(async () => {
  t = await createTestApp({
    appDeps: { listRefreshMs: 0, monitoring: { pollMs: 50, listSettleMs: 0 } },
    beforeBuild: async (database) => {
      await loadTestList(database.db, SOURCE, [listEntry({ sourceId: 'r-0', name: 'CHOE, Song Il', nationalities: ['KP'] })]);
    },
  });
  const items = ['Kang Myong Chol', 'Ri Su Yong', 'Maria Kowalska'].map((name, index) => ({ subject: { externalRef: `runs-${index}`, name }, monitor: true }));
  const enrolled = await request(t.app.server).post('/v1/screenings/batch').set(bearer(t.keys.screener)).send({ items });
  if (enrolled.status !== 200) throw new Error(JSON.stringify(enrolled.body));
  await loadTestList(t.database.db, SOURCE, [listEntry({ sourceId: 'r-1', name: 'KANG, Myong Chol', nationalities: ['KP'] }), listEntry({ sourceId: 'r-2', name: 'RI, Su Yong', nationalities: ['KP'] })]);
  first = await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 2));
  await loadTestList(t.database.db, SOURCE, [listEntry({ sourceId: 'r-1', name: 'KANG, Myong Chol', nationalities: ['KP'] })]);
  second = await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 3));
});
afterAll(() => t.close());

describe('GET /v1/monitoring/runs', () => {
  test('lists the tenant\'s runs newest first with their progress, a page at a time', async () => {
    const page = await request(t.app.server).get('/v1/monitoring/runs?limit=1').set(bearer(t.keys.auditor));
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0]).toMatchObject({ id: second.id, status: 'completed', total: 3, done: 3, changed: 1, unchanged: 2, completedAt: expect.any(String) });
    expect(page.body.nextCursor).toBe(second.id);
    const next = await request(t.app.server).get(`/v1/monitoring/runs?limit=1&cursor=${page.body.nextCursor}`).set(bearer(t.keys.auditor));
    expect(next.body.items.map((run: RunView) => run.id)).toEqual([first.id]);
    expect(next.body.items[0]).toMatchObject({ total: 3, changed: 2, unchanged: 1, trigger: { kind: 'list_version', source: SOURCE, version: 2, versionId: expect.any(String) } });
    expect(next.body.nextCursor).toBeNull();
  });

  test("another tenant sees none of this tenant's runs", async () => {
    const other = await request(t.app.server).get('/v1/monitoring/runs').set(bearer(t.keys.otherTenantAdmin));
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ items: [], nextCursor: null });
  });

  test('a bad limit or cursor is 400 naming the parameter', async () => {
    for (const query of ['limit=0', 'limit=201', 'cursor=not-a-uuid']) {
      const response = await request(t.app.server).get(`/v1/monitoring/runs?${query}`).set(bearer(t.keys.reviewer));
      expect(response.status, query).toBe(400);
      expect(response.body.errors[0].field, query).toMatch(/^querystring:\/(limit|cursor)$/);
    }
  });
});

describe('GET /v1/monitoring/runs/{id}', () => {
  test('pages through the changed subjects with old and new outcome and decision ids', async () => {
    const page = await request(t.app.server).get(`/v1/monitoring/runs/${first.id}?limit=1`).set(bearer(t.keys.reviewer));
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body).toMatchObject({ id: first.id, changed: 2, results: { status: 'changed', items: [expect.any(Object)], nextCursor: expect.any(String) } });
    const next = await request(t.app.server).get(`/v1/monitoring/runs/${first.id}?limit=1&cursor=${page.body.results.nextCursor}`).set(bearer(t.keys.reviewer));
    const both = [...page.body.results.items, ...next.body.results.items];
    expect(next.body.results.nextCursor).toBeNull();
    expect(both.map((item: { externalRef: string }) => item.externalRef).sort()).toEqual(['runs-0', 'runs-1']);
    for (const item of both) {
      expect(item).toMatchObject({ method: 'full', previous: { outcome: 'clear', decisionId: expect.any(String) }, new: { outcome: 'review', decisionId: expect.any(String) } });
      const decision = await request(t.app.server).get(`/v1/decisions/${item.new.decisionId}`).set(bearer(t.keys.reviewer));
      expect(decision.body.caseId, JSON.stringify(decision.body)).toEqual(expect.any(String));
    }
  });

  test('lists unchanged subjects on request', async () => {
    const response = await request(t.app.server).get(`/v1/monitoring/runs/${first.id}?results=unchanged`).set(bearer(t.keys.reviewer));
    expect(response.body.results.items).toEqual([expect.objectContaining({ externalRef: 'runs-2', method: 'delta', new: null })]);
  });

  test("another tenant's run is 404; a malformed id or an unknown result status is 400", async () => {
    expect((await request(t.app.server).get(`/v1/monitoring/runs/${first.id}`).set(bearer(t.keys.otherTenantAdmin))).status).toBe(404);
    expect((await request(t.app.server).get('/v1/monitoring/runs/nope').set(bearer(t.keys.reviewer))).status).toBe(400);
    const bad = await request(t.app.server).get(`/v1/monitoring/runs/${first.id}?results=everything`).set(bearer(t.keys.reviewer));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('querystring:/results');
  });
});
