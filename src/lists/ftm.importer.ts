import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

import type { ListAddress, ListEntry, ListIdentifier } from '../domain/lists/list-entry.js';
import { ftmAddress, ftmDocument, ftmEntry, ftmSanction, ftmSchemaRole, ftmWallet, type FtmEntity, type FtmSanction } from './ftm-entity.js';
import { entryStream, readToEnd, type EntryStream } from './entry-stream.js';
import { ListFileInspector } from './list-file.reader.js';
import { ListImportError } from './list-import.errors.js';
import { MAX_RECORD_BYTES, NAME_TOO_LONG, overlongName, RECORD_TOO_LARGE } from './list-limits.js';
import type { ImportedFile, ListFile, ListImportWarning } from './list-import.types.js';

/**
 * OpenSanctions' `entities.ftm.json`: one FollowTheMoney entity per line, plain or gzip. Read as
 * a stream, line by line: besides the entries, only the small facts other entities state about
 * them are held (addresses by id, wallets, documents and sanctions by the entity they name),
 * since a target may come before or after the entities that describe it.
 */

export interface FtmImportOptions {
  /** Keep only entities of these datasets (`jp_mof_sanctions`, `us_ofac_sdn`, ...). */
  datasets?: readonly string[];
}

export interface FtmParseResult {
  format: 'ftm';
  entries: ListEntry[];
  files: ImportedFile<'entities'>[];
  counts: Record<string, number>;
  warnings: ListImportWarning[];
}

/** One entity a line: a line is a record, held to the limit every importer applies. */
const MAX_LINE_BYTES = MAX_RECORD_BYTES;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

function sniffFtm(head: string): string | undefined {
  if (head.length === 0 || head.startsWith('{')) return undefined;
  if (/^<(!doctype html|html|head|body)/i.test(head)) return 'this is an HTML page, not FtM entities (an error page saved instead of the download?)';
  if (head.startsWith('<')) return 'this is XML, not FtM entities (the UN list is format un-xml)';
  if (head.startsWith('[')) return 'this is a JSON array; FtM entities come one JSON object per line (entities.ftm.json)';
  return /^\d+,/.test(head) ? 'this looks like a CSV file (OFAC?), not FtM entities' : 'this is not FtM entities (one JSON object per line)';
}

/** Digests the bytes exactly as received (compressed or not). */
class DigestTap extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  sha256 = '';
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    callback();
  }
}

