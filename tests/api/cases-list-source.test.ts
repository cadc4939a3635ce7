import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { api, screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

// The queue's list-source filter (issue 22): cases by the lists whose entries their decisions hit.
let t: TestApp;
const json = (body: unknown) => JSON.stringify(body);

beforeAll(async () => {
  t = await createTestApp({
    appDeps: { monitoring: false },
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', WATCHLIST);
      await loadTestList(database.db, 'second-list', [listEntry({ sourceId: 'S-1', name: 'CHOE, Myong Hak', nationalities: ['KP'] })]);
    },
  });
  // One case per list, one hitting both (its second decision joins the case), one written by the batch statement.
  await screen(t, { externalRef: 'only-watchlist', name: 'Ri Kyong Sik' });
  await screen(t, { externalRef: 'only-second', name: 'Choe Myong Hak' });
  await screen(t, { externalRef: 'both', name: 'Han Chol Jin' });
  const joined = await screen(t, { externalRef: 'both', name: 'Han Chol Jin', aliases: ['Choe Myong Hak'] });
  expect(joined.hits.map((hit) => (hit.entry as { source: string } | undefined)?.source), json(joined)).toContain('second-list');
  const batch = await request(t.app.server)
    .post('/v1/screenings/batch')
    .set(bearer(t.keys.screener))
    .send({ items: [{ subject: { externalRef: 'batch-second', name: 'Choe Myong Hak' } }] });
  expect(batch.body.results?.[0]?.decision?.caseId, JSON.stringify(batch.body)).toEqual(expect.any(String));
});
afterAll(() => t.close());

const reviewer = () => api(t, t.keys.reviewer);

async function refsOf(query: string) {
  const response = await reviewer().get(`/v1/cases${query}`);
  expect(response.status, json(response.body)).toBe(200);
  return (response.body.items as { externalRef: string }[]).map((item) => item.externalRef).sort();
}

describe('the queue filtered by list source', () => {
  test('shows only cases whose decisions hit an entry of that list, whichever decision of the case hit it', async () => {
    expect(await refsOf('')).toEqual(['batch-second', 'both', 'only-second', 'only-watchlist']);
    expect(await refsOf('?listSource=test-watchlist')).toEqual(['both', 'only-watchlist']);
    expect(await refsOf('?listSource=second-list')).toEqual(['batch-second', 'both', 'only-second']);
    expect(await refsOf('?listSource=second-list&q=only')).toEqual(['only-second']);
    expect(await refsOf('?listSource=ofac-sdn')).toEqual([]);
    expect(await refsOf('?listSource=acme%3Ado-not-hire')).toEqual([]);
  });

  test('counts take the filter like the queue, and count each list under the other filters', async () => {
    const all = await reviewer().get('/v1/cases/counts');
    expect(all.status, json(all.body)).toBe(200);
    expect(all.body.listSource).toEqual([
      { source: 'second-list', count: 3 },
      { source: 'test-watchlist', count: 2 },
    ]);
    const second = await reviewer().get('/v1/cases/counts?listSource=second-list');
    expect(second.body).toMatchObject({ total: 3, status: { open: 3, active: 3 } });
    // The list-source menu's own counts set its choice aside, and follow the other filters.
    expect(second.body.listSource).toEqual(all.body.listSource);
    const searched = await reviewer().get('/v1/cases/counts?listSource=second-list&q=only');
    expect(searched.body).toMatchObject({ total: 1, listSource: [{ source: 'second-list', count: 1 }, { source: 'test-watchlist', count: 1 }] });
    for (const { source, count } of all.body.listSource as { source: string; count: number }[]) {
      const page = await reviewer().get(`/v1/cases?listSource=${source}`);
      expect(page.body.total, source).toBe(count);
    }
  });

  test('the case row keeps its lists sorted, each once, and the filter reads them through the GIN index', async () => {
    const rows = await queryRows<{ list_sources: string[] }>(t.database, sql`select list_sources from cases join subjects on subjects.id = cases.subject_id where subjects.external_ref = 'both'`);
    expect(rows.map((row) => row.list_sources)).toEqual([['second-list', 'test-watchlist']]);
    // One connection: the planner told to avoid a sequential scan (a few rows make one cheapest).
    const plan = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return queryRows<{ 'QUERY PLAN': string }>({ db: tx }, sql`explain select id from cases where list_sources @> array['second-list']::text[]`);
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('cases_list_sources_idx');
  });

  test.each([
    ['/v1/cases?listSource=OFAC%20SDN'],
    ['/v1/cases?listSource=' + 'a'.repeat(41)],
    ['/v1/cases?listSource=a:b:c'],
    ['/v1/cases/counts?listSource=%25'],
    ['/v1/cases/counts?listSource='],
  ])('refuses a malformed list source, naming the field: %s', async (path) => {
    const response = await reviewer().get(path);
    expect(response.status, json(response.body)).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain('querystring:/listSource');
  });
});
