import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { countTenants, hasOperatorKey, insertApiKey } from '../db/repositories/tenancy.repository.js';
import { createOperatorKey, generateApiKey, hashApiKey } from './api-keys.service.js';
import { insertTenantWithDefaults } from './tenants.service.js';

export const DEFAULT_TENANT = 'default';

/**
 * What a start-up made: tenant `default` with its admin key (`generated`: made here, to print
 * once, not taken from BOOTSTRAP_API_KEY), and an operator key when the database had none (a new
 * one, or one from before operators existed).
 */
export type Bootstrap = ({ created: true; apiKey: string; generated: boolean } | { created: false }) & { operatorKey?: string; operatorKeyGenerated?: boolean };

/**
 * On first start with an empty database: tenant `default` with one admin key, and an operator
 * key whenever the database has none. Returns the keys only when they were made here, so the
 * caller prints each exactly once.
 */
export async function bootstrapIfEmpty(db: Db, options: { bootstrapApiKey?: string; bootstrapOperatorKey?: string }): Promise<Bootstrap> {
  // One transaction, serialised by an advisory lock: two instances starting together on an
  // empty database create one tenant and one key of each kind, and a crash leaves no half-made tenant.
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    let outcome: Bootstrap = { created: false };
    if ((await countTenants(tx)) === 0) {
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
      outcome = { created: true, apiKey: key, generated: !options.bootstrapApiKey };
    }
    if (!(await hasOperatorKey(tx))) {
      const operator = await createOperatorKey(tx, { owner: 'bootstrap operator key', label: 'bootstrap operator key', actor: 'system:bootstrap', ...(options.bootstrapOperatorKey ? { key: options.bootstrapOperatorKey } : {}) });
      outcome = { ...outcome, operatorKey: operator.key, operatorKeyGenerated: !options.bootstrapOperatorKey };
    }
    return outcome;
  });
}

/** The bootstrap keys the configuration gives, if any. */
export function bootstrapKeysOf(config: { BOOTSTRAP_API_KEY?: string | undefined; BOOTSTRAP_OPERATOR_KEY?: string | undefined }) {
  return {
    ...(config.BOOTSTRAP_API_KEY ? { bootstrapApiKey: config.BOOTSTRAP_API_KEY } : {}),
    ...(config.BOOTSTRAP_OPERATOR_KEY ? { bootstrapOperatorKey: config.BOOTSTRAP_OPERATOR_KEY } : {}),
  };
}

/** Arbitrary constant naming the bootstrap advisory lock. */
const BOOTSTRAP_LOCK = 0x7266_0001;
