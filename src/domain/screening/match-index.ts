import type { EntryType, ListDate, ListName, NameKind, NameStrength } from '../lists/list-entry.js';
import { birthDateComponent, genderComponent, nationalityComponent, type Gender } from './discriminators.js';
import { givenNameRelatives } from './given-names.js';
import { EXPLANATION_VERSION, round4, type MatchExplanation, type ScoreComponent } from './match-explanation.js';
import { DISCRIMINATOR_WEIGHTS, resolveMatchOptions, type MatchOptions, type ResolvedMatchOptions } from './match-options.js';
import { alignNamesWithin, describeTokens, finalScore, LONE_WORDS_BOUND, nameEvidence, typeComponent, type Alignment } from './name-compare.js';
import { normaliseName, type NameToken, type NormalisedName } from './name-normalise.js';
import { boundedSimilarity, phoneticKey, transposedSimilarity } from './text-similarity.js';

/**
 * Candidate retrieval and ranking over list entries. The index maps token spellings (exact,
 * phonetic, one-deletion neighbours, Korean syllable keys, adjacent-token compounds) to the
 * names that contain them; a query touches only the postings of its own tokens, keeps the
 * best-scoring few dozen names and scores only those in full. Nothing scans every name.
 */

/** What the index needs of a list entry (a ListEntry plus its database id and source). */
export interface IndexableEntry {
  id: string;
  source: string;
  sourceId: string;
  type: EntryType;
  name: string;
  names: ListName[];
  programs: string[];
  birthDates: ListDate[];
  nationalities: string[];
  /** From the list's gender attribute (see genderOf), when it gives one. */
  gender?: Gender | undefined;
}

export interface MatchQuery {
  name: string;
  type?: EntryType | undefined;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  birthDate?: string | undefined;
  /** Country codes or names; one or several. */
  nationality?: string | readonly string[] | undefined;
  gender?: Gender | undefined;
  /** Only entries of these list sources (e.g. `ofac-sdn`, `un`). */
  sources?: readonly string[] | undefined;
  /** Most results returned (default 10, at most 100). */
  limit?: number | undefined;
  /** Overrides the options' threshold for this query. */
  threshold?: number | undefined;
}

export interface MatchResult {
  entry: { id: string; source: string; sourceId: string; name: string; type: EntryType; programs: string[] };
  /** The listed name (primary or alias) that matched best, as the list writes it. */
  matchedName: string;
  score: number;
  explanation: MatchExplanation;
}

interface IndexedName {
  entry: number;
  full: string;
  kind: NameKind;
  strength: NameStrength;
  normalised: NormalisedName;
  source: number;
}

/** Opaque: build with buildMatchIndex, read with searchIndex. */
export interface MatchIndex {
  readonly entries: readonly IndexableEntry[];
  readonly stats: { entries: number; names: number; vocabulary: number };
  /** @internal */
  readonly names: readonly IndexedName[];
  /** @internal */
  readonly lookup: IndexLookup;
  /** @internal */
  readonly sources: readonly string[];
}

/** A key maps to one id (most keys) or several; saves most of the index's memory. */
type Postings = Map<string | number, number | number[]>;

interface IndexLookup {
  /** token text → vocabulary id */
  vocabulary: Map<string, number>;
  vocabularyText: string[];
  /** phoneticKey of each vocabulary word, for phonetic near neighbours. */
  vocabularyPhonetic: string[];
  /**
   * Name ids containing each vocabulary word (ascending, unique): those of id v at
   * postingStart[v] up to postingStart[v + 1] of postingIds. One flat array rather than one per
   * word: a query reads the lengths of hundreds of near spellings, and the index holds no
   * object per word.
   */
  postingStart: Int32Array;
  postingIds: Int32Array;
  /** vocabulary id → inverse document frequency */
  idf: Float32Array;
  /** name id → the summed rarity (idf) of its own words: what a match leaves unmatched, at most. */
  nameMass: Float32Array;
  phonetic: Postings;
  deletions: HashPostings;
  korean: Postings;
  consonants: Postings;
}

const DEFAULT_LIMIT = 10;
/** A weak alias that covers only part of the query stays below any sensible threshold. */
const WEAK_PARTIAL_CAP = 0.45;
const MAX_LIMIT = 100;
/**
 * Deletion neighbours only for words long enough that one edit is still the same word, and
 * short enough to be one word of a name (longer "words" are junk or run-together names).
 */
