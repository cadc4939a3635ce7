import Fuse from 'fuse.js';
import type { EntryType } from '../lists/list-entry.js';
import {
  EXPLANATION_VERSION,
  round4,
  type MatchExplanation,
  type ScoreComponent,
  type TokenMatchKind,
  type TokenPairExplanation,
} from './match-explanation.js';
import {
  DISCRIMINATOR_WEIGHTS,
  NAME_ONLY_SCORE_CAP,
  resolveMatchOptions,
  type FuseMatchOptions,
  type MatchOptions,
  type ResolvedMatchOptions,
} from './match-options.js';
import { birthDateComponent, genderComponent, type Gender } from './discriminators.js';
import { givenNameRelation, type GivenNameRelation } from './given-names.js';
import { NAME_ENDING_FAMILIES } from './name-affixes.table.js';
import { NAME_FREQUENCY_MIN_PARTIES, NAME_WORD_FREQUENCY } from './name-frequency.table.js';
import { isTitle, normaliseName, TOKEN_WEIGHTS, type NameToken, type NormalisedName } from './name-normalise.js';
import { BALTIC_ENDINGS, GENDERED_ENDINGS } from './name-vocabulary.table.js';
import { pinyinAsWadeGiles } from './wade-giles.js';
import { boundedSimilarity, editBudget, letterMask, maskedSimilarity, phoneticKey } from './text-similarity.js';

/**
 * Name-to-name comparison: align the tokens of two normalised names (order-free, allowing one
 * word to meet two or three run together), score the alignment, let fuse.js's whole-string
 * view trim it, cap what name evidence alone may claim, and explain every step.
 */

/** Same syllables, different romanisation: nearly as good as the same spelling. */
const KOREAN_VARIANT_SCORE = 0.95;
/** "V." for "Vladimir": consistent, but a thousand names share an initial. */
const INITIAL_SCORE = 0.75;
/** "Corp." vs "Co.", "JSC" vs "OAO": same kind of company, not the same words. */
const LEGAL_FAMILY_SCORE = 0.8;
/** A match only after phonetic folding is a little weaker than a plain spelling match. */
const PHONETIC_FACTOR = 0.95;
/** A stem under a Baltic nominative ending (BALTIC_ENDINGS): a regular form, a little weaker than a spelling. */
const BALTIC_FACTOR = 0.9;
/**
 * A Wade–Giles spelling of the pinyin syllables opposite ("Mao Tse-tung" / "Mao Zedong"): the
 * same syllables in another romanisation, like a Korean variant, a little weaker because
 * Wade–Giles without its apostrophes no longer tells aspirated initials from plain ones.
 */
const WADE_GILES_SCORE = 0.9;
/** Consonant skeletons (abjad scripts) ignore vowels entirely: weaker still. */
const CONSONANT_FACTOR = 0.9;
/** An acronym standing for a run of words: strong, but not a spelling of the same words. */
const ACRONYM_SCORE = 0.9;
/**
 * A fuzzy pair must keep 70% of its letters (the edit budget allows that much on long words;
 * the phonetic and consonant comparisons discount below it).
 */
const FUZZY_FLOOR = 0.7;
/** One word may meet at most three run together ("vanderbilt" = "van der bilt"). */
const MAX_MERGE = 3;
/**
 * Given-name families (given-names.table.ts): two spellings of one name are as good as a
 * Korean romanisation variant; the name in another language (John/Juan/Ivan) or a short form
 * (Sasha/Aleksandr, Bob/Robert) is a family resemblance, a partial match.
 */
const NAME_FAMILY_SCORE: Readonly<Record<GivenNameRelation, number>> = { spelling: 0.95, equivalent: 0.85, 'short-form': 0.8 };

/**
 * Alignment score = T / (T + PARTIAL·partial + EXTRA·extra) × SUBSTITUTION^substituted.
 * - T: weighted similarity of aligned tokens; partial: what fuzzy pairs fall short of 1.
 * - extra: weight of words only one side has (a middle name or patronymic the other side
 *   omits: usually still the same person, so it dilutes the score a little).
 * - substituted: words that have a *different* word opposite them, counted in words (initials
 *   count as words, particles and legal forms by their weight). "Barzan Ibrahim Hassan
 *   al-Mosuli" vs "... al-Tikriti", "Hans O. Friedrich" vs "Hans Joachim Friedrich": each
 *   conflicting word multiplies the score down, however many other words agree, because
 *   relatives share all but one of their names.
 */
export const ALIGNMENT_WEIGHTS = { partial: 1.5, extra: 0.35, substitution: 0.5 } as const;
/**
 * A number opposite a different number ("Zu Zag Bong 6" / "5", "Fund VII" / "VIII", "Trust
 * 2004-1" / "2005-1") counts as this fraction of a conflicting word: a series number tells
 * members of one series apart (the vessels of one owner, a fund's vintages, a trust's
 * tranches), which screening still has to see, while the name itself agrees. A number
 * opposite a word is still a whole conflict, and a number only one side has is an omission
 * ("Victory" / "Victory 3"), not a distinctive word gone missing. nomenklatura's own cases
 * label "Snow Storm 1" / "Snow Storm 2" a match.
 */
export const SERIES_NUMBER_UNIT = 0.4;
/**
 * Two legal forms of different kinds left opposite each other ("Deutsche Bank AG" / "Deutsche
 * Bank GmbH", an ANO / an LLC) count as one whole conflicting word: the legal form is part of a
 * registered legal person's identity, and a joint-stock company, a limited-liability company and
 * a non-profit of one name are different legal persons. Forms of one family (JSC / OAO, Ltd /
 * LLC) already pair as a near match, and a legal form only one side gives is an omission.
 */
export const LEGAL_CONFLICT_UNIT = 1;
/**
 * "Company", "Co.", "Corp.", "Inc." (name-vocabulary.table.ts's 'corporation' family) say that
 * the name is a company's, not which kind of legal person: they conflict with no other form.
 */
const UNSPECIFIC_LEGAL_FAMILY = 'corporation';
/** A match made only of generic words, legal forms, particles or initials is no name match. */
export const GENERIC_ONLY_CAP = 0.5;
/**
 * One shared word while other distinctive words go unexplained is a lead, not a name match:
 * capped below any sensible threshold so it never alerts on its own, but still ranked.
 */
export const SINGLE_WORD_CAP = 0.55;

interface Span {
  from: number;
  to: number;
}

export interface AlignedPair {
  query: Span;
  listed: Span;
  score: number;
  how: TokenMatchKind;
  weight: number;
  distinctive: boolean;
}

export interface Alignment {
  pairs: AlignedPair[];
  unmatchedQuery: number[];
  unmatchedListed: number[];
  tokenScore: number;
  /** No distinctive word matched: the score is capped at GENERIC_ONLY_CAP. */
  genericOnly: boolean;
  /**
   * Exactly one distinctive word matched while another distinctive word on either side found
   * nothing ("John Smith" vs "John", "Sunrise Bakery" vs "Sunrise"): capped at SINGLE_WORD_CAP.
   */
  singleWord: boolean;
  korean: boolean;
  /**
   * Index of the listed name's rarest word when it found no counterpart although the query
   * matched only far commoner words of it (with AlignOptions.listedSide): counted as a
   * conflicting word rather than an omitted one.
   */
  missingRarest?: number;
  /**
   * One name is a title of office with words that all found their counterparts, and those
   * words are rare in the lists ("President Erdoğan"): it designates one person (see
   * designatesOne).
   */
  designated: boolean;
}

interface TokenSimilarity {
  score: number;
  how: TokenMatchKind;
}

const NO_MATCH: TokenSimilarity = { score: 0, how: 'fuzzy' };
// Shared results for the common outcomes: this runs for every token pair of every candidate.
const EXACT: TokenSimilarity = { score: 1, how: 'exact' };
const TRANSLITERATED: TokenSimilarity = { score: 1, how: 'transliterated' };
const LEGAL_FAMILY: TokenSimilarity = { score: LEGAL_FAMILY_SCORE, how: 'fuzzy' };
const KOREAN_VARIANT: TokenSimilarity = { score: KOREAN_VARIANT_SCORE, how: 'korean-variant' };
const INITIAL: TokenSimilarity = { score: INITIAL_SCORE, how: 'initial' };

