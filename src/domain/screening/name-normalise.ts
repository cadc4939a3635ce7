import anyAscii from 'any-ascii';
import { toRomaji } from 'wanakana';
import { countries } from '../geo/countries.js';
import type { EntryType } from '../lists/list-entry.js';
import {
  hangulInitialSoundForm,
  isHangulSyllable,
  isKoreanSurnameSpelling,
  koreanKeyOfHangul,
  romanizeSyllable,
  segmentKorean,
} from './korean-romanisation.js';
import {
  ABBREVIATIONS,
  CJK_LEGAL_FORMS,
  GENERIC_WORDS,
  GEOGRAPHIC_QUALIFIERS,
  LEGAL_FORMS,
  NUMBER_WORDS,
  ORDINAL_WORDS,
  PARTICLES,
  PARTICLE_SPELLINGS,
  STOPWORDS,
} from './name-vocabulary.table.js';
import { givenNameFamily, type GivenNameFamily } from './given-names.js';
import { pinyinReader } from './han-readers.js';
import { hanjaReadings } from './hanja-readings.js';
import { TITLES_ANYWHERE, TITLES_LEADING, TITLES_OF_OFFICE } from './name-titles.table.js';
import { isWadeGilesName } from './wade-giles.js';
import { arabicConsonantKey, consonantKey, letterMask, maskedSimilarity, phoneticKey } from './text-similarity.js';
import { TextMemo } from './text-memo.js';

/**
 * Name normalisation: any raw string → a short list of comparable tokens. Never throws, and
 * bounds its work: input is cut at MAX_INPUT_CHARS and the token list at MAX_TOKENS, so a
 * 10,000-character "name" costs the same as a long real one.
 */

/** Longest real list names are ~200 characters (long Arabic and Russian organisation names). */
export const MAX_INPUT_CHARS = 300;
/** Beyond 16 tokens a "name" is prose; the cap bounds the O(n·m) token alignment. */
export const MAX_TOKENS = 16;

export type TokenKind =
  | 'word'
  | 'number'
  | 'initial'
  | 'legal'
  | 'title'
  | 'particle'
  | 'stopword'
  | 'generic';

export type TokenScript = 'latin' | 'hangul' | 'han' | 'kana' | 'cyrillic' | 'greek' | 'abjad' | 'other';

/**
 * How much a token of each kind counts towards a name's identity. Distinctive words and
 * numbers count fully; an initial half (it agrees with a thousand names); generic
 * organisation words half; particles, function words and legal forms a fifth or so; titles
 * nothing (they are removed before comparing and only shown).
 */
export const TOKEN_WEIGHTS: Readonly<Record<TokenKind, number>> = {
  word: 1,
  number: 1,
  initial: 0.5,
  generic: 0.5,
  particle: 0.3,
  title: 0,
  stopword: 0.2,
  legal: 0.2,
};

export interface NameToken {
  /** Latin, lower-case, ASCII letters and digits: the form most comparisons use. */
  text: string;
  /** The token as written (case-folded, in its own script), shown in explanations. */
  original: string;
  script: TokenScript;
  kind: TokenKind;
  weight: number;
  /** phoneticKey(text): absorbs transliteration variants. */
  phonetic: string;
  /** Bit per letter a–z present in text, then in phonetic: a cheap lower bound on edits. */
  letters: number;
  phoneticLetters: number;
  /** consonantKey(text): for comparisons with abjad-script tokens. */
  consonants: string;
  /** Canonical Korean syllable-key sequences ("jeong-eun"), when the name reads as Korean. */
  korean: readonly string[];
  /** Hangul syllable in its initial-sound form, for Hangul-to-Hangul comparison. */
  hangul?: string;
  /** Legal-form family ("limited", "joint-stock" ...), for legal tokens. */
  legalFamily?: string;
  /** How a token in another script became `text` (shown in explanations). */
  scheme?: TransliterationScheme;
  /** Korean (hanja) reading of a Han character, in Revised Romanization, when it has one. */
  koreanReading?: string;
  /** The given-name family `text` belongs to (given-names.table.ts), if any. */
  family?: GivenNameFamily;
  /** A syllable run of a Chinese name spelt in Wade–Giles ("Tse", "Chin"): compared with pinyin through wade-giles.ts. */
  wadeGiles?: boolean;
}

/**
 * How non-Latin text was read: pinyin (pinyin-pro) for Han characters, with their Korean
 * hanja reading beside it; Revised Romanization (es-hangul) for Hangul; Hepburn (wanakana)
 * for kana; any-ascii for every other script.
 */
export type TransliterationScheme = 'pinyin' | 'revised-romanization' | 'hepburn' | 'any-ascii';

