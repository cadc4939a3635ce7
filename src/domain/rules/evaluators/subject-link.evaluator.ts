import type { Hit } from '../ruleset.js';
import { hitOf, LinkedSubjectsCut, type Evaluator, type LinkedSubject, type RuleOfKind } from '../evaluation-context.js';
import { bestNameSimilarity } from '../name-similarity.js';

/** Enough for a reviewer to open the other cases; the full list is one query away. */
const MAX_RELATED = 20;

/**
 * Other people a rule reads per key at most before it has enough to fire and to name: holders
 * after them change nothing (the rule's own walk below stops there).
 */
export const holdersEnough = (params: { minSubjects: number }) => Math.max(params.minSubjects, MAX_RELATED);

/**
 * The same e-mail, phone, address, payment account, document, IP or photo already seen on
 * other subjects with other names: one operator behind several personas, or one residence
 * receiving laptops for several hires (FBI24 laptop farms, FBI25 cross-applicant checks).
 */
export const subjectLink: Evaluator<RuleOfKind<'subject_link'>> = (subject, rule, context) => {
  const { kinds, otherKinds, minSubjects, sameNameSimilarity } = rule.params;
  const own = new Set(kinds);
  const other = new Set(otherKinds);
  const names = [subject.name, ...(subject.aliases ?? [])];
  const byKey = new Map<string, LinkedSubject[]>();
  for (const linked of context.linkedSubjects) {
    const holders = byKey.get(linked.key);
    if (holders) holders.push(linked);
    else byKey.set(linked.key, [linked]);
  }
  const sameName = new Map<string, boolean>();
  const isSamePerson = (linked: LinkedSubject) => {
    if (linked.name === undefined) return false;
    let same = sameName.get(linked.name);
    if (same === undefined) {
      same = bestNameSimilarity(linked.name, names) >= sameNameSimilarity;
      sameName.set(linked.name, same);
    }
    return same;
  };
  const ownHome = new Set(
    rule.params.exceptOwnHome ? context.lookups.links.filter((link) => link.kind === 'residence_address' || link.kind === 'id_document_address').map((link) => link.key) : [],
  );
  const enough = holdersEnough(rule.params);
  const hits: Hit[] = [];
  for (const link of context.lookups.links) {
    if (!own.has(link.kind)) continue;
    if (link.kind === 'shipping_address' && ownHome.has(link.key)) continue;
    const related: string[] = [];
    const holders = byKey.get(link.key) ?? [];
    let read = 0;
    for (; read < holders.length; read += 1) {
      // Enough to fire and to name: who comes after changes nothing, so their names are not
      // compared (a key a whole farm shares brings up to 200 holders; issue 21).
      if (related.length >= enough) break;
      const linked = holders[read]!;
      if (!other.has(linked.kind)) continue;
      if (subject.externalRef !== undefined && linked.externalRef === subject.externalRef) continue;
      if (related.includes(linked.externalRef) || isSamePerson(linked)) continue;
      related.push(linked.externalRef);
    }
    if (context.linkedSubjectsCut && readPastCut(context.linkedSubjectsCut, link.key, other, holders, read)) throw new LinkedSubjectsCut();
    if (related.length < minSubjects) continue;
    hits.push(hitOf(rule, { points: rule.weight, field: link.field, value: link.display, related: related.slice(0, MAX_RELATED) }));
  }
  return hits;
};

/**
 * Whether the walk over `holders` may have gone past what a cut group left out: it did not if
 * every group of a kind it reads still has a holder it did not reach, since each group's missing
 * holders come after its last one given (time order), so after everything the walk read.
 */
function readPastCut(cut: readonly { key: string; kind: string }[], key: string, kinds: ReadonlySet<string>, holders: readonly LinkedSubject[], read: number): boolean {
  for (const group of cut) {
    if (group.key !== key || !kinds.has(group.kind)) continue;
    let left = false;
    for (let i = read; i < holders.length && !left; i += 1) left = holders[i]!.kind === group.kind;
    if (!left) return true;
  }
  return false;
}
