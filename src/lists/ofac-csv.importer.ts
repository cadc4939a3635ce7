import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';

import { CsvError, parse } from 'csv-parse';

import { countryCodeFromName } from '../domain/geo/countries.js';
import type { EntryType, ListAddress, ListEntry, ListName, NameKind } from '../domain/lists/list-entry.js';
import { entryStream, readToEnd, type EntryStream } from './entry-stream.js';
import { ListFileInspector } from './list-file.reader.js';
import { ListImportError } from './list-import.errors.js';
import { MAX_NAME_LENGTH, MAX_RECORD_BYTES, NAME_TOO_LONG, overlongName, RECORD_TOO_LARGE } from './list-limits.js';
import type { ImportedFile, ListImportWarning } from './list-import.types.js';
import { parseOfacRemarks } from './ofac-remarks.parser.js';

/**
 * OFAC's legacy delimited files (sdn.csv + alt.csv + add.csv + sdn_comments.csv, and the same
 * layout for the consolidated non-SDN list: cons_prim/cons_alt/cons_add/cons_comments).
 * No header row; "-0- " means empty; CRLF; a trailing 0x1A DOS EOF byte.
 */

export const OFAC_FILE_ROLES = ['primary', 'alt', 'add', 'comments'] as const;
export type OfacFileRole = (typeof OFAC_FILE_ROLES)[number];

/** Column counts per role, as published by OFAC. */
const COLUMN_COUNTS: Readonly<Record<OfacFileRole, number>> = { primary: 12, alt: 5, add: 6, comments: 2 };

export interface OfacCsvFile {
  name: string;
  stream: Readable;
  /** Omit to derive it from the name (sdn.csv, alt.csv, cons_prim.csv, ...). */
  role?: OfacFileRole;
}

/** Exactly one primary file; alt/add/comments are optional and at most one each. */
export type OfacCsvFiles = readonly OfacCsvFile[];

export type OfacList = 'sdn' | 'consolidated';

export interface OfacParseResult {
  format: 'ofac-csv';
  /** Which OFAC list, when the file names tell (sdn.csv vs cons_prim.csv). */
  list?: OfacList;
  entries: ListEntry[];
  files: ImportedFile<OfacFileRole>[];
  counts: {
    entries: number;
    /** Names other than the primary one, strong and weak. */
    aliases: number;
    weakAliases: number;
    addresses: number;
    identifiers: number;
  };
  /** Rows in alt/add/comments whose ent_num is not in the primary file; not attached. */
  orphans: { alt: number; add: number; comments: number };
  warnings: ListImportWarning[];
}

const FILE_NAME_ROLES: readonly (readonly [RegExp, OfacFileRole, OfacList])[] = [
  [/^sdn\.csv$/i, 'primary', 'sdn'],
  [/^alt\.csv$/i, 'alt', 'sdn'],
  [/^add\.csv$/i, 'add', 'sdn'],
  [/^sdn_comments\.csv$/i, 'comments', 'sdn'],
  [/^cons_prim\.csv$/i, 'primary', 'consolidated'],
  [/^cons_alt\.csv$/i, 'alt', 'consolidated'],
  [/^cons_add\.csv$/i, 'add', 'consolidated'],
  [/^cons_comments\.csv$/i, 'comments', 'consolidated'],
];

/** Role and list implied by an OFAC file name, or undefined for a name OFAC does not use. */
export function ofacRoleFromFileName(name: string): { role: OfacFileRole; list: OfacList } | undefined {
  const base = path.basename(name);
  for (const [pattern, role, list] of FILE_NAME_ROLES) {
    if (pattern.test(base)) return { role, list };
  }
  return undefined;
}

/**
 * Opens OFAC files from disk. Each path is a file named as OFAC names it, or a folder whose
 * OFAC-named files are taken (other files in it are ignored).
 */
export async function ofacFilesFromPaths(paths: readonly string[]): Promise<OfacCsvFile[]> {
  const found: { file: string; role: OfacFileRole }[] = [];
  for (const p of paths) {
    const info = await stat(p).catch((error: unknown) => {
      throw new ListImportError({ file: p, reason: 'cannot read the path', cause: error });
    });
    if (info.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const name of names) {
        const match = ofacRoleFromFileName(name);
        if (match) found.push({ file: path.join(p, name), role: match.role });
      }
    } else {
      const match = ofacRoleFromFileName(p);
      if (!match) {
        throw new ListImportError({
          file: path.basename(p),
          reason: 'not an OFAC file name (expected sdn.csv, alt.csv, add.csv, sdn_comments.csv or the cons_* equivalents)',
        });
      }
      found.push({ file: p, role: match.role });
    }
  }
  if (!found.some((f) => f.role === 'primary')) {
    throw new ListImportError({
      file: paths.join(', '),
      reason: 'no primary file (sdn.csv or cons_prim.csv) found',
    });
  }
  found.sort((a, b) => OFAC_FILE_ROLES.indexOf(a.role) - OFAC_FILE_ROLES.indexOf(b.role));
  // Open only after validation, so a refused set leaves no file handles behind.
  return found.map(({ file, role }) => ({ name: path.basename(file), role, stream: createReadStream(file) }));
}

