import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { countTenants, insertApiKey, insertTenant } from '../db/repositories/tenancy.repository.js';
import { insertPublishedRuleset } from '../db/repositories/rulesets.repository.js';
import { DEFAULT_RULES, DEFAULT_THRESHOLDS } from '../domain/rules/default-ruleset.js';
import { generateApiKey, hashApiKey } from './api-keys.service.js';

export const DEFAULT_TENANT = 'default';

async function insertTenantWithDefaults(tx: DbOrTx, input: { slug: string; name: string; createdBy: string }) {
  const tenant = await insertTenant(tx, { slug: input.slug, name: input.name });
  await insertPublishedRuleset(tx, {
    tenantId: tenant.id,
    version: 1,
    thresholds: DEFAULT_THRESHOLDS,
    rules: DEFAULT_RULES,
    createdBy: input.createdBy,
  });
  return tenant;
}

/** Creates a tenant with the default ruleset (version 1, published). */
export async function createTenant(db: Db, input: { slug: string; name: string; createdBy: string }) {
  return db.transaction((tx) => insertTenantWithDefaults(tx, input));
}

/**
 * On first start with an empty database: tenant `default` and one admin key. Returns the key
 * only when it was generated here, so the caller prints it exactly once.
 */
export async function bootstrapIfEmpty(db: Db, options: { bootstrapApiKey?: string }) {
  // One transaction, serialised by an advisory lock: two instances starting together on an
  // empty database create one tenant and one key, and a crash leaves no half-made tenant.
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    if ((await countTenants(tx)) > 0) return { created: false as const };
    const tenant = await insertTenantWithDefaults(tx, { slug: DEFAULT_TENANT, name: 'Default tenant', createdBy: 'bootstrap' });
    const key = options.bootstrapApiKey ?? generateApiKey();
    const created = await insertApiKey(tx, { tenantId: tenant.id, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 8), roles: ['admin'], label: 'bootstrap admin key' });
    await recordAuditEvent(tx, {
      tenantId: tenant.id,
      actor: 'system:bootstrap',
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: created.id,
      details: { roles: ['admin'], label: 'bootstrap admin key', keyPrefix: created.keyPrefix },
    });
    return { created: true as const, apiKey: key, generated: !options.bootstrapApiKey };
  });
}

/** Arbitrary constant naming the bootstrap advisory lock. */
const BOOTSTRAP_LOCK = 0x7266_0001;