/** The stream with its first chunk read, to tell gzip from plain text without losing bytes. */
async function peekFirstChunk(stream: Readable): Promise<{ first: Buffer | undefined; all: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head = await iterator.next();
  const first = head.done ? undefined : Buffer.isBuffer(head.value) ? head.value : Buffer.from(head.value);
  async function* rest() {
    if (first) yield first;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
  }
  return { first, all: Readable.from(rest(), { objectMode: false }) };
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** One line as an entity, or the reason it is not one. */
export function readFtmLine(text: string): FtmEntity | { refused: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { refused: `not JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { refused: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  if ('op' in record && 'entity' in record) return { refused: 'this is an OpenSanctions delta line ({"op", "entity"}); import the full entities.ftm.json instead' };
  if (typeof record['id'] !== 'string' || record['id'].length === 0) return { refused: 'the entity has no "id"' };
  if (typeof record['schema'] !== 'string' || record['schema'].length === 0) return { refused: `entity ${record['id']} has no "schema"` };
  const properties: Record<string, string[]> = {};
  const raw = record['properties'];
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
      const strings = asStrings(list);
      if (strings.length > 0) properties[key] = strings;
    }
  }
  const entity: FtmEntity = {
    id: record['id'],
    schema: record['schema'],
    properties,
    datasets: asStrings(record['datasets']),
    referents: asStrings(record['referents']),
    target: record['target'] === true,
  };
  if (typeof record['caption'] === 'string') entity.caption = record['caption'];
  for (const key of ['first_seen', 'last_seen', 'last_change'] as const) {
    const stamp = record[key];
    if (typeof stamp === 'string') entity[key] = stamp;
  }
  return entity;
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Keeps what the lines say: the targets (in file order, each with its line) and the facts other
 * entities state about them, with the counts of what was left out and why.
 */
interface FtmCounts {
  lines: number;
  notTargets: number;
  skippedSchemas: number;
  unknownSchemas: number;
  /** Only when datasets were chosen. */
  otherDatasets?: number;
}

class FtmCollector {
  readonly counts: FtmCounts;
  readonly targets: FtmEntity[] = [];
  readonly targetLines = new Map<string, number>();
  private readonly seenDatasets = new Set<string>();
  private readonly unknown = new Map<string, { count: number; line: number }>();
  private readonly addresses = new Map<string, ListAddress>();
  private readonly identifiers = new Map<string, ListIdentifier[]>();
  private readonly sanctions = new Map<string, FtmSanction[]>();

  constructor(
    private readonly fileName: string,
    private readonly wanted: ReadonlySet<string> | undefined,
  ) {
    this.counts = { lines: 0, notTargets: 0, skippedSchemas: 0, unknownSchemas: 0, ...(wanted ? { otherDatasets: 0 } : {}) };
  }

  handle(bytes: Buffer, line: number): void {
    const text = bytes.toString('utf8').trim();
    if (text.length === 0) return;
    const entity = readFtmLine(text);
    if ('refused' in entity) throw new ListImportError({ file: this.fileName, line, reason: entity.refused });
    this.counts.lines += 1;
    if (this.wanted) {
      for (const dataset of entity.datasets) this.seenDatasets.add(dataset);
      if (!entity.datasets.some((dataset) => this.wanted!.has(dataset))) {
        this.counts.otherDatasets! += 1;
        return;
      }
    }
    switch (ftmSchemaRole(entity.schema)) {
      case 'entry':
        return this.keepTarget(entity, line);
      case 'context':
        return this.keepContext(entity);
      case 'other':
        this.counts.skippedSchemas += 1;
        return;
      case 'unknown': {
        this.counts.unknownSchemas += 1;
        const known = this.unknown.get(entity.schema);
        if (known) known.count += 1;
        else this.unknown.set(entity.schema, { count: 1, line });
      }
    }
  }

  private keepTarget(entity: FtmEntity, line: number): void {
    if (!entity.target) {
      this.counts.notTargets += 1;
      return;
    }
    const earlier = this.targetLines.get(entity.id);
    if (earlier !== undefined) throw new ListImportError({ file: this.fileName, line, reason: `entity ${entity.id} appears twice (also on line ${earlier})` });
    this.targetLines.set(entity.id, line);
    this.targets.push(entity);
  }

  private keepContext(entity: FtmEntity): void {
    if (entity.schema === 'Address') {
      const address = ftmAddress(entity);
      if (address) this.addresses.set(entity.id, address);
    } else if (entity.schema === 'Sanction') {
      const sanction = ftmSanction(entity);
      for (const id of entity.properties['entity'] ?? []) pushTo(this.sanctions, id, sanction);
    } else {
      const found = entity.schema === 'CryptoWallet' ? ftmWallet(entity) : ftmDocument(entity);
      if (found) for (const holder of entity.properties['holder'] ?? []) pushTo(this.identifiers, holder, found);
    }
  }

  warnings(): ListImportWarning[] {
    const warnings: ListImportWarning[] = [];
    for (const [schema, { count, line }] of this.unknown) {
      warnings.push({ file: this.fileName, line, message: `schema ${JSON.stringify(schema)} is not one redflag knows: ${count} entit${count === 1 ? 'y' : 'ies'} skipped` });
    }
    for (const dataset of this.wanted ?? []) {
      if (!this.seenDatasets.has(dataset)) warnings.push({ file: this.fileName, message: `no entity of dataset ${dataset} in the file` });
    }
    return warnings;
  }

  links() {
    return {
      address: (id: string) => this.addresses.get(id),
      identifiers: (holder: string) => this.identifiers.get(holder) ?? [],
      sanctions: (id: string) => this.sanctions.get(id) ?? [],
    };
  }
}

/** Splits the byte stream at newlines, refusing a line over the record limit as it grows. */
async function splitLines(chunks: AsyncIterable<Buffer>, fileName: string, handle: (bytes: Buffer, line: number) => void): Promise<void> {
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, newline);
      line += 1;
      handle(pending.length > 0 ? Buffer.concat([...pending, piece]) : piece, line);
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) throw new ListImportError({ file: fileName, line: line + 1, reason: RECORD_TOO_LARGE });
    }
  }
  if (pendingBytes > 0) handle(Buffer.concat(pending), line + 1);
}

/** Reads the file, plain or gzip, through `tap` (the digest of the bytes as received) line by line. */
async function readLines(file: ListFile, tap: DigestTap, handle: (bytes: Buffer, line: number) => void): Promise<void> {
  // A pipeline stage that fails is reported as the abort it causes in the others (the source
  // read through peekFirstChunk, gunzip); the first failure is kept here and reported instead.
  let refusal: unknown;
  let gzipError: Error | undefined;
  const consume = async (chunks: AsyncIterable<Buffer>) => {
    try {
      await splitLines(chunks, file.name, handle);
    } catch (error) {
      refusal ??= error;
      throw error;
    }
  };
  const inspector = new ListFileInspector({ file: file.name, sniff: sniffFtm });
  try {
    const { first, all } = await peekFirstChunk(file.stream);
    if (first !== undefined && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1]) {
      const gunzip = createGunzip();
      gunzip.once('error', (error) => {
        gzipError = error;
      });
      await pipeline(all, tap, gunzip, inspector, consume);
    } else {
      await pipeline(all, tap, inspector, consume);
    }
  } catch (error) {
    if (!file.stream.destroyed) file.stream.destroy();
    if (refusal instanceof ListImportError) throw refusal;
    if (error instanceof ListImportError) throw error;
    if (gzipError) {
      throw new ListImportError({ file: file.name, reason: `could not decompress the gzip file: ${gzipError.message} (truncated download?)`, cause: gzipError });
    }
    throw new ListImportError({ file: file.name, reason: `could not read the file: ${error instanceof Error ? error.message : String(error)}`, cause: error });
  }
}

/** What an FtM import says about its file once every entry has been read. */
export type FtmSummary = Omit<FtmParseResult, 'entries'>;

/**
 * Reads the file, then yields the targets as entries one by one. A target is complete only at
 * the end of the file (the addresses, documents and sanctions that describe it may come after
 * it), so the raw targets are held while reading; each is let go as its entry is handed over.
 */
export function streamFtm(file: ListFile, options: FtmImportOptions = {}): EntryStream<FtmSummary> & { entries: AsyncIterable<ListEntry> } {
  const wanted = options.datasets && options.datasets.length > 0 ? new Set(options.datasets) : undefined;
  const collector = new FtmCollector(file.name, wanted);
  const tap = new DigestTap();
  return entryStream('the FtM file', async function* entries(finish) {
    await readLines(file, tap, (bytes, line) => collector.handle(bytes, line));
    if (tap.bytes === 0) throw new ListImportError({ file: file.name, reason: 'the file is empty' });
    const warnings = collector.warnings();
    const targets = collector.targets;
    if (targets.length === 0) {
      const of = wanted ? ` of dataset${wanted.size > 1 ? 's' : ''} ${[...wanted].join(', ')}` : '';
      throw new ListImportError({ file: file.name, reason: `no screening targets${of} (persons, organisations, companies, vessels or aircraft with "target": true)` });
    }
    const links = collector.links();
    for (let index = 0; index < targets.length; index += 1) {
      const entity = targets[index]!;
      const entry = ftmEntry(entity, links);
      if (overlongName(entry) !== undefined) throw new ListImportError({ file: file.name, line: collector.targetLines.get(entity.id), reason: `entity ${entity.id} has ${NAME_TOO_LONG}` });
      targets[index] = RELEASED;
      yield entry;
    }
    finish({
      format: 'ftm',
      files: [{ name: file.name, role: 'entities', sha256: tap.sha256, bytes: tap.bytes, rows: collector.counts.lines }],
      counts: { ...collector.counts },
      warnings,
    });
  });
}

/** Stands in for a target whose entry was handed over, so the entity can be collected. */
const RELEASED: FtmEntity = { id: '', schema: '', properties: {}, datasets: [], referents: [], target: false };

/** Every entry at once (tests): streamFtm read to the end. */
export const parseFtm = async (file: ListFile, options: FtmImportOptions = {}): Promise<FtmParseResult> => readToEnd(streamFtm(file, options));
