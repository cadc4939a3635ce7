import type { EntryType, NameKind, NameStrength } from '../lists/list-entry.js';

/**
 * The explanation attached to every name-match result. It is part of the API contract and of
 * the audit record: field names and meanings only change with a new `version`. All numbers
 * are rounded to 4 decimals, so the same input always serialises to the same JSON.
 *
 * Reading it: `tokens` says which words of the query met which words of the listed name and
 * how; `components` lists every contribution to the score in order, and `score` is exactly
 * the sum of their `delta`s.
 */
export const EXPLANATION_VERSION = 2;
/*
 * Version 2 added: the `name-family` token match, a pair's `transliteration`, `titles` (what was
 * removed before comparing), the `gender` component, and birth-date penalties that grow with
 * the gap between the years.
 */

/**
 * How two tokens were found to correspond:
 * - `exact`: same word after normalisation (case, accents, punctuation, legal-form spelling);
 * - `transliterated`: same or close word once a non-Latin token was written in Latin letters
 *   (Владимир = Vladimir, 김 = Gim);
 * - `korean-variant`: different spellings of the same Korean syllables (Jong = Chong = Jeong,
 *   Ri = Lee = Yi = 이, Chongun = Jong Un);
 * - `fuzzy`: a misspelling or transliteration variant within the edit budget ("Sechin" ~
 *   "Sechn", "Hussein" ~ "Husayn"), or a related legal form ("Corp." ~ "Co.");
 * - `initial`: a single letter standing for a word ("V." for "Vladimir"), or an acronym for
 *   a run of words ("PLA" for People's Liberation Army);
 * - `name-family`: forms of one given name that spelling does not show (Muhammad = Mohamed,
 *   Aleksandr = Oleksandr, John = Juan = Ivan, Sasha = Aleksandr; given-names.table.ts).
 * Words run together on one side ("Jongun", "SiemensAG") pair with several tokens on the other.
 */
export type TokenMatchKind = 'exact' | 'transliterated' | 'korean-variant' | 'fuzzy' | 'initial' | 'name-family';

export interface TokenPairExplanation {
  /**
   * Query token as written, case-folded and without punctuation ("Jong-un" gives "jong" and
   * "un"); several tokens joined by a space when together they matched one word.
   */
  query: string;
  /** Listed-name token, likewise. */
  listed: string;
  /** Token similarity, 0..1. */
  score: number;
  how: TokenMatchKind;
  /**
   * How much the pair counts (mean of its tokens' weights): 1 for a distinctive word, less for
   * initials, generic organisation words, particles and legal forms.
   */
  weight: number;
  /**
   * When a side is in another script, the Latin reading compared and how it was made:
   * "金正恩 → gim jeong eun (hanja, Korean reading)", "Путин → putin (any-ascii)".
   */
  transliteration?: string;
}

export type ScoreComponentName =
  /** Token alignment score of the two names (0..1). */
  | 'tokens'
  /** fuse.js whole-name similarity: lowers the token score by fuseWeight × its shortfall. */
  | 'fuse'
  /** Only generic words, legal forms or particles matched: capped low. */
  | 'generic-only'
  /** One distinctive word matched while others on either side found nothing: capped. */
  | 'single-word'
  /** Person vs organisation (or vessel, aircraft) contradict. */
  | 'type'
  | 'birth-date'
  /** Query gender against the listed gender: a known different gender lowers the score. */
  | 'gender'
  | 'nationality'
  /** The listed name is a weak (low-quality) alias. */
  | 'weak-alias'
  /** Name-only evidence is capped below the band identifier matches reach. */
  | 'name-only-cap';

export interface ScoreComponent {
  component: ScoreComponentName;
  /** '+' raised the score, '-' lowered it, '=' no change (evidence neither way). */
  effect: '+' | '-' | '=';
  /** The component's own measurement when it has one (a similarity), else the delta. */
  value: number;
  /** Signed contribution to the final score. */
  delta: number;
  /** One sentence a reviewer can read ("listed birth years 1962, query 1984"). */
  detail: string;
}

export interface MatchExplanation {
  version: typeof EXPLANATION_VERSION;
  /** The query name as given. */
  queryName: string;
  /** The listed name it was compared with, as the list writes it. */
  matchedName: string;
  matchedNameKind?: NameKind;
  matchedNameStrength?: NameStrength;
  /** Types compared, when known. */
  queryType?: EntryType;
  listedType?: EntryType;
  /** Korean romanisation equivalences were applied (both names read as Korean). */
  korean: boolean;
  /** Corresponding tokens, in query order. */
  tokens: TokenPairExplanation[];
  /** Query tokens with no counterpart (case-folded, as in `tokens`). */
  unmatchedQuery: string[];
  /** Listed tokens with no counterpart. */
  unmatchedListed: string[];
  /** Titles and honorifics removed before comparing ("query: president", "listed: dr"). */
  titles?: string[];
  components: ScoreComponent[];
  /** Name similarity alone (tokens + fuse, after the generic-only cap), 0..1. */
  nameScore: number;
  /** Final score, 0..1: the sum of the components' deltas, clamped. */
  score: number;
  threshold: number;
  /** score >= threshold. */
  match: boolean;
}

export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
