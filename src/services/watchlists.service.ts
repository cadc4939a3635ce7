/**
 * A tenant's own watchlists: lists only its screenings use (an internal do-not-hire list,
 * indicator feeds shared by partners or published by authorities, the personas of its confirmed
 * cases). They are list sources with a tenant, versioned, diffed and guarded like global lists,
 * and cited in decisions like them; their slug is `<tenant slug>:<watchlist slug>`, which no
 * global slug can be (global slugs have no colon) and no other tenant can reach.
 */
import type { Readable } from 'node:stream';
import type { Db, DbOrTx } from '../db/client.js';
import { recordAuditEvent } from '../db/repositories/audit.repository.js';
import { findDecisionsOfCase } from '../db/repositories/cases.repository.js';
import { findListSource, findListSources } from '../db/repositories/list-queries.repository.js';
import { findEntriesOfVersions } from '../db/repositories/lists.repository.js';
import { findTenantById } from '../db/repositories/tenancy.repository.js';
import { findLinkKeysOfSubject, findWatchlistSource, insertWatchlistSource } from '../db/repositories/watchlists.repository.js';
import { listEntryOf, type ListIdentifier } from '../domain/lists/list-entry.js';
import { watchlistKindOfLink, type KeyedHash, type LinkKind } from '../domain/rules/subject-lookups.js';
import { AppError, notFound } from '../errors.js';
import { parsedInMemory } from '../lists/parse-list.js';
import { parseWatchlistCsv, parseWatchlistJson } from '../lists/watchlist.importer.js';
import { canonicalDigest } from '../shared/hashing.js';
import { diffListVersion, listVersions, storeListVersion, type ImportOutcome } from './lists.service.js';
import type { WatchlistView } from '../http/schemas/watchlists.schemas.js';

export const WATCHLIST_SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/;

/** The watchlist every approved `confirmed_match` adds its subject's identifiers to. */
export const CONFIRMED_CASES = 'confirmed-cases';

export interface TenantScope {
  tenantId: string;
  tenantSlug: string;
}

export const watchlistSource = (tenantSlug: string, slug: string) => `${tenantSlug}:${slug}`;

export async function createWatchlist(db: Db, input: TenantScope & { slug: string; name: string; actor: string }): Promise<WatchlistView> {
  if (!WATCHLIST_SLUG.test(input.slug)) {
    throw new AppError('validation_failed', 'A watchlist slug is 2–40 lower-case letters, digits or hyphens', [{ field: '/slug', message: 'invalid slug' }]);
  }
  const source = watchlistSource(input.tenantSlug, input.slug);
  await db.transaction(async (tx) => {
    if (!(await insertWatchlistSource(tx, { source, name: input.name, tenantId: input.tenantId }))) {
      throw new AppError('conflict', `The watchlist "${input.slug}" already exists`, [{ field: '/slug', message: 'already taken' }]);
    }
    await recordAuditEvent(tx, { tenantId: input.tenantId, actor: input.actor, action: 'watchlist.created', targetType: 'list_source', targetId: source, details: { slug: input.slug, name: input.name } });
  });
  return { slug: input.slug, name: input.name, source, activeVersion: null, activeVersionId: null, contentDigest: null, counts: {}, importedAt: null };
}

export async function listWatchlists(db: Db, scope: TenantScope): Promise<WatchlistView[]> {
  const prefix = `${scope.tenantSlug}:`;
  return (await findListSources(db, scope.tenantId)).map((row) => ({
    slug: row.slug.slice(prefix.length),
    name: row.name,
    source: row.slug,
    activeVersion: row.activeVersion ?? null,
    activeVersionId: row.activeVersionId ?? null,
    contentDigest: row.contentDigest ?? null,
    counts: row.counts ?? {},
    importedAt: row.importedAt ? new Date(row.importedAt).toISOString() : null,
  }));
}

/** The watchlist's source slug; 404 when the tenant has no such watchlist. */
async function ownSource(db: DbOrTx, scope: TenantScope, slug: string) {
  const source = watchlistSource(scope.tenantSlug, slug);
  const row = await findWatchlistSource(db, scope.tenantId, source);
  if (!row) throw notFound(`Watchlist "${slug}"`);
  return row;
}