export interface NormalisedName {
  /** The input as received (cut at MAX_INPUT_CHARS). */
  raw: string;
  /** Token texts joined by single spaces: a readable canonical form. */
  text: string;
  tokens: NameToken[];
  /** Reads as a Korean personal name: Korean romanisation equivalences apply. */
  korean: boolean;
  /** Input or tokens were cut to the caps. */
  truncated: boolean;
  /** A title of office was removed ("President", "General"): with a surname it designates one person. */
  office?: boolean;
}

/** Title and honorific tokens (kind 'title') carry no identity: they are left out of comparison. */
export function isTitle(token: NameToken): boolean {
  return token.kind === 'title';
}

export interface NormaliseOptions {
  /**
   * What the name belongs to, when known. Individuals' names get no legal-form or
   * generic-word treatment ("Sa", "Co", "Hong" are Korean name syllables).
   */
  type?: EntryType | undefined;
}

const LEGAL_BY_PHRASE = new Map<string, { canonical: string; family: string }>();
let LONGEST_LEGAL_PHRASE = 1;
for (const [canonical, family, spellings] of LEGAL_FORMS) {
  for (const spelling of spellings) {
    LEGAL_BY_PHRASE.set(spelling, { canonical, family });
    LONGEST_LEGAL_PHRASE = Math.max(LONGEST_LEGAL_PHRASE, spelling.split(' ').length);
  }
}
const LEGAL_FAMILY = new Map<string, string>(LEGAL_FORMS.map(([canonical, family]) => [canonical, family]));
/**
 * Legal-form spellings that are also ordinary words or name syllables ("co", "sa", "as", "pt").
 * They count as legal forms only at either end of the name or next to another legal form.
 */
const AMBIGUOUS_LEGAL = new Set(
  [...LEGAL_BY_PHRASE.keys()].filter((s) => !s.includes(' ') && s.length <= 3 && !['llc', 'ltd', 'plc', 'inc', 'jsc', 'ooo', 'oao', 'zao', 'pao', 'bhd', 'pte', 'pty', 'llp', 'srl', 'kft', 'fgup'].includes(s)),
);
for (const word of ['private', 'proprietary', 'company', 'gongsi', 'hoesa']) AMBIGUOUS_LEGAL.add(word);

const LONG_LEGAL_WORDS = [...LEGAL_BY_PHRASE.keys()]
  .filter((w) => !w.includes(' ') && w.length >= 8)
  .map((text) => ({ text, mask: letterMask(text) }));
/**
 * Legal-form phrases of three words or more, as word lists: recognised with one word misspelt
 * ("Joynt Stock Company") or cut off at the end of the name ("... Joint Stock Compan", where a
 * fixed-width list field ran out), since the other words pin the phrase down.
 */
const LONG_LEGAL_PHRASES = [...LEGAL_BY_PHRASE.keys()].map((p) => p.split(' ')).filter((words) => words.length >= 3)
  .sort((a, b) => b.length - a.length);
/** First words of legal-form phrases: most positions start none and need no phrase lookups. */
const LEGAL_FIRST_WORDS = new Set([...LEGAL_BY_PHRASE.keys()].map((p) => p.split(' ')[0]!));
const TITLES_ANYWHERE_SET = new Set(TITLES_ANYWHERE);
const TITLES_LEADING_SET = new Set(TITLES_LEADING);
const TITLES_OF_OFFICE_SET = new Set(TITLES_OF_OFFICE);
/**
 * Every word of every legal-form spelling: dotted initials that spell one of these stay one
 * word ("G.m.b.H." = "gmbh", "S.A. de C.V." = "sa de cv"); other dotted initials are initials.
 */
const LEGAL_WORDS = new Set([...LEGAL_BY_PHRASE.keys()].flatMap((phrase) => phrase.split(' ')));
/** One-word legal forms of three letters or more ("llc", "company", "gmbh"): the name is an organisation's. */
const ORGANISATION_WORDS = new Set([...LEGAL_BY_PHRASE.keys()].filter((w) => !w.includes(' ') && w.length >= 3 && w !== 'private' && w !== 'proprietary'));
/**
 * Roman numerals of two letters or more ("Fund II" = "Fund 2"); I, V and X alone only as an
 * organisation name's last word (see lastNameWordIndex), else they are initials.
 */
const ROMAN_NUMERAL = /^(x{0,3})(ix|iv|v?i{0,3})$/;
const PARTICLE_SET = new Set(PARTICLES);
const STOPWORD_SET = new Set(STOPWORDS);
/**
 * In organisation names a place is a qualifier ("Faberlic Europe", "Deutsche Bank (Schweiz)",
 * "Qingdao Construction (Namibia)"): a subsidiary's locator, not its identity. One-word country
 * names and the regions below count as generic words there (never in personal names, where
 * Jordan or Georgia are names).
 */
