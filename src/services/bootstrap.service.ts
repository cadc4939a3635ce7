import type { Db } from '../db/client.js';
import { countTenants, insertTenant } from '../db/repositories/tenancy.repository.js';
import { insertPublishedRuleset } from '../db/repositories/rulesets.repository.js';
import { DEFAULT_RULES, DEFAULT_THRESHOLDS } from '../domain/rules/default-ruleset.js';
import { createApiKey } from './api-keys.service.js';

export const DEFAULT_TENANT = 'default';

/** Creates a tenant with the default ruleset (version 1, published). */
export async function createTenant(db: Db, input: { slug: string; name: string; createdBy: string }) {
  return db.transaction(async (tx) => {
    const tenant = await insertTenant(tx, { slug: input.slug, name: input.name });
    await insertPublishedRuleset(tx, {
      tenantId: tenant.id,
      version: 1,
      thresholds: DEFAULT_THRESHOLDS,
      rules: DEFAULT_RULES,
      createdBy: input.createdBy,
    });
    return tenant;
  });
}

/**
 * On first start with an empty database: tenant `default` and one admin key. Returns the key
 * only when it was generated here, so the caller prints it exactly once.
 */
export async function bootstrapIfEmpty(db: Db, options: { bootstrapApiKey?: string }) {
  if ((await countTenants(db)) > 0) return { created: false as const };
  await createTenant(db, { slug: DEFAULT_TENANT, name: 'Default tenant', createdBy: 'bootstrap' });
  const created = await createApiKey(db, {
    tenantSlug: DEFAULT_TENANT,
    roles: ['admin'],
    label: 'bootstrap admin key',
    ...(options.bootstrapApiKey ? { key: options.bootstrapApiKey } : {}),
  });
  return { created: true as const, apiKey: created.key, generated: !options.bootstrapApiKey };
}
