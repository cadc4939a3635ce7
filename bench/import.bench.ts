/**
 * npm run bench:import — imports the full 2024-05-03 SDN set (sdn + alt + add + comments) and
 * the UN consolidated list into a fresh PostgreSQL database and prints entries/s, wall time
 * and peak RSS. Baseline, measured in the same run: streaming the same bytes through the
 * CSV/XML tokenisers alone (no entry assembly, no database), the floor of any streaming import.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { SaxesParser } from 'saxes';
import { openDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { importListFromPaths } from '../src/services/list-import.service.js';
import { createBenchDatabase, fmt, SHARED_LISTS, trackPeakRss } from './support.js';

const SDN_DIR = path.join(SHARED_LISTS, 'ofac-sdn', '2024-05-03_with-aliases');
const UN_FILE = path.join(SHARED_LISTS, 'un-consolidated', '2026-02-27', 'UN_consolidated.xml');
const CSV_FILES = ['sdn.csv', 'alt.csv', 'add.csv', 'sdn_comments.csv'].map((name) => path.join(SDN_DIR, name));

async function tokeniseOnly(): Promise<number> {
  let records = 0;
  for (const file of CSV_FILES) {
    const parser = createReadStream(file).pipe(parse({ relax_column_count: true, relax_quotes: true, skip_empty_lines: true }));
    for await (const _record of parser) records += 1;
  }
  const sax = new SaxesParser();
  sax.on('opentag', () => (records += 1));
  for await (const chunk of createReadStream(UN_FILE, { encoding: 'utf8' })) sax.write(chunk as string);
  sax.close();
  return records;
}

const mb = (files: string[]) => files.reduce((sum, file) => sum + statSync(file).size, 0) / 1024 / 1024;

const memory = trackPeakRss();
const target = await createBenchDatabase();
const database = await openDatabase({ kind: 'postgres', url: target.url });
try {
  await runMigrations(database);

  let started = performance.now();
  const tokens = await tokeniseOnly();
  const baselineSeconds = (performance.now() - started) / 1000;

  memory.reset();
  started = performance.now();
  const sdn = await importListFromPaths(database.db, { source: 'ofac-sdn', format: 'ofac-csv', paths: [SDN_DIR], importedBy: 'bench' });
  const sdnSeconds = (performance.now() - started) / 1000;
  const sdnPeak = memory.peakMb();

  started = performance.now();
  const un = await importListFromPaths(database.db, { source: 'un', format: 'un-xml', paths: [UN_FILE], importedBy: 'bench' });
  const unSeconds = (performance.now() - started) / 1000;

  const sdnEntries = sdn.version.counts.entries ?? 0;
  const unEntries = un.version.counts.entries ?? 0;
  const lines = [
    'bench:import (PostgreSQL, fresh database)',
    `  baseline: tokenise the same files only      ${fmt(baselineSeconds, 2)} s  (${fmt(tokens)} records/elements)`,
    `  full SDN 2024-05-03 (${fmt(mb(CSV_FILES), 1)} MB, 4 files)    ${fmt(sdnSeconds, 2)} s  ${fmt(sdnEntries)} entries  ${fmt(sdnEntries / sdnSeconds)} entries/s  peak RSS ${sdnPeak} MB   goal < 5 s, < 300 MB`,
    `  UN consolidated (${fmt(mb([UN_FILE]), 1)} MB)                  ${fmt(unSeconds, 2)} s  ${fmt(unEntries)} entries  ${fmt(unEntries / unSeconds)} entries/s`,
    `  ratio: full import (SDN + UN) / tokenise-only baseline = ${fmt((sdnSeconds + unSeconds) / baselineSeconds, 1)}x`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  memory.stop();
  await database.close();
  await target.drop();
}
