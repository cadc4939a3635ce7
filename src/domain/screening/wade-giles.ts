import { PINYIN_SYLLABLES, WADE_GILES_FINALS, WADE_GILES_INITIALS, WADE_GILES_SYLLABLES } from './wade-giles.table.js';

/**
 * Wade–Giles romanisation of Chinese names (wade-giles.table.ts): which names are spelt in it,
 * and how a pinyin spelling is written in it, so that the two can be compared.
 */

const INITIAL = /^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(.*)$/;

/** One pinyin syllable in Wade–Giles, without apostrophes or diacritics. */
export function pinyinSyllableToWadeGiles(syllable: string): string {
  const whole = WADE_GILES_SYLLABLES[syllable];
  if (whole !== undefined) return whole;
  const [, initial = '', final = ''] = INITIAL.exec(syllable)!;
  return (WADE_GILES_INITIALS[initial] ?? initial) + (Object.hasOwn(WADE_GILES_FINALS, final) ? WADE_GILES_FINALS[final]! : final);
}

const PINYIN = new Set(PINYIN_SYLLABLES);
const WADE_GILES = new Set(PINYIN_SYLLABLES.map(pinyinSyllableToWadeGiles));
/** Longest syllable in either system (chuang, hsiung): bounds the segmentation loop. */
const LONGEST = Math.max(...[...PINYIN, ...WADE_GILES].map((s) => s.length));
/** A Chinese given name or surname is one to three syllables; a run of two names four at most. */
const MAX_SYLLABLES = 4;
const MAX_SEGMENTATIONS = 4;

/** Ways to cut `text` into syllables of `inventory` (at most MAX_SEGMENTATIONS, MAX_SYLLABLES each). */
function segmentations(text: string, inventory: ReadonlySet<string>): string[][] {
  const out: string[][] = [];
  const walk = (from: number, acc: string[]): void => {
    if (out.length >= MAX_SEGMENTATIONS) return;
    if (from === text.length) {
      if (acc.length > 0) out.push([...acc]);
      return;
    }
    if (acc.length >= MAX_SYLLABLES) return;
    for (let len = Math.min(LONGEST, text.length - from); len >= 1; len--) {
      const syllable = text.slice(from, from + len);
      if (inventory.has(syllable)) walk(from + len, [...acc, syllable]);
    }
  };
  if (/^[a-z]+$/.test(text)) walk(0, []);
  return out;
}

/**
 * A Chinese name spelt in Wade–Giles: every word one to three Wade–Giles syllables, and at
 * least one word that is no pinyin ("Tse", "Hsi", "Chin", "Tung"), so that names pinyin also
 * spells ("Mao", "Li Peng") are left as they are.
 */
export function isWadeGilesName(words: readonly string[]): boolean {
  if (words.length < 2 || words.length > 5) return false;
  let notPinyin = false;
  for (const word of words) {
    const cuts = segmentations(word, WADE_GILES);
    if (cuts.length === 0 || cuts[0]!.length > 3) return false;
    notPinyin ||= segmentations(word, PINYIN).length === 0;
  }
  return notPinyin;
}

/** A word read as pinyin syllables, written in Wade–Giles ("jinping" → "chinping"); [] when it is no pinyin. */
export function pinyinAsWadeGiles(text: string): string[] {
  return [...new Set(segmentations(text, PINYIN).map((cut) => cut.map(pinyinSyllableToWadeGiles).join('')))];
}
