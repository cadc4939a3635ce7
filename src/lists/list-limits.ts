/**
 * Limits every importer applies, whatever the format. Real lists stay far below them (the longest
 * OFAC name is under 300 characters, the largest UN record a few KB); a file beyond them is
 * damaged or not a list, and would otherwise put megabytes into one name the matcher compares.
 */
import type { ListEntry } from '../domain/lists/list-entry.js';

export const MAX_NAME_LENGTH = 1000;
export const MAX_RECORD_BYTES = 64 * 1024;

export const NAME_TOO_LONG = `a name longer than ${MAX_NAME_LENGTH} characters`;
export const RECORD_TOO_LARGE = `a record larger than ${MAX_RECORD_BYTES / 1024} KB`;

/** The first name of the entry over the limit, if any. */
export function overlongName(entry: Pick<ListEntry, 'names' | 'name'>): string | undefined {
  if (entry.name.length > MAX_NAME_LENGTH) return entry.name;
  return entry.names.find((name) => name.full.length > MAX_NAME_LENGTH)?.full;
}
