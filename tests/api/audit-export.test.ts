import http from 'node:http';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyExportStream } from '../../src/audit/verify-export.js';
import { queryRows } from '../../src/db/client.js';
import { CHAIN_PAGE_SIZE } from '../../src/services/audit.service.js';
import { EXPORT_CSV_COLUMNS } from '../../src/domain/audit/export-format.js';
import { insertChainedDecisions, tenantIdOf } from '../helpers/audit-decisions.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { waitFor } from '../helpers/server-process.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let clock = new Date('2026-03-01T10:00:00.000Z');
let reviewId: string;
const BULK = 15_000;

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', [listEntry({ sourceId: '1001', name: 'KIM, Sang Man', nationalities: ['KP'] })]);
    },
    appDeps: {
      now: () => {
        const now = clock;
        clock = new Date(clock.getTime() + 60_000);
        return now;
      },
    },
  });
  const screen = async (subject: object) => {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; outcome: string; caseId: string | null };
  };
  await screen({ externalRef: 'cand-1', name: 'Maria Kowalska' });
  const review = await screen({ externalRef: 'cand-2', name: 'Sang Man Kim' });
  expect(review.outcome).toBe('review');
  reviewId = review.id;
  await screen({ externalRef: 'cand-3, "jr"', name: 'John Smith' });
  // A long tail for paging and the interrupted download, a day later.
  await insertChainedDecisions(t.database.db, { tenantId: await tenantIdOf(t.database.db, 'default'), count: BULK, startAt: new Date('2026-03-02T00:00:00.000Z') });
});
afterAll(() => t.close());

/** The offline verifier run over a downloaded body. */
const verifyBody = (body: unknown) => verifyExportStream(Readable.from([body as Buffer]));

const exportRequest = (query: string, key = t.keys.auditor) =>
  request(t.app.server)
    .get(`/v1/audit/decisions/export${query}`)
    .set(bearer(key))
    .buffer(true)
    .parse((response, callback) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    });