const MIN_DELETION_LENGTH = 4;
const MAX_DELETION_LENGTH = 24;
/** Retrieval credit per kind of spelling match (relative to an exact token). */
const RETRIEVAL_CREDIT = { exact: 1, korean: 0.95, phonetic: 0.9, compound: 0.9, family: 0.85, consonant: 0.8, split: 0.9 } as const;
/** A near spelling found only through the phonetic key counts a little less than one found directly. */
const PHONETIC_RETRIEVAL_FACTOR = 0.95;
/** From this length a word may differ by two edits (editBudget) and gets two-deletion neighbours. */
const TWO_EDIT_LENGTH = 7;
/** Words shorter than this are not tried as listed words run together. */
const MIN_SPLIT_LENGTH = 5;
const MAX_SPLITS = 3;
/**
 * Posting lists longer than this belong to words like "trading" or "al": they are read only
 * when the query has nothing rarer, else they would dominate the work for no ranking gain.
 */
const COMMON_TOKEN_POSTINGS = 2000;

/** Ids arrive in ascending order per key, so a repeat can only be the last one added. */
function addPosting(map: Postings, key: string | number, id: number): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, id);
  else if (typeof existing === 'number') {
    if (existing !== id) map.set(key, [existing, id]);
  } else if (existing[existing.length - 1] !== id) existing.push(id);
}

const NO_POSTINGS: readonly number[] = [];
const ONE_POSTING: number[] = [0];

/** Ids under a key. The returned array may be reused by the next call: read it at once. */
function readPostings(map: Postings, key: string | number): readonly number[] {
  const found = map.get(key);
  if (found === undefined) return NO_POSTINGS;
  if (typeof found === 'number') {
    ONE_POSTING[0] = found;
    return ONE_POSTING;
  }
  return found;
}

/** Growable (key, id) pairs in typed arrays: hundreds of thousands without per-pair objects. */
class PairBuffer {
  keys = new Uint32Array(1 << 16);
  ids = new Int32Array(1 << 16);
  length = 0;

  push(key: number, id: number): void {
    if (this.length === this.keys.length) {
      const keys = new Uint32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
    }
    this.keys[this.length] = key;
    this.ids[this.length] = id;
    this.length++;
  }
}

/**
 * Read-only multimap from 32-bit keys to ids: an open-addressing table of distinct keys, each
 * pointing at its run of ids in one flat array (ids of a key are kept in insertion order).
 * Built once; for the ~700k deletion neighbours of the lists it is two typed arrays instead
 * of a Map of arrays. A slot keeps its key, first id and id count side by side, so a probe
 * reads one place in memory: a query looks up hundreds of keys at random.
 */
class HashPostings {
  private constructor(
    /** Slot s at 3s: key, where its ids start in `ids`, how many (0: an empty slot). */
    readonly table: Int32Array,
    readonly ids: Int32Array,
  ) {}

  static from(pairs: PairBuffer): HashPostings {
    let capacity = 1024;
    while (capacity < pairs.length * 2) capacity *= 2;
    const mask = capacity - 1;
    const table = new Int32Array(3 * capacity);
    const slotOf = new Int32Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      const key = pairs.keys[i]! | 0;
      let slot = HashPostings.mix(key) & mask;
      while (table[3 * slot + 2] !== 0 && table[3 * slot] !== key) slot = (slot + 1) & mask;
      table[3 * slot] = key;
      table[3 * slot + 2] = table[3 * slot + 2]! + 1;
      slotOf[i] = slot;
    }
    let offset = 0;
    for (let slot = 0; slot < capacity; slot++) {
      table[3 * slot + 1] = offset;
      offset += table[3 * slot + 2]!;
    }
    const fill = new Int32Array(capacity);
    const ids = new Int32Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      const slot = slotOf[i]!;
      const at = table[3 * slot + 1]! + fill[slot]!;
      // A word whose deletions coincide ("aab" without either a) adds its id twice in a row.
      if (fill[slot]! > 0 && ids[at - 1] === pairs.ids[i]) {
        table[3 * slot + 2] = table[3 * slot + 2]! - 1;
        continue;
      }
      ids[at] = pairs.ids[i]!;
      fill[slot] = fill[slot]! + 1;
    }
    return new HashPostings(table, ids);
  }

  /** Spreads FNV hashes (already well mixed) a little more for linear probing. */
  private static mix(key: number): number {
    return Math.imul(key ^ (key >>> 16), 0x45d9f3b) >>> 0;
  }

  /** Where the key's slot starts in `table` (3 × slot), or -1 when the key has no ids. */
  find(key: number): number {
    const mask = this.table.length / 3 - 1;
    const wanted = key | 0;
    let slot = HashPostings.mix(key) & mask;
    while (this.table[3 * slot + 2] !== 0) {
      if (this.table[3 * slot] === wanted) return 3 * slot;
      slot = (slot + 1) & mask;
    }
    return -1;
  }
}

/**
 * Hashes (FNV-1a) of the word and of each one-letter deletion of it. Two words within one edit
 * share at least one; numbers instead of strings keep ~700k keys cheap to build and hold. A
 * rare hash collision only adds a candidate that scoring then rejects.
 */
function deletionHashes(text: string): number[] {
  const out: number[] = [];
  for (let skip = -1; skip < text.length; skip++) {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      if (i === skip) continue;
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    out.push(h >>> 0);
  }
  return out;
}

