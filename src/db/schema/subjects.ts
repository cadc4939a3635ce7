import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './tenancy.js';

/** A screened person as the caller identifies them. */
export const subjects = pgTable(
  'subjects',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    externalRef: text('external_ref'),
    monitored: boolean('monitored').notNull().default(false),
    lastDecisionId: uuid('last_decision_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('subjects_tenant_external_ref_uq').on(table.tenantId, table.externalRef)],
);

/**
 * Identifiers seen on a subject (e-mail, phone, wallet, shipping address, IP, document or bank
 * account hash ...), normalised, so cross-subject links are an index lookup, not a scan.
 * Personal values that must not be stored in clear are keyed hashes here.
 */
export const subjectLinkKeys = pgTable(
  'subject_link_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    /** Normalised name of the subject when the key was seen: "other names" is the signal. */
    nameKey: text('name_key').notNull(),
    /** Where in the profile the value was (`/subject/emails/0`). */
    field: text('field').notNull(),
    /** The value masked for reviewers (`j***@example.com`); never the clear value. */
    display: text('display').notNull(),
    decisionId: uuid('decision_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [
    // Roles sharing a value space hash alike, so lookups go by key across kinds; earliest first,
    // so a screening reads the first holders of a key a whole farm shares, not all of them.
    index('subject_link_keys_lookup_idx').on(table.tenantId, table.key, table.createdAt),
    index('subject_link_keys_subject_idx').on(table.subjectId),
    // Erasing a decision's input deletes the link keys it recorded.
    index('subject_link_keys_decision_idx').on(table.decisionId),
  ],
);
