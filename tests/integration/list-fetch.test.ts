import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import {
  checkListStaleness,
  createListFetchWorker,
  fetchListSource,
  registerListSources,
  type ListFetchDeps,
  type ListFetchOptions,
} from '../../src/services/list-fetch.service.js';
import { listSourceConfigSchema, type ListSourceConfig } from '../../src/services/list-sources.config.js';
import { startListServer, type ListServer } from '../helpers/list-server.js';
import { listRun, waitForRun } from '../helpers/monitoring-fixtures.js';
import { listsData } from '../helpers/shared-data.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Scheduled list fetching against a local server standing in for OFAC, the UN and OpenSanctions:
 * files change between fetches, fail, answer 304, arrive cut short. On PGlite by default, on
 * PostgreSQL with DATABASE_URL.
 */
const HOUR = 3_600_000;
const OFAC_FILES = ['SDN.CSV', 'ALT.CSV', 'ADD.CSV', 'SDN_COMMENTS.CSV'] as const;
const tinyOfac = (name: string) => readFileSync(listsData('ofac-sdn', '2025-05_watchman-tiny', name.toLowerCase()));

let t: TestApp;
let server: ListServer;
let clock = () => new Date();
let deps: ListFetchDeps;
const lists = new ListIndexHolder();
let queued = 0;
let ofac: ListSourceConfig;
let ftm: ListSourceConfig;
let un: ListSourceConfig;
const options: ListFetchOptions = { attempts: 3, backoffBaseMs: 5, timeoutMs: 5_000, leaseMs: 10_000, failureRetryBaseMs: 60_000 };

const fetchNow = (config: ListSourceConfig) => fetchListSource(deps, config, options, { force: true });
const listsView = async () => {
  const response = await request(t.app.server).get('/v1/lists').set(bearer(t.keys.reviewer));
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items as Record<string, unknown>[];
};
const viewOf = async (source: string) => (await listsView()).find((item) => item.source === source);
const deliveries = (event: string) =>
  queryRows<{ tenantId: string; webhookId: string; payload: { event: string; data: Record<string, unknown> } }>(
    t.database,
    sql`select tenant_id as "tenantId", webhook_id as "webhookId", payload from webhook_deliveries where event = ${event} order by created_at`,
  );
const versionsOf = async (source: string) =>
  (await queryRows<{ version: number }>(t.database, sql`select version from list_versions where source = ${source} order by version`)).map((row) => row.version);