const GENERIC_SET = new Set([
  ...GENERIC_WORDS,
  ...GEOGRAPHIC_QUALIFIERS,
  ...countries.map((c) => c.name.toLowerCase()).filter((n) => /^[a-z]+$/.test(n)),
]);

/** Digits inside words are look-alike letters ("Ig0r Sech1n"). */
const LOOKALIKE_DIGITS: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g',
};

/** Record lookup that ignores inherited keys: a token may be spelt "constructor". */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

interface RawToken {
  original: string;
  script: TokenScript;
  text: string;
  hangul?: string;
  legal?: string;
  title?: boolean;
  scheme?: TransliterationScheme;
  /** Korean readings of a Han character (Hangul syllables). */
  hanja?: readonly string[];
}

interface Word {
  text: string;
  /** First word of the name or of a part after a comma ("KHAN, General Ayub"). */
  segmentStart: boolean;
}

export function normaliseName(raw: unknown, options: NormaliseOptions = {}): NormalisedName {
  const input = typeof raw === 'string' ? raw : '';
  let truncated = input.length > MAX_INPUT_CHARS;
  const cut = truncated ? input.slice(0, MAX_INPUT_CHARS) : input;
  const words = splitWords(cut);
  const titles = titleWords(words, options.type);
  const office = words.some((word, i) => titles[i] && TITLES_OF_OFFICE_SET.has(titleKey(word.text)));
  let rawTokens = words.flatMap((word, i) => (titles[i] ? [titleToken(word.text)] : tokeniseWord(word.text)));
  rawTokens = rawTokens.filter((t) => t.text.length > 0 || t.legal !== undefined);
  rawTokens = joinNumberWords(rawTokens);
  if (rawTokens.some((t, i) => i + 1 < rawTokens.length && ABD_AL.test(t.text))) rawTokens = splitAbdAl(rawTokens);
  const individual = options.type === 'individual';
  const koreanCandidate = looksKorean(rawTokens);
  const organisational = !individual && !koreanCandidate;
  if (organisational) rawTokens = markLegalForms(rawTokens);
  if (rawTokens.length > MAX_TOKENS) {
    rawTokens = rawTokens.slice(0, MAX_TOKENS);
    truncated = true;
  }
  // Series numerals ("Fund II") only when the caller says this is an organisation: "Xi" and
  // "Vi" are also names.
  const knownOrganisation = options.type !== undefined && options.type !== 'individual' && options.type !== 'unknown';
  const seriesSlot = knownOrganisation ? lastNameWordIndex(rawTokens) : -1;
  let tokens = rawTokens.map((t, i) => finishToken(t, { organisational, knownOrganisation, korean: koreanCandidate, seriesSlot: i === seriesSlot }));
  // A Chinese personal name in Wade–Giles ("Mao Tse-tung"); never a Korean one, whose
  // McCune–Reischauer spellings look alike but are other syllables. Marked on copies: finished
  // tokens are shared between names (finishToken), and "mao" of "Mao Smith" is no Wade–Giles.
  if (!koreanCandidate && !knownOrganisation && isWadeGilesName(tokens.filter((t) => !isTitle(t)).map((t) => (t.script === 'latin' ? t.text : '')))) {
    tokens = tokens.map((t) => (t.kind === 'word' ? { ...t, wadeGiles: true } : t));
  }
  return {
    raw: cut,
    text: tokens.map((t) => t.text).join(' '),
    tokens,
    korean: koreanCandidate,
    truncated,
    ...(office ? { office } : {}),
  };
}

/**
 * Where a series numeral stands in an organisation's name: its last word before any legal
 * form ("Capital Trust I", "Partners V L.P."). Only there does a lone I, V or X read as a
 * number; elsewhere it is an initial ("I. C. Holdings"). -1 for a one-word name.
 */
function lastNameWordIndex(tokens: readonly RawToken[]): number {
  let i = tokens.length - 1;
  while (i >= 0 && tokens[i]!.legal !== undefined) i--;
  return i > 0 ? i : -1;
}

function splitAbdAl(tokens: RawToken[]): RawToken[] {
  return tokens.flatMap((t, i) =>
    t.script === 'latin' && ABD_AL.test(t.text) && i + 1 < tokens.length
      ? [{ ...t, text: 'abd' }, { original: t.original, script: t.script, text: 'al' }]
      : [t],
  );
}