/** The file as sent: JSON already parsed from the body, or a CSV byte stream. */
export type WatchlistContent = { json: unknown } | { csv: Readable };

export async function importWatchlist(
  deps: { db: Db; keyedHash: KeyedHash },
  input: TenantScope & { slug: string; content: WatchlistContent; allowShrink: boolean; actor: string },
): Promise<ImportOutcome> {
  const source = await ownSource(deps.db, input, input.slug);
  const parsed = 'json' in input.content ? parseWatchlistJson(input.content.json, deps.keyedHash) : await parseWatchlistCsv(input.content.csv, deps.keyedHash);
  return storeListVersion(deps.db, { source: source.slug, sourceName: source.name, tenantId: input.tenantId, parsed, importedBy: input.actor, allowShrink: input.allowShrink });
}

export async function watchlistVersions(db: Db, scope: TenantScope, slug: string) {
  return listVersions(db, (await ownSource(db, scope, slug)).slug);
}

export async function watchlistDiff(db: Db, scope: TenantScope, slug: string, version: number) {
  const diff = await diffListVersion(db, (await ownSource(db, scope, slug)).slug, version);
  return { ...diff, slug };
}

/**
 * After an approved `confirmed_match`: the case subject's identifiers (every link key its
 * screenings recorded) join the tenant's `confirmed-cases` watchlist as a new version, so the next
 * persona reusing any of them is blocked. Runs in the case's transaction: both happen or neither.
 */
export async function addConfirmedCase(tx: DbOrTx, input: { tenantId: string; caseId: string; subjectId: string; externalRef: string | null; actor: string }): Promise<void> {
  const tenant = await findTenantById(tx, input.tenantId);
  if (!tenant) throw new Error('the case belongs to no tenant');
  const keys = await findLinkKeysOfSubject(tx, input.subjectId);
  const identifiers: ListIdentifier[] = keys.map((key) => ({ kind: 'link_key', value: key.display, normalized: key.key, watchlistKind: watchlistKindOfLink(key.kind as LinkKind) }));
  const decisions = await findDecisionsOfCase(tx, input.caseId);
  const screenedName = decisions
    .map(({ decision }) => (decision.input as { subject?: { name?: string } } | null)?.subject?.name)
    .filter((name): name is string => typeof name === 'string')
    .at(-1);
  const entry = listEntryOf({
    sourceId: `case-${input.caseId}`,
    type: 'individual',
    name: screenedName ?? input.externalRef ?? `case ${input.caseId}`,
    names: screenedName ? [{ full: screenedName, kind: 'primary', strength: 'strong' }] : [],
    identifiers,
    remarks: `Confirmed match: case ${input.caseId}${input.externalRef ? ` (${input.externalRef})` : ''}`,
    attributes: { caseId: input.caseId, ...(input.externalRef ? { externalRef: input.externalRef } : {}) },
  });
  const source = watchlistSource(tenant.slug, CONFIRMED_CASES);
  await insertWatchlistSource(tx, { source, name: 'Confirmed matches (added on approval)', tenantId: input.tenantId });
  const active = await findListSource(tx, source);
  const previous = active?.activeVersionId ? (await findEntriesOfVersions(tx, [active.activeVersionId])).map((row) => row.data) : [];
  const entries = [...previous.filter((kept) => kept.sourceId !== entry.sourceId), entry];
  const digest = canonicalDigest([...entries].sort((a, b) => a.sourceId.localeCompare(b.sourceId)));
  await storeListVersion(tx, {
    source,
    sourceName: 'Confirmed matches (added on approval)',
    tenantId: input.tenantId,
    parsed: parsedInMemory('watchlist-confirmed-cases', entries, { files: [{ name: 'confirmed cases', role: 'watchlist', sha256: digest, bytes: 0, rows: entries.length }], warnings: [] }),
    importedBy: input.actor,
    // Only ever grows: this never drops an entry the reviewers confirmed.
    allowShrink: true,
  });
}
