import type { Db, DbOrTx } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { insertPublishedRuleset } from '../db/repositories/rulesets.repository.js';
import { findTenantBySlug, findTenants, insertTenant, markTenantDisabled } from '../db/repositories/tenancy.repository.js';
import { DEFAULT_COMBINATION, DEFAULT_RULES, DEFAULT_THRESHOLDS } from '../domain/rules/default-ruleset.js';
import { AppError, notFound } from '../errors.js';
import type { CheckedApiKeys } from './api-keys.service.js';
import type { TenantView } from '../http/schemas/tenants.schemas.js';

/** Tenant slugs name tenants in URLs, keys and watchlist sources: no colon, no upper case. */
export const TENANT_SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;

function toTenantView(row: { slug: string; name: string; createdAt: string; disabledAt: string | null }): TenantView {
  return {
    slug: row.slug,
    name: row.name,
    createdAt: new Date(row.createdAt).toISOString(),
    disabledAt: row.disabledAt ? new Date(row.disabledAt).toISOString() : null,
  };
}

/** A tenant with the default ruleset (version 1, published), inside the caller's transaction. */
export async function insertTenantWithDefaults(tx: DbOrTx, input: { slug: string; name: string; createdBy: string }) {
  const tenant = await insertTenant(tx, { slug: input.slug, name: input.name });
  await insertPublishedRuleset(tx, {
    tenantId: tenant.id,
    version: 1,
    thresholds: DEFAULT_THRESHOLDS,
    combination: DEFAULT_COMBINATION,
    rules: DEFAULT_RULES,
    createdBy: input.createdBy,
  });
  return tenant;
}

/** The operator creates a tenant: slug checked, default ruleset, an audit event the tenant's auditors see. */
export async function createTenant(db: Db, input: { slug: string; name: string; createdBy: string }): Promise<TenantView & { id: string }> {
  if (!TENANT_SLUG.test(input.slug)) {
    throw new AppError('validation_failed', 'A tenant slug is 2–40 lower-case letters, digits or hyphens', [{ field: '/slug', message: 'invalid slug' }]);
  }
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new AppError('validation_failed', 'A tenant name is 1–200 characters', [{ field: '/name', message: 'required, at most 200 characters' }]);
  try {
    const tenant = await db.transaction(async (tx) => {
      const created = await insertTenantWithDefaults(tx, { ...input, name });
      await recordAuditEvent(tx, { tenantId: created.id, actor: input.createdBy, action: 'tenant.created', targetType: 'tenant', targetId: created.id, details: { slug: created.slug, name } });
      return created;
    });
    return { id: tenant.id, ...toTenantView(tenant) };
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', `A tenant "${input.slug}" already exists`, [{ field: '/slug', message: 'already taken' }]);
    throw error;
  }
}

export async function listTenants(db: Db): Promise<TenantView[]> {
  return (await findTenants(db)).map(toTenantView);
}

/**
 * The tenant's keys stop working (401) at once on this instance and within API_KEY_CACHE_MS on
 * the others; its decisions, cases and lists stay. Disabling a disabled tenant changes nothing.
 */
export async function disableTenant(
  db: Db,
  input: { slug: string; actor: string },
  /** This instance's cache of checked keys (absent in a process that serves no requests: the CLI). */
  checkedKeys?: CheckedApiKeys,
): Promise<TenantView> {
  const outcome = await db.transaction(async (tx) => {
    const tenant = await findTenantBySlug(tx, input.slug);
    if (!tenant) throw notFound(`Tenant "${input.slug}"`);
    const disabled = await markTenantDisabled(tx, tenant.id);
    if (!disabled) return tenant;
    await recordAuditEvent(tx, { tenantId: tenant.id, actor: input.actor, action: 'tenant.disabled', targetType: 'tenant', targetId: tenant.id, details: { slug: tenant.slug } });
    return disabled;
  });
  checkedKeys?.forgetTenant(outcome.id);
  return toTenantView(outcome);
}
