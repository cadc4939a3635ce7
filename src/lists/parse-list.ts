import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { AppError } from '../errors.js';
import { streamFtm } from './ftm.importer.js';
import { readToEnd, type EntryStream } from './entry-stream.js';
import { ListImportError } from './list-import.errors.js';
import type { ImportedFile, ListFile, ListImportWarning } from './list-import.types.js';
import { ofacFilesFromPaths, streamOfacCsv, type OfacCsvFile } from './ofac-csv.importer.js';
import { RedflagJsonError, readRedflagJson } from './redflag-json.parser.js';
import { streamUnXml, type UnXmlStream } from './un-xml.importer.js';

export const LIST_FORMATS = ['ofac-csv', 'un-xml', 'redflag-json', 'ftm'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** A tenant's watchlist: a file (src/lists/watchlist.importer.ts), or its confirmed cases. */
export type WatchlistFormat = 'watchlist-json' | 'watchlist-csv' | 'watchlist-confirmed-cases';

/** OpenSanctions dataset names: `jp_mof_sanctions`, `us_ofac_sdn`. */
export const DATASET_NAME = /^[a-z0-9_]{1,80}$/;
/** UN regimes as UN_LIST_TYPE writes them: `DPRK`, `Al-Qaida`, `SouthSudan`. */
export const REGIME_NAME = /^[A-Za-z0-9][A-Za-z0-9 .'_/-]{0,59}$/;

/**
 * The part of the files an import keeps: FtM datasets, UN regimes. Recorded with the version
 * and part of its identity, so the same file kept differently is a different version.
 */
export interface ListFilters {
  datasets?: string[];
  regimes?: string[];
}

/** What an import learns about its files by reading them to the end. */
export interface ListSummary {
  files: ImportedFile[];
  warnings: ListImportWarning[];
  filters?: ListFilters;
  /** Counts only this format has (FtM: lines read, schemas skipped ...), kept with the version's. */
  counts?: Record<string, number>;
}

/**
 * What every format's parse comes down to, ready to be stored as one list version. The entries
 * are read once, as the files are (an importer's refusal is thrown by that iteration), so a large
 * file goes to the database in batches instead of being held whole; `summary` is complete once
 * they have been read to the end.
 */
export interface ParsedList extends EntryStream<ListSummary> {
  format: ListFormat | WatchlistFormat;
}

/** A list already held in memory (the curated file, a watchlist) as a ParsedList. */
export function parsedInMemory(format: ParsedList['format'], entries: ListEntry[], summary: ListSummary): ParsedList {
  return { format, entries, summary: () => summary };
}

/** Every entry and the summary, read to the end (tests and tools; an import streams instead). */
export const readParsedList = (parsed: ParsedList) => readToEnd(parsed);

/** Reads a stream whose summary becomes known at its end, adding what `finish` makes of it. */
function streamed<Summary>(format: ListFormat, stream: EntryStream<Summary>, finish: (summary: Summary) => ListSummary): ParsedList {
  return { format, entries: stream.entries, summary: () => finish(stream.summary()) };
}

/** Largest redflag-json file read into memory; the curated list is far smaller. */
const MAX_JSON_BYTES = 20 * 1024 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

async function parseRedflagJsonFile(file: ListFile): Promise<ParsedList> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of file.stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buffer.length;
    if (bytes > MAX_JSON_BYTES) throw new ListImportError({ file: file.name, reason: `larger than ${MAX_JSON_BYTES} bytes` });
    hash.update(buffer);
    chunks.push(buffer);
  }
  let text: string;
  try {
    text = strictUtf8.decode(Buffer.concat(chunks));
  } catch {
    throw new ListImportError({ file: file.name, reason: 'not valid UTF-8' });
  }
  try {
    const document = readRedflagJson({ name: file.name, text });
    return parsedInMemory('redflag-json', document.entries, {
      files: [{ name: file.name, role: 'curated', sha256: hash.digest('hex'), bytes, rows: document.entries.length }],
      warnings: [],
    });
  } catch (error) {
    if (error instanceof RedflagJsonError) throw new ListImportError({ file: file.name, reason: error.message.replace(`${file.name}: `, '') });
    throw error;
  }
}

function requireSingleFile(format: ListFormat, files: readonly ListFile[]): ListFile {
  const [file, ...rest] = files;
  if (!file || rest.length > 0) {
    throw new ListImportError({ file: files.map((f) => f.name).join(', ') || '(none)', reason: `format ${format} takes exactly one file` });
  }
  return file;
}