/**
 * Runs of two or more initials joined ("A.I.C." → "aic"), so that a name written with or
 * without the dots finds the other.
 */
function initialRuns(tokens: readonly NameToken[]): NameToken[] {
  const runs: NameToken[] = [];
  for (let i = 0; i < tokens.length; ) {
    let j = i;
    while (j < tokens.length && tokens[j]!.kind === 'initial') j++;
    if (j - i >= 2) {
      const text = tokens.slice(i, j).map((t) => t.text).join('');
      runs.push({ ...tokens[i]!, kind: 'word', text, phonetic: phoneticKey(text), consonants: text, korean: [] });
    }
    i = Math.max(j, i + 1);
  }
  return runs;
}

/** What the index keeps of a term: its spellings and kind (a NameToken has them all). */
type IndexTerm = Pick<NameToken, 'text' | 'phonetic' | 'consonants' | 'korean' | 'kind'>;

/**
 * Tokens a name is found by besides its own: runs of initials joined, and each adjacent pair
 * run together. Only the fields the index reads, not copies of whole tokens: the build makes
 * one per adjacent pair of every listed name.
 */
function compoundTerms(tokens: readonly NameToken[]): IndexTerm[] {
  const terms: IndexTerm[] = initialRuns(tokens);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i]!;
    const b = tokens[i + 1]!;
    if (a.kind === 'legal' || b.kind === 'legal') continue;
    const korean = a.korean.length > 0 && b.korean.length > 0 ? [`${a.korean[0]}-${b.korean[0]}`] : [];
    terms.push({ text: a.text + b.text, phonetic: a.phonetic + b.phonetic, consonants: a.consonants + b.consonants, korean, kind: a.kind });
  }
  return terms;
}

/** The tables of the index as they fill up, one name at a time. */
class MatchIndexBuilder {
  readonly names: IndexedName[] = [];
  readonly sources: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  private readonly vocabulary = new Map<string, number>();
  private readonly vocabularyText: string[] = [];
  private readonly vocabularyPhonetic: string[] = [];
  private readonly postingLists: number[][] = [];
  private readonly phonetic: Postings = new Map();
  private readonly deletionPairs = new PairBuffer();
  private readonly korean: Postings = new Map();
  private readonly consonants: Postings = new Map();
  private readonly koreanKeyed = new Set<number>();

  addEntry(entry: IndexableEntry, entryIndex: number): void {
    const source = this.sourceOf(entry.source);
    const all: ListName[] = entry.names.length > 0 ? entry.names : [{ full: entry.name, kind: 'primary', strength: 'strong' }];
    const seen = new Set<string>();
    for (const listed of all) {
      const normalised = normaliseName(listed.full, { type: entry.type });
      if (normalised.tokens.length === 0) continue;
      // The same spelling twice (primary repeated as an alias) would only double the work;
      // keep the strong one, which comes first or replaces a weak duplicate.
      const key = `${normalised.text}\u0000${listed.strength}`;
      if (seen.has(key) || (listed.strength === 'weak' && seen.has(`${normalised.text}\u0000strong`))) continue;
      seen.add(key);
      const nameId = this.names.length;
      this.names.push({ entry: entryIndex, full: listed.full, kind: listed.kind, strength: listed.strength, normalised, source });
      for (const token of normalised.tokens) if (token.text.length > 0) this.addTerm(token, false, nameId);
      for (const term of compoundTerms(normalised.tokens)) if (term.text.length > 0) this.addTerm(term, true, nameId);
    }
  }

  private sourceOf(name: string): number {
    let source = this.sourceIds.get(name);
    if (source === undefined) {
      source = this.sources.length;
      this.sources.push(name);
      this.sourceIds.set(name, source);
    }
    return source;
  }

  private addTerm(term: IndexTerm, compound: boolean, nameId: number): void {
    const vocabId = this.vocabulary.get(term.text) ?? this.addVocabulary(term, compound);
    // Korean keys depend on the name (the same "son" is a syllable only in a Korean
    // name); a term gets them the first time it appears in one.
    if (term.korean.length > 0 && !this.koreanKeyed.has(vocabId)) {
      this.koreanKeyed.add(vocabId);
      for (const k of term.korean) addPosting(this.korean, k, vocabId);
    }
    const list = this.postingLists[vocabId]!;
    if (list[list.length - 1] !== nameId) list.push(nameId);
  }

