/**
 * How old a list is. A version's age is the time since it was imported; a source is fresh as of
 * the later of its active version's import and the last fetch that found the same content again
 * (OFAC may publish nothing new for weeks: a list checked an hour ago is not stale for that).
 */

const HOUR_MS = 3_600_000;

/** Hours from `since` to `at`, to one decimal; never negative (instances' clocks differ a little). */
export function ageHours(since: Date, at: Date): number {
  return Math.max(0, Math.round((at.getTime() - since.getTime()) / (HOUR_MS / 10)) / 10);
}

export interface SourceFreshness {
  /** The active version's import, if there is one. */
  importedAt?: Date;
  /** The last fetch that succeeded, and whether it found the active version's content. */
  lastSuccessAt?: Date;
  lastSuccessConfirmsActive: boolean;
  /** When the source was configured: the reference while it has no version at all. */
  registeredAt: Date;
}

/** Since when the source is known to be current. */
export function freshAsOf(source: SourceFreshness): Date {
  if (!source.importedAt) return source.registeredAt;
  if (source.lastSuccessAt && source.lastSuccessConfirmsActive && source.lastSuccessAt > source.importedAt) return source.lastSuccessAt;
  return source.importedAt;
}

export function isStale(source: SourceFreshness, maxAgeHours: number, at: Date): boolean {
  return at.getTime() - freshAsOf(source).getTime() > maxAgeHours * HOUR_MS;
}

/**
 * The list versions a decision cites, each with its import time and its age when the decision
 * was made. Computed when the decision is read, never stored: the chained record stays as sealed.
 */
export function withListAges<Ref extends { versionId: string }>(
  refs: readonly Ref[],
  importedAt: ReadonlyMap<string, string>,
  decidedAt: Date,
): (Ref & { importedAt: string | null; ageHours: number | null })[] {
  return refs.map((ref) => {
    const at = importedAt.get(ref.versionId);
    return { ...ref, importedAt: at ?? null, ageHours: at === undefined ? null : ageHours(new Date(at), decidedAt) };
  });
}