function isDistinctive(token: NameToken): boolean {
  return token.kind === 'word' || token.kind === 'number';
}

/** Similarity of two tokens (or runs of tokens merged into one). */
export function tokenSimilarity(a: NameToken, b: NameToken, korean: boolean): TokenSimilarity {
  if (a.kind === 'legal' || b.kind === 'legal') {
    if (a.kind === 'legal' && b.kind === 'legal') {
      if (a.text === b.text) return EXACT;
      if (a.legalFamily !== undefined && a.legalFamily === b.legalFamily) return LEGAL_FAMILY;
      return NO_MATCH;
    }
    return a.text === b.text ? EXACT : NO_MATCH;
  }
  // Within one syllabic or logographic script, a different character is a different name
  // element: 김정은 ≠ 김종은, 高市 ≠ 高石 even where their romanisations coincide or nearly do.
  if (a.script === b.script && (a.script === 'hangul' || a.script === 'han')) {
    if (a.original === b.original) return EXACT;
    if (a.hangul !== undefined && a.hangul === b.hangul) return KOREAN_VARIANT;
    return NO_MATCH;
  }
  const crossScript = a.script !== b.script && (a.script !== 'latin' || b.script !== 'latin');
  if (a.text === b.text && a.text.length > 0) return crossScript ? TRANSLITERATED : EXACT;
  if (a.kind === 'number' || b.kind === 'number') return NO_MATCH;
  if (a.kind === 'initial' || b.kind === 'initial') {
    const [initial, word] = a.kind === 'initial' ? [a, b] : [b, a];
    if (word.kind !== 'initial' && word.text.startsWith(initial.text)) return INITIAL;
    return NO_MATCH;
  }
  if ((a.wadeGiles === true) !== (b.wadeGiles === true) && wadeGilesOfPinyin(a, b)) return { score: WADE_GILES_SCORE, how: 'transliterated' };
  if (korean && a.korean.length > 0 && b.korean.length > 0) {
    if (a.korean.some((k) => b.korean.includes(k))) return KOREAN_VARIANT;
    // Both read as the same number of Korean syllables, and the syllables differ: a
    // different name (Jong ≠ Song, Myong ≠ Pyong; 전 jeon ≠ 정 jeong), however close the
    // spellings look. Edit distance is left for spellings that are not syllable runs at all
    // (typos: "Joonng").
    if (syllableCount(a) === syllableCount(b)) return NO_MATCH;
  }
  let best = maskedSimilarity(a.text, a.letters, b.text, b.letters);
  const how: TokenMatchKind = crossScript ? 'transliterated' : 'fuzzy';
  const relation = givenNameRelation(a.family, b.family);
  if (relation !== undefined && NAME_FAMILY_SCORE[relation] > best) {
    return otherSex(a, b, korean) ? NO_MATCH : { score: NAME_FAMILY_SCORE[relation], how: 'name-family' };
  }
  if (best < 1) best = Math.max(best, maskedSimilarity(a.phonetic, a.phoneticLetters, b.phonetic, b.phoneticLetters) * PHONETIC_FACTOR);
  if (best < BALTIC_FACTOR && a.script === 'latin' && b.script === 'latin') best = Math.max(best, balticSimilarity(a, b));
  if ((a.script === 'abjad') !== (b.script === 'abjad')) {
    best = Math.max(best, boundedSimilarity(a.consonants, b.consonants) * CONSONANT_FACTOR);
  }
  // Only a near match is worth asking whether a shared name ending made it one (rarely reached).
  if (best >= FUZZY_FLOOR && best < 1) best = Math.min(best, sharedEndingSimilarity(a, b) ?? best);
  return best >= FUZZY_FLOOR && !otherSex(a, b, korean) ? { score: best, how } : NO_MATCH;
}

/** Name endings by spelling, longest first (name-affixes.table.ts). */
const NAME_ENDINGS = NAME_ENDING_FAMILIES.flatMap(([family, spellings]) => spellings.map((spelling) => ({ family, spelling })))
  .sort((x, y) => y.spelling.length - x.spelling.length);
/** An ending is only an ending when a stem of at least two letters stands before it. */
const MIN_STEM = 2;

function nameEnding(text: string): { family: string; spelling: string } | undefined {
  return NAME_ENDINGS.find((e) => text.length - e.spelling.length >= MIN_STEM && text.endsWith(e.spelling));
}

/**
 * Two words ending in spellings of one name ending (NAME_ENDING_FAMILIES: "Jónsdóttir" /
 * "Tómasdóttir", "Shamsuddin" / "Shahabuddin", "Hamidullah" / "Waliullah"): the ending is
 * common to thousands of names and says nothing of identity, yet makes the whole words look
 * alike. Their similarity is that of the stems before it, compared as any word is (spelling,
 * then phonetic key, so "Hamidullah" / "Hameedullah" still agree). Undefined when the two words
 * do not share an ending family.
 */
function sharedEndingSimilarity(a: NameToken, b: NameToken): number | undefined {
  const endA = nameEnding(a.text);
  const endB = endA === undefined ? undefined : nameEnding(b.text);
  if (endA === undefined || endB === undefined || endA.family !== endB.family) return undefined;
  const stemA = a.text.slice(0, a.text.length - endA.spelling.length);
  const stemB = b.text.slice(0, b.text.length - endB.spelling.length);
  const spelling = boundedSimilarity(stemA, stemB);
  return spelling === 1 ? 1 : Math.max(spelling, boundedSimilarity(phoneticKey(stemA), phoneticKey(stemB)) * PHONETIC_FACTOR);
}

/**
 * One token spelt in Wade–Giles and the other in pinyin, the same syllables: "Tse-tung" (a run
 * of two tokens) and "Zedong", "Hsi" and "Xi". Never for a word of a Korean-shaped name.
 */
function wadeGilesOfPinyin(a: NameToken, b: NameToken): boolean {
  const [wg, other] = a.wadeGiles === true ? [a, b] : [b, a];
  return other.script === 'latin' && other.korean.length === 0 && pinyinAsWadeGiles(other.text).includes(wg.text);
}

/**
 * One side in a Baltic nominative form (BALTIC_ENDINGS): "Sergejs" ~ "Sergey", "Putinas" =
 * "Putin". The stem, four letters or more, is compared as a spelling (phonetic key included)
 * and counts a little less than a plain spelling match. Only one side may carry the ending.
 */
function balticSimilarity(a: NameToken, b: NameToken): number {
  return Math.max(balticOneWay(a, b), balticOneWay(b, a));
}

function balticOneWay(long: NameToken, short: NameToken): number {
  const text = long.text;
  // Cheap gates first (this runs for most unequal pairs): longer, starting alike.
  if (text.length <= short.text.length || text.length < 5 || long.phonetic[0] !== short.phonetic[0] || text[text.length - 1] !== 's') return 0;
  const ending = BALTIC_ENDINGS.find((e) => text.endsWith(e) && !short.text.endsWith(e));
  if (ending === undefined) return 0;
  const stem = text.slice(0, text.length - ending.length);
  if (stem.length < 4 || Math.abs(stem.length - short.text.length) > 2) return 0;
  let best = maskedSimilarity(stem, letterMask(stem), short.text, short.letters);
  if (best < 1) {
    const phonetic = phoneticKey(stem);
    best = Math.max(best, maskedSimilarity(phonetic, letterMask(phonetic), short.phonetic, short.phoneticLetters) * PHONETIC_FACTOR);
  }
  return best * BALTIC_FACTOR;
}

/**
 * Antonio/Antonia, Ivanov/Ivanova: the same name for someone of the other sex is another
 * person. Asked only of pairs that would otherwise match (most pairs never get that far).
 */
function otherSex(a: NameToken, b: NameToken, korean: boolean): boolean {
  return !korean && isGenderedPair(a.text, b.text);
}

function syllableCount(token: NameToken): number {
  return token.korean[0]!.split('-').length;
}

