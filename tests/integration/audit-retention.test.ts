import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { runRetention } from '../../src/services/erasure.service.js';
import { waitFor } from '../helpers/server-process.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
let t: TestApp;
let clock: Date;

/** Screens one subject at a given time and records a link key for its decision. */
async function screenAt(app: TestApp, at: string, key: string, externalRef: string) {
  clock = new Date(at);
  const response = await request(app.app.server).post('/v1/screenings').set(bearer(key)).send({ subject: { externalRef, name: `Person ${externalRef}` } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  await app.database.db.execute(sql`
    insert into subject_link_keys (tenant_id, subject_id, kind, key, name_key, field, display, decision_id, created_at)
    select tenant_id, subject_id, 'email', 'k-' || id, 'person', '/subject/emails/0', 'p***@example.com', id, created_at from decisions where id = ${response.body.id}`);
  return response.body.id as string;
}

async function inputs(app: TestApp) {
  return queryRows<{ external_ref: string; erased: boolean; keys: number }>(
    app.database,
    sql`select d.external_ref, d.input is null as erased, (select count(*)::int from subject_link_keys k where k.decision_id = d.id) as keys
        from decisions d order by d.created_at, d.external_ref`,
  );
}

beforeAll(async () => {
  // The retention timer is off here: the job is called directly.
  t = await createTestApp({ appDeps: { now: () => clock, retentionCheckMs: 0 } });
  await screenAt(t, '2025-01-10T09:00:00.000Z', t.keys.screener, 'old-1');
  await screenAt(t, '2025-06-01T09:00:00.000Z', t.keys.screener, 'old-2');
  await screenAt(t, '2025-06-02T09:00:00.000Z', t.keys.otherTenantScreener, 'old-other');
  await screenAt(t, '2026-11-01T09:00:00.000Z', t.keys.screener, 'recent');
});
afterAll(() => t.close());

describe('retention', () => {
  test('RETENTION_DAYS 0 keeps everything', async () => {
    expect(await runRetention({ db: t.database.db, now: () => NOW }, { retentionDays: 0 })).toEqual({ cutoff: null, decisionsErased: 0, linkKeysDeleted: 0 });
    expect((await inputs(t)).every((row) => !row.erased)).toBe(true);
  });

  test('erases the inputs and link keys of decisions older than the retention period, in every tenant, batch by batch', async () => {
    const run = await runRetention({ db: t.database.db, now: () => NOW }, { retentionDays: 365, batchSize: 2 });
    expect(run).toEqual({ cutoff: '2025-11-25T12:00:00.000Z', decisionsErased: 3, linkKeysDeleted: 3 });
    expect(await inputs(t)).toEqual([
      { external_ref: 'old-1', erased: true, keys: 0 },
      { external_ref: 'old-2', erased: true, keys: 0 },
      { external_ref: 'old-other', erased: true, keys: 0 },
      { external_ref: 'recent', erased: false, keys: 1 },
    ]);
    // A second run finds nothing more to do.
    expect((await runRetention({ db: t.database.db, now: () => NOW }, { retentionDays: 365 })).decisionsErased).toBe(0);
  });

  test('each batch writes one audit event per tenant it touched, as the retention system actor', async () => {
    const events = await queryRows<{ tenant: string; actor: string; details: { decisionsErased: number; createdBefore: string } }>(
      t.database,
      sql`select t.slug as tenant, e.actor, e.details from audit_events e join tenants t on t.id = e.tenant_id where e.action = 'retention.inputs_erased' order by t.slug, e.id`,
    );
    expect(events.map((event) => [event.tenant, event.details.decisionsErased])).toEqual([
      ['default', 2],
      ['other', 1],
    ]);
    expect(events.every((event) => event.actor === 'system:retention' && event.details.createdBefore === '2025-11-25T12:00:00.000Z')).toBe(true);
  });

  test('the chains of both tenants still verify: digests were kept', async () => {
    for (const key of [t.keys.auditor, t.keys.otherTenantAdmin]) {
      const response = await request(t.app.server).get('/v1/audit/verify').set(bearer(key));
      expect(response.body, JSON.stringify(response.body)).toMatchObject({ ok: true, firstBroken: null });
    }
  });
});

describe('the retention timer in the app', () => {
  test('runs on its own, logs what it erased, and stops when the app closes', async () => {
    const timed = await createTestApp({ appDeps: { now: () => clock, retentionDays: 30, retentionCheckMs: 50 } });
    try {
      clock = new Date('2026-01-01T00:00:00.000Z');
      const response = await request(timed.app.server).post('/v1/screenings').set(bearer(timed.keys.screener)).send({ subject: { name: 'Old Enough' } });
      expect(response.status).toBe(201);
      clock = NOW;
      await waitFor(() => timed.logs.lines.some((line) => line.includes('retention erased stored inputs')), 'the retention job to run', 10_000);
      const rows = await queryRows<{ erased: boolean }>(timed.database, sql`select input is null as erased from decisions`);
      expect(rows).toEqual([{ erased: true }]);
    } finally {
      await timed.close();
    }
  });
});