interface PrimaryRow {
  line: number;
  entNum: string;
  fields: (string | undefined)[];
  /** Untrimmed remarks: a comments overflow may continue right after a trailing space. */
  rawRemarks: string;
}

interface AltRow {
  kind: NameKind;
  name: string;
  weak: boolean;
}

const NULL_PATTERN = /^-0-?$/;

/**
 * "-0- " is OFAC's empty value. A bare "-0" is accepted too: one real file ends mid-field
 * after "-0", and treating it as text would invent a value.
 */
function field(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed.length === 0 || NULL_PATTERN.test(trimmed) ? undefined : trimmed;
}

const ENT_NUM = /^\d{1,10}$/;

/** HTML error pages and XML files are the usual wrong uploads; say so instead of "bad quote". */
function sniffCsv(head: string): string | undefined {
  if (/^<!doctype html|^<html|^<head|^<body/i.test(head)) {
    return 'this is an HTML page, not an OFAC CSV file (an error page saved instead of the download?)';
  }
  if (head.startsWith('<')) return 'this looks like XML, not an OFAC CSV file (is it the UN consolidated list?)';
  if (head.startsWith('{') || head.startsWith('[')) return 'this looks like JSON, not an OFAC CSV file';
  return undefined;
}

const MAX_WARNINGS = 1000;

/** Warnings up to a limit; past it, only counted (a broken file would otherwise flood the result). */
class WarningList {
  readonly items: ListImportWarning[] = [];
  private suppressed = 0;

  warn(warning: ListImportWarning): void {
    if (this.items.length < MAX_WARNINGS) this.items.push(warning);
    else this.suppressed += 1;
  }

  finish(primaryName: string): ListImportWarning[] {
    if (this.suppressed > 0) this.items.push({ file: primaryName, message: `${this.suppressed} more warnings not shown` });
    return this.items;
  }
}

type SideRole = Exclude<OfacFileRole, 'primary'>;

/**
 * The rows of alt/add/comments wait here by ent_num; each entry takes its own as the primary file
 * streams past, so only these (small) files are held, never the entries.
 */
class OfacRows {
  /** Line of every primary ent_num read so far: duplicates and orphans are told by it. */
  readonly primaryLines = new Map<string, number>();
  readonly altByEntNum = new Map<string, AltRow[]>();
  readonly addByEntNum = new Map<string, ListAddress[]>();
  readonly commentsByEntNum = new Map<string, string[]>();
  /** First line and row count per ent_num in each secondary file, for orphan reporting. */
  readonly rowsSeen = new Map<SideRole, Map<string, { line: number; count: number }>>();

  constructor(private readonly warnings: WarningList) {}

  /** The row handler for one secondary file. */
  sideReader(fileName: string, role: SideRole): (record: string[], line: number) => void {
    const seenInFile = new Map<string, { line: number; count: number }>();
    this.rowsSeen.set(role, seenInFile);
    return (record, line) => {
      const entNum = entNumOf(fileName, record, line);
      const seen = seenInFile.get(entNum);
      if (seen) seen.count += 1;
      else seenInFile.set(entNum, { line, count: 1 });
      switch (role) {
        case 'alt':
          return this.keepAlias(fileName, record, line, entNum);
        case 'add':
          return this.keepAddress(record, entNum);
        case 'comments':
          return this.keepComment(record, entNum);
      }
    };
  }