/** Same stem (three letters or more), one word with a masculine ending and the other the feminine one. */
export function isGenderedPair(a: string, b: string): boolean {
  const diff = a.length - b.length;
  // Same stem: the first three letters agree (a cheap test before the endings).
  if (diff > 3 || diff < -3 || a.length < 3 || b.length < 3 || a.charCodeAt(0) !== b.charCodeAt(0) || a.charCodeAt(1) !== b.charCodeAt(1) || a.charCodeAt(2) !== b.charCodeAt(2)) return false;
  for (const [masculine, feminine] of GENDERED_ENDINGS) {
    if (endsAs(a, masculine, b, feminine) || endsAs(b, masculine, a, feminine)) return true;
  }
  return false;
}

function endsAs(m: string, masculine: string, f: string, feminine: string): boolean {
  const stem = m.length - masculine.length;
  if (stem < 3 || f.length - feminine.length !== stem || !m.endsWith(masculine) || !f.endsWith(feminine)) return false;
  return m.startsWith(f.slice(0, stem)) && m.slice(0, stem) !== '' && m.slice(0, stem) === f.slice(0, stem);
}

/**
 * Runs already built, per token list. A query's runs are reused against every candidate and a
 * listed name's against every query that reaches it; the cache lives as long as the token
 * list does (WeakMap), so it adds no state anyone can observe.
 */
const RUN_CACHE = new WeakMap<readonly NameToken[], RunTable>();

/** What mergeAgainst keeps of a token list: the runs built so far, and the facts its gates read. */
interface RunTable {
  built: (NameToken | undefined)[];
  /**
   * Per token, its text length shifted left by FACT_SHIFT, plus its facts (TITLE_FACT, ALONE_FACT, ABJAD_FACT):
   * the gates read these small integers instead of every token object of every run they reject.
   */
  facts: number[];
}

const TITLE_FACT = 1;
/** A token a run may meet alone: not an initial, number, legal form or title. */
const ALONE_FACT = 2;
const ABJAD_FACT = 4;
const FACT_SHIFT = 3;

function tokenFacts(t: NameToken): number {
  const title = isTitle(t);
  const alone = !title && t.kind !== 'initial' && t.kind !== 'number' && t.kind !== 'legal';
  return (t.text.length << FACT_SHIFT) + (title ? TITLE_FACT : 0) + (alone ? ALONE_FACT : 0) + (t.script === 'abjad' ? ABJAD_FACT : 0);
}

/**
 * Several adjacent tokens read as one word ("Jong Un" as "jongun", "Siemens AG" as
 * "siemensag"), in their order or, for two, the other way round: a name written as one word
 * puts the surname first or last ("Vladimirputin" for "PUTIN, Vladimir").
 */
function mergeTokens(tokens: readonly NameToken[], from: number, to: number, reversed = false, cache = runTableOf(tokens).built): NameToken {
  if (to - from === 1) return tokens[from]!;
  const slot = (from * (MAX_MERGE + 1) + (to - from)) * 2 + (reversed ? 1 : 0);
  const cached = cache[slot];
  if (cached) return cached;
  const order: number[] = [];
  for (let i = from; i < to; i++) order.push(i);
  if (reversed) order.reverse();
  let text = '';
  let original = '';
  let phonetic = '';
  let consonants = '';
  let hangul: string | undefined = '';
  let weight = 0;
  let letters = 0;
  let phoneticLetters = 0;
  let korean: string[] = [''];
  const script = tokens[from]!.script;
  let sameScript = true;
  let wadeGiles = true;
  for (const i of order) {
    const t = tokens[i]!;
    text += t.text;
    original += original === '' ? t.original : ` ${t.original}`;
    // Joined keys, not recomputed ones: the same up to a letter at the seam, and free.
    phonetic += t.phonetic;
    consonants += t.consonants;
    weight += t.weight;
    letters |= t.letters;
    phoneticLetters |= t.phoneticLetters;
    if (t.script !== script) sameScript = false;
    wadeGiles &&= t.wadeGiles === true;
    hangul = hangul !== undefined && t.hangul !== undefined ? hangul + t.hangul : undefined;
    if (korean.length > 0) {
      korean = t.korean.length === 0 ? [] : korean.flatMap((prefix) => t.korean.map((k) => (prefix ? `${prefix}-${k}` : k))).slice(0, 4);
    }
  }
  const run: NameToken = {
    text,
    original,
    script: sameScript ? script : 'latin',
    kind: 'word',
    weight,
    phonetic,
    letters,
    phoneticLetters,
    consonants,
    korean,
    // In makeToken's order, every field present: one shape for all tokens (see makeToken).
    hangul,
    legalFamily: undefined,
    scheme: undefined,
    koreanReading: undefined,
    family: undefined,
    wadeGiles: wadeGiles ? true : undefined,
  };
  cache[slot] = run;
  return run;
}

/** The RUN_CACHE entry of a token list (made, with no runs built, the first time). */
function runTableOf(tokens: readonly NameToken[]): RunTable {
  let table = RUN_CACHE.get(tokens);
  if (!table) {
    table = { built: [], facts: tokens.map(tokenFacts) };
    RUN_CACHE.set(tokens, table);
  }
  return table;
}

/** First letters of a run of ordinary words, or undefined if the run has other tokens. */
function initialsOf(tokens: readonly NameToken[], from: number, to: number): string | undefined {
  let out = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' && t.kind !== 'generic' && t.kind !== 'stopword') return undefined;
    if (t.kind === 'stopword') continue; // "Bank of America" → "BOA" and "BA" both seen; skip "of"
    out += t.text[0] ?? '';
  }
  return out.length >= 2 ? out : undefined;
}

function isFree(used: readonly boolean[], span: Span): boolean {
  for (let i = span.from; i < span.to; i++) if (used[i]) return false;
  return true;
}

function spanDistinctive(tokens: readonly NameToken[], span: Span): boolean {
  for (let i = span.from; i < span.to; i++) if (isDistinctive(tokens[i]!)) return true;
  return false;
}

function spanWeight(tokens: readonly NameToken[], span: Span): number {
  let sum = 0;
  for (let i = span.from; i < span.to; i++) sum += tokens[i]!.weight;
  return sum;
}

/**
 * Aligns the tokens of two names. Candidate pairs are every token pair plus every run of two
 * or three adjacent tokens on one side against a single token on the other; they are taken
 * greedily, best first, each token used once. Token order is ignored ("KIM, Jong Un" = "Jong
 * Un Kim"), except inside a run.
 */
interface AlignContext {
  q: readonly NameToken[];
  l: readonly NameToken[];
  korean: boolean;
  candidates: AlignedPair[];
  exactQ: boolean[];
  exactL: boolean[];
  /**
   * ALL_TOKENS, or one bit i: runs and words against runs are tried for token i (a lone word,
   * below 31) of that side only. A pair is tried when it involves a token of either mask.
   */
  focusQ: number;
  focusL: number;
  /** Similarities known so far (SINGLE_PAIRS). */
  known: KnownPairs;
}

const ALL_TOKENS = -1;

function pushPair(ctx: AlignContext, qs: Span, ls: Span, score: number, how: TokenMatchKind, acronym: boolean): void {
  ctx.candidates.push({
    query: qs,
    listed: ls,
    score,
    how,
    weight: (spanWeight(ctx.q, qs) + spanWeight(ctx.l, ls)) / 2,
    // A distinctive word on either side met something real. An acronym alone ("N.N." for
    // Nursultan Nazarbayev) is not enough to call two names the same.
    distinctive: !acronym && (spanDistinctive(ctx.q, qs) || spanDistinctive(ctx.l, ls)),
  });
}

/**
 * A run against a single token, spans given as (from, length): the spans are made only for a
 * pair kept. A run of query tokens meets the same listed words in many candidates: remembered.
 */
function considerPair(ctx: AlignContext, qFrom: number, qLength: number, lFrom: number, lLength: number, a: NameToken, b: NameToken): void {
  const sim = qLength > 1 ? runSimilarity(ctx, a, b) : tokenSimilarity(a, b, ctx.korean);
  if (sim.score > 0) pushPair(ctx, { from: qFrom, to: qFrom + qLength }, { from: lFrom, to: lFrom + lLength }, sim.score, sim.how, false);
}

