import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Db, DbOrTx } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { findActiveApiKeyByHash, findApiKeyOfTenant, findApiKeysOfTenant, findTenantBySlug, insertApiKey, markApiKeyRevoked } from '../db/repositories/tenancy.repository.js';
import { isTenantRole, OPERATOR_ROLE, type Role } from '../domain/auth/roles.js';
import { AppError, notFound } from '../errors.js';
import { sha256Hex } from '../shared/hashing.js';
import type { ApiKeyView } from '../http/schemas/api-keys.schemas.js';

/** Who a request acts for: a tenant's key, or the operator's (which belongs to no tenant). */
export type Principal = TenantPrincipal | OperatorPrincipal;

export interface TenantPrincipal {
  scope: 'tenant';
  keyId: string;
  tenantId: string;
  tenantSlug: string;
  roles: string[];
}

export interface OperatorPrincipal {
  scope: 'operator';
  keyId: string;
  roles: string[];
}

/** `rf_` marks our keys in secret scanners; 32 random bytes make guessing hopeless. */
export function generateApiKey(): string {
  return `rf_${randomBytes(32).toString('base64url')}`;
}

export const hashApiKey = (key: string) => sha256Hex(key);

interface NewKey {
  /** The person or system the key belongs to: four-eyes compares owners, not keys. */
  owner: string;
  label?: string;
  /** The key that asks over the API, for four-eyes' key lineage. */
  createdByKeyId?: string;
  /** Given (BOOTSTRAP_*_KEY, tests) or generated. */
  key?: string;
  /** Who asks (`cli:<user>`, `api-key:<id>`), for the audit event. */
  actor?: string;
}

export interface CreatedApiKey {
  id: string;
  key: string;
  roles: Role[];
  /** Null for an operator key. */
  tenantSlug: string | null;
  view: ApiKeyView;
}

/** A key of one tenant, with tenant roles only; the tenant must exist and not be disabled. */
export async function createApiKey(db: DbOrTx, input: NewKey & { tenantSlug: string; roles: string[] }): Promise<CreatedApiKey> {
  if (input.roles.includes(OPERATOR_ROLE)) {
    throw new AppError('validation_failed', 'Operator keys belong to no tenant: create one with `npm run cli -- keys create --operator`', [{ field: '/roles', message: 'operator is not a tenant role' }]);
  }
  const badRole = input.roles.find((role) => !isTenantRole(role));
  if (badRole !== undefined || input.roles.length === 0) {
    throw new AppError('validation_failed', `Unknown role "${badRole ?? ''}"`, [{ field: '/roles', message: 'unknown role' }]);
  }
  const tenant = await findTenantBySlug(db, input.tenantSlug);
  if (!tenant) throw new AppError('not_found', `Tenant "${input.tenantSlug}" not found`);
  if (tenant.disabledAt !== null) throw new AppError('conflict', `Tenant "${input.tenantSlug}" is disabled: it gets no new keys`);
  return insertKey(db, { ...input, tenantId: tenant.id, tenantSlug: tenant.slug });
}

/** A key of the operator: role `operator` alone, no tenant. */
export async function createOperatorKey(db: DbOrTx, input: NewKey): Promise<CreatedApiKey> {
  return insertKey(db, { ...input, roles: [OPERATOR_ROLE], tenantId: null, tenantSlug: null });
}

async function insertKey(db: DbOrTx, input: NewKey & { roles: string[]; tenantId: string | null; tenantSlug: string | null }): Promise<CreatedApiKey> {
  const key = input.key ?? generateApiKey();
  const row = await db.transaction(async (tx) => {
    const inserted = await insertApiKey(tx, {
      tenantId: input.tenantId,
      keyHash: hashApiKey(key),
      keyPrefix: key.slice(0, 8),
      roles: input.roles,
      owner: input.owner,
      ...(input.label ? { label: input.label } : {}),
      ...(input.createdByKeyId ? { createdByKeyId: input.createdByKeyId } : {}),
    });
    await recordAuditEvent(tx, {
      // An operator key's event has no tenant, and no tenant reads it (findAuditEventsPage).
      tenantId: input.tenantId,
      actor: input.actor ?? 'system',
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: inserted.id,
      details: { roles: input.roles, label: input.label ?? null, owner: input.owner, keyPrefix: inserted.keyPrefix },
    });
    return inserted;
  });
  const view = toView({
    id: row.id,
    label: input.label ?? null,
    owner: input.owner,
    createdByKeyId: input.createdByKeyId ?? null,
    roles: row.roles,
    keyPrefix: row.keyPrefix,
    createdAt: row.createdAt,
    revokedAt: null,
  });
  return { id: row.id, key, roles: input.roles as Role[], tenantSlug: input.tenantSlug, view };
}

