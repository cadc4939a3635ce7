import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';

let t: TestApp;
const admin = () => bearer(t.keys.rulesAdmin);

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'ofac-sdn', [listEntry({ sourceId: '43377', name: 'KIM, Sang Man' })]);
    },
  });
  for (const name of ['Sang Man Kim', 'Maria Kowalska', 'Kim Sang-man']) {
    await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name } });
  }
});
afterAll(() => t.close());

describe('indicators', () => {
  test('every catalogue indicator is served with its citation, and the uncheckable ones say why', async () => {
    const response = await request(t.app.server).get('/v1/indicators').set(bearer(t.keys.reviewer));
    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeGreaterThanOrEqual(98);
    expect(response.body.items.find((item: { id: string }) => item.id === 'US22-PAY-PRC-BANK')).toMatchObject({ sourceKey: 'US22', citation: expect.any(String), reliability: 'P' });
    expect(response.body.uncheckable.length).toBeGreaterThan(0);
    expect(response.body.uncheckable[0]).toEqual({ id: expect.any(String), reason: expect.any(String) });
  });

  test('the catalogue carries a strong ETag: a client that has it gets 304 with no body; another tag gets it whole', async () => {
    const first = await request(t.app.server).get('/v1/indicators').set(bearer(t.keys.reviewer)).set('Accept-Encoding', 'identity');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await request(t.app.server).get('/v1/indicators').set(bearer(t.keys.reviewer)).set('If-None-Match', `"other", ${etag}`);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const weak = await request(t.app.server).get('/v1/indicators').set(bearer(t.keys.reviewer)).set('If-None-Match', `W/${etag}`);
    expect(weak.status).toBe(304);
    const stale = await request(t.app.server).get('/v1/indicators').set(bearer(t.keys.reviewer)).set('If-None-Match', '"stale"');
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual(first.body);
    // Still behind authentication.
    expect((await request(t.app.server).get('/v1/indicators').set('If-None-Match', etag)).status).toBe(401);
  });

  test('a client that accepts brotli or gzip gets the catalogue compressed, with an ETag of that coding; q=0 refuses a coding', async () => {
    const get = (acceptEncoding: string | undefined, ifNoneMatch?: string) =>
      t.app.inject({
        method: 'GET',
        url: '/v1/indicators',
        headers: { ...bearer(t.keys.reviewer), ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }), ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) },
      });
    const plain = await get(undefined);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('Accept-Encoding');
    const catalogue = plain.json();

    const gzipped = await get('gzip, deflate');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzipped.rawPayload).toString('utf8'))).toEqual(catalogue);
    expect(gzipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);

    // Equal ratings: brotli, the smaller; a coding rated 0 is never sent.
    const brotli = await get('gzip, deflate, br');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(brotli.rawPayload).toString('utf8'))).toEqual(catalogue);
    expect((await get('br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await get('br;q=0, gzip;q=0')).headers['content-encoding']).toBeUndefined();

    // One strong ETag per representation; any of them revalidates.
    const tags = new Set([plain.headers.etag, gzipped.headers.etag, brotli.headers.etag]);
    expect(tags.size).toBe(3);
    for (const tag of tags) expect((await get('gzip', String(tag))).statusCode).toBe(304);
  });
});

