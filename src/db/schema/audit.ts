import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
