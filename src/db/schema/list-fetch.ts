import { integer, jsonb, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { FetchValidators } from '../../lists/list-download.js';

/**
 * Where the scheduled fetch of one configured list source (LIST_SOURCES_FILE) stands. Unlike the
 * list tables this row changes: it is the schedule, the lease and the last outcome, not list data.
 * It is keyed by slug without a foreign key, since a source exists only after its first good fetch.
 */
export const listFetchState = pgTable('list_fetch_state', {
  source: text('source').primaryKey(),
  format: text('format').notNull(),
  /** The configuration last registered by an instance; shown, and used by the staleness check. */
  everyMinutes: integer('every_minutes').notNull(),
  maxAgeHours: real('max_age_hours'),
  /** Per URL, from the last fetch that succeeded; a refused download leaves them as they were. */
  validators: jsonb('validators').$type<Record<string, FetchValidators>>().notNull().default({}),
  nextRunAt: timestamp('next_run_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  /** An instance fetching the source holds it until `lease_until` (database clock), renewed as it works. */
  leaseOwner: text('lease_owner'),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'string' }),
  lastFetchAt: timestamp('last_fetch_at', { withTimezone: true, mode: 'string' }),
  /** new_version | unchanged | failed */
  lastResult: text('last_result'),
  lastError: text('last_error'),
  /** The version the last good fetch created or found identical (a failure keeps it: it stays active). */
  lastVersionId: uuid('last_version_id'),
  /** When a fetch last confirmed the list current (a new version, or the same content again). */
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true, mode: 'string' }),
  /** Failed fetches in a row: the next attempt backs off with them. */
  failures: integer('failures').notNull().default(0),
  /** Set when list.stale was raised; cleared by the next good fetch, so it is raised once per spell. */
  staleNotifiedAt: timestamp('stale_notified_at', { withTimezone: true, mode: 'string' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
