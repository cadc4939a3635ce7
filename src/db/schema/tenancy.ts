import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  /** Set by the operator: the tenant's keys stop working; its data stays. */
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'string' }),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    /** Null for the operator's keys, which belong to no tenant (role `operator` only). */
    tenantId: uuid('tenant_id').references(() => tenants.id),
    /** SHA-256 (hex) of the secret; the secret itself is never stored. */
    keyHash: text('key_hash').notNull().unique(),
    /** First characters of the key, so people can tell keys apart in listings. */
    keyPrefix: text('key_prefix').notNull(),
    label: text('label'),
    /** The person or system the key belongs to: four-eyes compares owners, not keys. */
    owner: text('owner').notNull(),
    /** The key that created this one over the API (null: CLI or bootstrap); four-eyes follows this lineage. */
    createdByKeyId: uuid('created_by_key_id'),
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (table) => [
    index('api_keys_tenant_idx').on(table.tenantId),
    // A key is either a tenant's (tenant roles) or the operator's (`operator` alone), never both.
    check('api_keys_scope_ck', sql`(${table.tenantId} is null) = (${table.roles} = array['operator']::text[])`),
  ],
);
