import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/client.js';
import { findListSources } from '../db/repositories/list-queries.repository.js';
import type { SelectionName } from '../domain/lists/dprk-selection.js';
import { openListPaths, parseListFiles, type ListFilters, type ListFormat } from '../lists/parse-list.js';
import { storeParsedList, type ImportOutcome } from './lists.service.js';

/** Reads list files from disk, parses them and stores a version (CLI and start-up seeding). */
export async function importListFromPaths(
  db: Db,
  input: { source: string; format: ListFormat; paths: string[]; importedBy: string; selection?: SelectionName; allowShrink?: boolean; filters?: ListFilters },
): Promise<ImportOutcome> {
  const files = await openListPaths(input.format, input.paths);
  try {
    const parsed = await parseListFiles(input.format, files, input.filters);
    return await storeParsedList(db, {
      source: input.source,
      parsed,
      importedBy: input.importedBy,
      ...(input.selection ? { selection: input.selection } : {}),
      ...(input.allowShrink ? { allowShrink: true } : {}),
    });
  } finally {
    for (const file of files) file.stream.destroy();
  }
}

export const SEED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'seed');

/** Which part of the bundled lists a new installation loads (SEED_LISTS). */
export type BundledSeed = 'full' | 'dprk';

/**
 * The bundled data a new installation starts with (see seed/lists/README.md): the whole OFAC SDN
 * and UN lists, since hiring or paying anyone on them is prohibited, not only North Koreans;
 * `dprk` keeps their DPRK-related entries (a fast start for demos and tests).
 */
export function bundledLists(seed: BundledSeed): { source: string; format: ListFormat; paths: string[]; selection?: SelectionName }[] {
  const selection = seed === 'dprk' ? { selection: 'dprk' as const } : {};
  return [
    { source: 'ofac-sdn', format: 'ofac-csv', paths: [path.join(SEED_DIR, 'lists', 'ofac-sdn')], ...selection },
    { source: 'un', format: 'un-xml', paths: [path.join(SEED_DIR, 'lists', 'un', 'UN_consolidated.xml')], ...selection },
    { source: 'redflag-curated', format: 'redflag-json', paths: [path.join(SEED_DIR, 'redflag-curated.json')] },
  ];
}

/** Loads the bundled lists when the database has no global list at all; returns what it loaded. */
export async function seedBundledListsIfEmpty(db: Db, seed: BundledSeed, onImport?: (source: string) => void): Promise<ImportOutcome[]> {
  if ((await findListSources(db)).length > 0) return [];
  const outcomes: ImportOutcome[] = [];
  for (const list of bundledLists(seed)) {
    onImport?.(list.source);
    outcomes.push(await importListFromPaths(db, { ...list, importedBy: 'bundled-seed' }));
  }
  return outcomes;
}
