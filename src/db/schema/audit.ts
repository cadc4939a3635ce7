import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './tenancy.js';

/**
 * The head of each tenant's decision hash chain. Appending a decision locks this row, so
 * concurrent screenings still form one chain with no forks.
 */
export const auditChainHeads = pgTable('audit_chain_heads', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id),
  sequence: bigint('sequence', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  /** created_at of the head decision: later decisions never get an earlier time. */
  lastCreatedAt: timestamp('last_created_at', { withTimezone: true, mode: 'string' }),
});

/** Administrative changes (keys, rulesets, list imports, dispositions, erasures). Append-only. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').references(() => tenants.id),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [index('audit_events_tenant_created_idx').on(table.tenantId, table.createdAt)],
);

/**
 * Every public key that ever signed an audit checkpoint (issue #23), so that checkpoints signed
 * before a key rotation stay verifiable. The private key never enters the database: it is read
 * from AUDIT_SIGNING_KEY_FILE by the instance that signs.
 */
export const auditSigningKeys = pgTable('audit_signing_keys', {
  /** SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo: its fingerprint. */
  keyId: text('key_id').primaryKey(),
  algorithm: text('algorithm').notNull(),
  /** SPKI PEM, as `openssl pkey -pubout` writes it. */
  publicKey: text('public_key').notNull(),
  firstUsedAt: timestamp('first_used_at', { withTimezone: true, mode: 'string' }).notNull(),
});

/**
 * A tenant's chain head signed with the operator's Ed25519 key: tenant, sequence, hash, time and
 * key id (src/domain/audit/checkpoint.ts has the signed form). Append-only (migration 0014).
 */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    hash: text('hash').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'string' }).notNull(),
    keyId: text('key_id')
      .notNull()
      .references(() => auditSigningKeys.keyId),
    /** Ed25519 signature of the canonical checkpoint, base64. */
    signature: text('signature').notNull(),
  },
  (table) => [uniqueIndex('audit_checkpoints_tenant_sequence_uq').on(table.tenantId, table.sequence)],
);
