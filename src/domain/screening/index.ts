/**
 * Name matching: the public surface of the screening domain core. Pure functions over plain
 * data; the services layer builds the index from the active list versions and searches it.
 */
export { normaliseName, MAX_INPUT_CHARS, MAX_TOKENS, TOKEN_WEIGHTS } from './name-normalise.js';
export type { NameToken, NormalisedName, NormaliseOptions, TokenKind, TokenScript, TransliterationScheme } from './name-normalise.js';
export { compareNames, ALIGNMENT_WEIGHTS, GENERIC_ONLY_CAP, SINGLE_WORD_CAP } from './name-compare.js';
export type { NameComparison, NameInput } from './name-compare.js';
export { buildMatchIndex, searchIndex } from './match-index.js';
export { GENDERS, genderOf } from './discriminators.js';
export type { Gender } from './discriminators.js';
export type { IndexableEntry, MatchIndex, MatchQuery, MatchResult } from './match-index.js';
export {
  DEFAULT_FUSE_OPTIONS,
  DEFAULT_FUSE_WEIGHT,
  DEFAULT_MATCH_THRESHOLD,
  DEFAULT_MAX_CANDIDATES,
  DEFAULT_THRESHOLD_RATIONALE,
  DISCRIMINATOR_WEIGHTS,
  NAME_ONLY_SCORE_CAP,
  resolveMatchOptions,
} from './match-options.js';
export type { FuseMatchOptions, MatchOptions, ResolvedMatchOptions } from './match-options.js';
export { EXPLANATION_VERSION } from './match-explanation.js';
export type {
  MatchExplanation,
  ScoreComponent,
  ScoreComponentName,
  TokenMatchKind,
  TokenPairExplanation,
} from './match-explanation.js';
