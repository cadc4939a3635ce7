import type { IFuseOptions } from 'fuse.js';

/**
 * Tunable parameters of name matching. Rule sets store them as JSON parameters, so every field
 * is optional plain data; `resolveMatchOptions` fills the defaults.
 */

/** The fuse.js options that make sense for comparing two names (all JSON-safe). */
export type FuseMatchOptions = Pick<
  IFuseOptions<string>,
  'threshold' | 'distance' | 'location' | 'ignoreLocation' | 'findAllMatches' | 'minMatchCharLength'
>;

export interface MatchOptions {
  /** fuse.js options for its whole-name score; unknown keys are ignored. */
  fuse?: FuseMatchOptions | undefined;
  /**
   * How much fuse.js may take off the token score, 0..1: the name score is
   * tokenScore × (1 − fuseWeight × (1 − fuseSimilarity)). fuse.js can lower, never raise.
   */
  fuseWeight?: number | undefined;
  /** Score at or above which a result counts as a match (searchIndex default threshold). */
  threshold?: number | undefined;
  /** Most candidates that retrieval hands to full scoring per query. */
  maxCandidates?: number | undefined;
}

export interface ResolvedMatchOptions {
  fuse: FuseMatchOptions;
  fuseWeight: number;
  threshold: number;
  maxCandidates: number;
}

/**
 * Default threshold, chosen on the nomenklatura name-pair benchmark and our own SDN/UN query
 * set (scripts/eval-matching.ts prints both). Benchmark F1 is nearly flat from 0.60 to 0.70
 * (0.840–0.851) because one conflicting word halves a score (0.95 → ~0.48) and the caps sit
 * at 0.45–0.55, so scores cluster outside that band. 0.70 is the precise end of the plateau
 * (fewest false alerts) and still finds 99.6% of our list queries; below 0.55 the capped
 * partial matches would alert.
 */
export const DEFAULT_MATCH_THRESHOLD = 0.7;
export const DEFAULT_THRESHOLD_RATIONALE =
  'precise end of the near-flat F1 region (0.60–0.70) on the nomenklatura benchmark, where false alerts are fewest, with list-query recall still ≥ 0.97';

/**
 * Bitap with the location penalty off: a name's surname can sit anywhere in the other name.
 * threshold 0.4 is a little stricter than fuse's 0.6 default, which accepts half-matching
 * strings as hits.
 */
export const DEFAULT_FUSE_OPTIONS: Readonly<FuseMatchOptions> = {
  threshold: 0.4,
  ignoreLocation: true,
  findAllMatches: false,
  minMatchCharLength: 1,
};

/**
 * fuse.js is a whole-string view (Bitap on the sorted, normalised names); the token alignment
 * carries the judgement, fuse.js can trim up to a tenth of it when the strings disagree.
 */
export const DEFAULT_FUSE_WEIGHT = 0.1;
/**
 * Names scored in full per query. The true name ranks near the top of retrieval (it shares the
 * query's rarest words); 24 leaves room for many same-named entries at a p50 under 0.5 ms.
 */
export const DEFAULT_MAX_CANDIDATES = 24;

/** Name-only evidence never reaches the band that identifier matches (e-mail, wallet) own. */
export const NAME_ONLY_SCORE_CAP = 0.95;

/**
 * Score changes from what is known besides the name. Agreement adds little: it confirms, it
 * cannot make a weak name match strong. A birth year a decade or more away (birthYearGapMax,
 * reached in proportion to the gap: see discriminators.ts) takes even an exact name (0.95)
 * below the default threshold (0.70) on its own: people born ten years apart are different
 * people, and a year or two of slack covers the lists' "circa" and wrong documents. A
 * contradicting nationality or gender alone does not (dual nationals, data-entry slips), but
 * either with a few years' gap does.
 */
export const DISCRIMINATOR_WEIGHTS = {
  birthDateExact: 0.04,
  birthYear: 0.02,
  birthYearGapMax: -0.3,
  nationality: 0.02,
  nationalityContradiction: -0.15,
  genderContradiction: -0.15,
  typeContradiction: -0.2,
  weakAlias: -0.1,
} as const;

const FUSE_KEYS = ['threshold', 'distance', 'location', 'ignoreLocation', 'findAllMatches', 'minMatchCharLength'] as const;

export function resolveMatchOptions(options: MatchOptions = {}): ResolvedMatchOptions {
  const fuse: FuseMatchOptions = { ...DEFAULT_FUSE_OPTIONS };
  // Copy only known keys: options come from stored JSON and fuse.js throws on some others
  // (useTokenSearch) or changes the query language (useExtendedSearch).
  const given = (options.fuse ?? {}) as Record<string, unknown>;
  for (const key of FUSE_KEYS) {
    const value = given[key];
    if (value !== undefined) (fuse as Record<string, unknown>)[key] = value;
  }
  const maxCandidates = Number.isFinite(options.maxCandidates) ? Math.floor(options.maxCandidates!) : DEFAULT_MAX_CANDIDATES;
  return {
    fuse,
    fuseWeight: clamp01(options.fuseWeight, DEFAULT_FUSE_WEIGHT),
    threshold: clamp01(options.threshold, DEFAULT_MATCH_THRESHOLD),
    maxCandidates: Math.max(1, Math.min(1000, maxCandidates)),
  };
}

/** Into 0..1; a missing or non-numeric value (stored JSON can hold anything) takes the default. */
export function clamp01(value: number | undefined, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(1, Math.max(0, value));
}