describe('GET /v1/audit/decisions/export', () => {
  test('CSV: a download with a header, one row per decision in chain order and the manifest, which verifies offline', async () => {
    const response = await exportRequest('?to=2026-03-02');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="redflag-decisions-\d{8}T\d{6}Z\.csv"$/);
    const text = (response.body as Buffer).toString('utf8');
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(EXPORT_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^1,2026-03-01T10:00:00\.000Z,[0-9a-f-]{36},[0-9a-f-]{36},cand-1,clear,0,,,1,test-watchlist@1:[^,]+,,,0{64},[0-9a-f]{64}$/);
    // The review decision carries its rule, indicator and open case; a ref with a comma and quotes is quoted.
    expect(lines[2]).toContain(`,${reviewId},`);
    expect(lines[2]).toMatch(/,cand-2,review,\d+,list-name-match,[^,]+,1,test-watchlist@1:[^,]+,open,,[0-9a-f]{64},[0-9a-f]{64}$/);
    expect(lines[3]).toContain(',"cand-3, ""jr""",clear,');
    expect(lines[4]).toMatch(/^#manifest,"\{""format"":""redflag.decision-export""/);
    const verified = await verifyBody(response.body);
    expect(verified, JSON.stringify(verified.problems)).toMatchObject({ ok: true, format: 'csv', rows: 3 });
    expect(verified.manifest).toMatchObject({ rows: 3, filter: { from: null, to: '2026-03-02T00:00:00.000Z', outcome: null } });
  });

  test('NDJSON: the same rows as JSON objects, the manifest last', async () => {
    const response = await exportRequest('?format=ndjson&to=2026-03-02');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    const lines = (response.body as Buffer).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const review = JSON.parse(lines[1]!);
    expect(review).toMatchObject({ sequence: 2, decisionId: reviewId, externalRef: 'cand-2', outcome: 'review', ruleIds: ['list-name-match'], caseStatus: 'open', caseDisposition: null, rulesetVersion: 1 });
    expect(review.listVersions).toEqual([expect.objectContaining({ source: 'test-watchlist', version: 1 })]);
    expect(JSON.parse(lines[3]!).manifest).toMatchObject({ rows: 3, lastHash: JSON.parse(lines[2]!).hash });
    expect((await verifyBody(response.body)).ok).toBe(true);
  });

  test('the outcome filter keeps only that outcome; the file still verifies (gaps are expected)', async () => {
    const response = await exportRequest('?format=ndjson&outcome=review');
    const lines = (response.body as Buffer).toString('utf8').trimEnd().split('\n');
    const rows = lines.slice(0, -1).map((line) => JSON.parse(line) as { outcome: string });
    expect(rows.length).toBe(1 + Math.ceil(BULK / 3));
    expect(rows.every((row) => row.outcome === 'review')).toBe(true);
    expect((await verifyBody(response.body)).ok).toBe(true);
  });

  test('a long export pages through the whole chain and the manifest counts every row', async () => {
    const response = await exportRequest('?from=2026-03-01T10:01:00Z');
    const verified = await verifyBody(response.body);
    expect(verified, JSON.stringify(verified.problems)).toMatchObject({ ok: true, rows: 2 + BULK });
    expect(verified.manifest?.filter.from).toBe('2026-03-01T10:01:00.000Z');
  });

  test('an empty range is a header and a manifest of zero rows', async () => {
    const response = await exportRequest('?from=2030-01-01');
    const verified = await verifyBody(response.body);
    expect(verified).toMatchObject({ ok: true, rows: 0, manifest: { rows: 0, firstHash: null, lastHash: null } });
  });

  test('a client that hangs up mid-download stops the page loop, and the database stays usable', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const completions = () => t.logs.lines.filter((line) => line.includes('decision export completed')).length;
    const completedBefore = completions();
    // node:http, not fetch: fetch reads ahead into its own buffer, this client reads one chunk and stops.
    const client = http.get(`${address}/v1/audit/decisions/export?format=ndjson`, { headers: bearer(t.keys.auditor), agent: false });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => client.once('response', resolve).once('error', reject));
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => response.once('data', resolve));
    response.pause();
    // Back-pressure: with the client not reading, the server stops fetching pages once the socket
    // buffers are full (about 3 MB, some 7,000 rows here) instead of holding the rest in memory.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(completions()).toBe(completedBefore);
    client.destroy();

    let stopped: { rows: number; pages: number; completed: boolean } | undefined;
    await waitFor(
      () => {
        const line = t.logs.lines.find((text) => text.includes('decision export stopped early'));
        stopped = line ? (JSON.parse(line) as { export: typeof stopped }).export : undefined;
        return stopped !== undefined;
      },
      'the export to log that it stopped',
      10_000,
    );
    expect(stopped!.completed).toBe(false);
    expect(stopped!.rows).toBeLessThan(BULK);
    expect(stopped!.pages).toBeLessThan(Math.ceil((BULK + 3) / CHAIN_PAGE_SIZE));

    // No query is left running on the server, and the pool still answers. A background poller
    // (webhooks, monitoring, list refresh) may be mid-query at any instant; a leaked export query
    // or open transaction would stay, so it must reach none within a few seconds.
    if (t.database.kind === 'postgres') {
      const busy = async () =>
        (
          await queryRows<{ n: number }>(
            t.database,
            sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`,
          )
        )[0]?.n;
      await waitFor(async () => (await busy()) === 0, 'no session of this database to be busy', 5_000);
    }
    const again = await exportRequest('?to=2026-03-02');
    expect((await verifyBody(again.body)).ok).toBe(true);
    const screened = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'After The Abort' } });
    expect(screened.status).toBe(201);
  });
});

describe('bad input', () => {
  test.each([
    ['an unknown format', '?format=xlsx', 'querystring:/format'],
    ['an unknown outcome', '?outcome=maybe', 'querystring:/outcome'],
    ['from after to', '?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'querystring:/from'],
  ])('%s is 400 naming the parameter', async (_label, query, field) => {
    const response = await request(t.app.server).get(`/v1/audit/decisions/export${query}`).set(bearer(t.keys.auditor));
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  test('only auditors (and admins) may export', async () => {
    for (const key of [t.keys.screener, t.keys.reviewer, t.keys.rulesAdmin]) {
      expect((await request(t.app.server).get('/v1/audit/decisions/export').set(bearer(key))).status).toBe(403);
    }
  });

  test("an export holds only the caller's tenant", async () => {
    const response = await exportRequest('?format=ndjson', t.keys.otherTenantAdmin);
    const verified = await verifyBody(response.body);
    expect(verified).toMatchObject({ ok: true, rows: 0 });
  });
});
