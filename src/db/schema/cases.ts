import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { subjects } from './subjects.js';
import { tenants } from './tenancy.js';

/** A question for a person: opened for every review or block decision, one open case per subject. */
export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    /** open | escalated | pending_approval | closed (see src/domain/cases). */
    status: text('status').notNull(),
    /** The most severe outcome among the case's decisions: review | block. */
    outcome: text('outcome').notNull(),
    /** Highest score among the case's decisions; the queue sorts by it. */
    score: integer('score').notNull(),
    assignee: text('assignee'),
    disposition: text('disposition'),
    pendingDisposition: text('pending_disposition'),
    proposedBy: text('proposed_by'),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'string' }),
  },
  (table) => [
    index('cases_queue_idx').on(table.tenantId, table.status, table.score, table.openedAt),
    // At most one case per subject that is not closed.
    uniqueIndex('cases_one_open_per_subject_uq').on(table.subjectId).where(sql`status <> 'closed'`),
  ],
);

/** The decisions a case covers (the first and every later one that joined it). */
export const caseDecisions = pgTable(
  'case_decisions',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    decisionId: uuid('decision_id').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (table) => [uniqueIndex('case_decisions_uq').on(table.caseId, table.decisionId), index('case_decisions_decision_idx').on(table.decisionId)],
);

/** Every step on a case, with actor and time. Append-only (trigger). */
export const caseEvents = pgTable(
  'case_events',
  {
    id: uuid('id').primaryKey(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    tenantId: uuid('tenant_id').notNull(),
    type: text('type').notNull(),
    actor: text('actor').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (table) => [index('case_events_case_idx').on(table.caseId, table.createdAt)],
);

/**
 * A hit a reviewer disposed as a false positive, remembered per tenant: later screenings of the
 * same subject against the same list entry (same content) do not reopen a case.
 */
export const falsePositives = pgTable(
  'false_positives',
  {
    tenantId: uuid('tenant_id').notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** The list's own id and source: stable across list versions. */
    source: text('source').notNull(),
    sourceId: text('source_id').notNull(),
    /** Content hash of the entry when cleared: a changed entry is screened afresh. */
    entryContentHash: text('entry_content_hash').notNull(),
    caseId: uuid('case_id').notNull(),
    clearedBy: text('cleared_by').notNull(),
    clearedAt: timestamp('cleared_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (table) => [uniqueIndex('false_positives_uq').on(table.tenantId, table.subjectId, table.source, table.sourceId, table.entryContentHash)],
);

export const webhooks = pgTable('webhooks', {
  id: uuid('id').primaryKey(),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id),
  url: text('url').notNull(),
  /** Shared secret for the HMAC-SHA256 signature; shown once at creation. */
  secret: text('secret').notNull(),
  events: text('events').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'string' }),
});

/** One delivery (event × webhook) and its attempts; a worker retries with backoff. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id),
    tenantId: uuid('tenant_id').notNull(),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** pending | delivered | failed (gave up) */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'string' }).notNull(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    attemptLog: jsonb('attempt_log').$type<{ at: string; statusCode?: number; error?: string; ms: number }[]>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (table) => [index('webhook_deliveries_due_idx').on(table.status, table.nextAttemptAt), index('webhook_deliveries_webhook_idx').on(table.webhookId)],
);
