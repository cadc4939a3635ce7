import { and, asc, count, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../client.js';
import { apiKeys, tenants } from '../schema/index.js';

export async function countTenants(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ value: count() }).from(tenants);
  return row?.value ?? 0;
}

export async function findTenantBySlug(db: DbOrTx, slug: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  return row;
}

export async function insertTenant(db: DbOrTx, input: { slug: string; name: string }) {
  const [row] = await db.insert(tenants).values({ id: uuidv7(), ...input }).returning();
  if (!row) throw new Error('tenant insert returned nothing');
  return row;
}

export async function insertApiKey(
  db: DbOrTx,
  input: { tenantId: string | null; keyHash: string; keyPrefix: string; roles: string[]; label?: string; owner?: string; createdByKeyId?: string },
) {
  const [row] = await db
    .insert(apiKeys)
    // Without an owner (the bootstrap key), the label stands in, as the migration did for older keys.
    .values({ id: uuidv7(), ...input, label: input.label ?? null, owner: input.owner ?? input.label ?? 'unknown', createdByKeyId: input.createdByKeyId ?? null })
    .returning({ id: apiKeys.id, tenantId: apiKeys.tenantId, roles: apiKeys.roles, keyPrefix: apiKeys.keyPrefix, createdAt: apiKeys.createdAt });
  if (!row) throw new Error('api key insert returned nothing');
  return row;
}

export async function findActiveApiKeyByHash(db: DbOrTx, keyHash: string) {
  const [row] = await db
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, roles: apiKeys.roles, tenantSlug: tenants.slug })
    .from(apiKeys)
    .leftJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    // An operator key has no tenant; a tenant key works only while its tenant is enabled.
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt), or(isNull(apiKeys.tenantId), isNull(tenants.disabledAt))));
  return row;
}

const apiKeyColumns = {
  id: apiKeys.id,
  label: apiKeys.label,
  owner: apiKeys.owner,
  createdByKeyId: apiKeys.createdByKeyId,
  roles: apiKeys.roles,
  keyPrefix: apiKeys.keyPrefix,
  createdAt: apiKeys.createdAt,
  revokedAt: apiKeys.revokedAt,
};

/** A tenant's keys, newest first; never their hashes. */
export async function findApiKeysOfTenant(db: DbOrTx, tenantId: string) {
  return db.select(apiKeyColumns).from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function findApiKeyOfTenant(db: DbOrTx, tenantId: string, id: string) {
  const [row] = await db
    .select({ ...apiKeyColumns, keyHash: apiKeys.keyHash })
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)));
  return row;
}

/** Revokes a key that is not revoked yet; returns it, or nothing if it already was. */
export async function markApiKeyRevoked(db: DbOrTx, id: string) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ ...apiKeyColumns, keyHash: apiKeys.keyHash });
  return row;
}

export async function findTenants(db: DbOrTx) {
  return db.select().from(tenants).orderBy(asc(tenants.slug));
}

/** Disables a tenant that is enabled; returns it, or nothing when it already was. */
export async function markTenantDisabled(db: DbOrTx, id: string) {
  const [row] = await db
    .update(tenants)
    .set({ disabledAt: sql`now()` })
    .where(and(eq(tenants.id, id), isNull(tenants.disabledAt)))
    .returning();
  return row;
}

export async function hasOperatorKey(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ id: apiKeys.id }).from(apiKeys).where(isNull(apiKeys.tenantId)).limit(1);
  return row !== undefined;
}

export async function findTenantById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}
