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
    /**
     * The lists (slugs, sorted, each once) the entries hit by the case's decisions come from; the
     * queue filters on it. Kept by a trigger on case_decisions (migration 0017).
     */
    listSources: text('list_sources').array().notNull().default(sql`'{}'::text[]`),
  },
  (table) => [
    index('cases_queue_idx').on(table.tenantId, table.status, table.score, table.openedAt),
    index('cases_list_sources_idx').using('gin', table.listSources),
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
 * False-positive memory: one row per list hit a `false_positive` disposition covered, with the
 * evidence the reviewers saw (entry and its content, rule, field, matched value, similarity). A
 * later screening of the same subject has a hit suppressed only when all of it is the same and
 * the similarity is not higher (src/domain/cases/false-positive-memory.ts).
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
    ruleId: text('rule_id').notNull(),
    field: text('field').notNull(),
    /** SHA-256 of the matched value: the subject's name and the listed name variant it matched. */
    valueDigest: text('value_digest').notNull(),
    /** Similarity the reviewers saw, in thousandths. */
    similarity: integer('similarity').notNull(),
    caseId: uuid('case_id').notNull(),
    /** The case event that closed the case as false_positive (a disposal or an approval). */
    dispositionEventId: uuid('disposition_event_id').notNull(),
    clearedBy: text('cleared_by').notNull(),
    clearedAt: timestamp('cleared_at', { withTimezone: true, mode: 'string' }).notNull(),
    /** Set when the case is reopened: the reviewers' verdict no longer stands. */
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true, mode: 'string' }),
  },
  (table) => [
    uniqueIndex('false_positives_evidence_uq').on(table.dispositionEventId, table.source, table.sourceId, table.entryContentHash, table.ruleId, table.field, table.valueDigest),
    index('false_positives_subject_idx').on(table.tenantId, table.subjectId),
  ],
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
