/**
 * Loads the real SDN and UN list files with the project's own importers, as index entries, for
 * the matching evaluation and benchmark (scripts/eval-matching.ts, bench/match.bench.ts).
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ofacFilesFromPaths, parseOfacCsv } from '../../src/lists/ofac-csv.importer.js';
import { parseUnXml } from '../../src/lists/un-xml.importer.js';
import type { ListEntry } from '../../src/domain/lists/list-entry.js';
import type { IndexableEntry } from '../../src/domain/screening/match-index.js';
import { genderOf } from '../../src/domain/screening/discriminators.js';

export const SDN_WITH_ALIASES = path.join('data', 'lists', 'ofac-sdn', '2024-05-03_with-aliases');
export const UN_CONSOLIDATED = path.join('data', 'lists', 'un-consolidated', '2026-02-27', 'UN_consolidated.xml');

export function toIndexable(source: string, entry: ListEntry): IndexableEntry {
  return {
    id: `${source}:${entry.sourceId}`,
    source,
    sourceId: entry.sourceId,
    type: entry.type,
    name: entry.name,
    names: entry.names,
    programs: entry.programs,
    birthDates: entry.birthDates,
    nationalities: [...new Set([...entry.nationalities, ...entry.citizenships])],
    gender: genderOf(entry.attributes.gender),
  };
}

export async function loadSdnAndUn(sharedDir: string): Promise<{ sdn: ListEntry[]; un: ListEntry[]; entries: IndexableEntry[] }> {
  const ofac = await parseOfacCsv(await ofacFilesFromPaths([path.join(sharedDir, SDN_WITH_ALIASES)]));
  const unPath = path.join(sharedDir, UN_CONSOLIDATED);
  const un = await parseUnXml({ name: path.basename(unPath), stream: createReadStream(unPath) });
  return {
    sdn: ofac.entries,
    un: un.entries,
    entries: [...ofac.entries.map((e) => toIndexable('ofac-sdn', e)), ...un.entries.map((e) => toIndexable('un', e))],
  };
}
