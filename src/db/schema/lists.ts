import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ListEntry } from '../../domain/lists/list-entry.js';
import { tenants } from './tenancy.js';

/**
 * A list we screen against. Global lists (`ofac-sdn`, `un`, `redflag-curated`, ...) have no
 * tenant: the operator imports them and every tenant screens against them. A tenant's watchlist
 * has its tenant, and its slug is `<tenant slug>:<watchlist slug>` (global slugs have no colon).
 */
export const listSources = pgTable('list_sources', {
  slug: text('slug').primaryKey(),
  tenantId: uuid('tenant_id').references(() => tenants.id),
  name: text('name').notNull(),
  format: text('format').notNull(),
  activeVersionId: uuid('active_version_id'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});

export interface ListFileRecord {
  name: string;
  role: string;
  sha256: string;
  bytes: number;
  rows: number;
}

/** The FtM datasets or UN regimes an import kept of its files. */
export interface ListVersionFilters {
  datasets?: string[];
  regimes?: string[];
}

/** One import of a list. Immutable once written; decisions cite it. */
export const listVersions = pgTable(
  'list_versions',
  {
    id: uuid('id').primaryKey(),
    source: text('source')
      .notNull()
      .references(() => listSources.slug),
    version: integer('version').notNull(),
    format: text('format').notNull(),
    /** SHA-256 over the sorted file digests: identical files give the identical digest. */
    contentDigest: text('content_digest').notNull(),
    files: jsonb('files').$type<ListFileRecord[]>().notNull(),
    counts: jsonb('counts').$type<Record<string, number>>().notNull(),
    filters: jsonb('filters').$type<ListVersionFilters>(),
    importedBy: text('imported_by').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('list_versions_source_version_uq').on(table.source, table.version),
    uniqueIndex('list_versions_source_digest_uq').on(table.source, table.contentDigest),
  ],
);

export const listEntries = pgTable(
  'list_entries',
  {
    id: uuid('id').primaryKey(),
    listVersionId: uuid('list_version_id')
      .notNull()
      .references(() => listVersions.id),
    source: text('source').notNull(),
    sourceId: text('source_id').notNull(),
    type: text('type').notNull(),
    name: text('name').notNull(),
    programs: text('programs').array().notNull(),
    /** The whole parsed entry, as the importer produced it. */
    data: jsonb('data').$type<ListEntry>().notNull(),
    /** SHA-256 of the canonical entry: lets a diff tell changed entries from unchanged ones. */
    contentHash: text('content_hash').notNull(),
  },
  (table) => [
    uniqueIndex('list_entries_version_source_id_uq').on(table.listVersionId, table.sourceId),
    index('list_entries_source_id_idx').on(table.source, table.sourceId),
  ],
);

/** Exact-match identifiers (e-mail, wallet, passport ...) of list entries, indexed for lookups. */
export const listIdentifiers = pgTable(
  'list_identifiers',
  {
    entryId: uuid('entry_id')
      .notNull()
      .references(() => listEntries.id),
    listVersionId: uuid('list_version_id').notNull(),
    kind: text('kind').notNull(),
    normalized: text('normalized').notNull(),
  },
  (table) => [index('list_identifiers_lookup_idx').on(table.kind, table.normalized)],
);
