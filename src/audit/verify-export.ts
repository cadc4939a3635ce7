/**
 * Offline verifier for decision-log exports (`npm run cli -- audit verify-export <file>`).
 *
 * Streams the file once: every byte before the last line is hashed and parsed as rows, the
 * last line must be the manifest. Holds one line, one CSV record and the last (sequence, hash)
 * per tenant, so a million-row file verifies in flat memory. Checks:
 * - the manifest is present, last, and well formed;
 * - its row count, first and last chain hash, and SHA-256 of the bytes before it;
 * - every row parses; per tenant, sequences ascend and a row whose sequence directly follows the
 *   previous row's carries that row's hash as its prevHash; gaps in the sequence are problems
 *   unless the manifest's filter selected by outcome (which legitimately skips decisions);
 * - rows lie inside the manifest's filter (outcome, created_at in [from, to)).
 *
 * - signed checkpoints (issue #23), from the manifest and from `--checkpoints` files kept
 *   elsewhere: each signature with a key pinned by `--public-key` (or, unpinned, the keys the
 *   file itself names); the row at a checkpoint's sequence must carry its hash and the row after
 *   it must link to it; a checkpoint beyond the chain head the manifest records means newest
 *   decisions were cut off.
 *
 * What it cannot check: the chain hashes themselves (the export carries a summary of each
 * decision, not the full hashed record). A file whose rows and manifest were both rewritten
 * consistently (or made from a database rewritten and re-sealed) verifies on its own; a signed
 * checkpoint kept outside the database, at or after the change, exposes it.
 */
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  CSV_MANIFEST_PREFIX,
  EXPORT_CSV_COLUMNS,
  NDJSON_MANIFEST_PREFIX,
  parseManifestLine,
  type ExportFormat,
  type ExportManifest,
} from '../domain/audit/export-format.js';
import { OUTCOMES } from '../domain/rules/ruleset.js';
import { createCheckpointMatcher, type SignedCheckpoint } from '../domain/audit/checkpoint.js';
import { CsvRecordReader, type CsvRecord } from './csv-record-reader.js';
import { CheckpointFileError, readCheckpointsFile, readPublicKeysFile, type FiledCheckpoint } from './checkpoint-files.js';
import { createSignatureChecker, type PublicSigningKey } from './checkpoint-signing.js';

export type ExportProblemCode =
  | 'unknown_format'
  | 'bad_header'
  | 'malformed_row'
  | 'line_too_long'
  | 'missing_manifest'
  | 'manifest_not_last'
  | 'invalid_manifest'
  | 'row_count_mismatch'
  | 'body_digest_mismatch'
  | 'first_hash_mismatch'
  | 'last_hash_mismatch'
  | 'sequence_order'
  | 'sequence_gap'
  | 'prev_link_mismatch'
  | 'row_outside_filter'
  | 'checkpoint_signature_invalid'
  | 'checkpoint_unknown_key'
  | 'checkpoint_mismatch'
  | 'checkpoint_beyond_head';

export interface ExportProblem {
  code: ExportProblemCode;
  message: string;
  /** 1-based physical line in the file, when the problem is at one. */
  line?: number;
  sequence?: number;
}

export interface VerifyExportResult {
  ok: boolean;
  format: ExportFormat | null;
  /** Data rows read (the CSV header and the manifest not counted). */
  rows: number;
  manifest: ExportManifest | null;
  /** SHA-256 of every byte before the manifest line (before the last line when there is none). */
  bodySha256: string;
  /** The first `maxProblems` problems found, in file order (manifest checks last). */
  problems: ExportProblem[];
  /** All problems found, including those left out of `problems`. */
  problemCount: number;
  /** What the signed checkpoints said; null when there were none (neither in the manifest nor given). */
  checkpoints: CheckpointSummary | null;
}

export interface CheckpointSummary {
  /** Checkpoints of this export's tenant (manifest and files, each counted once). */
  considered: number;
  /** Of those, how many carried a valid signature by a trusted key. */
  valid: number;
  /** Of those, how many a row of the file or the recorded chain head agreed with. */
  matched: number;
  /** Checkpoints of other tenants, left aside. */
  ignored: number;
  /** Whether the keys were pinned with --public-key; otherwise the keys the files name were used. */
  keysPinned: boolean;
  keyIds: string[];
}

