import { LRUCache } from 'lru-cache';
import type { Db, DbOrTx } from '../db/client.js';
import { findActiveListVersions, findEntriesOfVersions } from '../db/repositories/lists.repository.js';
import type { ListVersionRef } from '../db/schema/index.js';
import { entryParticulars, type ListEntry } from '../domain/lists/list-entry.js';
import type { EntryParticular, NameCandidate, NameQuery } from '../domain/rules/evaluation-context.js';
import { buildMatchIndex, genderOf, searchIndex, type MatchOptions } from '../domain/screening/index.js';

export interface ListSnapshot {
  /** Versions the in-memory index was built from; decisions cite exactly these. */
  versions: ListVersionRef[];
  /** Candidates best first; shared between callers that ask the same, so never changed by them. */
  searchNames(query: NameQuery, options: { threshold: number; limit: number; match?: MatchOptions }): readonly NameCandidate[];
}

/** Also used on its own by monitoring, over just the entries that changed between two versions. */
export function buildSnapshot(versions: ListVersionRef[], entries: { id: string; source: string; data: ListEntry }[]): ListSnapshot {
  const index = buildMatchIndex(
    entries.map((entry) => ({
      id: entry.id,
      source: entry.source,
      sourceId: entry.data.sourceId,
      type: entry.data.type,
      name: entry.data.name,
      names: entry.data.names,
      programs: entry.data.programs,
      birthDates: entry.data.birthDates,
      nationalities: entry.data.nationalities,
      gender: genderOf(entry.data.attributes.gender),
    })),
  );
  // The same names come back again and again (employers, vendors, common names, a batch that
  // repeats an applicant), and a search is the dearest step of a screening. A snapshot never
  // changes, so its answers can be kept; a new list version brings a new snapshot and cache.
  const answers = new LRUCache<string, readonly NameCandidate[]>({ max: SEARCHES_KEPT });
  // What each entry gives besides names, for rules that weigh a name-only match by it.
  // At most 16 different answers, shared, so a large list costs one map entry per entry.
  const shared = new Map<string, readonly EntryParticular[]>();
  const particulars = new Map(
    entries.map((entry) => {
      const found = entryParticulars(entry.data);
      const key = found.join(',');
      if (!shared.has(key)) shared.set(key, Object.freeze(found));
      return [entry.id, shared.get(key)!] as const;
    }),
  );
  return {
    versions,
    searchNames(query, options) {
      const key = JSON.stringify([query.name, query.type, query.birthDate, query.nationality, query.gender, query.sources, options.threshold, options.limit, options.match]);
      let found = answers.get(key);
      if (!found) {
        const results = searchIndex(index, { ...query, threshold: options.threshold, limit: options.limit }, options.match ?? {});
        found = Object.freeze(results.map((result) => ({ ...result, entry: { ...result.entry, particulars: particulars.get(result.entry.id) ?? [] } })));
        answers.set(key, found);
      }
      return found;
    },
  };
}

/** Searches remembered per snapshot: a few MB at most. */
const SEARCHES_KEPT = 10_000;

/**
 * The matching index of exactly these list versions, active or not: what the screening index is
 * built from, and what a replay rebuilds for the versions a decision cites. Entries are indexed
 * in id order so the same versions always give the same index (ties in a search come out the same).
 */
export async function loadListSnapshot(db: DbOrTx, versions: ListVersionRef[]): Promise<ListSnapshot> {
  // Built as the holder builds a tenant's view (combineSnapshots), so ties come out the same.
  const global = versions.filter((version) => !isWatchlistSource(version.source));
  const own = versions.filter((version) => isWatchlistSource(version.source));
  const globalSnapshot = buildSnapshot(global, await entriesOf(db, global));
  return own.length === 0 ? globalSnapshot : combineSnapshots(globalSnapshot, buildSnapshot(own, await entriesOf(db, own)));
}

/** A tenant's watchlist (`<tenant>:<slug>`), not a global list: global slugs have no colon. */
export const isWatchlistSource = (source: string) => source.includes(':');