  private addVocabulary(term: IndexTerm, compound: boolean): number {
    const vocabId = this.vocabularyText.length;
    this.vocabulary.set(term.text, vocabId);
    this.vocabularyText.push(term.text);
    this.vocabularyPhonetic.push(term.phonetic);
    this.postingLists.push([]);
    if (term.phonetic.length > 0) addPosting(this.phonetic, term.phonetic, vocabId);
    if (term.consonants.length > 1) addPosting(this.consonants, term.consonants, vocabId);
    // Compounds are found through their parts' own neighbours; giving them deletion
    // neighbours too would double the largest table for little.
    const len = term.text.length;
    if (!compound && term.kind === 'word' && len >= MIN_DELETION_LENGTH && len <= MAX_DELETION_LENGTH && !/^[0-9]+$/.test(term.text)) {
      for (const d of deletionHashes(term.text)) this.deletionPairs.push(d, vocabId);
    }
    return vocabId;
  }

  lookup(): IndexLookup {
    const n = Math.max(1, this.names.length);
    const idf = new Float32Array(this.postingLists.length);
    this.postingLists.forEach((list, i) => {
      idf[i] = Math.log(1 + n / list.length);
    });
    const postingStart = new Int32Array(this.postingLists.length + 1);
    this.postingLists.forEach((list, i) => {
      postingStart[i + 1] = postingStart[i]! + list.length;
    });
    const postingIds = new Int32Array(postingStart[this.postingLists.length]!);
    this.postingLists.forEach((list, i) => postingIds.set(list, postingStart[i]!));
    const nameMass = new Float32Array(this.names.length);
    this.names.forEach((name, nameId) => {
      for (const token of name.normalised.tokens) {
        const vocabId = isSearchable(token) ? this.vocabulary.get(token.text) : undefined;
        if (vocabId !== undefined) nameMass[nameId] = nameMass[nameId]! + idf[vocabId]! * token.weight;
      }
    });
    return {
      vocabulary: this.vocabulary,
      vocabularyText: this.vocabularyText,
      vocabularyPhonetic: this.vocabularyPhonetic,
      postingStart,
      postingIds,
      idf,
      nameMass,
      phonetic: this.phonetic,
      deletions: HashPostings.from(this.deletionPairs),
      korean: this.korean,
      consonants: this.consonants,
    };
  }
}

/**
 * Builds the index. Entries are referenced, not copied; every name (primary and aliases) is
 * normalised once here, so queries only normalise themselves.
 */
export function buildMatchIndex(entries: readonly IndexableEntry[]): MatchIndex {
  const builder = new MatchIndexBuilder();
  entries.forEach((entry, entryIndex) => builder.addEntry(entry, entryIndex));
  const lookup = builder.lookup();
  return {
    entries,
    stats: { entries: entries.length, names: builder.names.length, vocabulary: lookup.vocabularyText.length },
    names: builder.names,
    sources: builder.sources,
    lookup,
  };
}

/** Keeps the best credit per vocabulary id (a module function: no closure per query token). */
function credit(found: Map<number, number>, id: number, value: number): void {
  if (value > (found.get(id) ?? 0)) found.set(id, value);
}

/** Vocabulary ids a query token may stand for, with how good each spelling match is. */
function expandToken(lookup: IndexLookup, token: NameToken, koreanQuery: boolean): Map<number, number> {
  const found = new Map<number, number>();
  const exact = lookup.vocabulary.get(token.text);
  if (exact !== undefined) credit(found, exact, RETRIEVAL_CREDIT.exact);
  if (token.kind === 'number' || token.text.length === 0) return found;
  for (const id of readPostings(lookup.phonetic, token.phonetic)) credit(found, id, RETRIEVAL_CREDIT.phonetic);
  if (koreanQuery) for (const k of token.korean) for (const id of readPostings(lookup.korean, k)) credit(found, id, RETRIEVAL_CREDIT.korean);
  if (token.script === 'abjad') {
    for (const id of readPostings(lookup.consonants, token.consonants)) credit(found, id, RETRIEVAL_CREDIT.consonant);
  }
  // Other forms of the same given name (Mohamed → Muhammad, Sasha → Aleksandr), common spellings
  // too: a common spelling's own bearers tie with one another, and "Muhammad Salah" was cut
  // behind every "Mohamed … Salah" for "Mohamed Salah". A word's expansions are remembered per
  // index, so reading the relatives' postings is all it costs (no measurable change in bench:match).
  for (const relative of givenNameRelatives(token.text)) {
    const id = lookup.vocabulary.get(relative);
    if (id !== undefined) credit(found, id, RETRIEVAL_CREDIT.family);
  }
  const text = token.text;
  // Words too short for deletion neighbours still find their letters swapped ("Sko" → "Sok").
  if (text.length === MIN_DELETION_LENGTH - 1) {
    for (let i = 0; i + 1 < text.length; i++) {
      const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
      const id = swapped === text ? undefined : lookup.vocabulary.get(swapped);
      if (id !== undefined) credit(found, id, transposedSimilarity(text, swapped));
    }
  }
  if (text.length >= MIN_DELETION_LENGTH - 1 && text.length <= MAX_DELETION_LENGTH + 1) {
    // Symmetric deletions: the query and a listed word within one edit (or one swap) share
    // a one-deletion neighbour.
    for (const d of deletionHashes(text)) creditNeighbours(lookup, d, text, found);
    // Only a word that is listed nowhere as written looks further (most query words are).
    if (exact === undefined) {
      // Words long enough for two edits: the query with two letters removed meets a listed
      // word with one or none removed ("Poutine" → "Putin", "Mohammad" → "Mohamad").
      if (text.length >= TWO_EDIT_LENGTH) for (const d of twoDeletionHashes(text)) creditNeighbours(lookup, d, text, found);
      // The phonetic key's neighbours find spellings that differ by a sound-alike group and a
      // letter besides ("Poutine" → putine → "Putin").
      if (token.phonetic !== text && token.phonetic.length >= MIN_DELETION_LENGTH - 1) {
        const { table, ids } = lookup.deletions;
        for (const d of deletionHashes(token.phonetic)) {
          const at = lookup.deletions.find(d);
          if (at < 0) continue;
          for (let k = table[at + 1]!, end = k + table[at + 2]!; k < end; k++) {
            const id = ids[k]!;
            if (found.has(id)) continue;
            const sim = boundedSimilarity(token.phonetic, lookup.vocabularyPhonetic[id]!) * PHONETIC_RETRIEVAL_FACTOR;
            if (sim > 0) credit(found, id, sim);
          }
        }
      }
    }
  }
  return found;
}