  /** One row of the primary file as its finished entry, with the secondary rows kept for it. */
  entryOf(fileName: string, record: string[], line: number): ListEntry {
    const entNum = entNumOf(fileName, record, line);
    const first = this.primaryLines.get(entNum);
    if (first !== undefined) throw new ListImportError({ file: fileName, line, reason: `ent_num ${entNum} appears twice (first on line ${first})` });
    this.primaryLines.set(entNum, line);
    const row: PrimaryRow = { line, entNum, fields: record.map(field), rawRemarks: record[11] ?? '' };
    const entry = buildEntry(row, this.altByEntNum.get(entNum) ?? [], this.addByEntNum.get(entNum) ?? [], this.commentsByEntNum.get(entNum));
    // Each ent_num has one entry: what it took is not needed again.
    this.altByEntNum.delete(entNum);
    this.addByEntNum.delete(entNum);
    this.commentsByEntNum.delete(entNum);
    // Names of alt.csv rows are checked on their own lines as they are read; this catches the rest.
    if (overlongName(entry) !== undefined) throw new ListImportError({ file: fileName, line, reason: `ent_num ${entNum} has ${NAME_TOO_LONG}` });
    if (entry.type === 'unknown') this.warnings.warn({ file: fileName, line, message: `unknown entry type ${JSON.stringify(row.fields[2])}` });
    return entry;
  }

  private keepAlias(fileName: string, record: string[], line: number, entNum: string): void {
    const name = field(record[3]);
    if (name === undefined) return;
    if (name.length > MAX_NAME_LENGTH) throw new ListImportError({ file: fileName, line, reason: `ent_num ${entNum} has ${NAME_TOO_LONG}` });
    const rawType = (field(record[2]) ?? 'aka').toLowerCase().replace(/\./g, '');
    let kind: NameKind = 'aka';
    if (rawType === 'aka' || rawType === 'fka' || rawType === 'nka') kind = rawType;
    else this.warnings.warn({ file: fileName, line, message: `unknown alias type ${JSON.stringify(record[2])}, read as a.k.a.` });
    // OFAC marks "low quality" aliases in alt remarks in some exports; the files seen
    // so far leave alt remarks empty and put weak a.k.a.s in the main remarks instead.
    const weak = /\b(weak|low[- ]quality)\b/i.test(field(record[4]) ?? '');
    pushTo(this.altByEntNum, entNum, { kind, name, weak });
  }

  private keepAddress(record: string[], entNum: string): void {
    const address = toAddress(record);
    // Placeholder rows with every column "-0-" exist for entries without an address.
    if (address) pushTo(this.addByEntNum, entNum, address);
  }

  private keepComment(record: string[], entNum: string): void {
    // Overflow of the remarks column, cut at a fixed width: it continues the remarks
    // text mid-word, so it is appended as written (not trimmed, no separator).
    const text = record[1];
    if (text !== undefined && !NULL_PATTERN.test(text.trim())) pushTo(this.commentsByEntNum, entNum, text);
  }
}

function entNumOf(fileName: string, record: string[], line: number): string {
  const entNum = field(record[0]);
  if (entNum === undefined || !ENT_NUM.test(entNum)) {
    throw new ListImportError({ file: fileName, line, reason: `the first column must be an OFAC ent_num (a number), found ${JSON.stringify(record[0] ?? '')}` });
  }
  return entNum;
}

type ResolvedFiles = ReturnType<typeof resolveRoles>;

/** Secondary rows whose ent_num is not in the primary file: counted and warned about, not attached. */
function countOrphans(rows: OfacRows, resolved: ResolvedFiles, primaryName: string, warnings: WarningList): OfacParseResult['orphans'] {
  const orphans = { alt: 0, add: 0, comments: 0 };
  for (const role of ['alt', 'add', 'comments'] as const) {
    const name = resolved.find((r) => r.role === role)?.file.name ?? role;
    for (const [entNum, { line, count }] of rows.rowsSeen.get(role) ?? []) {
      if (rows.primaryLines.has(entNum)) continue;
      orphans[role] += count;
      warnings.warn({ file: name, line, message: `ent_num ${entNum} is not in ${primaryName}; its ${count} row(s) were not attached` });
    }
  }
  return orphans;
}

/** What an OFAC import says about its files once every entry has been read. */
export type OfacSummary = Omit<OfacParseResult, 'entries'>;

function addToCounts(counts: OfacParseResult['counts'], entry: ListEntry): void {
  counts.entries += 1;
  counts.aliases += entry.names.length - 1;
  counts.weakAliases += entry.names.filter((n) => n.strength === 'weak').length;
  counts.addresses += entry.addresses.length;
  counts.identifiers += entry.identifiers.length;
}

/**
 * Streams the files through csv-parse, yielding each entry as its primary row is read. The
 * secondary files (alt/add/comments, small beside the primary) are read first and kept by
 * ent_num, so memory is theirs and the entry being built, whatever the size of the primary file.
 * `files` keeps the order the files were given in.
 */