/** Runs of 2..MAX_MERGE adjacent tokens on one side against single tokens on the other. */
function mergeAgainst(ctx: AlignContext, runIsQuery: boolean): void {
  const runSide = runIsQuery ? ctx.q : ctx.l;
  const single = runIsQuery ? ctx.l : ctx.q;
  const runDone = runIsQuery ? ctx.exactQ : ctx.exactL;
  const singleDone = runIsQuery ? ctx.exactL : ctx.exactQ;
  const runFocus = runIsQuery ? ctx.focusQ : ctx.focusL;
  const singleFocus = runIsQuery ? ctx.focusL : ctx.focusQ;
  // A run without a focused token is tried against the focused single token alone.
  const focusedSingle = singleFocus === ALL_TOKENS ? 0 : 31 - Math.clz32(singleFocus);
  const focusedSingleEnd = singleFocus === ALL_TOKENS ? single.length : singleFocus === 0 ? 0 : focusedSingle + 1;
  const runTable = runTableOf(runSide);
  const runFacts = runTable.facts;
  const singleFacts = runTableOf(single).facts;
  for (let len = 2; len <= MAX_MERGE; len++) {
    for (let from = 0; from + len <= runSide.length; from++) {
      // Looking for a lone word's partner, the first one found settles it.
      if (runFocus !== ALL_TOKENS && ctx.candidates.length > 0) return;
      let allDone = true;
      let hasTitle = false;
      let runLength = 0;
      let focused = false;
      for (let i = from; i < from + len; i++) {
        const facts = runFacts[i]!;
        allDone &&= runDone[i]!;
        hasTitle ||= (facts & TITLE_FACT) !== 0;
        runLength += facts >> FACT_SHIFT;
        focused ||= isFocused(runFocus, i);
      }
      if (allDone || hasTitle) continue;
      const runAbjad = (runFacts[from]! & ABJAD_FACT) !== 0;
      let run: NameToken | undefined;
      let reversedRun: NameToken | undefined;
      let acronym: string | undefined | null = null;
      for (let j = focused ? 0 : focusedSingle, end = focused ? single.length : focusedSingleEnd; j < end; j++) {
        const facts = singleFacts[j]!;
        if (singleDone[j] || (facts & ALONE_FACT) === 0) continue;
        const otherLength = facts >> FACT_SHIFT;
        // Cheap length gate before building the run: a run far longer or shorter than the
        // word cannot be the same word (Korean spellings may differ more in letters).
        const slack = editBudget(Math.max(runLength, otherLength)) + (ctx.korean ? 3 : 0);
        // Abjad spellings leave out short vowels: their length says little about the Latin one's.
        const abjad = runAbjad !== ((facts & ABJAD_FACT) !== 0);
        if (abjad || Math.abs(runLength - otherLength) <= slack) {
          const other = single[j]!;
          run ??= mergeTokens(runSide, from, from + len, false, runTable.built);
          if (runIsQuery) considerPair(ctx, from, len, j, 1, run, other);
          else considerPair(ctx, j, 1, from, len, other, run);
          // Reversed only when the word starts as the run's second token does (cheap gate).
          if (len === 2 && !ctx.korean && other.text[0] === runSide[from + 1]!.text[0]) {
            reversedRun ??= mergeTokens(runSide, from, from + len, true, runTable.built);
            if (runIsQuery) considerPair(ctx, from, len, j, 1, reversedRun, other);
            else considerPair(ctx, j, 1, from, len, other, reversedRun);
          }
        }
        // An acronym for the run: "PLA" = People's Liberation Army, "US" = United States.
        if (!ctx.korean && otherLength <= len) {
          if (acronym === null) acronym = initialsOf(runSide, from, from + len);
          if (acronym !== undefined && single[j]!.text === acronym) {
            const runSpan = { from, to: from + len };
            const oneSpan = { from: j, to: j + 1 };
            pushPair(ctx, runIsQuery ? runSpan : oneSpan, runIsQuery ? oneSpan : runSpan, ACRONYM_SCORE, 'initial', true);
          }
        }
      }
    }
  }
}

export interface AlignOptions {
  /**
   * The second name is a listed name, the claim a search result makes: its rarest word must be
   * accounted for (see `missingRarest`). A bare pair comparison has no listed side and leaves
   * this off, so that it stays symmetric.
   */
  listedSide?: boolean;
}

function isFocused(focus: number, i: number): boolean {
  return focus === ALL_TOKENS || (i < 31 && (focus & (1 << i)) !== 0);
}

/** Similarities of a query's tokens and runs with listed tokens, by the query's side first. */
interface KnownPairs {
  /** By query token (its index), then by the listed token. */
  singles: Map<NameToken, TokenSimilarity>[];
  /** By run of query tokens (mergeTokens: one object per run of a token list), then by the listed token. */
  runs: Map<NameToken, Map<NameToken, TokenSimilarity>>;
}

function knownPairs(q: readonly NameToken[]): KnownPairs {
  return { singles: q.map(() => new Map<NameToken, TokenSimilarity>()), runs: new Map() };
}

/**
 * Similarities of the query's tokens, and of runs of them, with listed tokens (tokens are shared
 * between names: finishToken), one table for each Korean reading. In a search, a query's tables
 * serve every candidate it is compared with (alignNamesWithin), and the lone-word search and
 * the full pass read the same pairs; they live as long as the query's token list (WeakMap),
 * like RUN_CACHE.
 */
const SINGLE_PAIRS = new WeakMap<readonly NameToken[], [plain?: KnownPairs, korean?: KnownPairs]>();

function singlePairsOf(q: readonly NameToken[], korean: boolean): KnownPairs {
  let tables = SINGLE_PAIRS.get(q);
  if (!tables) {
    tables = [];
    SINGLE_PAIRS.set(q, tables);
  }
  return (tables[korean ? 1 : 0] ??= knownPairs(q));
}

function pairSimilarity(ctx: AlignContext, i: number, j: number): TokenSimilarity {
  return rememberedSimilarity(ctx.known.singles[i]!, ctx.q[i]!, ctx.l[j]!, ctx.korean);
}

/** A run of query tokens against a listed token. */
function runSimilarity(ctx: AlignContext, run: NameToken, listed: NameToken): TokenSimilarity {
  let known = ctx.known.runs.get(run);
  if (known === undefined) {
    known = new Map();
    ctx.known.runs.set(run, known);
  }
  return rememberedSimilarity(known, run, listed, ctx.korean);
}

function rememberedSimilarity(known: Map<NameToken, TokenSimilarity>, query: NameToken, listed: NameToken, korean: boolean): TokenSimilarity {
  let sim = known.get(listed);
  if (sim === undefined) {
    sim = tokenSimilarity(query, listed, korean);
    known.set(listed, sim);
  }
  return sim;
}

/**
 * Every pair worth considering: single tokens against single tokens, then runs against words.
 * With `stopAtLoneWords`, undefined when both names have a lone word (see LONE_WORDS_BOUND),
 * found before most pairs are scored: on each side the first word whose single pairs all fail
 * (a row or column of the pair table, each left at its first pair that matches), then tried
 * against every run it could meet; only if both still have none is that settled. The runs are
 * tried as the full pass tries them but without knowing which tokens matched exactly (which
 * only lets the full pass skip runs), so a word lone after them is lone among all the
 * candidates.
 */
