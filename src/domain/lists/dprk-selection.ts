import type { ListEntry } from './list-entry.js';

const DPRK_PROGRAM = /^DPRK/i;
const NORTH_KOREA_TEXT = /korea,\s*north|north korea|democratic people'?s republic of korea|\bDPRK\b|pyongyang/i;

/**
 * Whether an entry belongs in the DPRK-focused bundled data: a DPRK program (OFAC DPRK*, UN
 * 1718 regime `DPRK`), a North Korean nationality or address, or a DPRK tie stated in the
 * remarks (CYBER designations of Lazarus fronts carry "Korea, North" there).
 */
export function isDprkRelated(entry: ListEntry): boolean {
  if (entry.programs.some((program) => DPRK_PROGRAM.test(program))) return true;
  if (entry.nationalities.includes('KP') || entry.citizenships.includes('KP')) return true;
  if (entry.addresses.some((address) => address.country === 'KP')) return true;
  return entry.remarks !== undefined && NORTH_KOREA_TEXT.test(entry.remarks);
}

export const SELECTIONS = { dprk: isDprkRelated } as const;
export type SelectionName = keyof typeof SELECTIONS;
