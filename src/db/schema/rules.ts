import type { Combination } from '../../domain/rules/evidence-combination.js';
import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './tenancy.js';

export interface OutcomeThresholds {
  /** Score at or above which a decision is `review`. */
  review: number;
  /** Score at or above which a decision is `block`. */
  block: number;
}

/** A tenant's versioned rule set. `draft` is editable; `published` rows are immutable. */
export const rulesets = pgTable(
  'rulesets',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    version: integer('version').notNull(),
    status: text('status').notNull(),
    thresholds: jsonb('thresholds').$type<OutcomeThresholds>().notNull(),
    /** How hits become a score; null: additive points (every ruleset published before issue 18). */
    combination: jsonb('combination').$type<Combination>(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'string' }),
  },
  (table) => [uniqueIndex('rulesets_tenant_version_uq').on(table.tenantId, table.version)],
);

export const rules = pgTable(
  'rules',
  {
    id: uuid('id').primaryKey(),
    rulesetId: uuid('ruleset_id')
      .notNull()
      .references(() => rulesets.id),
    /** Stable id of the rule across versions, e.g. `list-name-match`. */
    ruleKey: text('rule_key').notNull(),
    /** Evaluator kind (code) that runs this rule (data). */
    kind: text('kind').notNull(),
    description: text('description').notNull(),
    enabled: boolean('enabled').notNull(),
    weight: integer('weight').notNull(),
    severity: text('severity').notNull(),
    forcesBlock: boolean('forces_block').notNull().default(false),
    indicatorIds: text('indicator_ids').array().notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    /** Ruleset version in which this rule last changed; decisions cite it as the rule version. */
    ruleVersion: integer('rule_version').notNull(),
  },
  (table) => [uniqueIndex('rules_ruleset_key_uq').on(table.rulesetId, table.ruleKey)],
);