const sortedUnique = (values: readonly string[]) => [...new Set(values)].sort();

/** Filters apply to one format each: datasets to FtM, regimes to the UN list. */
function checkFilters(format: ListFormat, filters: ListFilters): void {
  if (filters.datasets?.length && format !== 'ftm') {
    throw new AppError('validation_failed', `Datasets select FtM entities; format ${format} has none`, [{ field: 'dataset', message: 'only with format ftm' }]);
  }
  if (filters.regimes?.length && format !== 'un-xml') {
    throw new AppError('validation_failed', `Regimes select entries of the UN list; format ${format} has none`, [{ field: 'regime', message: 'only with format un-xml' }]);
  }
}

/**
 * Keeps the entries of the chosen UN regimes (UN_LIST_TYPE: `DPRK` is the 1718 Committee's) as
 * they stream past. Regimes are matched without regard to case and recorded as the list writes
 * them; a choice that keeps nothing is refused when the file has been read.
 */
function keepRegimes(stream: UnXmlStream, regimes: readonly string[]): ParsedList {
  const wanted = new Set(regimes.map((regime) => regime.toLowerCase()));
  /** Every regime of the list, by lower case, as the list writes it. */
  const byKey = new Map<string, string>();
  let parsedEntries = 0;
  const fileNames = () => stream.summary().files.map((imported) => imported.name).join(', ');
  async function* kept(): AsyncGenerator<ListEntry> {
    for await (const entry of stream.entries) {
      parsedEntries += 1;
      for (const program of entry.programs) byKey.set(program.toLowerCase(), program);
      if (entry.programs.some((program) => wanted.has(program.toLowerCase()))) yield entry;
    }
    if (!regimes.some((regime) => byKey.has(regime.toLowerCase()))) {
      throw new ListImportError({ file: fileNames(), reason: `no entries of regime ${regimes.join(', ')} (the list has ${sortedUnique([...byKey.values()]).join(', ')})` });
    }
  }
  return {
    format: 'un-xml',
    entries: kept(),
    summary: () => {
      const { files, warnings } = stream.summary();
      const missing = regimes.filter((regime) => !byKey.has(regime.toLowerCase()));
      return {
        files,
        warnings: [...warnings, ...missing.map((regime) => ({ file: fileNames(), message: `no entries of regime ${regime}` }))],
        filters: { regimes: sortedUnique(regimes.flatMap((regime) => byKey.get(regime.toLowerCase()) ?? [])) },
        counts: { parsedEntries },
      };
    },
  };
}

/**
 * Opens the files in the given format for one read of their entries. Refusals are
 * `ListImportError`s, thrown here for the set of files, and by the reading for their contents.
 */
export async function parseListFiles(format: ListFormat, files: readonly (ListFile | OfacCsvFile)[], filters: ListFilters = {}): Promise<ParsedList> {
  checkFilters(format, filters);
  if (files.length === 0) throw new ListImportError({ file: '(none)', reason: 'no files given' });
  switch (format) {
    case 'ofac-csv':
      return streamed(format, streamOfacCsv(files), ({ files: read, warnings }) => ({ files: read, warnings }));
    case 'un-xml': {
      const stream = streamUnXml(requireSingleFile(format, files));
      if (filters.regimes?.length) return keepRegimes(stream, filters.regimes);
      return streamed(format, stream, ({ files: read, warnings }) => ({ files: read, warnings }));
    }
    case 'redflag-json':
      return parseRedflagJsonFile(requireSingleFile(format, files));
    case 'ftm': {
      const datasets = filters.datasets?.length ? sortedUnique(filters.datasets) : undefined;
      const stream = streamFtm(requireSingleFile(format, files), datasets ? { datasets } : {});
      return streamed(format, stream, ({ files: read, warnings, counts }) => ({ files: read, warnings, counts, ...(datasets ? { filters: { datasets } } : {}) }));
    }
  }
}

/** Opens files from disk: a folder or OFAC-named files for ofac-csv, one file otherwise. */
export async function openListPaths(format: ListFormat, paths: readonly string[]): Promise<(ListFile | OfacCsvFile)[]> {
  if (format === 'ofac-csv') return ofacFilesFromPaths(paths);
  const opened: ListFile[] = [];
  for (const filePath of paths) {
    const info = await stat(filePath).catch(() => undefined);
    if (!info?.isFile()) throw new ListImportError({ file: filePath, reason: 'not a readable file' });
    opened.push({ name: path.basename(filePath), stream: createReadStream(filePath) });
  }
  return opened;
}