function collectCandidates(
  q: readonly NameToken[],
  l: readonly NameToken[],
  korean: boolean,
  known: KnownPairs,
  stopAtLoneWords = false,
): AlignedPair[] | undefined {
  const candidates: AlignedPair[] = [];
  // Nothing is known to match exactly before the single pairs are in: the lone-word search
  // reads a shared table of "no", and only a name that gets past it has tables of its own.
  const nothingExact = noneExact(Math.max(q.length, l.length));
  const ctx: AlignContext = {
    q,
    l,
    korean,
    candidates,
    exactQ: nothingExact,
    exactL: nothingExact,
    focusQ: ALL_TOKENS,
    focusL: ALL_TOKENS,
    known,
  };
  if (stopAtLoneWords) {
    const loneQ = firstLoneWord(ctx, true);
    const loneL = loneQ < 0 ? -1 : firstLoneWord(ctx, false);
    if (loneQ >= 0 && loneL >= 0) {
      ctx.focusQ = 1 << loneQ;
      ctx.focusL = 1 << loneL;
      runCandidates(ctx);
      if (!touches(candidates, loneQ, loneL)) return undefined;
      candidates.length = 0;
      ctx.focusQ = ALL_TOKENS;
      ctx.focusL = ALL_TOKENS;
    }
  }
  for (let i = 0; i < q.length; i++) {
    if (isTitle(q[i]!)) continue;
    for (let j = 0; j < l.length; j++) {
      if (isTitle(l[j]!)) continue;
      const sim = pairSimilarity(ctx, i, j);
      if (sim.score > 0) pushPair(ctx, { from: i, to: i + 1 }, { from: j, to: j + 1 }, sim.score, sim.how, false);
    }
  }
  // Runs only help tokens that found no exact partner on their own; skipping the rest saves
  // most of the work on the common case of two names spelt alike.
  ctx.exactQ = new Array<boolean>(q.length).fill(false);
  ctx.exactL = new Array<boolean>(l.length).fill(false);
  for (const c of candidates) {
    if (c.score >= 1) {
      ctx.exactQ[c.query.from] = true;
      ctx.exactL[c.listed.from] = true;
    }
  }
  runCandidates(ctx);
  return candidates;
}

/** All false, never written: AlignContext's exact-match tables before any pair is known. */
let NONE_EXACT: readonly boolean[] = [];

function noneExact(length: number): boolean[] {
  if (NONE_EXACT.length < length) NONE_EXACT = new Array<boolean>(Math.max(length, 2 * NONE_EXACT.length)).fill(false);
  return NONE_EXACT as boolean[];
}

function runCandidates(ctx: AlignContext): void {
  if (ctx.q.length > 1) mergeAgainst(ctx, true);
  if (ctx.l.length > 1) mergeAgainst(ctx, false);
}

/**
 * The first word or initial (below 31) of one side that no single token of the other side
 * matches, or -1. A word is given up at its first match, so most pairs of a word that has a
 * partner are never scored.
 */
function firstLoneWord(ctx: AlignContext, querySide: boolean): number {
  const own = querySide ? ctx.q : ctx.l;
  const other = querySide ? ctx.l : ctx.q;
  for (let i = 0; i < own.length && i < 31; i++) {
    const kind = own[i]!.kind;
    if (kind !== 'word' && kind !== 'initial') continue;
    let lone = true;
    for (let j = 0; j < other.length && lone; j++) {
      if (isTitle(other[j]!)) continue;
      lone = (querySide ? pairSimilarity(ctx, i, j) : pairSimilarity(ctx, j, i)).score === 0;
    }
    if (lone) return i;
  }
  return -1;
}

/** Whether a candidate covers query token `q` or listed token `l`. */
function touches(candidates: readonly AlignedPair[], q: number, l: number): boolean {
  for (const c of candidates) {
    if ((c.query.from <= q && q < c.query.to) || (c.listed.from <= l && l < c.listed.to)) return true;
  }
  return false;
}

/** Tokens each side has used up; titles count as used (neither matched nor left over). */
interface UsedTokens {
  usedQ: boolean[];
  usedL: boolean[];
}

/** The best candidates first, each kept when neither of its spans is taken yet. */
function chooseDisjointPairs(q: readonly NameToken[], l: readonly NameToken[], candidates: AlignedPair[]): UsedTokens & { pairs: AlignedPair[] } {
  candidates.sort(compareCandidates);
  const usedQ = q.map(isTitle);
  const usedL = l.map(isTitle);
  const pairs: AlignedPair[] = [];
  for (const c of candidates) {
    if (!isFree(usedQ, c.query) || !isFree(usedL, c.listed)) continue;
    for (let i = c.query.from; i < c.query.to; i++) usedQ[i] = true;
    for (let i = c.listed.from; i < c.listed.to; i++) usedL[i] = true;
    pairs.push(c);
  }
  return { pairs, usedQ, usedL };
}

function unpair(pairs: AlignedPair[], at: number, used: UsedTokens): void {
  const p = pairs[at]!;
  used.usedQ[p.query.from] = false;
  used.usedL[p.listed.from] = false;
  pairs.splice(at, 1);
}

const isSingleTokenPair = (p: AlignedPair) => p.query.to - p.query.from === 1 && p.listed.to - p.listed.from === 1;

/**
 * An initial only stands in for a word when there is no other word left for that word to
 * be: "Vladimir Putin" vs "Vladimir P. Kononov" is Putin ≠ Kononov, not Putin = P.
 * Every initial pair is judged against the alignment as it was found, and the dropped ones go
 * together: dropping them one at a time let each drop leave a word over for the next, so the
 * outcome depended on which side was the query ("I0 L 0" / "LB i" scored 0 one way, 0.25 the other).
 */
function dropInitialsWithWordsLeft(q: readonly NameToken[], l: readonly NameToken[], pairs: AlignedPair[], used: UsedTokens): void {
  const leftoverOn = (side: readonly NameToken[], sideUsed: readonly boolean[]) => side.some((token, i) => !sideUsed[i] && isDistinctive(token));
  const leftoverOnQuery = leftoverOn(q, used.usedQ);
  const leftoverOnListed = leftoverOn(l, used.usedL);
  for (let k = pairs.length - 1; k >= 0; k--) {
    const p = pairs[k]!;
    if (p.how !== 'initial' || !isSingleTokenPair(p)) continue;
    const initialOnQuery = q[p.query.from]!.kind === 'initial';
    if (initialOnQuery ? leftoverOnQuery : leftoverOnListed) unpair(pairs, k, used);
  }
}

/** Initials stand for words in order: "C.B.A." is not "A.B.C.", though each letter has a partner. */
function dropInitialsOutOfOrder(q: readonly NameToken[], l: readonly NameToken[], pairs: AlignedPair[], used: UsedTokens): void {
  const initialPairs = pairs.filter((p) => q[p.query.from]!.kind === 'initial' && l[p.listed.from]!.kind === 'initial' && isSingleTokenPair(p));
  if (initialPairs.some((p, k) => k > 0 && p.listed.from < initialPairs[k - 1]!.listed.from)) {
    for (const p of initialPairs) unpair(pairs, pairs.indexOf(p), used);
  }
}

/** What one side has left over: the tokens, their weight and substitution units. */
interface Leftovers {
  indexes: number[];
  weight: number;
  units: number;
  /** Numbers among the leftovers (each also one of `units`). */
  numbers: number;
  /** A distinctive word is left over (a number alone is not: see SERIES_NUMBER_UNIT). */
  distinctive: boolean;
  /** A legal form that says which kind of legal person this is is left over (see LEGAL_CONFLICT_UNIT). */
  kindOfLegalPerson: boolean;
}

function leftoversOf(tokens: readonly NameToken[], used: readonly boolean[]): Leftovers {
  const left: Leftovers = { indexes: [], weight: 0, units: 0, numbers: 0, distinctive: false, kindOfLegalPerson: false };
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const t = tokens[i]!;
    left.indexes.push(i);
    left.weight += t.weight;
    left.units += substitutionUnit(t);
    if (t.kind === 'number') left.numbers++;
    else left.distinctive ||= isDistinctive(t);
    left.kindOfLegalPerson ||= t.kind === 'legal' && t.legalFamily !== undefined && t.legalFamily !== UNSPECIFIC_LEGAL_FAMILY;
  }
  return left;
}

