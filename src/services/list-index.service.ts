import type { Db, DbOrTx } from '../db/client.js';
import { findActiveListVersions, findEntriesOfVersions } from '../db/repositories/lists.repository.js';
import type { ListVersionRef } from '../db/schema/index.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import type { NameCandidate, NameQuery } from '../domain/rules/evaluation-context.js';
import { buildMatchIndex, searchIndex, type MatchOptions } from '../domain/screening/index.js';

export interface ListSnapshot {
  /** Versions the in-memory index was built from; decisions cite exactly these. */
  versions: ListVersionRef[];
  searchNames(query: NameQuery, options: { threshold: number; limit: number; match?: MatchOptions }): NameCandidate[];
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
    })),
  );
  return {
    versions,
    searchNames(query, options) {
      return searchIndex(index, { ...query, threshold: options.threshold, limit: options.limit }, options.match ?? {});
    },
  };
}

/**
 * The matching index of exactly these list versions, active or not: what the screening index is
 * built from, and what a replay rebuilds for the versions a decision cites. Entries are indexed
 * in id order so the same versions always give the same index (ties in a search come out the same).
 */
export async function loadListSnapshot(db: DbOrTx, versions: ListVersionRef[]): Promise<ListSnapshot> {
  const entries = await findEntriesOfVersions(db, versions.map((version) => version.versionId));
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return buildSnapshot(versions, entries);
}

/**
 * Holds the matching index built from the active list versions. Rebuilt only when the set of
 * active versions changes, so a refresh that finds nothing new costs one small query.
 */
export class ListIndexHolder {
  private snapshot: ListSnapshot = buildSnapshot([], []);
  private key = '';

  current(): ListSnapshot {
    return this.snapshot;
  }

  async refresh(db: Db): Promise<boolean> {
    const active = await findActiveListVersions(db);
    const key = active.map((version) => version.id).join(',');
    if (key === this.key && this.key !== '') return false;
    const versions = active.map((version) => ({
      source: version.source,
      versionId: version.id,
      version: version.version,
      contentDigest: version.contentDigest,
    }));
    this.snapshot = await loadListSnapshot(db, versions);
    this.key = key;
    return true;
  }
}