beforeAll(async () => {
  server = await startListServer();
  for (const name of OFAC_FILES) server.serve(`/ofac/${name}`, tinyOfac(name));
  // OpenSanctions' bulk files, as served here, carry no ETag: identical bytes must still make no new version.
  server.serve('/os/entities.ftm.json', readFileSync(listsData('opensanctions-ftm', 'zala', 'entities.ftm.json')), { etag: false });
  server.serve('/un/consolidated.xml', readFileSync(listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml')));

  ofac = listSourceConfigSchema.parse({ source: 'ofac-sdn', format: 'ofac-csv', urls: OFAC_FILES.map((name) => server.url(`/ofac/${name}`)), everyMinutes: 360, maxAgeHours: 1 });
  ftm = listSourceConfigSchema.parse({ source: 'os-us', format: 'ftm', urls: [server.url('/os/entities.ftm.json')], datasets: ['us_ofac_sdn'], everyMinutes: 1440 });
  un = listSourceConfigSchema.parse({ source: 'un', format: 'un-xml', urls: [server.url('/un/consolidated.xml')], regimes: ['DPRK'], everyMinutes: 1440 });

  t = await createTestApp({ appDeps: { now: () => clock(), lists, listRefreshMs: 0, monitoring: { pollMs: 50, listSettleMs: 0 }, webhooks: { pollMs: 0 } } });
  deps = { db: t.database.db, now: () => clock(), lists, onWebhooksQueued: () => (queued += 1) };
  await registerListSources(t.database.db, [ofac, ftm, un]);
  for (const [key, events] of [
    [t.keys.admin, ['list.fetch_failed', 'list.stale']],
    [t.keys.otherTenantAdmin, ['list.fetch_failed']],
    [t.keys.admin, ['case.opened']],
  ] as const) {
    const hook = await request(t.app.server).post('/v1/webhooks').set(bearer(key)).send({ url: 'http://127.0.0.1:9/hook', events });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
  await server.close();
});

describe('fetching OFAC files on a schedule', () => {
  test('the first fetch of the four files makes version 1; GET /v1/lists shows the fetch, the next run and the age', async () => {
    const outcome = await fetchNow(ofac);
    expect(outcome).toMatchObject({ source: 'ofac-sdn', result: 'new_version', version: 1 });
    const view = await viewOf('ofac-sdn');
    expect(view).toMatchObject({
      activeVersion: 1,
      counts: expect.objectContaining({ entries: 17 }),
      everyMinutes: 360,
      maxAgeHours: 1,
      stale: false,
      ageHours: 0,
      lastFetch: { at: expect.any(String), result: 'new_version', version: 1, error: null, nextRunAt: expect.any(String) },
    });
    const lastFetch = view?.lastFetch as { at: string; nextRunAt: string };
    expect(Date.parse(lastFetch.nextRunAt) - Date.parse(lastFetch.at)).toBeCloseTo(360 * 60_000, -4);
    const versions = await request(t.app.server).get('/v1/lists/ofac-sdn/versions').set(bearer(t.keys.auditor));
    expect(versions.body.items[0]).toMatchObject({ importedBy: 'system:list-fetch', files: expect.arrayContaining([expect.objectContaining({ name: 'SDN.CSV', role: 'primary' })]) });
  });

  test('fetched again, every file answers 304 to the ETag sent: no new version', async () => {
    const before = server.requests.length;
    const outcome = await fetchNow(ofac);
    expect(outcome).toMatchObject({ result: 'unchanged', notModified: true });
    const seen = server.requests.slice(before);
    expect(seen.map((seenRequest) => seenRequest.status)).toEqual([304, 304, 304, 304]);
    expect(seen.every((seenRequest) => typeof seenRequest.headers['if-none-match'] === 'string')).toBe(true);
    expect(await versionsOf('ofac-sdn')).toEqual([1]);
    expect(await viewOf('ofac-sdn')).toMatchObject({ lastFetch: expect.objectContaining({ result: 'unchanged', version: 1 }) });
  });

  test('one file changed: all four are read again and version 2 holds the change; monitoring re-screens as for an import', async () => {
    const enrolled = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { externalRef: 'fetch-1', name: 'Listed Newly' }, monitor: true });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const lines = tinyOfac('SDN.CSV').toString('utf8').split('\r\n');
    lines.splice(1, 0, '99999901,"NEWLY, Listed","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ');
    server.serve('/ofac/SDN.CSV', lines.join('\r\n'));
    const before = server.requests.length;
    const outcome = await fetchNow(ofac);
    expect(outcome).toMatchObject({ result: 'new_version', version: 2 });
    expect(server.requests.slice(before).map((seenRequest) => seenRequest.status)).toEqual([200, 304, 304, 304, 200, 200, 200, 200]);
    const diff = await request(t.app.server).get('/v1/lists/ofac-sdn/versions/2/diff').set(bearer(t.keys.reviewer));
    expect(diff.body.added.map((row: { sourceId: string }) => row.sourceId)).toEqual(['99999901']);
    const run = await waitForRun(t.app, t.keys.reviewer, listRun('ofac-sdn', 2));
    expect(run).toMatchObject({ total: 1, changed: 1 });
  });

  test('a server error is retried with a backoff, and the fetch goes through', async () => {
    server.misbehave('/ofac/SDN.CSV', { kind: 'status', status: 500, times: 2 });
    const before = server.requests.length;
    const outcome = await fetchNow(ofac);
    expect(outcome).toMatchObject({ result: 'unchanged', notModified: true });
    expect(server.requests.slice(before).map((seenRequest) => seenRequest.status)).toEqual([500, 500, 304, 304, 304, 304]);
  });

  test('a server that keeps failing: version 2 stays; the failure is recorded, audited and sent to every tenant subscribed', async () => {
    server.misbehave('/ofac/ALT.CSV', { kind: 'status', status: 503, times: 10 });
    const queuedBefore = queued;
    const outcome = await fetchNow(ofac);
    expect(outcome.result).toBe('failed');
    expect(outcome.error).toMatch(/ALT\.CSV: HTTP 503 .*\(after 3 attempts\)/);
    expect(await viewOf('ofac-sdn')).toMatchObject({ activeVersion: 2, lastFetch: { at: expect.any(String), result: 'failed', version: 2, error: outcome.error, nextRunAt: expect.any(String) } });
    const sent = await deliveries('list.fetch_failed');
    // The default tenant's list hook and the other tenant's; not the hook for case.opened only.
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((delivery) => delivery.tenantId)).size).toBe(2);
    expect(sent[0]?.payload).toMatchObject({ event: 'list.fetch_failed', data: { source: 'ofac-sdn', error: outcome.error, failures: 1 } });
    expect(queued).toBe(queuedBefore + 1);
    const events = await request(t.app.server).get('/v1/audit/events').set(bearer(t.keys.auditor));
    expect(events.body.items).toContainEqual(expect.objectContaining({ action: 'list.fetch_failed', actor: 'system:list-fetch', targetId: 'ofac-sdn' }));
    server.misbehave('/ofac/ALT.CSV', undefined);
  });

  test('the next attempt after a failure backs off, doubling with each failure in a row', async () => {
    const [state] = await queryRows<{ failures: number; gapMs: number }>(
      t.database,
      sql`select failures, extract(epoch from next_run_at - last_fetch_at) * 1000 as "gapMs" from list_fetch_state where source = 'ofac-sdn'`,
    );
    expect(state).toMatchObject({ failures: 1 });
    expect(Number(state?.gapMs)).toBeCloseTo(60_000, -2);
  });

  test.each([
    ['an HTML error page instead of the file', { kind: 'html' } as const, /SDN\.CSV.*HTML/],
    ['a body cut short of its Content-Length', { kind: 'cut', bytes: 1000 } as const, /SDN\.CSV: the download broke off|SDN\.CSV: truncated/],
  ])('%s is refused and version 2 stays', async (_label, misbehaviour, reason) => {
    server.serve('/ofac/SDN.CSV', `${tinyOfac('SDN.CSV').toString('utf8')}\r\n`);
    server.misbehave('/ofac/SDN.CSV', misbehaviour);
    const outcome = await fetchNow(ofac);
    expect(outcome.result).toBe('failed');
    expect(outcome.error).toMatch(reason);
    expect(await versionsOf('ofac-sdn')).toEqual([1, 2]);
    expect(await viewOf('ofac-sdn')).toMatchObject({ activeVersion: 2, lastFetch: expect.objectContaining({ result: 'failed' }) });
    server.misbehave('/ofac/SDN.CSV', undefined);
  });

  test('two instances at once: one fetches, the other skips the source it holds', async () => {
    server.misbehave('/ofac/ALT.CSV', { kind: 'slow', ms: 300 });
    const outcomes = await Promise.all([fetchNow(ofac), fetchNow(ofac)]);
    expect(outcomes.map((outcome) => outcome.result).sort()).toEqual(['new_version', 'skipped']);
    expect(await versionsOf('ofac-sdn')).toEqual([1, 2, 3]);
    server.misbehave('/ofac/ALT.CSV', undefined);
  });
});

