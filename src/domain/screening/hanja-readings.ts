import { hanjaReadingTable } from './han-readers.js';

/**
 * Korean readings of Han characters (hanja), for Korean names written in hanja (金正恩 → 김정은 →
 * Kim Jong Un). The character table is the `hanja` package's (27,000 characters, one standard
 * reading each, without the initial-sound rule: 李 → 리, 龍 → 룡); the initial-sound rule is
 * applied where Hangul names are compared (hangulInitialSoundForm).
 */

/**
 * Characters read differently as a surname than elsewhere: 金 is 금 (geum, "gold") in words
 * but 김 (Kim) as the surname (Standard Korean Language Dictionary, 김 "성(姓)의 하나").
 */
const SURNAME_READINGS: Readonly<Record<string, string>> = { 金: '김' };

/** The Hangul readings of one Han character: none when the table does not know it. */
export function hanjaReadings(char: string): string[] {
  const table = hanjaReadingTable();
  const reading = Object.hasOwn(table, char) ? table[char] : undefined;
  if (reading === undefined) return [];
  const surname = Object.hasOwn(SURNAME_READINGS, char) ? SURNAME_READINGS[char] : undefined;
  return surname !== undefined && surname !== reading ? [reading, surname] : [reading];
}