/**
 * The character classes splitWords reads words with, in two equal forms: Unicode properties
 * for any text, and their ASCII members for printable-ASCII text (most list names), where
 * \p{L} is a–z once lower-cased, \p{N} is 0–9, \p{M} is empty, and no character is a control,
 * format, private-use, unassigned, pictographic or other symbol. The ASCII forms skip the
 * Unicode property tables, the largest cost of normalising a Latin name.
 */
const WORD_PATTERNS = {
  unicode: {
    // "A/S" is one legal form, not two initials.
    slashPair: /(?<![\p{L}\p{N}])(\p{L})\/(\p{L})(?![\p{L}\p{N}])/gu,
    dottedInitials: /(?<![\p{L}\p{N}])\p{L}(?:\.\p{L})+\.?(?![\p{L}\p{N}])/gu,
    separators: /[^\p{L}\p{M}\p{N}]+/gu,
  },
  ascii: {
    slashPair: /(?<![a-z0-9])([a-z])\/([a-z])(?![a-z0-9])/g,
    dottedInitials: /(?<![a-z0-9])[a-z](?:\.[a-z])+\.?(?![a-z0-9])/g,
    separators: /[^a-z0-9]+/g,
  },
} as const;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function splitWords(input: string): Word[] {
  const ascii = PRINTABLE_ASCII.test(input);
  const patterns = ascii ? WORD_PATTERNS.ascii : WORD_PATTERNS.unicode;
  const s = (ascii ? input.toLowerCase().replace(/['`]/g, '') : cleanUnicode(input))
    .replace(patterns.slashPair, '$1$2')
    // Dotted initials: a legal form when they spell one ("G.m.b.H." = "GmbH", "o.o.o." =
    // "ooo", "S.A." = "SA"), otherwise initials ("A.I.C." = "A I C", "J.R.R." = "J R R"), so
    // that a name written with or without the dots, or with some initials left out, compares.
    .replace(patterns.dottedInitials, (m) => {
      const joined = m.replace(/\./g, '');
      return LEGAL_WORDS.has(joined) ? joined : joined.split('').join(' ');
    })
    .replace(/[&＆]/g, ' and ')
    // "3%ers" = "Three Percenters": the sign is read as the word it stands for.
    .replace(/[%％]/g, ' percent ');
  const words: Word[] = [];
  // A comma (or its CJK forms) starts a new part: lists write "SURNAME, Title Given".
  for (const part of s.split(/[,，、;]/)) {
    let first = true;
    for (const text of part.replace(patterns.separators, ' ').split(' ')) {
      if (text.length === 0) continue;
      words.push({ text, segmentStart: first });
      first = false;
    }
  }
  return words;
}

/** Compatibility forms folded, invisible and symbol characters out, lower case, apostrophes joined. */
function cleanUnicode(input: string): string {
  return input
    .normalize('NFKC')
    // Lone surrogates (from cutting a string mid-pair), controls and unassigned code points.
    .replace(/[\p{Cs}\p{Cc}\p{Co}\p{Cn}]/gu, ' ')
    // Format characters (ZWJ, ZWNJ, bidi marks) sit inside words: remove without splitting.
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{Extended_Pictographic}\p{So}]/gu, ' ')
    .toLowerCase()
    // Apostrophes join: "O'Brien" = "OBrien", "CH'O'L" = "CHOL", "Qa'ida" = "Qaida".
    // (Double quotes are punctuation: ООО"БАЗО" is two words.)
    .replace(/['’‘`´ʼʻʹʽ′ʿʾ]/gu, '');
}

/** The Latin key a word is looked up by in the title tables (its own letters for Arabic and Hangul). */
function titleKey(word: string): string {
  return /^[\p{Script=Arabic}\p{Script=Hangul}]+$/u.test(word) ? word : asciiText(word);
}

/**
 * Which words are titles: anywhere-titles wherever they stand, leading titles at the start of
 * the name or of a part after a comma (several in a row: "Lieutenant General", "His Excellency
 * President"), and in either case only when a word that is not a title is left. Organisation
 * names keep their words ("General Motors", "Sultan Trading").
 */
function titleWords(words: readonly Word[], type: EntryType | undefined): boolean[] {
  const marks = new Array<boolean>(words.length).fill(false);
  if (type !== undefined && type !== 'individual' && type !== 'unknown') return marks;
  const hasComma = words.some((w, i) => i > 0 && w.segmentStart);
  const organisation = words.some((w) => ORGANISATION_WORDS.has(asciiText(w.text)));
  let leading = false;
  words.forEach((word, i) => {
    if (word.segmentStart) leading = !organisation && i === 0 && !hasComma;
    const key = titleKey(word.text);
    const isLeading = leading && TITLES_LEADING_SET.has(key);
    if (TITLES_ANYWHERE_SET.has(key) || isLeading) marks[i] = true;
    else leading = false;
  });
  // A name that is nothing but titles ("Major", "Mr Major") keeps its last word as the name.
  if (marks.every(Boolean)) marks[marks.length - 1] = false;
  return marks;
}

function titleToken(word: string): RawToken {
  return { original: word, script: scriptOf(String.fromCodePoint(word.codePointAt(0)!)), text: asciiText(word), title: true };
}

function scriptOf(char: string): TokenScript {
  if (/[\p{Script=Latin}0-9]/u.test(char)) return 'latin';
  if (/\p{Script=Hangul}/u.test(char)) return 'hangul';
  if (/\p{Script=Han}/u.test(char)) return 'han';
  if (/[\p{Script=Hiragana}\p{Script=Katakana}ー]/u.test(char)) return 'kana';
  if (/\p{Script=Cyrillic}/u.test(char)) return 'cyrillic';
  if (/\p{Script=Greek}/u.test(char)) return 'greek';
  if (/[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u.test(char)) return 'abjad';
  return 'other';
}

/** Splits a word into runs of one script; Hangul and Han runs into syllables. */
function tokeniseWord(word: string): RawToken[] {
  // Most list names are plain ASCII: one Latin token, no per-character script test.
  if (/^[\x00-\x7f]*$/.test(word)) return [latinToken(word, 'latin')];
  const runs: { script: TokenScript; text: string }[] = [];
  for (const char of word) {
    // Combining marks belong to the run they follow.
    const script = /\p{M}/u.test(char) && runs.length > 0 ? runs[runs.length - 1]!.script : scriptOf(char);
    const last = runs[runs.length - 1];
    if (last && last.script === script) last.text += char;
    else runs.push({ script, text: char });
  }
  const out: RawToken[] = [];
  for (const run of runs) {
    if (run.script === 'hangul' || run.script === 'han') out.push(...syllableTokens(run.text, run.script));
    else if (run.script === 'kana') out.push(kanaToken(run.text));
    else if (run.script === 'abjad' && ARABIC_ARTICLE.test(run.text) && run.text !== ALLAH) {
      // The Arabic article is written joined to its word (الفتاح al-Fattah); Latin spellings
      // write it apart ("el-Fattah", "Al Fattah") or not at all, so it is a particle of its own.
      out.push({ original: run.text.slice(0, 2), script: 'abjad', text: 'al', scheme: 'any-ascii' }, latinToken(run.text.slice(2), 'abjad'));
    } else out.push(latinToken(run.text, run.script));
  }
  return out;
}

/** ال followed by at least two letters (a word of its own, not the article alone). */
const ARABIC_ARTICLE = /^ال\p{Script=Arabic}{2}/u;
/** الله (Allah) is one word, not the article before "lh": "Nasrallah", "Abdullah". */
const ALLAH = 'الله';
/**
 * "Abdul", "Abdel", "Abdal", "Abdoul" before another word are "Abd al-" (servant of the ...)
 * written as one word; Arabic script and other spellings write "Abd al-Rahman", "Abd el
 * Fattah". Split into "abd" and the particle, so every spelling meets every other.
 */
const ABD_AL = /^ab[dt](?:ou|[aeiou])l$/;

/**
 * Kana in Hepburn (wanakana), as Japanese passports write it: long vowels shortened ("Tarou"
 * → "Taro", "Yuuko" → "Yuko"), so the romaji meets the list's spelling.
 */
function kanaToken(text: string): RawToken {
  const romaji = toRomaji(text).toLowerCase().replace(/ou|oo/g, 'o').replace(/uu/g, 'u').replace(/[^a-z0-9]/g, '');
  return { original: text, script: 'kana', text: romaji, scheme: 'hepburn' };
}

/**
 * Hangul and Han are written without spaces inside names: one token per syllable. Han
 * characters are read in pinyin (pinyin-pro, with the surname reading of a name's first
 * character), and carry their Korean (hanja) readings for Korean names.
 */
function syllableTokens(text: string, script: 'hangul' | 'han'): RawToken[] {
  const out: RawToken[] = [];
  const chars = [...text];
  // Names are short runs; longer runs are organisation names, whose first character is no surname.
  const readings = script === 'han' ? hanReadings(text, chars.length <= 4) : undefined;
  let i = 0;
  while (i < chars.length) {
    const rest = chars.slice(i).join('');
    const legal = CJK_LEGAL_FORMS.find(([form]) => rest.startsWith(form));
    if (legal) {
      out.push({ original: legal[0], script, text: legal[1], legal: legal[1] });
      i += [...legal[0]].length;
      continue;
    }
    const char = chars[i]!;
    if (script === 'hangul' && isHangulSyllable(char)) {
      out.push({ original: char, script, text: romanizeSyllable(char), hangul: hangulInitialSoundForm(char), scheme: 'revised-romanization' });
    } else if (script === 'han') {
      const hanja = hanjaReadings(char);
      out.push({ original: char, script, text: readings?.[i] ?? asciiText(char), scheme: 'pinyin', ...(hanja.length > 0 ? { hanja } : {}) });
    } else {
      out.push({ original: char, script, text: asciiText(char), scheme: 'any-ascii' });
    }
    i++;
  }
  return out;
}

/** Pinyin of each character of a Han run, without tones; any-ascii when pinyin-pro has none. */
function hanReadings(text: string, personal: boolean): string[] {
  try {
    const read = pinyinReader()(text, { toneType: 'none', type: 'array', surname: personal ? 'head' : 'off', nonZh: 'consecutive' });
    if (read.length === [...text].length) return read.map((r) => r.toLowerCase().replace(/[^a-z]/g, ''));
  } catch {
    // Fall through to any-ascii: a reading is better than none.
  }
  return [...text].map(asciiText);
}

function latinToken(original: string, script: TokenScript): RawToken {
  let text = asciiText(original);
  const scheme: TransliterationScheme | undefined = script === 'latin' ? undefined : 'any-ascii';
  if (/[a-z]/.test(text) && /[0-9]/.test(text) && text.replace(/[0-9]/g, '').length >= 2) {
    // "1st", "2nd", "44th" are numbers; other digits among letters are look-alikes.
    const ordinal = /^([0-9]+)(st|nd|rd|th)$/.exec(text);
    text = ordinal ? ordinal[1]! : text.replace(/[0-9]/g, (d) => LOOKALIKE_DIGITS[d] ?? d);
  }
  return { original, script, text, ...(scheme ? { scheme } : {}) };
}

function asciiText(original: string): string {
  const ascii = /^[\x00-\x7f]*$/.test(original) ? original : anyAscii(original);
  return ascii.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** "forty four" / "forty-four" → "44", "first" → "1", so spelled and written numbers meet. */
function joinNumberWords(tokens: RawToken[]): RawToken[] {
  if (!tokens.some((t) => own(NUMBER_WORDS, t.text) !== undefined || own(ORDINAL_WORDS, t.text) !== undefined)) return tokens;
  const out: RawToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const ordinal = own(ORDINAL_WORDS, t.text);
    if (ordinal !== undefined) {
      out.push({ ...t, text: String(ordinal) });
      continue;
    }
    const value = own(NUMBER_WORDS, t.text);
    if (value === undefined) {
      out.push(t);
      continue;
    }
    const next = tokens[i + 1];
    const unit = next ? own(NUMBER_WORDS, next.text) ?? (/^[1-9]$/.test(next.text) ? Number(next.text) : undefined) : undefined;
    if (value >= 20 && value % 10 === 0 && next && unit !== undefined && unit > 0 && unit < 10) {
      out.push({ original: `${t.original} ${next.original}`, script: t.script, text: String(value + unit) });
      i++;
    } else {
      out.push({ ...t, text: String(value) });
    }
  }
  return out;
}

/** Replaces legal-form phrases by one canonical token ("limited liability company" → "llc"). */
function markLegalForms(tokens: RawToken[]): RawToken[] {
  const out: RawToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    let matched = 0;
    const startsPhrase = LEGAL_FIRST_WORDS.has(tokens[i]!.text);
    for (let len = startsPhrase ? Math.min(LONGEST_LEGAL_PHRASE, tokens.length - i) : 0; len >= 1; len--) {
      const phrase = tokens.slice(i, i + len).map((t) => t.text).join(' ');
      if (LEGAL_BY_PHRASE.has(phrase) && (len > 1 || !AMBIGUOUS_LEGAL.has(phrase))) {
        const legal = LEGAL_BY_PHRASE.get(phrase)!.canonical;
        out.push({ original: tokens.slice(i, i + len).map((t) => t.original).join(' '), script: tokens[i]!.script, text: legal, legal });
        matched = len;
        break;
      }
    }
    if (matched === 0 && (LEGAL_WORDS.has(tokens[i]!.text) || LEGAL_WORDS.has(tokens[i + 1]?.text ?? ''))) {
      const near = nearLegalPhrase(tokens, i);
      if (near !== undefined) {
        const legal = LEGAL_BY_PHRASE.get(near.join(' '))!.canonical;
        out.push({ original: tokens.slice(i, i + near.length).map((t) => t.original).join(' '), script: tokens[i]!.script, text: legal, legal });
        matched = near.length;
      }
    }
    if (matched === 0) {
      // Long legal words are recognised through a typo ("Aktiengeselschaft"), like any word.
      const t = tokens[i]!;
      const mask = t.text.length >= 8 ? letterMask(t.text) : 0;
      const near = mask !== 0 ? LONG_LEGAL_WORDS.find((w) => maskedSimilarity(w.text, w.mask, t.text, mask) > 0)?.text : undefined;
      if (near !== undefined) {
        const legal = LEGAL_BY_PHRASE.get(near)!.canonical;
        out.push({ ...t, text: legal, legal });
        matched = 1;
      }
    }
    if (matched > 0) i += matched;
    else out.push(tokens[i++]!);
  }
  // Ambiguous short forms count at either end of the name or beside another legal form.
  // Repeat so "Co., Ltd." resolves right to left.
  for (let changed = true; changed; ) {
    changed = false;
    for (let j = out.length - 1; j >= 0; j--) {
      const t = out[j]!;
      if (t.legal !== undefined || !AMBIGUOUS_LEGAL.has(t.text) || out.length < 2) continue;
      const atEdge = j === 0 || j === out.length - 1;
      const besideLegal = out[j - 1]?.legal !== undefined || out[j + 1]?.legal !== undefined;
      if (atEdge || besideLegal) {
        const legal = LEGAL_BY_PHRASE.get(t.text)!.canonical;
        out[j] = { ...t, text: legal, legal };
        changed = true;
      }
    }
  }
  return out;
}

/**
 * The long legal-form phrase the tokens from `from` spell with exactly one word off: misspelt
 * within its edit budget, or, as the name's last word, cut short (four letters or more).
 */
function nearLegalPhrase(tokens: readonly RawToken[], from: number): readonly string[] | undefined {
  for (const words of LONG_LEGAL_PHRASES) {
    if (from + words.length > tokens.length) continue;
    let off = 0;
    for (let k = 0; k < words.length && off <= 1; k++) {
      const text = tokens[from + k]!.text;
      const word = words[k]!;
      if (text === word) continue;
      off++;
      const cut = from + k === tokens.length - 1 && text.length >= 4 && word.startsWith(text);
      if (!cut && !(text.length >= 4 && maskedSimilarity(text, letterMask(text), word, letterMask(word)) > 0)) off = 2;
    }
    if (off === 1) return words;
  }
  return undefined;
}

/**
 * A Korean personal name in Latin letters: 2–6 tokens, each a run of one to three known
 * syllable spellings, at least one a single-syllable surname. Any Hangul syllable also
 * qualifies, and so does a name of two to four Han characters that reads as a Korean surname
 * and given name in hanja (金正恩). Only then do Korean spelling equivalences apply, so "Ali"
 * never meets "Ari". (A Chinese name in Han characters reads as Korean too; its pinyin
 * still compares as before, the Korean readings only add a way to agree.)
 */
function looksKorean(tokens: RawToken[]): boolean {
  if (tokens.some((t) => t.hangul !== undefined)) return true;
  const words = tokens.filter((t) => !t.title);
  if (words.length >= 2 && words.length <= 4 && words.every((t) => t.script === 'han' && t.hanja !== undefined)) {
    return words[0]!.hanja!.some((reading) => isKoreanSurnameSpelling(romanizeSyllable(reading)));
  }
  if (words.length < 2 || words.length > 6) return false;
  let surname = false;
  for (const t of words) {
    if (t.script !== 'latin' || !/^[a-z]+$/.test(t.text)) return false;
    const splits = koreanSegments(t.text);
    if (splits.length === 0 || splits[0]!.length > 3) return false;
    if (splits[0]!.length === 1 && isKoreanSurnameSpelling(t.text)) surname = true;
  }
  return surname;
}

interface TokenContext {
  organisational: boolean;
  knownOrganisation: boolean;
  korean: boolean;
  seriesSlot: boolean;
}

/**
 * Finished tokens and Korean segmentations by their inputs: the lists repeat most words in
 * thousands of names, and a finished token is a pure function of its raw token and context.
 * Tokens are shared between names (nothing mutates a NameToken once made), which also keeps
 * the index's memory down.
 */
const FINISHED_TOKENS = Array.from({ length: 16 }, () => new TextMemo<NameToken>(50_000));
const KOREAN_SEGMENTS = new TextMemo<readonly (readonly string[])[]>(100_000);

function koreanSegments(text: string): readonly (readonly string[])[] {
  return KOREAN_SEGMENTS.get(text, () => segmentKorean(text));
}

/**
 * A plain Latin word (as written, nothing else attached) is finished from its text and the
 * context alone, so it is remembered under its text, one memory per context: a short key that
 * costs less to look up than the token costs to make. Other tokens are made each time.
 */
function finishToken(t: RawToken, ctx: TokenContext): NameToken {
  const plain = t.script === 'latin' && t.original === t.text && t.hangul === undefined && t.legal === undefined &&
    t.title === undefined && t.scheme === undefined && t.hanja === undefined;
  if (!plain) return makeToken(t, ctx);
  const memo = FINISHED_TOKENS[(ctx.organisational ? 1 : 0) | (ctx.knownOrganisation ? 2 : 0) | (ctx.korean ? 4 : 0) | (ctx.seriesSlot ? 8 : 0)]!;
  return memo.get(t.text, () => makeToken(t, ctx));
}

function makeToken(t: RawToken, ctx: TokenContext): NameToken {
  let text = t.text;
  let kind: TokenKind;
  let legalFamily: string | undefined;
  let korean: string[] = [];
  if (t.legal !== undefined) {
    kind = 'legal';
    legalFamily = LEGAL_FAMILY.get(t.legal);
  } else if (t.title) {
    kind = 'title';
  } else {
    if (ctx.korean) {
      if (t.hangul !== undefined) korean = [koreanKeyOfHangul(t.original)];
      else if (t.hanja !== undefined) korean = [...new Set(t.hanja.map(koreanKeyOfHangul))];
      else korean = koreanSegments(text).map((keys) => keys.join('-'));
    }
    const expanded = ctx.organisational ? own(ABBREVIATIONS, text) : undefined;
    if (expanded !== undefined) text = expanded;
    const roman = ctx.knownOrganisation && t.script === 'latin' ? romanValue(text, ctx.seriesSlot) : undefined;
    if (roman !== undefined) text = String(roman);
    text = own(PARTICLE_SPELLINGS, text) ?? text;
    kind = classify(text, ctx, korean.length > 0);
  }
  const phonetic = phoneticKey(text);
  return {
    text,
    original: t.original,
    script: t.script,
    kind,
    weight: kind === 'word' && !ctx.organisational && PATRONYMIC.test(text) ? PATRONYMIC_WEIGHT : TOKEN_WEIGHTS[kind],
    phonetic,
    letters: letterMask(text),
    phoneticLetters: letterMask(phonetic),
    consonants: (t.script === 'abjad' ? arabicConsonantKey(t.original) : undefined) ?? consonantKey(text),
    korean,
    // Every optional field too, undefined when absent: tokens of one shape keep the reads of
    // the pair comparisons (millions per index build, hundreds per query) monomorphic.
    hangul: t.hangul,
    legalFamily,
    scheme: t.scheme,
    koreanReading: t.hanja?.map(romanizeSyllable).join('/'),
    family: kind === 'word' && !ctx.korean ? givenNameFamily(text) : undefined,
    wadeGiles: undefined,
  };
}

/**
 * East Slavic patronymics (Viktorovich, Sergeyevna, Oleksandrovych, Kuzminichna), in any of
 * the usual romanisations (surnames of that shape, Abramovich, weigh the same). Documents in Latin script leave them out (passports, most foreign records), so
 * a patronymic only one side has is a routine omission: it weighs PATRONYMIC_WEIGHT, half a
 * word. Two different patronymics still conflict as two different words do.
 */
const PATRONYMIC = /^[a-z]{3,}(?:ovich|evich|ovitch|evitch|ovych|evych|ovna|evna|ivna|ichna)$/;
const PATRONYMIC_WEIGHT = 0.5;

function romanValue(text: string, seriesSlot: boolean): number | undefined {
  const m = ROMAN_NUMERAL.exec(text);
  if (!m || text.length === 0 || (text.length < 2 && !seriesSlot)) return undefined;
  const tens = m[1]!.length * 10;
  const units: Record<string, number> = { ix: 9, iv: 4 };
  const rest = m[2]!;
  const unit = units[rest] ?? (rest.startsWith('v') ? 5 + rest.length - 1 : rest.length);
  return tens + unit;
}

function classify(text: string, ctx: { organisational: boolean }, koreanSyllables: boolean): TokenKind {
  if (/^[0-9]+$/.test(text)) return 'number';
  // In a Korean name every syllable is part of the name, even "O", "U", "An", "Na" or "Do".
  if (koreanSyllables) return 'word';
  if (text.length === 1) return 'initial';
  if (PARTICLE_SET.has(text)) return 'particle';
  if (STOPWORD_SET.has(text)) return 'stopword';
  if (ctx.organisational && GENERIC_SET.has(text)) return 'generic';
  return 'word';
}
