import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ListEntry } from '../domain/lists/list-entry.js';
import { ListImportError } from './list-import.errors.js';
import type { ImportedFile, ListFile, ListImportWarning } from './list-import.types.js';
import { ofacFilesFromPaths, parseOfacCsv, type OfacCsvFile } from './ofac-csv.importer.js';
import { RedflagJsonError, readRedflagJson } from './redflag-json.parser.js';
import { parseUnXml } from './un-xml.importer.js';

export const LIST_FORMATS = ['ofac-csv', 'un-xml', 'redflag-json'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** A tenant's watchlist: a file (src/lists/watchlist.importer.ts), or its confirmed cases. */
export type WatchlistFormat = 'watchlist-json' | 'watchlist-csv' | 'watchlist-confirmed-cases';

/** What every format's parse comes down to, ready to be stored as one list version. */
export interface ParsedList {
  format: ListFormat | WatchlistFormat;
  entries: ListEntry[];
  files: ImportedFile[];
  warnings: ListImportWarning[];
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
    return {
      format: 'redflag-json',
      entries: document.entries,
      files: [{ name: file.name, role: 'curated', sha256: hash.digest('hex'), bytes, rows: document.entries.length }],
      warnings: [],
    };
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

/** Parses uploaded or opened files in the given format. Refusals are `ListImportError`s. */
export async function parseListFiles(format: ListFormat, files: readonly (ListFile | OfacCsvFile)[]): Promise<ParsedList> {
  if (files.length === 0) throw new ListImportError({ file: '(none)', reason: 'no files given' });
  switch (format) {
    case 'ofac-csv': {
      const result = await parseOfacCsv(files);
      return { format, entries: result.entries, files: result.files, warnings: result.warnings };
    }
    case 'un-xml': {
      const result = await parseUnXml(requireSingleFile(format, files));
      return { format, entries: result.entries, files: result.files, warnings: result.warnings };
    }
    case 'redflag-json':
      return parseRedflagJsonFile(requireSingleFile(format, files));
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
