/**
 * What an evaluator may consult besides the subject. Everything is precomputed by the service
 * (lists, other subjects) so evaluation is synchronous, pure and replayable from stored data.
 */
import type { EntryType, IdentifierKind } from '../lists/list-entry.js';
import type { IpIntelligence } from './login-locations.js';
import type { CheckedRule } from './rule.schema.js';
import type { Hit } from './ruleset.js';
import type { ScreeningSubject } from './screening-subject.js';
import type { LinkKey, LinkKind, Lookups } from './subject-lookups.js';

/** What a list entry gives that can tell its person from a namesake. */
export const ENTRY_PARTICULARS = ['birth-date', 'nationality', 'identifier', 'address'] as const;
export type EntryParticular = (typeof ENTRY_PARTICULARS)[number];

export interface NameCandidate {
  entry: {
    id: string;
    source: string;
    sourceId: string;
    name: string;
    type: string;
    programs: string[];
    /**
     * What the entry lists besides names: birth dates, nationalities or citizenships, identity
     * documents, a street address (a country, region or city alone is not one). Empty: the entry
     * cannot be told apart from a namesake. Absent: not known (the caller did not say).
     */
    particulars?: readonly EntryParticular[];
  };
  matchedName: string;
  /** 0..1 */
  score: number;
  explanation: unknown;
}

export interface NameQuery {
  name: string;
  type?: EntryType;
  birthDate?: string;
  /** Every country the subject belongs to (nationality, citizenships, identity documents): one listed agrees, none listed contradicts. */
  nationality?: string | readonly string[];
  gender?: 'male' | 'female';
  /** Only entries of these list sources. */
  sources?: readonly string[];
}

/** A list identifier equal to one of the subject's identifier lookups. */
export interface IdentifierMatch {
  kind: IdentifierKind;
  normalized: string;
  /** Issuing country of a listed document, when the list gives one. */
  country?: string;
  entry: {
    id: string;
    source: string;
    sourceId: string;
    name: string;
    type?: string;
    /** The entry's attributes; `confidence: 'low'` marks curated leads that must not block alone. */
    attributes?: Readonly<Record<string, string>>;
  };
}

/** Another subject of the same tenant holding one of this subject's link keys. */
export interface LinkedSubject {
  key: string;
  /** The role the value has on the other subject (its stored link kind). */
  kind: LinkKind;
  /** The other subject's `externalRef` (or another stable reference the service chooses). */
  externalRef: string;
  /**
   * The other subject's legal name, or its `nameKeyOf` form as stored with the link keys: the
   * same name is the same person applying again. Absent means "another person".
   */
  name?: string;
}

/**
 * A rule needed holders of a key beyond those the lookup gave (`linkedSubjectsCut`): evaluate
 * again with every holder. Thrown rather than answered, so that no decision rests on a cut list.
 */
export class LinkedSubjectsCut extends Error {
  constructor() {
    super('a subject_link rule reads more holders of a key than were looked up');
    this.name = 'LinkedSubjectsCut';
  }
}

/** One key as other subjects hold it in one role. */
export interface LinkedGroup {
  key: string;
  kind: LinkKind;
}

export interface EvaluationContext {
  searchNames(query: NameQuery, options: { threshold: number; limit: number }): readonly NameCandidate[];
  /** Exactly what `collectLookups(subject, hash)` returned: the answers below refer to it. */
  lookups: Lookups;
  /** List identifiers equal to `lookups.identifiers` (any order, duplicates allowed). */
  identifierMatches: readonly IdentifierMatch[];
  /** Other subjects' keys equal to `lookups.links` keys (earliest first). */
  linkedSubjects: readonly LinkedSubject[];
  /**
   * Groups of `linkedSubjects` cut to their earliest holders (a farm's key brings up to 200 and a
   * rule reads about 20). A rule that would read past a cut group throws `LinkedSubjectsCut`,
   * and the caller evaluates again with every holder. Absent: nothing was cut.
   */
  linkedSubjectsCut?: readonly LinkedGroup[];
  /**
   * Link keys stored at the previous screening of the same `externalRef`, if any: what changed
   * since then is a signal of its own (contact, payee and address churn).
   */
  previousLinkKeys?: readonly LinkKey[];
  /**
   * The service's own geolocation of the login IPs (login-locations.ts). Absent: no lookup was
   * made (a decision from before IP intelligence), and login rules use the caller's countries.
   */
  ipIntelligence?: IpIntelligence;
}

/** A context with no list identifiers, no other subjects and no history. */
export const NO_LOOKUP_ANSWERS: Pick<EvaluationContext, 'lookups' | 'identifierMatches' | 'linkedSubjects'> = Object.freeze({
  lookups: Object.freeze({ identifiers: [], links: [] }),
  identifierMatches: [],
  linkedSubjects: [],
});

export type RuleOfKind<K extends CheckedRule['kind']> = Extract<CheckedRule, { kind: K }> & { version: number };

export type Evaluator<R extends CheckedRule & { version: number }> = (subject: ScreeningSubject, rule: R, context: EvaluationContext) => Hit[];

/** The part of every hit that names the rule. */
export function hitOf(rule: CheckedRule & { version: number }, details: Omit<Hit, 'ruleId' | 'ruleVersion' | 'indicatorIds'>): Hit {
  return { ruleId: rule.key, ruleVersion: rule.version, indicatorIds: [...rule.indicatorIds], ...details };
}