export interface VerifyExportOptions {
  /** Problems kept in the result; the rest are only counted. Default 100. */
  maxProblems?: number;
  /** Longest line accepted, in bytes. Default 4 MiB. */
  maxLineBytes?: number;
  /** Told every data row's chain facts, in file order. */
  onRow?: (facts: RowFacts) => void;
}

export interface VerifyExportCheckpointOptions extends Omit<VerifyExportOptions, 'onRow'> {
  /** Checkpoints kept outside the service (a file, a webhook receiver's log). */
  checkpoints?: readonly FiledCheckpoint[];
  /** Keys trusted to sign checkpoints; when absent, the keys the manifest and checkpoint files name. */
  trustedKeys?: readonly PublicSigningKey[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const SEQUENCE = /^[1-9][0-9]{0,15}$/;
const NEWLINE = 0x0a;

export interface RowFacts {
  sequence: number;
  tenantId: string;
  outcome: string;
  createdAt: string;
  prevHash: string;
  hash: string;
}

class ExportChecker {
  readonly problems: ExportProblem[] = [];
  problemCount = 0;
  rows = 0;
  firstHash: string | null = null;
  lastHash: string | null = null;
  /** Gaps are only problems if the filter did not select by outcome, known once the manifest is read. */
  private readonly gaps: ExportProblem[] = [];
  private gapCount = 0;
  private readonly tenants = new Map<string, { sequence: number; hash: string }>();
  /** First line of each outcome seen, and the earliest and latest times, to check the filter at the end. */
  private readonly outcomes = new Map<string, number>();
  private earliest: { time: number; line: number; text: string } | undefined;
  private latest: { time: number; line: number; text: string } | undefined;

  constructor(private readonly maxProblems: number) {}

  problem(problem: ExportProblem): void {
    this.problemCount += 1;
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
  }

  /** Counts a data row whose chain columns could not be read. */
  malformedRow(line: number, message: string, hash: string | null): void {
    this.rows += 1;
    this.firstHash ??= hash ?? '';
    this.lastHash = hash ?? '';
    this.problem({ code: 'malformed_row', message, line });
  }

  row(facts: RowFacts, line: number): void {
    this.rows += 1;
    this.firstHash ??= facts.hash;
    this.lastHash = facts.hash;
    const { sequence, tenantId } = facts;
    const previous = this.tenants.get(tenantId);
    if (previous) {
      if (sequence <= previous.sequence) {
        this.problem({ code: 'sequence_order', message: `sequence ${sequence} of tenant ${tenantId} after ${previous.sequence}`, line, sequence });
      } else if (sequence === previous.sequence + 1) {
        if (facts.prevHash !== previous.hash) {
          this.problem({ code: 'prev_link_mismatch', message: `prevHash of sequence ${sequence} is not the hash of sequence ${previous.sequence}`, line, sequence });
        }
      } else {
        this.gapCount += 1;
        if (this.gaps.length < this.maxProblems) {
          this.gaps.push({ code: 'sequence_gap', message: `sequence ${sequence} of tenant ${tenantId} follows ${previous.sequence}`, line, sequence });
        }
      }
    }
    // Only the newest position per tenant is kept: memory grows with tenants, not rows.
    if (!previous || sequence > previous.sequence) this.tenants.set(tenantId, { sequence, hash: facts.hash });
    if (!this.outcomes.has(facts.outcome)) this.outcomes.set(facts.outcome, line);
    const time = Date.parse(facts.createdAt);
    if (Number.isNaN(time)) {
      this.problem({ code: 'malformed_row', message: `created_at ${facts.createdAt} is not a time`, line, sequence });
    } else {
      if (!this.earliest || time < this.earliest.time) this.earliest = { time, line, text: facts.createdAt };
      if (!this.latest || time > this.latest.time) this.latest = { time, line, text: facts.createdAt };
    }
  }

  /** Checks that need the manifest: counts, hashes, digest, filter, and whether gaps matter. */
  finish(manifest: ExportManifest, bodySha256: string): void {
    if (manifest.rows !== this.rows) this.problem({ code: 'row_count_mismatch', message: `manifest says ${manifest.rows} rows, the file has ${this.rows}` });
    if (manifest.firstHash !== this.firstHash) {
      this.problem({ code: 'first_hash_mismatch', message: `manifest firstHash ${manifest.firstHash} differs from the first row's ${this.firstHash}` });
    }
    if (manifest.lastHash !== this.lastHash) {
      this.problem({ code: 'last_hash_mismatch', message: `manifest lastHash ${manifest.lastHash} differs from the last row's ${this.lastHash}` });
    }
    if (manifest.bodySha256 !== bodySha256) {
      this.problem({ code: 'body_digest_mismatch', message: `the rows' SHA-256 is ${bodySha256}, the manifest says ${manifest.bodySha256}: the rows were altered` });
    }
    if (manifest.filter.outcome === null) this.reportGaps();
    else {
      for (const [outcome, line] of this.outcomes) {
        if (outcome !== manifest.filter.outcome) {
          this.problem({ code: 'row_outside_filter', message: `outcome ${outcome} outside the filter outcome=${manifest.filter.outcome}`, line });
        }
      }
    }
    const from = manifest.filter.from === null ? Number.NaN : Date.parse(manifest.filter.from);
    const to = manifest.filter.to === null ? Number.NaN : Date.parse(manifest.filter.to);
    if (this.earliest && this.earliest.time < from) {
      this.problem({ code: 'row_outside_filter', message: `created_at ${this.earliest.text} is before the filter's from ${manifest.filter.from}`, line: this.earliest.line });
    }
    if (this.latest && this.latest.time >= to) {
      this.problem({ code: 'row_outside_filter', message: `created_at ${this.latest.text} is not before the filter's to ${manifest.filter.to}`, line: this.latest.line });
    }
  }

  /** Without a trustworthy manifest, a gap may be a deleted row: report it. */
  reportGaps(): void {
    for (const gap of this.gaps) this.problem(gap);
    this.problemCount += this.gapCount - this.gaps.length;
  }
}

function csvRowFacts(fields: string[]): RowFacts | string {
  if (fields.length !== EXPORT_CSV_COLUMNS.length) return `${fields.length} fields, expected ${EXPORT_CSV_COLUMNS.length}`;
  const at = (name: (typeof EXPORT_CSV_COLUMNS)[number]) => fields[EXPORT_CSV_COLUMNS.indexOf(name)] ?? '';
  return rowFacts({
    sequence: SEQUENCE.test(at('sequence')) ? Number(at('sequence')) : at('sequence'),
    tenantId: at('tenant_id'),
    outcome: at('outcome'),
    createdAt: at('created_at'),
    prevHash: at('prev_hash'),
    hash: at('hash'),
  });
}

function rowFacts(value: Record<string, unknown>): RowFacts | string {
  const { sequence, tenantId, outcome, createdAt, prevHash, hash } = value;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) return `sequence ${String(sequence)} is not a positive integer`;
  if (typeof tenantId !== 'string' || tenantId === '') return 'tenant id missing';
  if (!(OUTCOMES as readonly unknown[]).includes(outcome)) return `outcome ${String(outcome)} is not one of ${OUTCOMES.join(', ')}`;
  if (typeof createdAt !== 'string') return 'created_at missing';
  if (typeof prevHash !== 'string' || !HEX64.test(prevHash)) return 'prev_hash is not 64 hex digits';
  if (typeof hash !== 'string' || !HEX64.test(hash)) return 'hash is not 64 hex digits';
  return { sequence, tenantId, outcome: outcome as string, createdAt, prevHash, hash };
}

function detectFormat(firstLine: Buffer): ExportFormat | null {
  const text = firstLine.subarray(0, 64).toString('utf8');
  if (text.startsWith('{')) return 'ndjson';
  if (text.startsWith(`${EXPORT_CSV_COLUMNS[0]},`) || text.startsWith(CSV_MANIFEST_PREFIX)) return 'csv';
  return null;
}

function isManifestLine(format: ExportFormat, line: Buffer): boolean {
  const prefix = format === 'csv' ? CSV_MANIFEST_PREFIX : NDJSON_MANIFEST_PREFIX;
  return line.subarray(0, prefix.length).toString('latin1') === prefix;
}

/**
 * The source's lines, each with its line break (the last one maybe without). Stops, setting
 * `state.tooLong`, at a line longer than `maxLineBytes`: nothing past it is read.
 */
async function* linesOf(source: AsyncIterable<Buffer | string>, maxLineBytes: number, state: { tooLong: boolean }): AsyncGenerator<Buffer> {
  let partial: Buffer[] = [];
  let partialBytes = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(NEWLINE, start);
      const piece = bytes.subarray(start, end === -1 ? bytes.length : end + 1);
      if (partialBytes + piece.length > maxLineBytes) {
        state.tooLong = true;
        return;
      }
      if (end === -1) {
        if (piece.length > 0) {
          partial.push(piece);
          partialBytes += piece.length;
        }
        break;
      }
      yield partial.length === 0 ? piece : Buffer.concat([...partial, piece]);
      partial = [];
      partialBytes = 0;
      start = end + 1;
    }
  }
  // A last line without a line break still counts (the file may have been cut there).
  if (partial.length > 0) yield Buffer.concat(partial);
}

