import { listEntryOf, type ListEntry } from '../../src/domain/lists/list-entry.js';
import { insertActiveListVersion } from '../../src/db/repositories/lists.repository.js';
import type { Db } from '../../src/db/client.js';

/** Builds a ListEntry with only what a test cares about. */
export function listEntry(partial: Partial<ListEntry> & { sourceId: string; name: string }): ListEntry {
  return listEntryOf({ type: 'individual', names: [{ full: partial.name, kind: 'primary', strength: 'strong' }], programs: ['DPRK3'], ...partial });
}

export async function loadTestList(db: Db, source: string, entries: ListEntry[]) {
  return db.transaction((tx) =>
    insertActiveListVersion(tx, {
      source,
      sourceName: source,
      format: 'test',
      contentDigest: `test-${source}-${entries.length}-${entries.map((entry) => entry.sourceId).join(',')}`,
      files: [],
      counts: { entries: entries.length },
      importedBy: 'test',
      entries,
    }),
  );
}
