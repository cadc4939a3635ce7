import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';

let t: TestApp;
let decisionId: string;

beforeAll(async () => {
  t = await createTestApp();
  await loadTestList(t.database.db, 'immutable-list', [
    listEntry({ sourceId: 'im-1', name: 'KIM, Immutable', identifiers: [{ kind: 'email', value: 'im@example.org', normalized: 'im@example.org' }] }),
  ]);
  const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Append Only' } });
  decisionId = response.body.id;
});
afterAll(() => t.close());

// drizzle wraps driver errors ("Failed query: ..."); the trigger's message is in the cause.
const run = (query: ReturnType<typeof sql>) =>
  t.database.db.execute(query).catch((error: unknown) => {
    throw (error as { cause?: unknown }).cause ?? error;
  });

describe('PostgreSQL itself keeps decisions append-only', () => {
  test.each([
    ['changing the outcome', sql`update decisions set outcome = 'clear', score = 0`],
    ['changing the hash', sql`update decisions set hash = repeat('0', 64)`],
    ['erasing the input without recording when', sql`update decisions set input = null`],
    ['deleting a decision', sql`delete from decisions`],
    ['truncating the table', sql`truncate decisions cascade`],
  ])('%s is refused', async (_label, query) => {
    await expect(run(query)).rejects.toThrow(/append-only/);
    const rows = await queryRows<{ n: number }>(t.database, sql`select count(*)::int as n from decisions where outcome = 'clear' and id = ${decisionId}`);
    expect(rows[0]?.n).toBe(1);
  });

  test('erasing only the stored input (keeping its digest) is allowed', async () => {
    await run(sql`update decisions set input = null, input_erased_at = now() where id = ${decisionId}`);
    const rows = await queryRows<{ input: unknown; input_digest: string }>(t.database, sql`select input, input_digest from decisions where id = ${decisionId}`);
    expect(rows[0]?.input).toBeNull();
    expect(rows[0]?.input_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  test('audit events refuse update and delete too', async () => {
    await run(sql`insert into audit_events (id, actor, action, target_type, details) values (gen_random_uuid(), 'test', 'test.event', 'none', '{}')`);
    await expect(run(sql`update audit_events set actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(run(sql`delete from audit_events`)).rejects.toThrow(/append-only/);
  });
});

describe('PostgreSQL itself keeps list data as imported: decisions cite it by version and digest', () => {
  test.each([
    ['renaming an entry', sql`update list_entries set name = 'SOMEONE ELSE'`],
    ['changing what an entry holds', sql`update list_entries set data = jsonb_set(data, '{identifiers}', '[]')`],
    ['deleting an entry', sql`delete from list_entries where source = 'immutable-list'`],
    ['changing an identifier', sql`update list_identifiers set normalized = 'other@example.org'`],
    ['deleting an identifier', sql`delete from list_identifiers`],
    ['changing a version', sql`update list_versions set content_digest = 'forged'`],
    ['deleting a version', sql`delete from list_versions`],
    ['truncating entries', sql`truncate list_entries cascade`],
    ['truncating versions', sql`truncate list_versions cascade`],
  ])('%s is refused', async (_label, query) => {
    await expect(run(query)).rejects.toThrow(/append-only/);
    const rows = await queryRows<{ entries: number; identifiers: number }>(
      t.database,
      sql`select (select count(*)::int from list_entries where name = 'KIM, Immutable') as entries, (select count(*)::int from list_identifiers where normalized = 'im@example.org') as identifiers`,
    );
    expect(rows[0]).toEqual({ entries: 1, identifiers: 1 });
  });

  test('activating a version (the source row) is still allowed', async () => {
    await run(sql`update list_sources set active_version_id = active_version_id where slug = 'immutable-list'`);
  });
});