type ApiKeyRow = Omit<ApiKeyView, 'createdAt' | 'revokedAt'> & { createdAt: string; revokedAt: string | null };

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    label: row.label,
    owner: row.owner,
    createdByKeyId: row.createdByKeyId,
    roles: row.roles,
    keyPrefix: row.keyPrefix,
    createdAt: new Date(row.createdAt).toISOString(),
    revokedAt: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
  };
}

export async function listApiKeys(db: Db, tenantId: string): Promise<ApiKeyView[]> {
  return (await findApiKeysOfTenant(db, tenantId)).map(toView);
}

/** The key a request was made with, as its holder may see it: who it belongs to and what it may do. */
export async function currentApiKey(db: Db, principal: TenantPrincipal): Promise<ApiKeyView & { tenant: string }> {
  const row = await findApiKeyOfTenant(db, principal.tenantId, principal.keyId);
  if (!row) throw notFound('API key');
  return { ...toView(row), tenant: principal.tenantSlug };
}

/**
 * Revokes one of the tenant's keys: refused from this instance at once, from every other within
 * API_KEY_CACHE_MS. Revoking a revoked key changes nothing. A key cannot revoke itself, so an
 * admin cannot lock the tenant out by mistake with the key in hand.
 */
export async function revokeApiKey(
  db: Db,
  input: { tenantId: string; id: string; actor: string; actorKeyId?: string },
  /** This instance's cache of checked keys (absent in a process that serves no requests: the CLI). */
  checkedKeys?: CheckedApiKeys,
): Promise<ApiKeyView> {
  if (input.actorKeyId === input.id) throw new AppError('conflict', 'An API key cannot revoke itself; revoke it with another admin key');
  const outcome = await db.transaction(async (tx) => {
    const existing = await findApiKeyOfTenant(tx, input.tenantId, input.id);
    if (!existing) throw notFound('API key');
    if (existing.revokedAt !== null) return { view: toView(existing), keyHash: undefined };
    const revoked = await markApiKeyRevoked(tx, input.id);
    // Revoked by a concurrent request in between: as it stands now, with that one's time.
    if (!revoked) return { view: toView((await findApiKeyOfTenant(tx, input.tenantId, input.id)) ?? existing), keyHash: undefined };
    await recordAuditEvent(tx, {
      tenantId: input.tenantId,
      actor: input.actor,
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: input.id,
      details: { keyPrefix: revoked.keyPrefix, label: revoked.label },
    });
    return { view: toView(revoked), keyHash: revoked.keyHash };
  });
  // After the commit: evicted earlier, the next request could cache the key as still active.
  if (outcome.keyHash) checkedKeys?.forgetKeyHash(outcome.keyHash);
  return outcome.view;
}

/**
 * How long an instance trusts a key it has checked. Revoking a key reaches the instance that
 * revoked it at once and every other instance within this time. Unknown keys are never remembered,
 * so a wrong key costs a query each time and the rate limit answers floods.
 */
export const API_KEY_CACHE_MS = 5_000;

/**
 * The keys this instance checked lately (valid ones only), one cache per set of services
 * (createServices) over its database: tests and tools may open several, and the same key may
 * exist in more than one. Keyed by the key's SHA-256, never the key itself, so a heap dump holds
 * no usable secrets.
 */
export class CheckedApiKeys {
  private readonly cache: LRUCache<string, Principal>;

  constructor(db: Db) {
    this.cache = new LRUCache<string, Principal>({
      max: 10_000,
      ttl: API_KEY_CACHE_MS,
      fetchMethod: async (keyHash) => {
        const row = await findActiveApiKeyByHash(db, keyHash);
        if (!row) return undefined;
        return row.tenantId === null
          ? { scope: 'operator', keyId: row.id, roles: row.roles }
          : { scope: 'tenant', keyId: row.id, tenantId: row.tenantId, tenantSlug: row.tenantSlug ?? '', roles: row.roles };
      },
    });
  }

  authenticate(key: string): Promise<Principal | undefined> {
    return this.cache.fetch(hashApiKey(key));
  }

  /** A key this instance checked lately and found valid, without asking the database. */
  recentlyAuthenticated(key: string): Principal | undefined {
    return this.cache.peek(hashApiKey(key));
  }

  /** A revoked key stops working here at once. */
  forgetKeyHash(keyHash: string): void {
    this.cache.delete(keyHash);
  }

  /** A disabled tenant's keys stop working here at once (elsewhere within API_KEY_CACHE_MS). */
  forgetTenant(tenantId: string): void {
    for (const [keyHash, principal] of this.cache.entries()) {
      if (principal.scope === 'tenant' && principal.tenantId === tenantId) this.cache.delete(keyHash);
    }
  }
}