/** How many names contain vocabulary word `id`. */
function postingCount(lookup: IndexLookup, id: number): number {
  return lookup.postingStart[id + 1]! - lookup.postingStart[id]!;
}

/**
 * Expansions of finished query tokens and of adjacent pairs of them (finishToken shares one
 * object per spelling and context, so the objects stand for everything expandToken reads of
 * the term), per index and Korean reading: the words of names come back in query after query
 * ("mohammad", "trading", "kim"), and looking one up reads hundreds of spellings. Forgets
 * everything once it holds REMEMBERED_EXPANSIONS terms, like TextMemo, so it stays small
 * whatever the queries are. The maps are shared and only read.
 */
const EXPANSIONS = new WeakMap<IndexLookup, [plain: PairMemo<Map<number, number>>, korean: PairMemo<Map<number, number>>]>();
const REMEMBERED_EXPANSIONS = 4096;

function rememberedExpansions(lookup: IndexLookup, korean: boolean): PairMemo<Map<number, number>> {
  let memos = EXPANSIONS.get(lookup);
  if (!memos) {
    memos = [new PairMemo(REMEMBERED_EXPANSIONS), new PairMemo(REMEMBERED_EXPANSIONS)];
    EXPANSIONS.set(lookup, memos);
  }
  return memos[korean ? 1 : 0];
}

/** TextMemo keyed by one token object or an ordered pair of them instead of a string. */
class PairMemo<T> {
  private readonly results = new Map<NameToken, Map<NameToken | undefined, T>>();
  private size = 0;

  constructor(private readonly max: number) {}

  get(first: NameToken, second: NameToken | undefined, compute: () => T): T {
    let known = this.results.get(first);
    const value = known?.get(second);
    if (value !== undefined) return value;
    const computed = compute();
    if (this.size >= this.max) {
      this.results.clear();
      this.size = 0;
      known = undefined;
    }
    if (known === undefined) {
      known = new Map();
      this.results.set(first, known);
    }
    known.set(second, computed);
    this.size++;
    return computed;
  }
}

function creditNeighbours(lookup: IndexLookup, hash: number, text: string, found: Map<number, number>): void {
  const at = lookup.deletions.find(hash);
  if (at < 0) return;
  const { table, ids } = lookup.deletions;
  for (let k = table[at + 1]!, end = k + table[at + 2]!; k < end; k++) {
    const id = ids[k]!;
    if (found.has(id)) continue;
    const sim = boundedSimilarity(text, lookup.vocabularyText[id]!);
    if (sim > 0) credit(found, id, sim);
  }
}

/** Hashes of the word with two letters removed (distinct positions), as deletionHashes does for one. */
function twoDeletionHashes(text: string): number[] {
  const out: number[] = [];
  for (let a = 0; a < text.length; a++) {
    for (let b = a + 1; b < text.length; b++) {
      let h = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) {
        if (i === a || i === b) continue;
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
      }
      out.push(h >>> 0);
    }
  }
  return out;
}

/**
 * A query word written as two or three listed words run together ("Vladimirputin",
 * "Kimjongun" = "kim" + "jongun"): the splits whose every part is a listed word (or a listed
 * pair of words run together), at most MAX_SPLITS of them, shortest parts last.
 */
