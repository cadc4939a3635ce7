import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApiKey, hashApiKey } from '../../src/services/api-keys.service.js';
import { ACTIVE_RULESET_TTL_MS } from '../../src/services/active-ruleset.service.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/** What the per-instance caches of the screening hot path promise (docs/scale-out.md). */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const screen = (key: string, body: object = { subject: { name: 'Cache Person' } }) => request(t.app.server).post('/v1/screenings').set(bearer(key)).send(body);

describe('API key checks', () => {
  test('an unknown key is not remembered: refused, then accepted as soon as it exists', async () => {
    const key = `rf_${'k'.repeat(43)}`;
    expect((await screen(key)).status).toBe(401);
    await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'cache test', key });
    expect((await screen(key)).status).toBe(201);
  });

  test('a key revoked in the database stops working within the cache time', { timeout: 20_000 }, async () => {
    const { key } = await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['screener'], owner: 'cache test' });
    expect((await screen(key)).status).toBe(201);
    await t.database.db.execute(sql`update api_keys set revoked_at = now() where key_hash = ${hashApiKey(key)}`);
    // Trusted a little longer by this instance (documented), then refused.
    const deadline = Date.now() + 10_000;
    let status = 201;
    while (status !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await screen(key)).status;
    }
    expect(status).toBe(401);
  });
});

describe('the active ruleset', () => {
  test('a version published through the API is used by the next screening at once', async () => {
    const admin = t.keys.rulesAdmin;
    const draft = await request(t.app.server).post('/v1/rulesets/drafts').set(bearer(admin)).send({});
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const version = draft.body.version as number;
    const published = await request(t.app.server).post(`/v1/rulesets/${version}/publish`).set(bearer(admin)).send({});
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const screened = await screen(t.keys.screener);
    expect(screened.body.rulesetVersion).toBe(version);
  });

  test('a version published behind the service (another instance) is used within the refresh time', { timeout: 20_000 }, async () => {
    const before = (await screen(t.keys.screener)).body.rulesetVersion as number;
    await t.database.db.execute(sql`
      with source as (select id, tenant_id, version from rulesets where tenant_id = (select id from tenants where slug = 'default') and version = ${before}),
      copy as (
        insert into rulesets (id, tenant_id, version, status, thresholds, created_by, published_at)
        select gen_random_uuid(), tenant_id, version + 1, 'published', (select thresholds from rulesets where id = source.id), 'another-instance', now() from source
        returning id
      )
      insert into rules (id, ruleset_id, rule_key, kind, description, enabled, weight, severity, forces_block, indicator_ids, params, rule_version)
      select gen_random_uuid(), copy.id, rule_key, kind, description, enabled, weight, severity, forces_block, indicator_ids, params, ${before + 1}
      from rules, source, copy where rules.ruleset_id = source.id`);
    await new Promise((resolve) => setTimeout(resolve, ACTIVE_RULESET_TTL_MS + 100));
    expect((await screen(t.keys.screener)).body.rulesetVersion).toBe(before + 1);
  });
});