/** How far the names differ beyond their pairs: substituted words and extra weight. */
function conflictOf(
  query: NormalisedName,
  listed: NormalisedName,
  pairs: readonly AlignedPair[],
  usedL: readonly boolean[],
  left: { q: Leftovers; l: Leftovers },
  options: AlignOptions,
  designated: boolean,
): { substituted: number; extra: number; missingRarest: number | undefined } {
  const q = query.tokens;
  const l = listed.tokens;
  // A Korean name is a surname and one or two given syllables, with no optional middle names:
  // a syllable either side lacks makes it another name ("Choi Yu-jin" is not "Yu Jin", nor
  // "Jang Ye-jin" "Zhang Jian"). It is enough that one of the two names is Korean.
  const koreanShape = query.korean || listed.korean;
  // Numbers opposite numbers first: each such pair is a series number, a fraction of a word.
  const series = Math.min(left.q.numbers, left.l.numbers);
  // In a Korean-shaped name (a vessel "CHON MA SAN 2") a number is no syllable: the syllables
  // decide the conflict and a number only one side has is an omission, as in other names.
  const lone = koreanShape ? Math.abs(left.q.numbers - left.l.numbers) : 0;
  const unitsQ = left.q.units - series - (koreanShape ? left.q.numbers - series : 0);
  const unitsL = left.l.units - series - (koreanShape ? left.l.numbers - series : 0);
  let substituted = (koreanShape ? Math.max(unitsQ, unitsL) : Math.min(unitsQ, unitsL)) + series * SERIES_NUMBER_UNIT;
  // Two legal forms of different kinds left opposite each other: two legal persons.
  if (left.q.kindOfLegalPerson && left.l.kindOfLegalPerson) substituted += LEGAL_CONFLICT_UNIT - TOKEN_WEIGHTS.legal;
  // "Salman bin Muhammad" is Salman, son of Muhammad; "Muhammad bin Salman" is his father's
  // generation the other way round. Around a patronymic particle word order is identity.
  if (patronymSwapped(q, l, pairs)) substituted += 1;
  let extra = koreanShape ? lone * TOKEN_WEIGHTS.number : Math.abs(left.q.weight - left.l.weight);
  // The title stands where the given names would: "President Erdoğan" leaves out "Recep
  // Tayyip" as one omission, not as two words nobody explained.
  if (designated) extra = Math.min(extra, TOKEN_WEIGHTS.word);
  // A word the query omits is usually a middle name or patronymic, which dilutes a little. But
  // when the listed words left over include the listed name's rarest one, and the names agree
  // only on far commoner words ("Maria Garcia" in "GAXIOLA GARCIA, Maria Elena", "Olga Ivanova"
  // in "KULYGINA, Olga Ivanovna"), the shared words are the part many people have in common and
  // the missing word is what identifies the listed person: it counts as a conflict. (Korean
  // names already count every missing syllable as one.)
  let missingRarest: number | undefined;
  if (options.listedSide && !koreanShape && left.l.units > left.q.units) {
    missingRarest = rarestUnexplained(l, usedL);
    if (missingRarest !== undefined) {
      // The listed name's excess over the query's leftovers is what was an omission.
      substituted += Math.min(1, left.l.units - left.q.units);
      extra = Math.max(0, extra - l[missingRarest]!.weight);
    }
  }
  return { substituted, extra, missingRarest };
}

export function alignNames(query: NormalisedName, listed: NormalisedName, options: AlignOptions = {}): Alignment {
  const korean = query.korean && listed.korean;
  // Nothing remembered: this is the reference the search's shortcuts are tested against.
  return alignCandidates(query, listed, collectCandidates(query.tokens, listed.tokens, korean, knownPairs(query.tokens))!, options);
}

/**
 * The most an alignment can score when each name has a word or initial that no candidate pair
 * touches ("lone"): ALIGNMENT_WEIGHTS.substitution. Proof: a lone token is never marked used
 * (chooseDisjointPairs marks only candidate spans and titles; the initial rules only unpair),
 * so it is a leftover of its side. A word or initial is one substitution unit and not a number,
 * so each side's leftover units exceed its leftover numbers by at least 1. In conflictOf that
 * makes min (or, Korean-shaped, max) of the two sides' units net of series numbers at least 1,
 * and every other term added to `substituted` (series fraction, patronym swap, missing rarest
 * word) is ≥ 0: substituted ≥ 1. The ratio matched / (matched + partial and extra terms) is
 * ≤ 1, since every pair scores ≤ 1 and the extra weight is ≥ 0, so tokenScore ≤ 0.5^1.
 */
export const LONE_WORDS_BOUND = ALIGNMENT_WEIGHTS.substitution;

/**
 * alignNames for a search that drops names scoring too low: undefined, without finishing the
 * alignment, when the caller says a score of LONE_WORDS_BOUND is already too low for it
 * (`boundTooLow`) and both names have a lone word. Otherwise exactly alignNames's result.
 * The query's single-pair similarities are remembered for its next comparison (SINGLE_PAIRS).
 */
export function alignNamesWithin(query: NormalisedName, listed: NormalisedName, options: AlignOptions, boundTooLow: boolean): Alignment | undefined {
  const korean = query.korean && listed.korean;
  const candidates = collectCandidates(query.tokens, listed.tokens, korean, singlePairsOf(query.tokens, korean), boundTooLow);
  return candidates === undefined ? undefined : alignCandidates(query, listed, candidates, options);
}

function alignCandidates(query: NormalisedName, listed: NormalisedName, candidates: AlignedPair[], options: AlignOptions): Alignment {
  const q = query.tokens;
  const l = listed.tokens;
  const korean = query.korean && listed.korean;
  const { pairs, ...used } = chooseDisjointPairs(q, l, candidates);
  dropInitialsWithWordsLeft(q, l, pairs, used);
  pairs.sort((x, y) => x.query.from - y.query.from);
  dropInitialsOutOfOrder(q, l, pairs, used);
  const left = { q: leftoversOf(q, used.usedQ), l: leftoversOf(l, used.usedL) };
  let matched = 0;
  let partial = 0;
  let distinctivePairs = 0;
  for (const p of pairs) {
    matched += p.score * p.weight;
    partial += (1 - p.score) * p.weight;
    if (p.distinctive) distinctivePairs++;
  }
  const designated = designatesOne(query, used.usedQ, left.q) || designatesOne(listed, used.usedL, left.l);
  const { substituted, extra, missingRarest } = conflictOf(query, listed, pairs, used.usedL, left, options, designated);
  const tokenScore =
    matched > 0
      ? (matched / (matched + ALIGNMENT_WEIGHTS.partial * partial + ALIGNMENT_WEIGHTS.extra * extra)) *
        ALIGNMENT_WEIGHTS.substitution ** substituted
      : 0;
  const everythingMatched = left.q.indexes.length === 0 && left.l.indexes.length === 0;
  return {
    pairs,
    unmatchedQuery: left.q.indexes,
    unmatchedListed: left.l.indexes,
    tokenScore,
    // Two names of only generic words ("AT&T Inc.") may still agree entirely; otherwise some
    // distinctive word has to match.
    genericOnly: distinctivePairs === 0 && !everythingMatched,
    singleWord: distinctivePairs === 1 && (left.q.distinctive || left.l.distinctive),
    korean,
    ...(missingRarest !== undefined ? { missingRarest } : {}),
    designated,
  };
}

/**
 * A title of office with a surname designates one person ("President Erdoğan", "Präsident
 * Putin"), so the name is not a lone surname and the given names it leaves out are one
 * omission: when every distinctive word beside the title found its counterpart, and each is
 * rare in the lists (used by fewer than NAME_FREQUENCY_MIN_PARTIES listed parties, so absent
 * from name-frequency.table.ts). "President Kim" or "General Ri" names no one: thousands are
 * called Kim or Ri.
 */
function designatesOne(name: NormalisedName, used: readonly boolean[], left: Leftovers): boolean {
  if (name.office !== true || left.distinctive) return false;
  let matched = false;
  for (let i = 0; i < name.tokens.length; i++) {
    const t = name.tokens[i]!;
    if (!used[i] || !isDistinctive(t)) continue;
    if (PARTIES_USING.has(t.text)) return false;
    matched = true;
  }
  return matched;
}

