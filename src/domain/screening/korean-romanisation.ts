import { romanize } from 'es-hangul';
import { KOREAN_SYLLABLES } from './korean-syllables.table.js';

/**
 * Korean syllables ↔ their Latin spellings. Built once from the data table: every spelling
 * maps to a canonical key (the Revised Romanization of its equivalence class), so "Jong",
 * "Chong", "Jeong" and 정 all reduce to "jeong", and "Ri", "Lee", "Yi" and 리/이 to "i".
 */

const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
/** Vowels (medial jamo indexes) that begin with i/y: ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ. */
const IOTATED_VOWELS = new Set([2, 3, 6, 7, 12, 17, 20]);
const INITIAL_RIEUL = 5;
const INITIAL_NIEUN = 2;
const INITIAL_IEUNG = 11;

/** Longer tokens are not Korean syllable runs; the cap keeps segmentation cheap on junk input. */
const MAX_SEGMENTABLE_LENGTH = 24;
/** Alternatives kept per token: a few ambiguous splits ("jongun" = jong+un or jon+gun). */
const MAX_SEGMENTATIONS = 4;

interface SyllableTables {
  variantToKey: ReadonlyMap<string, string>;
  syllableToKey: ReadonlyMap<string, string>;
  surnameSpellings: ReadonlySet<string>;
  longestVariant: number;
}

const TABLES: SyllableTables = buildTables();

function buildTables(): SyllableTables {
  const parent = KOREAN_SYLLABLES.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    // Path compression keeps the union-find near-linear.
    let node = i;
    while (parent[node] !== root) {
      const next = parent[node]!;
      parent[node] = root;
      node = next;
    }
    return root;
  };
  const firstRowOfSpelling = new Map<string, number>();
  KOREAN_SYLLABLES.forEach(([, key, variants], row) => {
    for (const spelling of [key, ...variants.split(' ')]) {
      if (spelling.length === 0) continue;
      const seen = firstRowOfSpelling.get(spelling);
      if (seen === undefined) firstRowOfSpelling.set(spelling, row);
      else {
        // The class root is the earliest (most common) row, whose key names the class.
        const a = find(seen);
        const b = find(row);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const variantToKey = new Map<string, string>();
  const syllableToKey = new Map<string, string>();
  const surnameSpellings = new Set<string>();
  let longestVariant = 0;
  KOREAN_SYLLABLES.forEach(([hangul, key, variants, surname], row) => {
    const classKey = KOREAN_SYLLABLES[find(row)]![1];
    syllableToKey.set(hangul, classKey);
    for (const spelling of [key, ...variants.split(' ')]) {
      if (spelling.length === 0) continue;
      variantToKey.set(spelling, classKey);
      longestVariant = Math.max(longestVariant, spelling.length);
      if (surname) surnameSpellings.add(spelling);
    }
  });
  return { variantToKey, syllableToKey, surnameSpellings, longestVariant };
}

export function isHangulSyllable(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= HANGUL_FIRST && code <= HANGUL_LAST;
}

/** Revised Romanization of one syllable (es-hangul), or '' if it cannot romanise it. */
export function romanizeSyllable(syllable: string): string {
  try {
    return romanize(syllable).toLowerCase().replace(/[^a-z]/g, '');
  } catch {
    return '';
  }
}

/** Canonical key of a Hangul syllable: its class key, else its own Revised Romanization. */
export function koreanKeyOfHangul(syllable: string): string {
  const known = TABLES.syllableToKey.get(syllable);
  if (known !== undefined) return known;
  const rr = romanizeSyllable(syllable);
  return TABLES.variantToKey.get(rr) ?? rr;
}

/**
 * The South Korean spelling of a syllable under the initial-sound rule (두음법칙): the DPRK
 * writes 리, 류, 로, 녀 where the South writes 이, 유, 노, 여. Two Hangul names are compared in
 * this form, so 리영철 = 이영철, while 정 ≠ 종 (a different syllable is a different name).
 */
export function hangulInitialSoundForm(syllable: string): string {
  if (!isHangulSyllable(syllable)) return syllable;
  const code = syllable.charCodeAt(0) - HANGUL_FIRST;
  const initial = Math.floor(code / 588);
  const medial = Math.floor((code % 588) / 28);
  const final = code % 28;
  let next = initial;
  if (initial === INITIAL_RIEUL) next = IOTATED_VOWELS.has(medial) ? INITIAL_IEUNG : INITIAL_NIEUN;
  else if (initial === INITIAL_NIEUN && IOTATED_VOWELS.has(medial)) next = INITIAL_IEUNG;
  return String.fromCharCode(HANGUL_FIRST + next * 588 + medial * 28 + final);
}

/** Canonical key of one Latin syllable spelling, if the table knows it. */
export function koreanKeyOfSpelling(spelling: string): string | undefined {
  return TABLES.variantToKey.get(spelling);
}

export function isKoreanSurnameSpelling(latin: string): boolean {
  return TABLES.surnameSpellings.has(latin);
}

/**
 * Splits a Latin token into known syllable spellings with as few syllables as possible and
 * returns each split as its canonical key sequence ("jongun" → [["jeong","eun"], ...]).
 * Empty when the token is not a run of Korean syllables.
 */
export function segmentKorean(latin: string): string[][] {
  const n = latin.length;
  if (n === 0 || n > MAX_SEGMENTABLE_LENGTH || !/^[a-z]+$/.test(latin)) return [];
  const { variantToKey, longestVariant } = TABLES;
  // fewest[i] = fewest syllables covering latin[i..]; Infinity when impossible.
  const fewest = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  fewest[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let len = 1; len <= longestVariant && i + len <= n; len++) {
      if (variantToKey.has(latin.slice(i, i + len))) {
        fewest[i] = Math.min(fewest[i]!, 1 + fewest[i + len]!);
      }
    }
  }
  if (!Number.isFinite(fewest[0]!)) return [];
  const results: string[][] = [];
  const seen = new Set<string>();
  const walk = (i: number, keys: string[]): void => {
    if (results.length >= MAX_SEGMENTATIONS) return;
    if (i === n) {
      const id = keys.join('-');
      if (!seen.has(id)) {
        seen.add(id);
        results.push([...keys]);
      }
      return;
    }
    // Longest spelling first: "jongun" reads jong+un before jon+gun.
    for (let len = Math.min(longestVariant, n - i); len >= 1; len--) {
      const key = variantToKey.get(latin.slice(i, i + len));
      if (key !== undefined && fewest[i + len]! === fewest[i]! - 1) {
        keys.push(key);
        walk(i + len, keys);
        keys.pop();
      }
    }
  };
  walk(0, []);
  return results;
}