describe('the ruleset lifecycle: draft, change, dry-run, publish', () => {
  test('version 1 is published and active', async () => {
    const list = await request(t.app.server).get('/v1/rulesets').set(admin());
    expect(list.body.items).toEqual([expect.objectContaining({ version: 1, status: 'published' })]);
    const one = await request(t.app.server).get('/v1/rulesets/1').set(admin());
    expect(one.body).toMatchObject({ version: 1, status: 'published', active: true });
    expect(one.body.rules.length).toBeGreaterThan(10);
  });

  test('a published version cannot be changed', async () => {
    const response = await request(t.app.server).patch('/v1/rulesets/1/rules/list-name-match').set(admin()).send({ weight: 10 });
    expect(response.status, JSON.stringify(response.body)).toBe(409);
    await expect(t.database.db.execute(sql`update rules set weight = 1`).catch((error: { cause?: unknown }) => { throw error.cause ?? error; })).rejects.toThrow(/immutable/);
  });

  test('a draft is copied from the active version; only one at a time', async () => {
    const draft = await request(t.app.server).post('/v1/rulesets/drafts').set(admin());
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect(draft.body).toMatchObject({ version: 2, status: 'draft', active: false });
    expect((await request(t.app.server).post('/v1/rulesets/drafts').set(admin())).status).toBe(409);
  });

  test('a bad parameter is refused when the rule is changed, naming the field', async () => {
    const current = (await request(t.app.server).get('/v1/rulesets/2').set(admin())).body.rules.find((rule: { key: string }) => rule.key === 'list-name-match');
    const bad = await request(t.app.server).patch('/v1/rulesets/2/rules/list-name-match').set(admin()).send({ params: { ...current.params, minSimilarity: 5 } });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.errors[0].field).toContain('minSimilarity');
    const unknown = await request(t.app.server).patch('/v1/rulesets/2/rules/list-name-match').set(admin()).send({ params: { ...current.params, shoeSize: 1 } });
    expect(unknown.status).toBe(400);
    expect((await request(t.app.server).patch('/v1/rulesets/2/rules/no-such-rule').set(admin()).send({ weight: 1 })).status).toBe(404);
  });

  test('a changed rule carries the draft version; the dry-run shows which decisions would change', async () => {
    const changed = await request(t.app.server).patch('/v1/rulesets/2/rules/list-name-match').set(admin()).send({ weight: 100, forcesBlock: false });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const rule = changed.body.rules.find((candidate: { key: string }) => candidate.key === 'list-name-match');
    expect(rule).toMatchObject({ weight: 100, version: 2 });
    expect(changed.body.rules.find((candidate: { key: string }) => candidate.key !== 'list-name-match').version).toBe(1);

    const thresholds = await request(t.app.server).put('/v1/rulesets/2/thresholds').set(admin()).send({ review: 40, block: 85 });
    expect(thresholds.status).toBe(200);
    expect((await request(t.app.server).put('/v1/rulesets/2/thresholds').set(admin()).send({ review: 90, block: 85 })).status).toBe(400);

    const dryRun = await request(t.app.server).post('/v1/rulesets/2/dry-run').set(admin()).send({ limit: 10 });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    expect(dryRun.body.evaluated).toBe(3);
    expect(dryRun.body.changed).toBeGreaterThanOrEqual(1);
    expect(dryRun.body.changes[0]).toMatchObject({ before: { rulesetVersion: 1 }, after: { score: expect.any(Number) }, rulesFired: expect.arrayContaining(['list-name-match']) });
  });

  test('publishing makes the draft active; new screenings cite it', async () => {
    const published = await request(t.app.server).post('/v1/rulesets/2/publish').set(admin());
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ version: 2, status: 'published', active: true });
    const screened = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Sang Man Kim' } });
    expect(screened.body.rulesetVersion).toBe(2);
    expect((await request(t.app.server).post('/v1/rulesets/2/publish').set(admin())).status).toBe(409);
  });

  test('every change is an audit event', async () => {
    const events = await request(t.app.server).get('/v1/audit/events').set(bearer(t.keys.auditor));
    const actions = JSON.stringify(events.body);
    for (const action of ['ruleset.draft_created', 'ruleset.rule_changed', 'ruleset.thresholds_changed', 'ruleset.published']) expect(actions).toContain(action);
  });
});

describe('how hits combine is ruleset data', () => {
  test('a new tenant gets the likelihood-ratio model; a draft from the default (how older tenants take it up) carries it and dry-runs; a bad source is named', async () => {
    const first = await request(t.app.server).get('/v1/rulesets/1').set(admin());
    expect(first.body.combination).toMatchObject({ model: 'llr' });
    const draft = await request(t.app.server).post('/v1/rulesets/drafts').set(admin()).send({ from: 'default' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', combination: { model: 'llr', priorDecibans: -30 } });
    expect(draft.body.rules.find((rule: { key: string }) => rule.key === 'shared-contact')).toMatchObject({ severity: 'critical', version: draft.body.version });
    const bad = await request(t.app.server).post('/v1/rulesets/drafts').set(admin()).send({ from: 'elsewhere' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('/from');
    const dryRun = await request(t.app.server).post(`/v1/rulesets/${draft.body.version}/dry-run`).set(admin()).send({ limit: 50 });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
  });
});