/** Particles that mean "son of" / "daughter of" after normalisation (PARTICLE_SPELLINGS). */
const PATRONYMIC_PARTICLES = new Set(['bin', 'bint']);

/**
 * Whether the words on either side of a "bin"/"bint" in one name met words on the opposite
 * sides of the particle in the other: the person and the father swapped.
 */
function patronymSwapped(q: readonly NameToken[], l: readonly NameToken[], pairs: readonly AlignedPair[]): boolean {
  const partnerOf = new Map<number, number>();
  for (const p of pairs) if (p.query.to - p.query.from === 1 && p.listed.to - p.listed.from === 1) partnerOf.set(p.query.from, p.listed.from);
  for (let i = 1; i + 1 < q.length; i++) {
    if (!PATRONYMIC_PARTICLES.has(q[i]!.text)) continue;
    const particle = partnerOf.get(i);
    const before = partnerOf.get(i - 1);
    const after = partnerOf.get(i + 1);
    if (particle === undefined || before === undefined || after === undefined || !PATRONYMIC_PARTICLES.has(l[particle]!.text)) continue;
    if (before > particle && after < particle) return true;
  }
  return false;
}

/** Listed parties using each common name word (name-frequency.table.ts). */
const PARTIES_USING = new Map<string, number>();
for (const [parties, words] of NAME_WORD_FREQUENCY) for (const word of words.split(' ')) PARTIES_USING.set(word, parties);

/**
 * The unmatched word of one name that is used by at most half as many listed parties as its
 * rarest matched word (the rarest such), if there is one. Words the frequency table leaves out
 * are used by fewer than NAME_FREQUENCY_MIN_PARTIES parties: counted as that many when
 * missing and as one when matched, so two rare words ("Zarkari" and "Mohammadhasni"), each of
 * which identifies the person, never trigger this. Undefined when no word matched: the
 * generic-only cap speaks for that case.
 */
function rarestUnexplained(tokens: readonly NameToken[], used: readonly boolean[]): number | undefined {
  let matched = Number.POSITIVE_INFINITY;
  let missing = Number.POSITIVE_INFINITY;
  let missingAt: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // Words only: generic organisation words stay out (a place qualifier rare in the lists,
    // "Rosneft Nordic", usually names a subsidiary, which screening should still see), and so
    // do numbers ("Victory 3").
    if (t.kind !== 'word') continue;
    const parties = PARTIES_USING.get(t.text);
    if (used[i]) matched = Math.min(matched, parties ?? 1);
    else if ((parties ?? NAME_FREQUENCY_MIN_PARTIES - 1) < missing) {
      missing = parties ?? NAME_FREQUENCY_MIN_PARTIES - 1;
      missingAt = i;
    }
  }
  return matched < Number.POSITIVE_INFINITY && 2 * missing <= matched ? missingAt : undefined;
}

/** Best first: higher similarity, then more tokens covered, heavier, earlier (deterministic). */
function compareCandidates(x: AlignedPair, y: AlignedPair): number {
  return (
    y.score - x.score ||
    y.query.to - y.query.from + (y.listed.to - y.listed.from) - (x.query.to - x.query.from + (x.listed.to - x.listed.from)) ||
    y.weight - x.weight ||
    x.query.from - y.query.from ||
    x.listed.from - y.listed.from
  );
}

function substitutionUnit(token: NameToken): number {
  return token.kind === 'word' || token.kind === 'number' || token.kind === 'initial' ? 1 : token.weight;
}

/** fuse.js similarity of two names, order-free (tokens sorted), symmetric. 0 when no match. */
export function fuseSimilarity(a: NormalisedName, b: NormalisedName, fuse: FuseMatchOptions): number {
  // Korean names compare in canonical syllable keys, else "Kim Jong Un" and 김정은 (gim jeong
  // eun) would look unrelated to a character-level matcher.
  const korean = a.korean && b.korean;
  const x = sortedText(a, korean);
  const y = sortedText(b, korean);
  if (x.length === 0 || y.length === 0) return 0;
  if (x === y) return 1;
  return Math.max(fuseOneWay(x, y, fuse), fuseOneWay(y, x, fuse));
}

function fuseOneWay(pattern: string, text: string, fuse: FuseMatchOptions): number {
  try {
    const result = Fuse.match(pattern, text, { ...fuse, includeMatches: false });
    return result.isMatch ? 1 - result.score : 0;
  } catch {
    // A malformed stored option must not take screening down; fuse then adds nothing.
    return 0;
  }
}

/**
 * sortedText per name and reading: a query's is compared with every candidate and a listed
 * name's with every query that reaches it. Lives as long as the name does (WeakMap).
 */
const SORTED_TEXT = new WeakMap<NormalisedName, [plain?: string, korean?: string]>();

function sortedText(name: NormalisedName, korean: boolean): string {
  let cached = SORTED_TEXT.get(name);
  if (!cached) {
    cached = [];
    SORTED_TEXT.set(name, cached);
  }
  const slot = korean ? 1 : 0;
  return (cached[slot] ??= computeSortedText(name, korean));
}

function computeSortedText(name: NormalisedName, korean: boolean): string {
  return name.tokens
    .filter((t) => !isTitle(t))
    .map((t) => (korean && t.korean.length > 0 ? t.korean[0]!.replace(/-/g, '') : t.text))
    .filter((t) => t.length > 0)
    .sort()
    .join(' ');
}

/** Name-level evidence: alignment, fuse.js and the generic-only cap, as score components. */
export interface NameEvidence {
  alignment: Alignment;
  fuse: number;
  nameScore: number;
  components: ScoreComponent[];
}

export function nameEvidence(
  query: NormalisedName,
  listed: NormalisedName,
  options: ResolvedMatchOptions,
  aligned?: Alignment,
): NameEvidence {
  const alignment = aligned ?? alignNames(query, listed);
  // With no weight, or nothing to trim, fuse.js is not run at all.
  const fuseRuns = options.fuseWeight > 0 && alignment.tokenScore > 0;
  const fuse = fuseRuns ? fuseSimilarity(...pairedParts(query, listed, alignment), options.fuse) : 0;
  // fuse.js can only take away: a whole-string view that disagrees with the token alignment
  // (letters scrambled across words) lowers the score by up to fuseWeight of it, but a
  // string that looks alike never lifts a name whose words conflict.
  const tokensDelta = round4(alignment.tokenScore);
  const fuseDelta = fuseRuns ? round4(-alignment.tokenScore * options.fuseWeight * (1 - fuse)) : 0;
  const components: ScoreComponent[] = [
    {
      component: 'tokens',
      effect: tokensDelta > 0 ? '+' : '=',
      value: round4(alignment.tokenScore),
      delta: tokensDelta,
      detail: `token alignment score ${round4(alignment.tokenScore)}${missingRarestNote(listed, alignment)}${designatedNote(alignment)}`,
    },
    {
      component: 'fuse',
      effect: fuseDelta < 0 ? '-' : '=',
      value: round4(fuse),
      delta: fuseDelta,
      detail: fuseRuns
        ? `fuse.js whole-name similarity ${round4(fuse)}: takes ${round4(options.fuseWeight)} × its shortfall of the token score`
        : 'fuse.js not run (no token matched, or its weight is 0)',
    },
  ];
  let nameScore = round4(tokensDelta + fuseDelta);
  if (alignment.genericOnly && nameScore > GENERIC_ONLY_CAP) {
    const delta = round4(GENERIC_ONLY_CAP - nameScore);
    components.push({
      component: 'generic-only',
      effect: '-',
      value: delta,
      delta,
      detail: `no distinctive word matched (only legal forms, generic words, particles or initials): capped at ${GENERIC_ONLY_CAP}`,
    });
    nameScore = GENERIC_ONLY_CAP;
  }
  // "President Erdoğan" designates one person (designatesOne): not a lone surname.
  if (alignment.singleWord && !alignment.designated && nameScore > SINGLE_WORD_CAP) {
    const delta = round4(SINGLE_WORD_CAP - nameScore);
    components.push({
      component: 'single-word',
      effect: '-',
      value: delta,
      delta,
      detail: `only one distinctive word matched and other distinctive words have no counterpart: capped at ${SINGLE_WORD_CAP}`,
    });
    nameScore = SINGLE_WORD_CAP;
  }
  return { alignment, fuse, nameScore, components };
}