describe('OpenSanctions FtM and the UN list', () => {
  test('an FtM dataset makes a new source; the same bytes again (no ETag) make no new version', async () => {
    const first = await fetchNow(ftm);
    expect(first).toMatchObject({ result: 'new_version', version: 1 });
    const versions = await request(t.app.server).get('/v1/lists/os-us/versions').set(bearer(t.keys.auditor));
    expect(versions.body.items[0]).toMatchObject({ format: 'ftm', filters: { datasets: ['us_ofac_sdn'] } });
    const again = await fetchNow(ftm);
    expect(again).toMatchObject({ result: 'unchanged', version: 1 });
    expect(again.notModified).toBeUndefined();
    expect(await versionsOf('os-us')).toEqual([1]);
  });

  test('the UN list by regime; a file cut short (with a matching length) is refused by the importer', async () => {
    expect(await fetchNow(un)).toMatchObject({ result: 'new_version', version: 1 });
    const whole = readFileSync(listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml'));
    server.serve('/un/consolidated.xml', whole.subarray(0, whole.length / 2));
    const outcome = await fetchNow(un);
    expect(outcome.result).toBe('failed');
    expect(outcome.error).toMatch(/consolidated\.xml.*(truncated|ends inside)/);
    expect(await viewOf('un')).toMatchObject({ activeVersion: 1, lastFetch: expect.objectContaining({ result: 'failed', version: 1 }) });
    server.serve('/un/consolidated.xml', whole);
  });

  test('a source configured but never fetched successfully is listed without a version', async () => {
    const broken = listSourceConfigSchema.parse({ source: 'kr-none', format: 'ftm', urls: [server.url('/nowhere.json')] });
    await registerListSources(t.database.db, [broken]);
    const outcome = await fetchNow(broken);
    expect(outcome).toMatchObject({ result: 'failed', error: expect.stringMatching(/HTTP 404/) });
    expect(await viewOf('kr-none')).toMatchObject({ activeVersion: null, format: 'ftm', lastFetch: expect.objectContaining({ result: 'failed', version: null }) });
  });
});

describe('the schedule', () => {
  test('a round fetches only the sources that are due', async () => {
    const worker = createListFetchWorker(deps, [ofac, ftm, un], { ...options, pollMs: 60_000 });
    expect(await worker.runOnce()).toEqual([]);
    await t.database.db.execute(sql`update list_fetch_state set next_run_at = now() - interval '1 minute' where source = 'os-us'`);
    expect((await worker.runOnce()).map((outcome) => [outcome.source, outcome.result])).toEqual([['os-us', 'unchanged']]);
    await worker.stop();
  });
});

describe('staleness', () => {
  test('a list not current for longer than its maxAgeHours raises list.stale once; /readyz stays ready', async () => {
    clock = () => new Date(Date.now() + 2 * HOUR);
    expect(await checkListStaleness(deps, [ofac, ftm, un])).toEqual(['ofac-sdn']);
    expect(await checkListStaleness(deps, [ofac, ftm, un])).toEqual([]);
    const stale = await deliveries('list.stale');
    expect(stale).toHaveLength(1);
    expect(stale[0]?.payload.data).toMatchObject({ source: 'ofac-sdn', activeVersion: 3, maxAgeHours: 1, ageHours: expect.any(Number) });
    expect(stale[0]?.payload.data['ageHours']).toBeGreaterThanOrEqual(2);
    expect(await viewOf('ofac-sdn')).toMatchObject({ stale: true, maxAgeHours: 1 });
    expect((await viewOf('ofac-sdn'))?.ageHours).toBeGreaterThanOrEqual(2);
    expect(await viewOf('os-us')).toMatchObject({ stale: false, maxAgeHours: null });
    expect((await request(t.app.server).get('/readyz')).status).toBe(200);
  });

  test('a good fetch makes the list current again, even with no new version', async () => {
    clock = () => new Date();
    expect(await fetchNow(ofac)).toMatchObject({ result: 'unchanged' });
    const view = await viewOf('ofac-sdn');
    expect(view).toMatchObject({ stale: false, activeVersion: 3 });
    expect(Date.parse(view?.currentAsOf as string)).toBeGreaterThan(Date.parse(view?.importedAt as string));
  });

  test('screenings carry the age of each list version they used', async () => {
    clock = () => new Date(Date.now() + 3 * HOUR);
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Jane Roe' } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const ofacRef = (response.body.listVersions as { source: string; importedAt: string; ageHours: number }[]).find((ref) => ref.source === 'ofac-sdn');
    expect(ofacRef).toMatchObject({ importedAt: expect.any(String) });
    expect(ofacRef?.ageHours).toBeGreaterThanOrEqual(3);
    const read = await request(t.app.server).get(`/v1/decisions/${response.body.id}`).set(bearer(t.keys.screener));
    expect(read.body.listVersions).toEqual(response.body.listVersions);
    clock = () => new Date();
  });
});
