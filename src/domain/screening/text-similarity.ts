/**
 * String measures for single name tokens: edit distance, a phonetic key that absorbs the usual
 * transliteration variants, and a consonant key for scripts that do not write short vowels.
 */

// Scratch rows reused across calls: edit distance runs millions of times per index build and
// hundreds of times per query; fresh arrays each time would mostly feed the garbage collector.
let rowPrevPrev = new Int32Array(64);
let rowPrev = new Int32Array(64);
let rowCurr = new Int32Array(64);

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition, so "Donlad" is
 * one edit from "Donald"). Returns max + 1 as soon as the distance must exceed max: callers
 * only care whether a pair is within budget, and the early exit keeps scoring cheap.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (n === 0) return m;
  if (m === 0) return n;
  if (rowPrev.length < m + 1) {
    rowPrevPrev = new Int32Array(m + 1);
    rowPrev = new Int32Array(m + 1);
    rowCurr = new Int32Array(m + 1);
  }
  let prevPrev = rowPrevPrev;
  let prev = rowPrev;
  let curr = rowCurr;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    curr[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    const aPrev = i > 1 ? a.charCodeAt(i - 2) : -1;
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = prev[j - 1]! + (ai === bj ? 0 : 1);
      const del = prev[j]! + 1;
      if (del < value) value = del;
      const ins = curr[j - 1]! + 1;
      if (ins < value) value = ins;
      if (j > 1 && ai === b.charCodeAt(j - 2) && aPrev === bj) {
        const swap = prevPrev[j - 2]! + 1;
        if (swap < value) value = swap;
      }
      curr[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const spare = prevPrev;
    prevPrev = prev;
    prev = curr;
    curr = spare;
  }
  return prev[m]!;
}

const VOWELS = 'aeiou';

/**
 * Phonetic key for Latin tokens: spellings that transliterations of one sound produce
 * (kh/h, ph/f, q/c/k, w/v, y/i, zh/dj/j, sh/sch/s, ch/tch/tsch, z/s, ou/oo/u, ee/ie/ey/ei/i,
 * doubled letters, a silent final h, a final j after a vowel) reduce to one form, so "Husayn" ~ "Hussein", "Qaddafi" =
 * "Kaddafi", "Wolodymyr" = "Volodymyr", "Mahmood" = "Mahmoud".
 */
export function phoneticKey(word: string): string {
  // A final j after a vowel is the Slavic й that English spellings write y ("Sergej" =
  // "Sergey" = "Sergei", "Nikolaj" = "Nikolay"): read it as the y it stands for. Not in short
  // words, where it is usually a j ("Raj").
  const latin = word.length >= 5 && word.endsWith('j') && VOWELS.includes(word[word.length - 2]!) ? `${word.slice(0, -1)}y` : word;
  const n = latin.length;
  if (n === 0 || /^[0-9]+$/.test(latin)) return latin;
  // Appends, skipping a repeat of the last letter (doubled letters collapse).
  let out = '';
  let last = '';
  let i = 0;
  while (i < n) {
    const c = latin[i]!;
    const d = latin[i + 1] ?? '';
    const e = latin[i + 2] ?? '';
    let emit: string;
    if (c === 't' && d === 's' && e === 'c' && latin[i + 3] === 'h') {
      emit = 'c';
      i += 4;
    } else if (e === 'h' && ((c === 't' && d === 'c') || (c === 'd' && d === 'z') || (c === 's' && d === 'c'))) {
      emit = c === 't' ? 'c' : c === 'd' ? 'j' : 's';
      i += 3;
    } else if (DIGRAPHS[c + d] !== undefined) {
      emit = DIGRAPHS[c + d]!;
      i += 2;
    } else {
      i += 1;
      if (c === 'x') {
        if (last !== 'k') out += 'k';
        emit = 's';
        last = 'k';
      } else if (c === 'h') {
        // A final h after a vowel is silent in most transliterations ("Shah" = "Sha").
        if (i === n && VOWELS.includes(last || '-')) continue;
        emit = 'h';
      } else {
        emit = LETTERS[c] ?? c;
      }
    }
    if (emit !== last) {
      out += emit;
      last = emit;
    }
  }
  return out;
}

const DIGRAPHS: Readonly<Record<string, string>> = {
  sh: 's', ch: 'c', zh: 'j', dj: 'j', kh: 'h', gh: 'g', ph: 'f', th: 't', dh: 'd', ck: 'k',
  ou: 'u', oo: 'u', ee: 'i', ie: 'i', ey: 'i', ei: 'i',
};
const LETTERS: Readonly<Record<string, string>> = { q: 'k', c: 'k', z: 's', w: 'v', y: 'i' };

/**
 * Consonant skeleton for tokens from abjads (Arabic, Hebrew, Syriac...): those scripts do not
 * write short vowels and use w/y for long ones, so "mhmd" (محمد) must meet "Mohammed".
 * Only used when one side is such a token; on Latin pairs it would be far too lenient.
 */
export function consonantKey(latin: string): string {
  const n = latin.length;
  if (n === 0) return latin;
  // Leading vowels go too: an Arabic word that starts with a vowel starts with alif or ayn,
  // which transliterate as nothing ("علي" → "ly"), while the Latin spelling writes the vowel
  // ("Ali", "Omar", "Abd").
  let out = '';
  let last = '';
  for (let i = 0; i < n; i++) {
    const c = latin[i]!;
    let emit: string;
    if (latin[i + 1] === 'h' && (c === 'k' || c === 's' || c === 'p' || c === 't' || c === 'd')) {
      emit = c === 'k' ? 'h' : c === 'p' ? 'f' : c === 'd' ? 't' : c;
      i += 1;
    } else if ('aeiouwy'.includes(c)) {
      continue;
    } else {
      emit = c;
    }
    emit = CONSONANT_CLASS[emit] ?? emit;
    if (emit !== last) {
      out += emit;
      last = emit;
    }
  }
  return out;
}