/** The data lines of an export (all but the manifest), read as rows into the checker. */
class ExportRowReader {
  format: ExportFormat | null = null;
  unknownFormat = false;
  headerSeen = false;
  lineNumber = 0;
  readonly body = createHash('sha256');
  private readonly csv: CsvRecordReader;

  constructor(
    private readonly checker: ExportChecker,
    maxLineBytes: number,
    private readonly onRow: ((facts: RowFacts) => void) | undefined,
  ) {
    this.csv = new CsvRecordReader(maxLineBytes);
  }

  /** The first line tells the format. */
  detect(line: Buffer): void {
    if (this.format !== null || this.unknownFormat) return;
    this.format = detectFormat(line);
    this.unknownFormat = this.format === null;
  }

  /** A line known not to be the last one: hash it and read it as data. */
  release(line: Buffer): void {
    this.body.update(line);
    this.lineNumber += 1;
    if (this.format === 'csv') {
      for (const record of this.csv.feed(line.toString('utf8'))) this.csvRecord(record);
    } else if (this.format === 'ndjson') {
      this.ndjsonLine(line.toString('utf8').replace(/\r?\n$/, ''), this.lineNumber);
    }
  }

  /** The CSV record still being read, and the header's absence, once the data lines end. */
  flushCsv(): void {
    if (this.format !== 'csv') return;
    const last = this.csv.end();
    if (last) this.csvRecord(last);
    if (!this.headerSeen) this.checker.problem({ code: 'bad_header', message: 'the CSV header is missing' });
  }

