/**
 * npm run bench:import — imports the full 2024-05-03 SDN set (sdn + alt + add + comments) and
 * the UN consolidated list into a fresh PostgreSQL database and prints entries/s, wall time
 * and peak RSS. Baseline, measured in the same run: streaming the same bytes through the
 * CSV/XML tokenisers alone (no entry assembly, no database), the floor of any streaming import.
 *
 * RSS is this (importing) process's own: the PostgreSQL server's memory is not in it. PGlite
 * would put the database in the process too (~880 MB before any list), hiding the importer's.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
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

/** CPU time (user + system) of this process since `start`: steadier than wall time on a shared machine. */
const cpuSecondsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

const mb = (files: string[]) => files.reduce((sum, file) => sum + statSync(file).size, 0) / 1024 / 1024;

/** The largest file an upload accepts (64 MB): the real sdn.csv rows again and again, each copy with ent_nums of its own. */
function writeLargeSdn(target: string, bytes: number): number {
  const rows = readFileSync(path.join(SDN_DIR, 'sdn.csv'), 'utf8').split('\r\n').filter((row) => /^\d+,/.test(row));
  const out = openSync(target, 'w');
  let written = 0;
  let count = 0;
  let full = false;
  for (let copy = 0; !full; copy += 1) {
    for (const row of rows) {
      const line = `${row.replace(/^(\d+),/, (_all, entNum: string) => `${Number(entNum) + copy * 1_000_000},`)}\r\n`;
      const size = Buffer.byteLength(line);
      // The next row would not fit: the file is as full as whole rows make it.
      if (written + size > bytes) {
        full = true;
        break;
      }
      writeSync(out, line);
      written += size;
      count += 1;
    }
  }
  closeSync(out);
  return count;
}

/**
 * Child mode: one import of the 64 MB file in a fresh process, so its peak RSS is the import's
 * own, not what earlier phases left on the heap.
 */
if (process.argv[2] === '--large-child') {
  const [, , , url, file] = process.argv;
  const database = await openDatabase({ kind: 'postgres', url: url! });
  const startMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const memory = trackPeakRss(10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await importListFromPaths(database.db, { source: 'ofac-sdn-large', format: 'ofac-csv', paths: [file!], importedBy: 'bench' });
  const cpuSeconds = cpuSecondsSince(cpu);
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000, cpuSeconds, peakMb: memory.peakMb(), startMb, entries: outcome.version.counts.entries })}\n`);
  memory.stop();
  await database.close();
  process.exit(0);
}

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
  const sdnCpu = process.cpuUsage();
  const sdn = await importListFromPaths(database.db, { source: 'ofac-sdn', format: 'ofac-csv', paths: [SDN_DIR], importedBy: 'bench' });
  const sdnSeconds = (performance.now() - started) / 1000;
  const sdnCpuSeconds = cpuSecondsSince(sdnCpu);
  const sdnPeak = memory.peakMb();

  started = performance.now();
  const un = await importListFromPaths(database.db, { source: 'un', format: 'un-xml', paths: [UN_FILE], importedBy: 'bench' });
  const unSeconds = (performance.now() - started) / 1000;

  // The 64 MB file in a process of its own (the compiled bench is not needed: tsx's share is small and constant).
  const largeDir = mkdtempSync(path.join(tmpdir(), 'redflag-import-large-'));
  const largeFile = path.join(largeDir, 'sdn.csv');
  const largeRows = writeLargeSdn(largeFile, 64 * 1024 * 1024);
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--large-child', target.url, largeFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  rmSync(largeDir, { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`the 64 MB import failed: ${child.stderr}`);
  const large = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { seconds: number; cpuSeconds: number; peakMb: number; startMb: number; entries: number };

  const sdnEntries = sdn.version.counts.entries ?? 0;
  const unEntries = un.version.counts.entries ?? 0;
  const lines = [
    'bench:import (PostgreSQL, fresh database; RSS of the importing process, not the server)',
    `  baseline: tokenise the same files only      ${fmt(baselineSeconds, 2)} s  (${fmt(tokens)} records/elements)`,
    `  full SDN 2024-05-03 (${fmt(mb(CSV_FILES), 1)} MB, 4 files)    ${fmt(sdnSeconds, 2)} s (CPU ${fmt(sdnCpuSeconds, 2)} s)  ${fmt(sdnEntries)} entries  ${fmt(sdnEntries / sdnSeconds)} entries/s  peak RSS ${sdnPeak} MB   goal < 5 s, < 300 MB`,
    `  UN consolidated (${fmt(mb([UN_FILE]), 1)} MB)                  ${fmt(unSeconds, 2)} s  ${fmt(unEntries)} entries  ${fmt(unEntries / unSeconds)} entries/s`,
    `  ratio: full import (SDN + UN) / tokenise-only baseline = ${fmt((sdnSeconds + unSeconds) / baselineSeconds, 1)}x`,
    `  one 64 MB sdn.csv (${fmt(largeRows)} rows, own process) ${fmt(large.seconds, 1)} s (CPU ${fmt(large.cpuSeconds, 1)} s)  ${fmt(large.entries)} entries  peak RSS ${large.peakMb} MB (${large.startMb} MB before it)   goal < 300 MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  memory.stop();
  await database.close();
  await target.drop();
}