/**
 * The consonant skeleton of an Arabic-script word read letter by letter, in the classes
 * consonantKey gives Latin spellings (ح and خ → h like "h"/"kh", ث → t like "th", ص → s,
 * ق → k ...). Alif, ayn, hamza, waw and ya are vowel carriers and left out, as consonantKey
 * leaves out Latin vowels, w and y. Reading the letters themselves avoids any-ascii's digraphs
 * ("فتاح" is f-t-ḥ, which "fth" would read as f-th). Undefined when a letter is not Arabic.
 */
export function arabicConsonantKey(word: string): string | undefined {
  let out = '';
  let last = '';
  for (const char of word) {
    if (/\p{M}/u.test(char)) continue;
    const emit = ARABIC_CONSONANTS[char];
    if (emit === undefined) return undefined;
    if (emit === '' || emit === last) continue;
    out += emit;
    last = emit;
  }
  return out;
}

const ARABIC_CONSONANTS: Readonly<Record<string, string>> = {
  'ا': '', 'أ': '', 'إ': '', 'آ': '', 'ٱ': '', 'ع': '', 'ء': '', 'ئ': '', 'ؤ': '', 'و': '', 'ي': '', 'ى': '', 'ة': '', 'ی': '',
  'ب': 'b', 'پ': 'b', 'ت': 't', 'ث': 't', 'ج': 'j', 'چ': 'j', 'ح': 'h', 'خ': 'h', 'ه': 'h', 'د': 't', 'ذ': 't',
  'ر': 'r', 'ز': 's', 'ژ': 'j', 'س': 's', 'ش': 's', 'ص': 's', 'ض': 't', 'ط': 't', 'ظ': 's', 'غ': 'k', 'ف': 'f',
  'ق': 'k', 'ك': 'k', 'ک': 'k', 'گ': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n',
};

/** Letters an abjad transliteration does not tell apart (no p or v in Arabic; q/k; z/s; d/t). */
const CONSONANT_CLASS: Readonly<Record<string, string>> = { q: 'k', c: 'k', g: 'k', p: 'b', v: 'f', z: 's', d: 't' };

/**
 * How many edits a token of this length may take and still be "the same word misspelt":
 * none up to 3 letters (one letter is a third of "Kim"), one up to 6, two up to 9, three
 * beyond. Combined with the similarity floor in the scorer, and with shortBudget below.
 */
export function editBudget(length: number): number {
  if (length <= 3) return 0;
  if (length <= 6) return 1;
  if (length <= 9) return 2;
  return 3;
}

/**
 * Four-letter words keep their edit only when they start alike: a slip inside the word
 * ("Kwke", "Mosk") is a typo, but a different first letter makes a different short name
 * (Jing/Ping, Chen/Shen, Gong/Rong, Beta/Meta).
 */
function pairBudget(a: string, b: string, longer: number): number {
  const budget = editBudget(longer);
  return longer === 4 && a[0] !== b[0] ? 0 : budget;
}

/**
 * Two adjacent letters swapped ("Afiz"/"Faiz", "Sko"/"Sok") and nothing else: a slip of the
 * fingers, not another name, even in words too short for any other edit. Returns the swap's
 * similarity, else 0.
 */
export function transposedSimilarity(a: string, b: string): number {
  const n = a.length;
  if (n < 3 || n !== b.length || a === b) return 0;
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i + 1 >= n || a[i] !== b[i + 1] || a[i + 1] !== b[i]) return 0;
  for (let j = i + 2; j < n; j++) if (a.charCodeAt(j) !== b.charCodeAt(j)) return 0;
  // Counted as one edit over the word plus one letter, so three-letter words still clear the
  // scorer's 0.7 floor (0.75) while a swap in a long word stays close to a plain typo.
  return 1 - 1 / (n + 1);
}

/** 1 − distance / longer length when within the edit budget, else 0 (a swap counts as above). */
export function boundedSimilarity(a: string, b: string): number {
  if (a === b) return a.length > 0 ? 1 : 0;
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 0;
  const budget = pairBudget(a, b, longer);
  if (budget === 0) return transposedSimilarity(a, b);
  const d = editDistance(a, b, budget);
  return d > budget ? 0 : 1 - d / longer;
}

/** One bit per letter a–z (digits share a bit) present in the string. */
export function letterMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 97;
    mask |= c >= 0 && c < 26 ? 1 << c : 1 << 26;
  }
  return mask;
}

function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Lower bound on the edit distance from the letters each side has and the other lacks: one
 * edit adds at most one new letter and removes at most one. Lets most unrelated token pairs
 * skip the dynamic programme.
 */
export function editLowerBound(maskA: number, maskB: number): number {
  return Math.max(bitCount(maskA & ~maskB), bitCount(maskB & ~maskA));
}

/** boundedSimilarity, skipping the edit distance when the letter sets already rule it out. */
export function maskedSimilarity(a: string, maskA: number, b: string, maskB: number): number {
  if (a === b) return a.length > 0 ? 1 : 0;
  const budget = pairBudget(a, b, Math.max(a.length, b.length));
  // A swap keeps the same letters, so its masks are equal and it is never ruled out here.
  if (budget === 0) return maskA === maskB ? transposedSimilarity(a, b) : 0;
  if (editLowerBound(maskA, maskB) > budget) return 0;
  return boundedSimilarity(a, b);
}
