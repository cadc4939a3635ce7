/**
 * False-positive memory: reviewers who closed a case as `false_positive` said "this subject's name,
 * as screened, is not that listed name of that entry". Exactly that is remembered, per hit they
 * saw: list entry (source, id, content), rule, field, matched value (the subject's name and the
 * listed name variant it matched) and similarity. A later screening of the same subject has a hit
 * suppressed (`previouslyCleared`, 0 points, with the case and disposition that cleared it) only
 * when every one of those is the same and the similarity is not higher.
 *
 * Never suppressed, whatever was cleared: identifier hits (e-mail, wallet, phone, document,
 * domain, bank account: an exact identifier is not a look-alike a reviewer can rule out once and
 * for all), hits that force a block, and any hit on another entry, rule, field or value.
 */
import type { Hit } from '../rules/ruleset.js';

/** The disposition that cleared a hit, as a decision records it for auditors. */
export interface SuppressedBy {
  caseId: string;
  /** The case event that closed the case (a disposal, or the second reviewer's approval). */
  eventId: string;
  disposition: 'false_positive';
  clearedAt: string;
}

/** A hit as stored and returned: `previouslyCleared` and `suppressedBy` are set only by this memory. */
export type ScreenedHit = Hit & { previouslyCleared?: boolean; suppressedBy?: SuppressedBy };

/** What a disposition remembers of one hit. `value` is hashed by the caller before it is stored. */
export interface ClearedEvidence {
  source: string;
  sourceId: string;
  contentHash: string;
  ruleId: string;
  field: string;
  valueDigest: string;
  /** Thousandths, so the stored record holds no float. */
  similarity: number;
}

/** A remembered piece of evidence and the disposition it came from. */
export type RememberedEvidence = ClearedEvidence & Omit<SuppressedBy, 'disposition'>;

/** The text whose digest stands for a name hit's matched value (same in the migration's SQL). */
export const matchedValueText = (hit: Pick<Hit, 'value' | 'matchedName'>) => `${hit.value ?? ''}\u001f${hit.matchedName ?? ''}`;

export const similarityThousandths = (similarity: number) => Math.round(similarity * 1000);

type NameHit = Hit & { entry: NonNullable<Hit['entry']>; value: string; matchedName: string; similarity: number };

/**
 * Only a name match can be cleared: it has a listed name variant it matched and a similarity.
 * Identifier matches carry neither; hits that force a block are never softened.
 */
function isSuppressible(hit: ScreenedHit): hit is NameHit & ScreenedHit {
  return (
    hit.entry !== undefined &&
    typeof hit.value === 'string' &&
    typeof hit.matchedName === 'string' &&
    typeof hit.similarity === 'number' &&
    hit.forcesBlock !== true
  );
}

const evidenceKey = (evidence: Omit<ClearedEvidence, 'similarity'>) =>
  [evidence.source, evidence.sourceId, evidence.contentHash, evidence.ruleId, evidence.field, evidence.valueDigest].join('\u0000');

function evidenceOf(hit: NameHit, contentHash: string, digest: (text: string) => string): ClearedEvidence {
  return {
    source: hit.entry.source,
    sourceId: hit.entry.sourceId,
    contentHash,
    ruleId: hit.ruleId,
    field: hit.field,
    valueDigest: digest(matchedValueText(hit)),
    similarity: similarityThousandths(hit.similarity),
  };
}

/**
 * The evidence a false-positive disposition remembers: each suppressible hit of the case's
 * decisions once, at the highest similarity the reviewers saw. Hits already suppressed were
 * cleared before and stay with that disposition; entries no longer stored cannot match again.
 */
export function evidenceToRemember(hits: readonly ScreenedHit[], contentHashes: ReadonlyMap<string, string>, digest: (text: string) => string): ClearedEvidence[] {
  const seen = new Map<string, ClearedEvidence>();
  for (const hit of hits) {
    if (hit.previouslyCleared || !isSuppressible(hit)) continue;
    const contentHash = contentHashes.get(hit.entry.id);
    if (contentHash === undefined) continue;
    const evidence = evidenceOf(hit, contentHash, digest);
    const key = evidenceKey(evidence);
    const known = seen.get(key);
    if (!known || known.similarity < evidence.similarity) seen.set(key, evidence);
  }
  return [...seen.values()];
}

/** Whether a list is involved: any hit on a list entry (every stored name hit passed its rule's match threshold). */
export const holdsListHit = (hits: readonly Hit[]) => hits.some((hit) => hit.entry !== undefined);

/**
 * Marks each hit whose evidence was cleared (same entry content, rule, field and matched value,
 * similarity not higher). A marked hit adds no points and says which disposition cleared it; the
 * earliest disposition that covers it is named. Other hits are returned unchanged.
 */
export function markPreviouslyCleared(
  hits: readonly Hit[],
  contentHashes: ReadonlyMap<string, string>,
  remembered: readonly RememberedEvidence[],
  digest: (text: string) => string,
): { hits: ScreenedHit[]; clearedCount: number } {
  const byKey = new Map<string, RememberedEvidence[]>();
  for (const evidence of remembered) byKey.set(evidenceKey(evidence), [...(byKey.get(evidenceKey(evidence)) ?? []), evidence]);
  let clearedCount = 0;
  const marked = hits.map((hit): ScreenedHit => {
    if (!isSuppressible(hit)) return hit;
    const contentHash = contentHashes.get(hit.entry.id);
    if (contentHash === undefined) return hit;
    const evidence = evidenceOf(hit, contentHash, digest);
    const covering = (byKey.get(evidenceKey(evidence)) ?? [])
      .filter((candidate) => candidate.similarity >= evidence.similarity)
      .sort((a, b) => Date.parse(a.clearedAt) - Date.parse(b.clearedAt) || a.eventId.localeCompare(b.eventId))[0];
    if (!covering) return hit;
    clearedCount += 1;
    return {
      ...hit,
      points: 0,
      previouslyCleared: true,
      suppressedBy: { caseId: covering.caseId, eventId: covering.eventId, disposition: 'false_positive', clearedAt: covering.clearedAt },
    };
  });
  return { hits: marked, clearedCount };
}