function splitIntoListedWords(lookup: IndexLookup, text: string): string[][] {
  const out: string[][] = [];
  // A word listed as written (even as a listed pair run together) is found as it is.
  if (text.length < MIN_SPLIT_LENGTH || text.length > MAX_DELETION_LENGTH || lookup.vocabulary.has(text)) return out;
  const known = (part: string): boolean => part.length >= 2 && lookup.vocabulary.has(part);
  for (let i = 2; i <= text.length - 2 && out.length < MAX_SPLITS; i++) {
    const left = text.slice(0, i);
    if (!known(left)) continue;
    const right = text.slice(i);
    if (known(right)) {
      out.push([left, right]);
      continue;
    }
    for (let j = 2; j <= right.length - 2 && out.length < MAX_SPLITS; j++) {
      if (known(right.slice(0, j)) && known(right.slice(j))) out.push([left, right.slice(0, j), right.slice(j)]);
    }
  }
  return out;
}

function isSearchable(token: NameToken): boolean {
  return token.kind !== 'legal' && token.kind !== 'stopword' && token.kind !== 'title';
}

/**
 * Per-index scratch arrays for retrieval, reused by every query (searchIndex is synchronous,
 * so queries never interleave). Stamps replace clearing: each query and then each of its terms
 * takes the next stamp, so a name's slots are live for the term whose stamp they carry, and
 * for the query when that stamp is above the query's own (every earlier stamp is below it).
 * A name's three slots lie side by side (NAME_SLOTS), two views of one buffer: the postings of
 * a query reach names at random, and one name then costs one read from memory.
 */
interface Scratch {
  /** At NAME_SLOTS × name id + TERM_STAMP. */
  stamps: Int32Array;
  /** At NAME_SLOTS × name id: SCORE, TERM_BEST (32-bit floats, as the scores always were). */
  values: Float32Array;
  touched: Int32Array;
  stamp: number;
}

const NAME_SLOTS = 3;
const TERM_STAMP = 0;
const SCORE = 1;
const TERM_BEST = 2;

function scratchFor(index: MatchIndex): Scratch {
  const n = index.names.length;
  let scratch = SCRATCH.get(index);
  if (!scratch) {
    const buffer = new ArrayBuffer(NAME_SLOTS * 4 * n);
    scratch = { stamps: new Int32Array(buffer), values: new Float32Array(buffer), touched: new Int32Array(n), stamp: 0 };
    SCRATCH.set(index, scratch);
  }
  return scratch;
}
const SCRATCH = new WeakMap<MatchIndex, Scratch>();

/**
 * Names worth scoring in full: every name sharing a (spelling of a) query token, ranked by the
 * summed rarity (idf) of what they share, best `max` kept.
 */
function retrieve(index: MatchIndex, query: NormalisedName, allowed: Uint8Array | undefined, max: number): number[] {
  const { lookup } = index;
  const remembered = rememberedExpansions(lookup, query.korean);
  const terms: NameToken[] = query.tokens.filter(isSearchable);
  const expansions = terms.map((t) => remembered.get(t, undefined, () => expandToken(lookup, t, query.korean)));
  // Query tokens run together find listed single words ("Jong Un" → "Jongun").
  for (let i = 0; i + 1 < query.tokens.length; i++) {
    const a = query.tokens[i]!;
    const b = query.tokens[i + 1]!;
    if (!isSearchable(a) || !isSearchable(b)) continue;
    const korean = a.korean.length > 0 && b.korean.length > 0 ? [`${a.korean[0]}-${b.korean[0]}`] : [];
    const term: NameToken = { ...a, kind: 'word', text: a.text + b.text, phonetic: a.phonetic + b.phonetic, consonants: a.consonants + b.consonants, korean };
    terms.push(term);
    // The pair stands for what expandToken reads of its term, which is made of the two alone.
    expansions.push(remembered.get(a, b, () => expandToken(lookup, term, query.korean)));
  }
  for (const run of initialRuns(query.tokens)) {
    terms.push(run);
    expansions.push(expandToken(lookup, run, query.korean));
  }
  // A query word that is listed words run together looks them up one by one.
  for (const token of query.tokens) {
    if (!isSearchable(token) || token.script !== 'latin') continue;
    for (const parts of splitIntoListedWords(lookup, token.text)) {
      for (const part of parts) {
        terms.push({ ...token, text: part });
        expansions.push(new Map([[lookup.vocabulary.get(part)!, RETRIEVAL_CREDIT.split]]));
      }
    }
  }
  let rareExists = false;
  for (const e of expansions) for (const id of e.keys()) if (postingCount(lookup, id) <= COMMON_TOKEN_POSTINGS) rareExists = true;

  const scratch = scratchFor(index);
  const { stamps, values, touched } = scratch;
  const queryId = ++scratch.stamp;
  let touchedCount = 0;
  const { postingStart, postingIds } = lookup;
  for (let termIndex = 0; termIndex < expansions.length; termIndex++) {
    const termId = ++scratch.stamp;
    const weight = terms[termIndex]!.weight;
    for (const [vocabId, credit] of expansions[termIndex]!) {
      const start = postingStart[vocabId]!;
      const end = postingStart[vocabId + 1]!;
      if (rareExists && end - start > COMMON_TOKEN_POSTINGS) continue;
      const value = credit * lookup.idf[vocabId]! * weight;
      for (let i = start; i < end; i++) {
        const nameId = postingIds[i]!;
        if (allowed && allowed[index.names[nameId]!.source] === 0) continue;
        const at = nameId * NAME_SLOTS;
        const stamp = stamps[at + TERM_STAMP]!;
        if (stamp < queryId) {
          values[at + SCORE] = 0;
          touched[touchedCount++] = nameId;
        }
        if (stamp !== termId) {
          stamps[at + TERM_STAMP] = termId;
          values[at + TERM_BEST] = value;
          values[at + SCORE] = values[at + SCORE]! + value;
        } else if (value > values[at + TERM_BEST]!) {
          values[at + SCORE] = values[at + SCORE]! + value - values[at + TERM_BEST]!;
          values[at + TERM_BEST] = value;
        }
      }
    }
  }
  // Stamps count up per query and per term; start over well before Int32 overflows.
  if (scratch.stamp > 2_000_000_000) {
    scratch.stamp = 0;
    stamps.fill(0);
  }
  return topNames(values, lookup.nameMass, touched, touchedCount, max);
}