async function entriesOf(db: DbOrTx, versions: readonly ListVersionRef[]) {
  const entries = await findEntriesOfVersions(db, versions.map((version) => version.versionId));
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A tenant's view: the global snapshot and the tenant's own watchlists together. Decisions cite
 * both sets of versions; a name search answers from both, best first (global first on a tie).
 */
export function combineSnapshots(global: ListSnapshot, own: ListSnapshot): ListSnapshot {
  return {
    versions: [...global.versions, ...own.versions],
    searchNames(query, options) {
      const found = [...global.searchNames(query, options), ...own.searchNames(query, options)];
      // A stable sort keeps each side's own order among equal scores.
      return found.sort((a, b) => b.score - a.score).slice(0, options.limit);
    },
  };
}

/** Something that builds its own copy of each snapshot the holder builds (evaluation-offload.ts). */
export interface SnapshotMirror {
  load(versions: ListVersionRef[], entries: { id: string; source: string; data: ListEntry }[]): void;
}

const refOf = (version: { source: string; id: string; version: number; contentDigest: string }): ListVersionRef => ({
  source: version.source,
  versionId: version.id,
  version: version.version,
  contentDigest: version.contentDigest,
});

/**
 * Holds the matching index built from the active versions of the global lists, and for each
 * tenant with watchlists, an index of those and the two combined. Each is rebuilt only when its
 * set of active versions changes, so a refresh that finds nothing new costs one small query.
 */
export class ListIndexHolder {
  private snapshot: ListSnapshot = buildSnapshot([], []);
  private key = '';
  /** Import time of each version of the snapshot: decisions show how old their lists were. */
  private importTimes = new Map<string, string>();
  private mirror: SnapshotMirror | undefined;
  /** Per tenant with an active watchlist version: its versions' key and its combined snapshot. */
  private tenants = new Map<string, { key: string; own: ListSnapshot; combined: ListSnapshot }>();

  /**
   * From now on, every global snapshot built is also sent to `mirror`, starting with the current
   * one's (read again only if this holder has already loaded lists). Tenants' combined snapshots
   * stay here: a screening citing one is evaluated on the calling thread.
   */
  async mirrorTo(db: Db, mirror: SnapshotMirror): Promise<void> {
    this.mirror = mirror;
    const versions = this.snapshot.versions;
    if (versions.length > 0) mirror.load(versions, await entriesOf(db, versions));
  }

  /** The global lists only: what the operator's data gives every tenant. */
  current(): ListSnapshot {
    return this.snapshot;
  }

  /** What a tenant's screenings use: the global lists and the tenant's own watchlists. */
  forTenant(tenantId: string): ListSnapshot {
    return this.tenants.get(tenantId)?.combined ?? this.snapshot;
  }

  /** Whether an index here was built from this version (global or any tenant's watchlist). */
  holds(versionId: string): boolean {
    return this.snapshot.versions.some((ref) => ref.versionId === versionId) || [...this.tenants.values()].some((held) => held.own.versions.some((ref) => ref.versionId === versionId));
  }

  /** When an active version (global or a watchlist) was imported, for its age in decisions. */
  importedAtOf(versionId: string): string | undefined {
    return this.importTimes.get(versionId);
  }

  async refresh(db: Db): Promise<boolean> {
    const active = await findActiveListVersions(db);
    const global = active.filter((version) => version.tenantId === null);
    const key = global.map((version) => version.id).join(',');
    const globalChanged = key !== this.key || this.key === '';
    let changed = globalChanged;
    if (globalChanged) {
      const versions = global.map(refOf);
      const entries = await entriesOf(db, versions);
      this.snapshot = buildSnapshot(versions, entries);
      this.key = key;
      this.mirror?.load(versions, entries);
    }
    const byTenant = new Map<string, typeof active>();
    for (const version of active) {
      if (version.tenantId !== null) byTenant.set(version.tenantId, [...(byTenant.get(version.tenantId) ?? []), version]);
    }
    const tenants = new Map<string, { key: string; own: ListSnapshot; combined: ListSnapshot }>();
    for (const [tenantId, versions] of byTenant) {
      const tenantKey = versions.map((version) => version.id).join(',');
      const held = this.tenants.get(tenantId);
      if (held && held.key === tenantKey) {
        // Recombined when the global side changed, so it always pairs the current global snapshot.
        tenants.set(tenantId, globalChanged ? { ...held, combined: combineSnapshots(this.snapshot, held.own) } : held);
        continue;
      }
      const refs = versions.map(refOf);
      const own = buildSnapshot(refs, await entriesOf(db, refs));
      tenants.set(tenantId, { key: tenantKey, own, combined: combineSnapshots(this.snapshot, own) });
      changed = true;
    }
    if (tenants.size !== this.tenants.size) changed = true;
    this.importTimes = new Map(active.map((version) => [version.id, new Date(version.importedAt).toISOString()]));
    this.tenants = tenants;
    return changed;
  }
}