export function streamOfacCsv(files: OfacCsvFiles): EntryStream<OfacSummary> & { entries: AsyncIterable<ListEntry> } {
  const resolved = resolveRoles(files);
  const warnings = new WarningList();
  const rows = new OfacRows(warnings);
  const primary = resolved.find((r) => r.role === 'primary')!;
  const imported: ImportedFile<OfacFileRole>[] = [];
  const counts = { entries: 0, aliases: 0, weakAliases: 0, addresses: 0, identifiers: 0 };

  return entryStream('the OFAC files', async function* entries(finish) {
    const read = new Map<OfacFileRole, ImportedFile<OfacFileRole>>();
    try {
      for (const { file, role } of resolved) {
        if (role === 'primary') continue;
        const keep = rows.sideReader(file.name, role);
        for await (const { record, line } of readCsv(file.name, file.stream, role, (digest) => read.set(role, { ...digest, role }))) keep(record, line);
      }
      for await (const { record, line } of readCsv(primary.file.name, primary.file.stream, 'primary', (digest) => read.set('primary', { ...digest, role: 'primary' }))) {
        const entry = rows.entryOf(primary.file.name, record, line);
        addToCounts(counts, entry);
        yield entry;
      }
    } finally {
      // A refused set must not leave later uploads or file handles open.
      for (const { file } of resolved) if (!file.stream.destroyed) file.stream.destroy();
    }
    for (const { role } of resolved) imported.push(read.get(role)!);
    const orphans = countOrphans(rows, resolved, primary.file.name, warnings);
    const lists = new Set(resolved.map((r) => ofacRoleFromFileName(r.file.name)?.list));
    const list = lists.size === 1 ? [...lists][0] : undefined;
    finish({ format: 'ofac-csv', files: imported, counts, orphans, warnings: warnings.finish(primary.file.name), ...(list !== undefined ? { list } : {}) });
  });
}

/** Every entry at once (tests, evaluation sets): streamOfacCsv read to the end. */
export const parseOfacCsv = async (files: OfacCsvFiles): Promise<OfacParseResult> => readToEnd(streamOfacCsv(files));

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function resolveRoles(files: OfacCsvFiles): { file: OfacCsvFile; role: OfacFileRole }[] {
  if (files.length === 0) {
    throw new ListImportError({ file: '(none)', reason: 'no files given; an OFAC import needs at least sdn.csv' });
  }
  const seen = new Map<OfacFileRole, string>();
  const families = new Set<OfacList>();
  const resolved = files.map((file) => {
    const fromName = ofacRoleFromFileName(file.name);
    const role = file.role ?? fromName?.role;
    if (role === undefined) {
      throw new ListImportError({
        file: file.name,
        reason: 'cannot tell the file role from its name; name it as OFAC does (sdn.csv, alt.csv, add.csv, sdn_comments.csv, cons_*.csv) or give the role',
      });
    }
    const previous = seen.get(role);
    if (previous !== undefined) {
      throw new ListImportError({ file: file.name, reason: `two files for the ${role} role (${previous} and ${file.name})` });
    }
    seen.set(role, file.name);
    if (fromName) families.add(fromName.list);
    return { file, role };
  });
  if (!seen.has('primary')) {
    throw new ListImportError({
      file: files.map((f) => f.name).join(', '),
      reason: 'no primary file (sdn.csv or cons_prim.csv) among the files',
    });
  }
  if (families.size > 1) {
    throw new ListImportError({
      file: files.map((f) => f.name).join(', '),
      reason: 'SDN files (sdn.csv, alt.csv, ...) and consolidated files (cons_*.csv) mixed in one import',
    });
  }
  return resolved;
}

/** The file's records with the line each ends on, checked; `done` gets the digest after the last. */
async function* readCsv(
  name: string,
  stream: Readable,
  role: OfacFileRole,
  done: (file: Omit<ImportedFile<OfacFileRole>, 'role'>) => void,
): AsyncGenerator<{ record: string[]; line: number }> {
  const expected = COLUMN_COUNTS[role];
  const inspector = new ListFileInspector({ file: name, sniff: sniffCsv, stripDosEof: true });
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, max_record_size: MAX_RECORD_BYTES });
  // A failing stage destroys the others with its error, which the iteration below then throws.
  const records = pipeline(stream, inspector, parser, () => undefined) as AsyncIterable<{ record: string[]; info: { lines: number } }>;
  let rows = 0;
  try {
    for await (const { record, info } of records) {
      if (record.length !== expected) {
        throw new ListImportError({ file: name, line: info.lines, reason: `expected ${expected} columns for an OFAC ${role} file, found ${record.length}` });
      }
      rows += 1;
      yield { record, line: info.lines };
    }
  } catch (error) {
    throw asImportError(name, error);
  }
  const { sha256, bytes } = inspector.digest();
  if (rows === 0) {
    throw new ListImportError({ file: name, reason: bytes === 0 ? 'the file is empty' : 'the file has no rows' });
  }
  done({ name, sha256, bytes, rows });
}

