import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { rulesets } from './rules.js';
import { tenants } from './tenancy.js';

export interface ListVersionRef {
  source: string;
  versionId: string;
  version: number;
  contentDigest: string;
}

/** Append-only record of every screening outcome. */
export const decisions = pgTable(
  'decisions',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    externalRef: text('external_ref'),
    outcome: text('outcome').notNull(),
    score: integer('score').notNull(),
    hits: jsonb('hits').$type<unknown[]>().notNull(),
    rulesetId: uuid('ruleset_id')
      .notNull()
      .references(() => rulesets.id),
    rulesetVersion: integer('ruleset_version').notNull(),
    listVersions: jsonb('list_versions').$type<ListVersionRef[]>().notNull(),
    /** The screened profile; erasable under the retention policy (its digest stays). */
    input: jsonb('input').$type<unknown>(),
    inputDigest: text('input_digest').notNull(),
    idempotencyKey: text('idempotency_key'),
    subjectId: uuid('subject_id'),
    /** Position in the tenant's hash chain, from 1. */
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    prevHash: text('prev_hash').notNull(),
    /** SHA-256 of the canonical chain record (see src/domain/audit). */
    hash: text('hash').notNull(),
    /** When the stored input was erased (retention or a subject's request); its digest stays. */
    inputErasedAt: timestamp('input_erased_at', { withTimezone: true, mode: 'string' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [
    index('decisions_tenant_created_idx').on(table.tenantId, table.createdAt),
    uniqueIndex('decisions_tenant_idempotency_uq').on(table.tenantId, table.idempotencyKey),
    uniqueIndex('decisions_tenant_sequence_uq').on(table.tenantId, table.sequence),
    index('decisions_subject_idx').on(table.subjectId),
    // The retention job's work list: erased rows leave the index, so each run reads only what is due.
    index('decisions_input_retention_idx').on(table.createdAt).where(sql`input is not null`),
  ],
);