/**
 * What fuse.js compares. Its whole-string view is there to see letters scrambled across words;
 * words only one name has are already charged by the alignment (as extra weight or as
 * conflicts). When every word of one name found its counterpart (the name is contained in the
 * other: "Boris Johnson" in "Alexandre Boris de Pfeffel Johnson"), fuse compares it with the
 * other name's paired words only, so that the omission is not charged twice. Left-over
 * initials stay in: they are the name's own letters, which fuse is there to see.
 */
function pairedParts(query: NormalisedName, listed: NormalisedName, alignment: Alignment): [NormalisedName, NormalisedName] {
  const qContained = alignment.unmatchedQuery.length === 0;
  const lContained = alignment.unmatchedListed.length === 0;
  if (qContained === lContained) return [query, listed];
  const [name, unmatched] = qContained ? [listed, alignment.unmatchedListed] : [query, alignment.unmatchedQuery];
  // Initials left over are letters of the name itself ("L.X.C." against "Lau"): fuse keeps them.
  if (unmatched.some((i) => name.tokens[i]!.kind === 'initial')) return [query, listed];
  const drop = new Set(unmatched);
  const paired = { ...name, tokens: name.tokens.filter((_, i) => !drop.has(i)) };
  return qContained ? [query, paired] : [paired, listed];
}

function designatedNote(alignment: Alignment): string {
  return alignment.designated ? '; a title of office with a rare surname designates one person: the names it leaves out count as one omission' : '';
}

function missingRarestNote(listed: NormalisedName, alignment: Alignment): string {
  if (alignment.missingRarest === undefined) return '';
  const word = listed.tokens[alignment.missingRarest]!.original;
  return `; "${word}", the listed name's rarest word, has no counterpart while only far commoner words agree: counted as a conflicting word`;
}

export function describeTokens(query: NormalisedName, listed: NormalisedName, alignment: Alignment): {
  tokens: TokenPairExplanation[];
  unmatchedQuery: string[];
  unmatchedListed: string[];
  titles?: string[];
} {
  const join = (tokens: readonly NameToken[], span: Span): string =>
    tokens.slice(span.from, span.to).map((t) => t.original).join(' ');
  const titles = [
    ...query.tokens.filter(isTitle).map((t) => `query: ${t.original}`),
    ...listed.tokens.filter(isTitle).map((t) => `listed: ${t.original}`),
  ];
  return {
    tokens: alignment.pairs.map((p) => {
      const transliteration = describeTransliteration(query.tokens, p.query, p.how) ?? describeTransliteration(listed.tokens, p.listed, p.how);
      return {
        query: join(query.tokens, p.query),
        listed: join(listed.tokens, p.listed),
        score: round4(p.score),
        how: p.how,
        weight: round4(p.weight),
        ...(transliteration !== undefined ? { transliteration } : {}),
      };
    }),
    unmatchedQuery: alignment.unmatchedQuery.map((i) => query.tokens[i]!.original),
    unmatchedListed: alignment.unmatchedListed.map((i) => listed.tokens[i]!.original),
    ...(titles.length > 0 ? { titles } : {}),
  };
}

const SCHEME_NAMES = {
  pinyin: 'pinyin',
  'revised-romanization': 'Revised Romanization',
  hepburn: 'Hepburn romaji',
  'any-ascii': 'any-ascii',
} as const;

/**
 * "金正恩 → gim/geum jeong eun (hanja, Korean reading)", "Путин → putin (any-ascii)": the Latin
 * form a non-Latin span was compared in. Undefined for Latin spans.
 */
function describeTransliteration(tokens: readonly NameToken[], span: Span, how: TokenMatchKind): string | undefined {
  const part = tokens.slice(span.from, span.to);
  const foreign = part.find((t) => t.scheme !== undefined);
  if (foreign === undefined) return undefined;
  const original = part.map((t) => t.original).join(part.every((t) => t.script === 'han' || t.script === 'hangul') ? '' : ' ');
  // A Korean match of Han characters used their hanja readings, not their pinyin.
  if (how === 'korean-variant' && part.every((t) => t.koreanReading !== undefined)) {
    return `${original} → ${part.map((t) => t.koreanReading).join(' ')} (hanja, Korean reading)`;
  }
  return `${original} → ${part.map((t) => t.text).join(' ')} (${SCHEME_NAMES[foreign.scheme!]})`;
}

/** Person vs anything else contradicts; other pairs (entity/vessel) are left alone. */
export function typeComponent(queryType: EntryType | undefined, listedType: EntryType | undefined): ScoreComponent | undefined {
  if (!queryType || !listedType || queryType === 'unknown' || listedType === 'unknown') return undefined;
  const personQ = queryType === 'individual';
  const personL = listedType === 'individual';
  if (personQ === personL) {
    return { component: 'type', effect: '=', value: 0, delta: 0, detail: `types agree (${queryType} / ${listedType})` };
  }
  const delta = DISCRIMINATOR_WEIGHTS.typeContradiction;
  return { component: 'type', effect: '-', value: delta, delta, detail: `query is ${queryType}, listed is ${listedType}` };
}

/**
 * Sum of the components so far, capped at NAME_ONLY_SCORE_CAP (adding the cap as a component
 * when it bites) and floored at 0. Applied once to the name evidence, so that discriminators
 * move a capped name score, and once more at the end.
 */
export function finalScore(components: ScoreComponent[]): number {
  const sum = round4(components.reduce((acc, c) => acc + c.delta, 0));
  if (sum > NAME_ONLY_SCORE_CAP) {
    const delta = round4(NAME_ONLY_SCORE_CAP - sum);
    components.push({
      component: 'name-only-cap',
      effect: '-',
      value: delta,
      delta,
      detail: `name-only evidence is capped at ${NAME_ONLY_SCORE_CAP}; identifier matches own the band above`,
    });
    return NAME_ONLY_SCORE_CAP;
  }
  return Math.max(0, sum);
}

export interface NameInput {
  name: string;
  type?: EntryType | undefined;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; compared when both sides give one. */
  birthDate?: string | undefined;
  gender?: Gender | undefined;
}

export interface NameComparison {
  /** 0..1, name evidence (at most NAME_ONLY_SCORE_CAP) moved by type, birth date and gender. */
  score: number;
  match: boolean;
  explanation: MatchExplanation;
}

/**
 * Compares two names, with the birth dates and genders of both sides when given. Symmetric in
 * intent (which side is the query only changes the labels in the explanation); never throws;
 * cost bounded by the normaliser's caps.
 */
export function compareNames(a: NameInput, b: NameInput, options: MatchOptions = {}): NameComparison {
  const resolved = resolveMatchOptions(options);
  const query = normaliseName(a?.name, { type: a?.type });
  const listed = normaliseName(b?.name, { type: b?.type });
  const evidence = nameEvidence(query, listed, resolved);
  const components = [...evidence.components];
  finalScore(components);
  const type = typeComponent(a?.type, b?.type);
  if (type) components.push(type);
  if (a?.birthDate !== undefined && b?.birthDate !== undefined) {
    const birth = birthDateComponent(a.birthDate, [{ value: b.birthDate }]);
    if (birth) components.push(birth);
  }
  if (a?.gender !== undefined && b?.gender !== undefined) {
    const gender = genderComponent(a.gender, b.gender);
    if (gender) components.push(gender);
  }
  const score = finalScore(components);
  const match = score >= resolved.threshold;
  return {
    score,
    match,
    explanation: {
      version: EXPLANATION_VERSION,
      queryName: query.raw,
      matchedName: listed.raw,
      ...(a?.type ? { queryType: a.type } : {}),
      ...(b?.type ? { listedType: b.type } : {}),
      korean: evidence.alignment.korean,
      ...describeTokens(query, listed, evidence.alignment),
      components,
      nameScore: evidence.nameScore,
      score,
      threshold: resolved.threshold,
      match,
    },
  };
}