  private csvRecord(record: CsvRecord): void {
    if (!this.headerSeen) {
      this.headerSeen = true;
      if (record.fields.join(',') !== EXPORT_CSV_COLUMNS.join(',')) {
        this.checker.problem({ code: 'bad_header', message: `header is not ${EXPORT_CSV_COLUMNS.join(',')}`, line: record.line });
      }
      return;
    }
    if (record.fields[0] === '#manifest') {
      this.checker.problem({ code: 'manifest_not_last', message: 'a manifest line is followed by more lines', line: record.line });
      return;
    }
    if (record.error) return this.checker.malformedRow(record.line, record.error, record.fields[EXPORT_CSV_COLUMNS.length - 1] ?? null);
    const facts = csvRowFacts(record.fields);
    if (typeof facts === 'string') return this.checker.malformedRow(record.line, facts, null);
    this.checker.row(facts, record.line);
    this.onRow?.(facts);
  }

  private ndjsonLine(text: string, line: number): void {
    if (text.startsWith(NDJSON_MANIFEST_PREFIX)) {
      this.checker.problem({ code: 'manifest_not_last', message: 'a manifest line is followed by more lines', line });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.checker.malformedRow(line, 'not a JSON object', null);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.checker.malformedRow(line, 'not a JSON object', null);
    const facts = rowFacts(value as Record<string, unknown>);
    if (typeof facts === 'string') return this.checker.malformedRow(line, facts, null);
    this.checker.row(facts, line);
    this.onRow?.(facts);
  }
}

/** Verifies an export read from any byte stream (a file, an HTTP response body). */
export async function verifyExportStream(source: AsyncIterable<Buffer | string>, options: VerifyExportOptions = {}): Promise<VerifyExportResult> {
  const maxLineBytes = options.maxLineBytes ?? 4 * 1024 * 1024;
  const checker = new ExportChecker(options.maxProblems ?? 100);
  const reader = new ExportRowReader(checker, maxLineBytes, options.onRow);
  const result = (manifest: ExportManifest | null, bodySha256: string): VerifyExportResult => ({
    ok: checker.problemCount === 0,
    format: reader.format,
    rows: checker.rows,
    manifest,
    bodySha256,
    problems: checker.problems,
    problemCount: checker.problemCount,
    checkpoints: null,
  });

  // The last line is the manifest, so each complete line is held back until the next one shows up.
  let held: Buffer | undefined;
  const split = { tooLong: false };
  for await (const line of linesOf(source, maxLineBytes, split)) {
    reader.detect(line);
    if (held) reader.release(held);
    held = line;
  }
  if (split.tooLong) {
    const line = reader.lineNumber + (held ? 2 : 1);
    checker.problem({ code: 'line_too_long', message: `line ${line} is longer than ${maxLineBytes} bytes; verification stopped`, line });
    return result(null, reader.body.digest('hex'));
  }
  const format = reader.format;
  if (reader.unknownFormat || format === null) {
    checker.problem({ code: 'unknown_format', message: held ? 'the file is neither a CSV nor an NDJSON decision export' : 'the file is empty' });
    return result(null, reader.body.digest('hex'));
  }

  if (held && isManifestLine(format, held)) {
    reader.flushCsv();
    const bodySha256 = reader.body.digest('hex');
    const parsed = parseManifestLine(format, held.toString('utf8'));
    if (!parsed.ok) {
      checker.problem({ code: 'invalid_manifest', message: parsed.error, line: reader.lineNumber + 1 });
      checker.reportGaps();
      return result(null, bodySha256);
    }
    checker.finish(parsed.manifest, bodySha256);
    return result(parsed.manifest, bodySha256);
  }
  if (held) reader.release(held);
  reader.flushCsv();
  checker.problem({ code: 'missing_manifest', message: 'the file does not end with a manifest line: it was truncated or the manifest removed' });
  checker.reportGaps();
  return result(null, reader.body.digest('hex'));
}

const positionKey = (tenantId: string, sequence: number) => `${tenantId.toLowerCase()}:${sequence}`;

/** The positions whose rows a checkpoint is checked against: its own and the next (whose prevHash it fixes). */
function positionsOf(checkpoints: readonly SignedCheckpoint[]): Set<string> {
  const keys = new Set<string>();
  for (const checkpoint of checkpoints) {
    keys.add(positionKey(checkpoint.tenantId, checkpoint.sequence));
    keys.add(positionKey(checkpoint.tenantId, checkpoint.sequence + 1));
  }
  return keys;
}

/**
 * Verifies an export that can be read more than once (a file): as verifyExportStream, then
 * against the signed checkpoints of its manifest and of `options.checkpoints`. Rows at
 * checkpoint positions are picked out as they stream; the manifest's checkpoints are known only
 * at the end, so the file is read a second time when they name rows not picked out already.
 */
/** Each checkpoint once, though it came both in the manifest and in a file kept elsewhere. */
function uniqueCheckpoints(checkpoints: readonly FiledCheckpoint[]): FiledCheckpoint[] {
  const seen = new Set<string>();
  return checkpoints.filter((checkpoint) => {
    const key = `${positionKey(checkpoint.tenantId, checkpoint.sequence)}:${checkpoint.signature}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The checkpoints whose signature verifies with one of `keys`, and a problem for each other one. */
function checkSignatures(checkpoints: readonly FiledCheckpoint[], keys: { keyId: string; publicKey: string }[], pinned: boolean) {
  const check = createSignatureChecker(keys);
  const problems: ExportProblem[] = [];
  const valid: SignedCheckpoint[] = [];
  for (const checkpoint of checkpoints) {
    const verdict = check(checkpoint);
    if (verdict === 'valid') valid.push(checkpoint);
    else if (verdict === 'unknown_key') {
      problems.push({ code: 'checkpoint_unknown_key', sequence: checkpoint.sequence, message: `the checkpoint of decision ${checkpoint.sequence} is signed by key ${checkpoint.keyId}, which is not ${pinned ? 'among the pinned keys' : 'named in the manifest or the checkpoint file'}` });
    } else {
      problems.push({ code: 'checkpoint_signature_invalid', sequence: checkpoint.sequence, message: `the checkpoint of decision ${checkpoint.sequence} (signed at ${checkpoint.signedAt}) does not carry a valid signature of key ${checkpoint.keyId}` });
    }
  }
  return { valid, problems };
}

export async function verifyExport(open: () => AsyncIterable<Buffer | string>, options: VerifyExportCheckpointOptions = {}): Promise<VerifyExportResult> {
  const external = options.checkpoints ?? [];
  const picked = new Map<string, RowFacts>();
  let wanted = positionsOf(external);
  let firstTenant: string | undefined;
  let lastSequence = 0;
  const pick = (facts: RowFacts) => {
    firstTenant ??= facts.tenantId;
    lastSequence = Math.max(lastSequence, facts.sequence);
    const key = positionKey(facts.tenantId, facts.sequence);
    if (wanted.has(key)) picked.set(key, facts);
  };
  const result = await verifyExportStream(open(), {
    ...(options.maxProblems !== undefined ? { maxProblems: options.maxProblems } : {}),
    ...(options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {}),
    onRow: pick,
  });
  const manifest = result.manifest;
  const fromManifest = manifest?.checkpoints ?? [];
  if (external.length === 0 && fromManifest.length === 0) return result;

  const again = [...positionsOf(fromManifest)].filter((key) => !wanted.has(key));
  if (again.length > 0) {
    wanted = new Set(again);
    await verifyExportStream(open(), { maxLineBytes: options.maxLineBytes ?? 4 * 1024 * 1024, maxProblems: 0, onRow: (facts) => wanted.has(positionKey(facts.tenantId, facts.sequence)) && picked.set(positionKey(facts.tenantId, facts.sequence), facts) });
  }

  const tenantId = (manifest?.tenantId ?? firstTenant)?.toLowerCase();
  const all = uniqueCheckpoints([...external, ...fromManifest]);
  const relevant = tenantId ? all.filter((checkpoint) => checkpoint.tenantId.toLowerCase() === tenantId) : all;
  const pinned = options.trustedKeys !== undefined;
  const keys: { keyId: string; publicKey: string }[] = pinned
    ? [...options.trustedKeys!]
    : [...(manifest?.keys ?? []), ...external.flatMap((checkpoint) => (checkpoint.publicKey ? [{ keyId: checkpoint.keyId, publicKey: checkpoint.publicKey }] : []))];
  const { valid, problems } = checkSignatures(relevant, keys, pinned);
  const matcher = createCheckpointMatcher(valid);
  const found = [...picked.values()].sort((a, b) => a.sequence - b.sequence).flatMap((facts) => matcher.row(facts));
  if (tenantId && manifest?.head !== undefined) found.push(...matcher.head(tenantId, manifest.head));
  else if (manifest && manifest.filter.outcome === null && result.rows > 0) {
    // No recorded head (format 1 or 2): a checkpoint signed inside the range beyond the last row was cut off.
    const to = manifest.filter.to === null ? Number.POSITIVE_INFINITY : Date.parse(manifest.filter.to);
    for (const checkpoint of valid) {
      if (checkpoint.sequence > lastSequence && Date.parse(checkpoint.signedAt) < to) {
        found.push({ reason: 'checkpoint_beyond_head', tenantId: checkpoint.tenantId, sequence: checkpoint.sequence, detail: `a checkpoint signed at ${checkpoint.signedAt} names decision ${checkpoint.sequence}, but the export ends at ${lastSequence}` });
      }
    }
  }
  for (const problem of found) problems.push({ code: problem.reason, sequence: problem.sequence, message: problem.detail });
  const maxProblems = options.maxProblems ?? 100;
  return {
    ...result,
    ok: result.ok && problems.length === 0,
    problems: [...result.problems, ...problems].slice(0, Math.max(maxProblems, result.problems.length)),
    problemCount: result.problemCount + problems.length,
    checkpoints: {
      considered: relevant.length,
      valid: valid.length,
      matched: matcher.matchedCount(),
      ignored: all.length - relevant.length,
      keysPinned: pinned,
      keyIds: [...new Set(relevant.map((checkpoint) => checkpoint.keyId))],
    },
  };
}

export function verifyExportFile(path: string, options: VerifyExportCheckpointOptions = {}): Promise<VerifyExportResult> {
  return verifyExport(() => createReadStream(path, { highWaterMark: 256 * 1024 }), options);
}

/** Where the CLI writes: process.stdout / process.stderr, or a test double. */
export interface TextSink {
  write(text: string): unknown;
}

const CLI_USAGE = `Usage: audit verify-export [--json] [--checkpoints <file>]... [--public-key <file>]... <file>
  Verifies a decision-log export (CSV or NDJSON) offline: manifest, row count, first and last
  chain hash, SHA-256 of the rows, and prevHash links between consecutive decisions; then the
  signed checkpoints of the manifest and of each --checkpoints file (JSON or NDJSON: a
  GET /v1/audit/checkpoints page, an array, or audit.checkpoint webhook deliveries) against the
  rows and the chain head. --public-key pins the keys trusted to sign (PEM, or the JSON of
  GET /v1/audit/checkpoints/public-key); without it the keys the files name are used.
  Exit code 0: verified; 1: problems found; 2: usage error or unreadable file.
`;

/** The `audit verify-export` command: `args` are the words after it. Returns the exit code. */
export async function runVerifyExportCli(args: string[], stdout: TextSink, stderr: TextSink): Promise<number> {
  let values: { json?: boolean; help?: boolean; checkpoints?: string[]; 'public-key'?: string[] };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, checkpoints: { type: 'string', multiple: true }, 'public-key': { type: 'string', multiple: true } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    stderr.write(`${(error as Error).message}\n${CLI_USAGE}`);
    return 2;
  }
  if (values.help) {
    stdout.write(CLI_USAGE);
    return 0;
  }
  const [file] = positionals;
  if (file === undefined || positionals.length !== 1) {
    stderr.write(CLI_USAGE);
    return 2;
  }
  const checkpoints: FiledCheckpoint[] = [];
  const trustedKeys: PublicSigningKey[] = [];
  try {
    for (const path of values.checkpoints ?? []) checkpoints.push(...(await readCheckpointsFile(path)));
    for (const path of values['public-key'] ?? []) trustedKeys.push(...(await readPublicKeysFile(path)));
  } catch (error) {
    stderr.write(`${error instanceof CheckpointFileError ? error.message : `cannot read: ${(error as Error).message}`}\n`);
    return 2;
  }
  let result: VerifyExportResult;
  try {
    result = await verifyExportFile(file, { checkpoints, ...(values['public-key'] ? { trustedKeys } : {}) });
  } catch (error) {
    stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  if (values.json) {
    stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const summary = `${result.format ?? 'unknown format'}, ${result.rows} rows, body sha256 ${result.bodySha256}`;
    const signed = result.checkpoints;
    const checkpointLine = signed
      ? `  checkpoints: ${signed.valid} of ${signed.considered} validly signed, ${signed.matched} matched the rows or the chain head${signed.ignored > 0 ? `, ${signed.ignored} of other tenants ignored` : ''}; keys ${signed.keyIds.join(', ') || '-'}${signed.keysPinned ? ' (pinned)' : ' (NOT pinned: pass --public-key with the keys you trust)'}\n`
      : '  checkpoints: none (no signed checkpoint in the manifest or given with --checkpoints)\n';
    if (result.ok && result.manifest) {
      stdout.write(`OK ${file}: ${summary}\n  first hash ${result.manifest.firstHash ?? '-'}\n  last hash  ${result.manifest.lastHash ?? '-'}\n${checkpointLine}`);
    } else {
      stdout.write(`FAILED ${file}: ${summary}; ${result.problemCount} problem(s)\n`);
      for (const problem of result.problems) {
        const where = problem.line === undefined ? '' : ` (line ${problem.line})`;
        stdout.write(`  ${problem.code}${where}: ${problem.message}\n`);
      }
      if (result.problemCount > result.problems.length) stdout.write(`  … and ${result.problemCount - result.problems.length} more\n`);
      stdout.write(checkpointLine);
    }
  }
  return result.ok ? 0 : 1;
}
