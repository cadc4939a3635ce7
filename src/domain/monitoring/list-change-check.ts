/**
 * Delta screening: when only list data changed since a subject was last checked (same ruleset),
 * its screening can change only through the list entries that differ between the two versions
 * (added, removed, or changed: old and new content both count). Matching is per entry (whether
 * a name matches one entry does not depend on the others), so a subject that matches none of
 * those entries, by name or by identifier, gets the same list hits as before. Only subjects
 * this check flags are screened again in full.
 */
import { evaluateRuleset, NO_LOOKUP_ANSWERS, type NameCandidate, type NameQuery } from '../rules/evaluate.js';
import type { Ruleset } from '../rules/ruleset.js';
import type { ScreeningSubject } from '../rules/screening-subject.js';
import type { IdentifierLookup } from '../rules/subject-lookups.js';

/** Evaluator kinds that never consult list data: skipped by the check, which is about lists. */
const LIST_INDEPENDENT_KINDS = new Set(['country_set', 'field_value', 'field_consistency', 'login_behaviour', 'subject_link', 'profile_change']);

export interface ListChanges {
  /** A name search over the changed entries only (old and new content). */
  searchNames(query: NameQuery, options: { threshold: number; limit: number }): readonly NameCandidate[];
  /** `identifierKey`s of every identifier of the changed entries. */
  identifierKeys: ReadonlySet<string>;
}

export const identifierKey = (kind: string, normalized: string) => `${kind}\u0000${normalized}`;

/** The rules of a ruleset that can react to list data; run with the changed entries only. */
export function listDependentRules(ruleset: Ruleset): Ruleset {
  return { ...ruleset, rules: ruleset.rules.filter((rule) => !LIST_INDEPENDENT_KINDS.has(rule.kind)) };
}

export function isTouchedByListChanges(
  subject: ScreeningSubject,
  identifiers: readonly IdentifierLookup[],
  listRules: Ruleset,
  changes: ListChanges,
): boolean {
  if (identifiers.some((lookup) => changes.identifierKeys.has(identifierKey(lookup.kind, lookup.normalized)))) return true;
  let touched = false;
  // The rules issue their own queries (targets, thresholds, limits): any candidate at all among
  // the changed entries means the full search could come out differently.
  evaluateRuleset(subject, listRules, {
    ...NO_LOOKUP_ANSWERS,
    searchNames: (query, options) => {
      const found = changes.searchNames(query, options);
      if (found.length > 0) touched = true;
      return found;
    },
  });
  return touched;
}

export interface VersionChange {
  source: string;
  /** The version the subject was last checked against; null when the source was not active then. */
  from: string | null;
  /** The active version now; null when the source has no active version any more. */
  to: string | null;
}

/**
 * Per list source, the version a subject was last checked against and the active one, where
 * they differ. `undefined` when a basis version cannot be placed (unknown id): check in full.
 */
export function listVersionChanges(
  basisVersionIds: readonly string[],
  current: readonly { source: string; versionId: string }[],
  sourceOf: (versionId: string) => string | undefined,
): VersionChange[] | undefined {
  const before = new Map<string, string>();
  for (const versionId of basisVersionIds) {
    const source = sourceOf(versionId);
    if (source === undefined) return undefined;
    before.set(source, versionId);
  }
  const after = new Map(current.map((ref) => [ref.source, ref.versionId]));
  const sources = [...new Set([...before.keys(), ...after.keys()])].sort();
  return sources.flatMap((source) => {
    const from = before.get(source) ?? null;
    const to = after.get(source) ?? null;
    return from === to ? [] : [{ source, from, to }];
  });
}

export const versionChangesKey = (changes: readonly VersionChange[]) => changes.map((change) => `${change.source}:${change.from ?? '-'}>${change.to ?? '-'}`).join(',');
