import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { MonitoringTrigger } from '../../domain/monitoring/monitoring-trigger.js';
import { subjects } from './subjects.js';
import { tenants } from './tenancy.js';

/**
 * One background re-screening of a tenant's monitored subjects, created when a list version or
 * a ruleset version became active. The unique trigger key makes creation idempotent across
 * instances: whoever inserts first creates the run, the others hit the constraint.
 */
export const monitoringRuns = pgTable(
  'monitoring_runs',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    /** `list:<list version id>` or `ruleset:<ruleset id>`. */
    triggerKey: text('trigger_key').notNull(),
    trigger: jsonb('trigger').$type<MonitoringTrigger>().notNull(),
    /** running | completed */
    status: text('status').notNull(),
    /** Work items created with the run (one per monitored subject to re-screen). */
    total: integer('total').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
  },
  (table) => [
    uniqueIndex('monitoring_runs_tenant_trigger_uq').on(table.tenantId, table.triggerKey),
    index('monitoring_runs_tenant_created_idx').on(table.tenantId, table.createdAt),
  ],
);

/**
 * One subject to re-screen in one run. Done exactly once: a worker leases pending items
 * (`FOR UPDATE SKIP LOCKED`), and marks them done only in the transaction that writes their
 * decisions, and only while it still holds the lease.
 */
export const monitoringWorkItems = pgTable(
  'monitoring_work_items',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => monitoringRuns.id),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    tenantId: uuid('tenant_id').notNull(),
    /** pending | changed | unchanged | skipped (input erased) | failed */
    status: text('status').notNull().default('pending'),
    /** Claims so far; an item that keeps killing its worker is failed after a few. */
    attempts: integer('attempts').notNull().default(0),
    leaseOwner: text('lease_owner'),
    /** Database time; an expired lease may be taken by any worker. */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'string' }),
    /** How the subject was checked: `delta` (against what changed in the lists) or `full`. */
    method: text('method'),
    /** The subject's last decision when processed: the one a new decision follows. */
    previousDecisionId: uuid('previous_decision_id'),
    previousOutcome: text('previous_outcome'),
    previousScore: integer('previous_score'),
    /** Written only when the outcome changed. */
    newDecisionId: uuid('new_decision_id'),
    newOutcome: text('new_outcome'),
    newScore: integer('new_score'),
    /** What the subject was checked against; the basis of its next list-triggered check. */
    rulesetId: uuid('ruleset_id'),
    listVersionIds: jsonb('list_version_ids').$type<string[]>(),
    error: text('error'),
    processedBy: text('processed_by'),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'string' }),
  },
  (table) => [
    primaryKey({ columns: [table.runId, table.subjectId], name: 'monitoring_work_items_pk' }),
    // The queue: only pending rows stay in it, so claiming never scans finished work.
    index('monitoring_work_items_pending_idx').on(table.runId, table.subjectId).where(sql`status = 'pending'`),
    // A monitoring decision's predecessor (the re-screen's input came from it).
    index('monitoring_work_items_new_decision_idx').on(table.newDecisionId).where(sql`new_decision_id is not null`),
    // A subject's latest unchanged check: the basis of its next delta check.
    index('monitoring_work_items_unchanged_idx').on(table.subjectId, table.processedAt).where(sql`status = 'unchanged'`),
  ],
);

/**
 * How far the link-alert scan has read a tenant's decision chain: every decision up to this
 * sequence has had the earlier applicants it links to queued for a new look (a `link` run).
 * Moved in the transaction that creates those runs, so a crash repeats work but loses none.
 */
export const monitoringLinkCursors = pgTable('monitoring_link_cursors', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id),
  sequence: bigint('sequence', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