function asImportError(file: string, error: unknown): ListImportError {
  if (error instanceof ListImportError) return error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    return new ListImportError({
      file,
      ...(typeof line === 'number' ? { line } : {}),
      reason: error.code === 'CSV_MAX_RECORD_SIZE' ? RECORD_TOO_LARGE : `not a valid OFAC CSV file: ${error.message}`,
      cause: error,
    });
  }
  return new ListImportError({
    file,
    reason: `could not read the file: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

function toAddress(record: string[]): ListAddress | undefined {
  const line = field(record[2]);
  const city = field(record[3]);
  const countryName = field(record[4]);
  const address: ListAddress = {};
  if (line !== undefined) address.line = line;
  // OFAC puts city, state/province and postal code in one column ("Miami, FL 33130"); it is
  // kept whole rather than split by guesswork.
  if (city !== undefined) address.city = city;
  if (countryName !== undefined) {
    address.countryName = countryName;
    const code = countryCodeFromName(countryName);
    if (code !== undefined) address.country = code;
  }
  return Object.keys(address).length > 0 ? address : undefined;
}

const TYPES: Readonly<Record<string, EntryType>> = {
  individual: 'individual',
  vessel: 'vessel',
  aircraft: 'aircraft',
  entity: 'entity',
};

/** "DPRK3] [DPRK4" → ["DPRK3", "DPRK4"]: OFAC joins the bracketed program tags. */
export function splitOfacPrograms(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(/\]\s*\[/)
    .map((p) => p.replace(/[[\]]/g, '').trim())
    .filter((p) => p.length > 0);
}

const PRIMARY_ATTRIBUTES: readonly (readonly [number, string])[] = [
  [4, 'title'],
  [5, 'callSign'],
  [6, 'vesselType'],
  [7, 'tonnage'],
  [8, 'grossRegisteredTonnage'],
  [9, 'vesselFlag'],
  [10, 'vesselOwner'],
];

function buildEntry(row: PrimaryRow, alts: AltRow[], addresses: ListAddress[], comments: string[] | undefined): ListEntry {
  const f = row.fields;
  const name = f[1] ?? '';
  const typeText = f[2]?.toLowerCase();
  const type: EntryType = typeText === undefined ? 'entity' : (TYPES[typeText] ?? 'unknown');

  const remarks =
    comments && comments.length > 0
      ? `${f[11] === undefined ? '' : row.rawRemarks}${comments.join('')}`.trim()
      : f[11];
  const parsed = parseOfacRemarks(remarks);

  const names: ListName[] = [{ full: name, kind: 'primary', strength: 'strong' }];
  const addName = (candidate: ListName): void => {
    if (!names.some((n) => n.full === candidate.full && n.kind === candidate.kind)) names.push(candidate);
  };
  for (const alt of alts) addName({ full: alt.name, kind: alt.kind, strength: alt.weak ? 'weak' : 'strong' });
  for (const weak of parsed.names) {
    // A remarks a.k.a. that repeats a strong alias adds nothing.
    if (!names.some((n) => n.full === weak.full)) addName(weak);
  }

  const attributes: Record<string, string> = {};
  for (const [index, key] of PRIMARY_ATTRIBUTES) {
    const value = f[index];
    if (value !== undefined) attributes[key] = value;
  }
  if (attributes['vesselFlag'] !== undefined) {
    const code = countryCodeFromName(attributes['vesselFlag']);
    if (code !== undefined) attributes['vesselFlagCountry'] = code;
  }
  Object.assign(attributes, parsed.attributes);

  const entry: ListEntry = {
    sourceId: row.entNum,
    type,
    name,
    names,
    programs: splitOfacPrograms(f[3]),
    birthDates: parsed.birthDates,
    birthPlaces: parsed.birthPlaces,
    nationalities: parsed.nationalities,
    citizenships: parsed.citizenships,
    addresses,
    identifiers: parsed.identifiers,
    attributes,
  };
  if (remarks !== undefined && remarks.length > 0) entry.remarks = remarks;
  return entry;
}
