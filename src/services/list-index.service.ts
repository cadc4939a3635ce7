import { LRUCache } from 'lru-cache';
import type { Db, DbOrTx } from '../db/client.js';
import { findActiveListVersions, findEntriesOfVersions } from '../db/repositories/lists.repository.js';
import type { ListVersionRef } from '../db/schema/index.js';
import type { ListEntry } from '../domain/lists/list-entry.js';
import type { NameCandidate, NameQuery } from '../domain/rules/evaluation-context.js';
import { buildMatchIndex, searchIndex, type MatchOptions } from '../domain/screening/index.js';

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
    })),
  );
  // The same names come back again and again (employers, vendors, common names, a batch that
  // repeats an applicant), and a search is the dearest step of a screening. A snapshot never
  // changes, so its answers can be kept; a new list version brings a new snapshot and cache.
  const answers = new LRUCache<string, readonly NameCandidate[]>({ max: SEARCHES_KEPT });
  return {
    versions,
    searchNames(query, options) {
      const key = JSON.stringify([query.name, query.birthDate, query.nationality, options.threshold, options.limit, options.match]);
      let found = answers.get(key);
      if (!found) {
        found = Object.freeze(searchIndex(index, { ...query, threshold: options.threshold, limit: options.limit }, options.match ?? {}));
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
  return buildSnapshot(versions, await entriesOf(db, versions));
}

async function entriesOf(db: DbOrTx, versions: readonly ListVersionRef[]) {
  const entries = await findEntriesOfVersions(db, versions.map((version) => version.versionId));
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Holds the matching index built from the active list versions. Rebuilt only when the set of
 * active versions changes, so a refresh that finds nothing new costs one small query.
 */
/** Something that builds its own copy of each snapshot the holder builds (evaluation-offload.ts). */
export interface SnapshotMirror {
  load(versions: ListVersionRef[], entries: { id: string; source: string; data: ListEntry }[]): void;
}

export class ListIndexHolder {
  private snapshot: ListSnapshot = buildSnapshot([], []);
  private key = '';
  /** Import time of each version of the snapshot: decisions show how old their lists were. */
  private importTimes = new Map<string, string>();
  private mirror: SnapshotMirror | undefined;

  /**
   * From now on, every snapshot built is also sent to `mirror`, starting with the current one's
   * (read again only if this holder has already loaded lists).
   */
  async mirrorTo(db: Db, mirror: SnapshotMirror): Promise<void> {
    this.mirror = mirror;
    const versions = this.snapshot.versions;
    if (versions.length > 0) mirror.load(versions, await entriesOf(db, versions));
  }

  current(): ListSnapshot {
    return this.snapshot;
  }

  importedAtOf(versionId: string): string | undefined {
    return this.importTimes.get(versionId);
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
    const entries = await entriesOf(db, versions);
    this.snapshot = buildSnapshot(versions, entries);
    this.importTimes = new Map(active.map((version) => [version.id, new Date(version.importedAt).toISOString()]));
    this.key = key;
    this.mirror?.load(versions, entries);
    return true;
  }
}