/**
 * The `max` best-scoring touched names, best first; a name's score at NAME_SLOTS × id + SCORE of
 * `score`. Names that share exactly what they share with the query tie on score (every name
 * holding only "china", or only "salah"); of those, the name with the least rarity of its own
 * left over (`mass`) comes first, as the full comparison would rank them, then the lower id.
 */
function topNames(score: Float32Array, mass: Float32Array, touched: Int32Array, count: number, max: number): number[] {
  // Min-heap of the best `max` so far: the root is the weakest kept.
  const heap: number[] = [];
  for (let k = 0; k < count; k++) {
    const id = touched[k]!;
    if (heap.length < max) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!better(score, mass, heap[parent]!, heap[i]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (better(score, mass, id, heap[0]!)) {
      heap[0] = id;
      siftDown(score, mass, heap, 0);
    }
  }
  return heap.sort((a, b) => (better(score, mass, a, b) ? -1 : 1));
}

/** Name a ranks before name b: higher retrieval score, then less of its own left over, then lower id. */
function better(score: Float32Array, mass: Float32Array, a: number, b: number): boolean {
  const x = score[a * NAME_SLOTS + SCORE]!;
  const y = score[b * NAME_SLOTS + SCORE]!;
  return x > y || (x === y && (mass[a]! < mass[b]! || (mass[a] === mass[b] && a < b)));
}

/** Restores the min-heap order below slot i (the weakest kept name at the root). */
function siftDown(score: Float32Array, mass: Float32Array, heap: number[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let worst = i;
    if (l < heap.length && better(score, mass, heap[worst]!, heap[l]!)) worst = l;
    if (r < heap.length && better(score, mass, heap[worst]!, heap[r]!)) worst = r;
    if (worst === i) return;
    [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
    i = worst;
  }
}

interface EntryBest {
  name: IndexedName;
  rank: number;
  nameScore: number;
  components: ScoreComponent[];
  describe: () => ReturnType<typeof describeTokens>;
  korean: boolean;
}

/** Source numbers a query is limited to; undefined for every source. */
function allowedSources(index: MatchIndex, sources: readonly string[] | undefined): Uint8Array | undefined {
  if (!sources || sources.length === 0) return undefined;
  const allowed = new Uint8Array(index.sources.length);
  index.sources.forEach((s, i) => {
    if (sources.includes(s)) allowed[i] = 1;
  });
  return allowed;
}

/**
 * Weak aliases are broad by the lists' own account ("John", "Ah Han"): they count only when
 * they explain the whole query, and then still below a strong name.
 */
function weakAliasComponent(normalised: NormalisedName, alignment: Alignment, weakPenalty: number, nameScore: number): ScoreComponent & { delta: number } {
  const partial = alignment.unmatchedQuery.some((i) => {
    const kind = normalised.tokens[i]!.kind;
    return kind === 'word' || kind === 'number';
  });
  const delta = round4(partial ? Math.min(weakPenalty, WEAK_PARTIAL_CAP - nameScore) : weakPenalty);
  return {
    component: 'weak-alias',
    effect: '-',
    value: delta,
    delta,
    detail: partial
      ? `the listed name is a weak (low-quality) alias and leaves query words unexplained: capped at ${WEAK_PARTIAL_CAP}`
      : 'the listed name is a weak (low-quality) alias',
  };
}

/** One listed name against the query; undefined when it cannot reach the threshold. */
function scoreName(normalised: NormalisedName, name: IndexedName, resolved: ResolvedMatchOptions): EntryBest | undefined {
  // The most discriminators can add; a name below threshold − this cannot end above it.
  const headroom = DISCRIMINATOR_WEIGHTS.birthDateExact + DISCRIMINATOR_WEIGHTS.nationality;
  const weakPenalty = name.strength === 'weak' ? DISCRIMINATOR_WEIGHTS.weakAlias : 0;
  // The same test on an upper bound of the token score (fl(x + c) grows with x, so a bound that
  // fails it proves the score fails it): at the default threshold most candidates end there,
  // before their alignment is finished.
  const boundTooLow = LONE_WORDS_BOUND + weakPenalty + headroom < resolved.threshold;
  const alignment = alignNamesWithin(normalised, name.normalised, { listedSide: true }, boundTooLow);
  if (alignment === undefined || alignment.tokenScore + weakPenalty + headroom < resolved.threshold) return undefined;
  const evidence = nameEvidence(normalised, name.normalised, resolved, alignment);
  const components = [...evidence.components];
  let nameScore = evidence.nameScore;
  if (weakPenalty !== 0) {
    const weak = weakAliasComponent(normalised, alignment, weakPenalty, nameScore);
    components.push(weak);
    nameScore = round4(nameScore + weak.delta);
  }
  return {
    name,
    // Names of one entry are ranked before the cap, so the closest spelling is the one shown
    // even when several reach the cap.
    rank: nameScore,
    nameScore: finalScore(components),
    components,
    korean: alignment.korean,
    describe: () => describeTokens(normalised, name.normalised, alignment),
  };
}

/** For each entry, its listed name closest to the query. */
function bestNamePerEntry(index: MatchIndex, normalised: NormalisedName, candidates: readonly number[], resolved: ResolvedMatchOptions): Map<number, EntryBest> {
  const bestByEntry = new Map<number, EntryBest>();
  for (const nameId of candidates) {
    const name = index.names[nameId]!;
    const best = scoreName(normalised, name, resolved);
    if (!best) continue;
    const previous = bestByEntry.get(name.entry);
    if (previous && previous.rank >= best.rank) continue;
    bestByEntry.set(name.entry, best);
  }
  return bestByEntry;
}

/** The entry's result with its discriminators (type, birth date, nationality, gender); undefined below the threshold. */
function entryResult(query: MatchQuery, normalised: NormalisedName, entry: IndexableEntry, best: EntryBest, threshold: number): MatchResult | undefined {
  const components = [...best.components];
  const type = typeComponent(query.type, entry.type);
  if (type) components.push(type);
  const birth = birthDateComponent(query.birthDate, entry.birthDates);
  if (birth) components.push(birth);
  const nationality = nationalityComponent(query.nationality, entry.nationalities);
  if (nationality) components.push(nationality);
  const gender = genderComponent(query.gender, entry.gender);
  if (gender) components.push(gender);
  const score = finalScore(components);
  if (score < threshold) return undefined;
  return {
    entry: { id: entry.id, source: entry.source, sourceId: entry.sourceId, name: entry.name, type: entry.type, programs: entry.programs },
    matchedName: best.name.full,
    score,
    explanation: {
      version: EXPLANATION_VERSION,
      queryName: normalised.raw,
      matchedName: best.name.full,
      matchedNameKind: best.name.kind,
      matchedNameStrength: best.name.strength,
      ...(query.type ? { queryType: query.type } : {}),
      listedType: entry.type,
      korean: best.korean,
      ...best.describe(),
      components,
      nameScore: best.nameScore,
      score,
      threshold,
      match: true,
    },
  };
}

/**
 * Ranks list entries for a query. Never throws on odd input: empty or symbol-only names,
 * names of only legal forms or titles return []; long input is cut by the normaliser.
 */
export function searchIndex(index: MatchIndex, query: MatchQuery, options: MatchOptions = {}): MatchResult[] {
  const resolved = resolveMatchOptions({ ...options, ...(query.threshold !== undefined ? { threshold: query.threshold } : {}) });
  const requested = Number.isFinite(query.limit) ? Math.floor(query.limit!) : DEFAULT_LIMIT;
  const limit = Math.max(1, Math.min(MAX_LIMIT, requested));
  const normalised = normaliseName(query.name, { type: query.type });
  // A query of only legal forms, titles and function words names nobody.
  if (!normalised.tokens.some(isSearchable)) return [];

  const candidates = retrieve(index, normalised, allowedSources(index, query.sources), resolved.maxCandidates);
  const results: MatchResult[] = [];
  for (const [entryIndex, best] of bestNamePerEntry(index, normalised, candidates, resolved)) {
    const result = entryResult(query, normalised, index.entries[entryIndex]!, best, resolved.threshold);
    if (result) results.push(result);
  }
  results.sort(
    (a, b) =>
      b.score - a.score ||
      a.entry.source.localeCompare(b.entry.source) ||
      a.entry.sourceId.localeCompare(b.entry.sourceId, undefined, { numeric: true }),
  );
  return results.slice(0, limit);
}
