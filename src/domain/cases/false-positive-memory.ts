/**
 * False-positive memory: a reviewer who closed a case as `false_positive` said "this subject is
 * not that list entry". Later screenings of the same subject keep showing such hits, marked
 * `previouslyCleared`, but they no longer count, so they alone do not reopen a case. The memory
 * is keyed by the entry's content hash: once the list changes the entry, it is judged afresh.
 */
import type { Hit } from '../rules/ruleset.js';

export interface ClearedEntry {
  source: string;
  sourceId: string;
  contentHash: string;
}

/** A hit as stored and returned: `previouslyCleared` is set only by this memory. */
export type ScreenedHit = Hit & { previouslyCleared?: boolean };

export const clearedEntryKey = (entry: ClearedEntry) => `${entry.source}\u0000${entry.sourceId}\u0000${entry.contentHash}`;

/** The list entries a false-positive disposition remembers: those of the case's list hits. */
export function entriesToRemember(hits: readonly Hit[], contentHashes: ReadonlyMap<string, string>): ClearedEntry[] {
  const seen = new Map<string, ClearedEntry>();
  for (const hit of hits) {
    if (!hit.entry) continue;
    const contentHash = contentHashes.get(hit.entry.id);
    // An entry that is no longer stored cannot be matched again under the same hash anyway.
    if (contentHash === undefined) continue;
    const entry = { source: hit.entry.source, sourceId: hit.entry.sourceId, contentHash };
    seen.set(clearedEntryKey(entry), entry);
  }
  return [...seen.values()];
}

/**
 * Marks each list hit whose entry (same source, id and content) was cleared for this subject.
 * A marked hit adds no points and cannot force a block; unmarked hits are returned unchanged.
 */
export function markPreviouslyCleared(
  hits: readonly Hit[],
  contentHashes: ReadonlyMap<string, string>,
  cleared: ReadonlySet<string>,
): { hits: ScreenedHit[]; clearedCount: number } {
  let clearedCount = 0;
  const marked = hits.map((hit): ScreenedHit => {
    if (!hit.entry) return hit;
    const contentHash = contentHashes.get(hit.entry.id);
    if (contentHash === undefined || !cleared.has(clearedEntryKey({ source: hit.entry.source, sourceId: hit.entry.sourceId, contentHash }))) return hit;
    clearedCount += 1;
    const { forcesBlock: _dropped, ...rest } = hit;
    return { ...rest, points: 0, previouslyCleared: true };
  });
  return { hits: marked, clearedCount };
}
