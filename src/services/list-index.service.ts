import Fuse from 'fuse.js';
import type { Db, DbOrTx } from '../db/client.js';
import { findActiveListVersions, findEntriesOfVersions } from '../db/repositories/lists.repository.js';
import type { ListVersionRef } from '../db/schema/index.js';
import type { NameCandidate } from '../domain/rules/evaluate.js';

export interface ListSnapshot {
  /** Versions the in-memory index was built from; decisions cite exactly these. */
  versions: ListVersionRef[];
  searchNames(query: { name: string }, options: { threshold: number; limit: number }): NameCandidate[];
}

/** Order-free comparison key: "KIM, Sang Man" and "Sang Man Kim" give the same key. */
const sortedTokens = (name: string) =>
  name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .sort()
    .join(' ');

interface IndexedName {
  entryIndex: number;
  name: string;
  key: string;
}

function buildSnapshot(
  versions: ListVersionRef[],
  entries: { id: string; source: string; data: { sourceId: string; name: string; type: string; programs: string[]; names: { full: string }[] } }[],
): ListSnapshot {
  const names: IndexedName[] = entries.flatMap((entry, entryIndex) => entry.data.names.map((name) => ({ entryIndex, name: name.full, key: sortedTokens(name.full) })));
  const fuse = new Fuse(names, { keys: ['key'], includeScore: true, ignoreLocation: true, threshold: 0.4 });
  return {
    versions,
    searchNames(query, options) {
      const results: NameCandidate[] = [];
      for (const result of fuse.search(sortedTokens(query.name), { limit: options.limit * 4 })) {
        const similarity = 1 - (result.score ?? 1);
        if (similarity < options.threshold) continue;
        const entry = entries[result.item.entryIndex];
        if (!entry) continue;
        results.push({
          entry: { id: entry.id, source: entry.source, sourceId: entry.data.sourceId, name: entry.data.name, type: entry.data.type, programs: entry.data.programs },
          matchedName: result.item.name,
          score: similarity,
          explanation: { method: 'fuse', fuseScore: result.score },
        });
      }
      return results.slice(0, options.limit);
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
