import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { CheckedApiKeys } from '../../src/services/api-keys.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

describe('bootstrap on an empty database', () => {
  test('instances starting together create exactly one tenant, one admin key and one operator key', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => bootstrapIfEmpty(database.db, {})));
    const created = results.filter((result) => result.created);
    expect(created).toHaveLength(1);
    const counts = await queryRows<{ tenants: number; keys: number; rulesets: number }>(
      database,
      sql`select (select count(*)::int from tenants) as tenants, (select count(*)::int from api_keys) as keys, (select count(*)::int from rulesets) as rulesets`,
    );
    expect(counts[0]).toEqual({ tenants: 1, keys: 2, rulesets: 1 });
    const first = created[0];
    if (!first?.created) throw new Error('unreachable');
    expect(first.apiKey).toMatch(/^rf_[A-Za-z0-9_-]{43}$/);
    const checkedKeys = new CheckedApiKeys(database.db);
    expect(await checkedKeys.authenticate(first.apiKey)).toMatchObject({ scope: 'tenant', tenantSlug: 'default', roles: ['admin'] });
    expect(first.operatorKey).toMatch(/^rf_[A-Za-z0-9_-]{43}$/);
    expect(await checkedKeys.authenticate(first.operatorKey!)).toEqual({ scope: 'operator', keyId: expect.any(String), roles: ['operator'] });
    expect(results.filter((result) => result.operatorKey)).toHaveLength(1);
  });

  test('a database from before operators existed gets an operator key at the next start, and only one', async () => {
    await database.db.execute(sql`delete from api_keys where tenant_id is null`);
    const again = await bootstrapIfEmpty(database.db, { bootstrapOperatorKey: 'rf_operator-key-from-the-environment-0000' });
    expect(again).toMatchObject({ created: false, operatorKey: 'rf_operator-key-from-the-environment-0000', operatorKeyGenerated: false });
    expect((await bootstrapIfEmpty(database.db, {})).operatorKey).toBeUndefined();
  });

  test('the key is stored only as its SHA-256', async () => {
    const rows = await queryRows<{ key_hash: string; key_prefix: string }>(database, sql`select key_hash, key_prefix from api_keys`);
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_prefix).toHaveLength(8);
    }
  });
});
