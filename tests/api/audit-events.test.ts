import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { createApiKey } from '../../src/services/api-keys.service.js';
import { listsData } from '../helpers/shared-data.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import type { AuditEventView } from '../../src/http/schemas/audit.schemas.js';

let t: TestApp;
let adminKeyId: string;
let operatorKeyId: string;
const tiny = (name: string) => listsData('ofac-sdn', '2025-05_watchman-tiny', name);

type EventBody = AuditEventView;

beforeAll(async () => {
  t = await createTestApp();
  const [admin] = await queryRows<{ id: string }>(t.database, sql`select id from api_keys where label = 'bootstrap admin key'`);
  adminKeyId = admin!.id;
  const [operator] = await queryRows<{ id: string }>(t.database, sql`select id from api_keys where tenant_id is null`);
  operatorKeyId = operator!.id;
});
afterAll(() => t.close());

/** A cursor made by hand: base64url JSON, like the API's own. */
const forged = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const events = (query = '', key = t.keys.auditor) => request(t.app.server).get(`/v1/audit/events${query}`).set(bearer(key));

async function allEvents(key = t.keys.auditor): Promise<EventBody[]> {
  const response = await events('?limit=1000', key);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.items;
}

describe('administrative changes write audit events in the same transaction', () => {
  test('creating API keys is recorded with the actor, for the bootstrap key too', async () => {
    const items = await allEvents();
    const keyEvents = items.filter((event) => event.action === 'api_key.created');
    // The bootstrap admin key and the four role keys of tenant default; the other tenant's are not shown.
    expect(keyEvents).toHaveLength(5);
    expect(keyEvents[0]).toMatchObject({ actor: 'system:bootstrap', targetType: 'api_key', targetId: adminKeyId, details: { roles: ['admin'] } });
    const created = await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['auditor'], owner: 'Second Auditor', label: 'second auditor', actor: 'cli:alice' });
    const after = await allEvents();
    expect(after.at(-1)).toMatchObject({ action: 'api_key.created', actor: 'cli:alice', targetId: created.id, details: { roles: ['auditor'], label: 'second auditor', keyPrefix: created.key.slice(0, 8) } });
    expect(JSON.stringify(after)).not.toContain(created.key);
  });

  test("the operator's own keys are no tenant's to read", async () => {
    expect((await allEvents()).some((event) => event.targetId === operatorKeyId)).toBe(false);
    expect((await allEvents(t.keys.otherTenantAdmin)).some((event) => event.targetId === operatorKeyId)).toBe(false);
  });

  test('a list import over HTTP is recorded once, for every tenant, naming the API key', async () => {
    let upload = request(t.app.server).post('/v1/lists/ofac-sdn/imports').set(bearer(t.keys.operator));
    for (const name of ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv']) upload = upload.attach('files', readFileSync(tiny(name)), name);
    const imported = await upload;
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const event = (await allEvents()).find((item) => item.action === 'list.imported');
    expect(event).toMatchObject({
      tenantId: null,
      actor: `api-key:${operatorKeyId}`,
      targetType: 'list_version',
      targetId: imported.body.version.id,
      details: { source: 'ofac-sdn', version: 1, format: 'ofac-csv', contentDigest: imported.body.version.contentDigest },
    });
    const otherTenant = await allEvents(t.keys.otherTenantAdmin);
    expect(otherTenant.filter((item) => item.action === 'list.imported')).toHaveLength(1);
    expect(otherTenant.some((item) => item.actor === 'system:bootstrap')).toBe(false);
  });

  test('a refused import leaves no event behind', async () => {
    const before = (await allEvents()).length;
    const refused = await request(t.app.server)
      .post('/v1/lists/ofac-sdn/imports')
      .set(bearer(t.keys.operator))
      .attach('files', Buffer.from('not,a,valid\nsdn,file\n'), 'sdn.csv');
    expect(refused.status).toBe(422);
    expect((await allEvents()).length).toBe(before);
  });
});

describe('GET /v1/audit/events', () => {
  test('pages follow each other with the cursor, oldest first, without gaps or repeats', async () => {
    const all = await allEvents();
    const seen: EventBody[] = [];
    let cursor: string | null = null;
    do {
      const response = await events(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      seen.push(...response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen.map((event) => event.id)).toEqual(all.map((event) => event.id));
  });

  test('from and to select a half-open time range', async () => {
    const all = await allEvents();
    const middle = all[2]!.createdAt;
    const before = await events(`?to=${middle}&limit=1000`);
    const after = await events(`?from=${middle}&limit=1000`);
    expect(before.body.items.length + after.body.items.length).toBe(all.length);
    expect(after.body.items.every((event: EventBody) => event.createdAt >= middle)).toBe(true);
  });

  test('the NDJSON export streams every event of the range', async () => {
    const response = await request(t.app.server).get('/v1/audit/events/export').set(bearer(t.keys.auditor));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="redflag-audit-events-.*\.ndjson"$/);
    const lines = response.text.trimEnd().split('\n').map((line) => JSON.parse(line) as EventBody);
    expect(lines.map((event) => event.id)).toEqual((await allEvents()).map((event) => event.id));
  });

  test.each([
    ['from after to', '?from=2026-02-01&to=2026-01-01', 'querystring:/from'],
    ['a cursor this API did not make', '?cursor=bm90LWEtY3Vyc29y', 'querystring:/cursor'],
    ['a forged cursor holding a bare year and an e-mail', `?cursor=${forged(['2020', 'x@example.org'])}`, 'querystring:/cursor'],
    ['a forged cursor with a real time and a non-uuid id', `?cursor=${forged(['2026-01-01 00:00:00+00', "1' or '1'='1"])}`, 'querystring:/cursor'],
    ['a forged cursor with a date that does not exist', `?cursor=${forged(['2026-02-31T00:00:00Z', '0190f2a0-0000-7000-8000-000000000000'])}`, 'querystring:/cursor'],
    ['a limit over 1000', '?limit=5000', 'querystring:/limit'],
  ])('%s is 400 naming the parameter, and nothing of it reaches the logs', async (_label, query, field) => {
    const response = await events(query);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    for (const secret of ['x@example.org', "1' or '1'='1", '2026-02-31']) {
      expect(JSON.stringify(response.body)).not.toContain(secret);
      expect(t.logs.text()).not.toContain(secret);
    }
  });

  test('only auditors (and admins) read the events', async () => {
    for (const key of [t.keys.screener, t.keys.reviewer, t.keys.rulesAdmin]) expect((await events('', key)).status).toBe(403);
  });
});
