/**
 * The auditor's view of the decision log (issue #6): verify a tenant's hash chain over a time
 * range, export it as CSV or NDJSON with a manifest, and read the administrative audit events.
 *
 * Everything here reads in keyset pages of CHAIN_PAGE_SIZE rows (`sequence > $last order by
 * sequence limit n`), each its own short query: memory stays flat however long the range, no
 * cursor or transaction is held between pages, and a reader that stops (a client hanging up)
 * simply asks for no further page.
 */
import { Readable, Transform, pipeline } from 'node:stream';
import type { Db } from '../db/client.js';
import {
  findAuditEventsPage,
  findChainHead,
  findChainPage,
  findLastRowCreatedBefore,
  findRowBefore,
  type AuditEventRow,
  type ChainHeadRow,
  type ChainPageQuery,
  type ChainPageRow,
} from '../db/repositories/audit.repository.js';
import { verifyDecisionChain } from '../audit/node-sha256.js';
import type { CheckpointSigner } from '../audit/checkpoint-signing.js';
import { createCheckpointMatcher, type CheckpointProblem, type SignedCheckpoint } from '../domain/audit/checkpoint.js';
import type { VerifyChainResult } from '../domain/audit/chain-verify.js';
import { checkpointsForRange, latestCheckpoint } from './audit-checkpoints.service.js';
import { createExportWriter } from '../audit/export-writer.js';
import type { AuditEventView, ChainVerificationView } from '../http/schemas/audit.schemas.js';
import { canonicalTimestamp, type StoredChainRow } from '../domain/audit/chain-record.js';
import { toExportRow, type ExportFormat, type ExportManifest } from '../domain/audit/export-format.js';
import type { Outcome } from '../domain/rules/ruleset.js';
import { AppError } from '../errors.js';

export interface AuditDeps {
  db: Db;
  now: () => Date;
  /** Signs audit checkpoints (AUDIT_SIGNING_KEY_FILE); verification also uses its public key. */
  signer?: CheckpointSigner;
}

/**
 * Rows per page query. Measured with bench:export: with 1000-row pages a page usually
 * outlives two young-generation collections while it is hashed or written out, gets promoted,
 * and the heap peaks near 180 MB before a full collection; with 250 it stays near 55 MB, at the
 * same speed (the per-query cost is small next to serialising the hits).
 */
export const CHAIN_PAGE_SIZE = 250;

/** Most decisions one verify request checks (and the largest `limit` a caller may ask for). */
export const VERIFY_MAX_ROWS = 1_000_000;

/**
 * How long one verify request works before it answers `complete: false` with the place to
 * continue from (`afterSequence`). Verification streams in flat memory, so a long range is only
 * a matter of time: bounding each request keeps it well inside the route's deadline and any
 * proxy's, whatever the machine's speed.
 */
export const VERIFY_TIME_BUDGET_MS = 10_000;

/** A half-open time range [from, to); either bound open when null. ISO-8601 instants. */
export interface TimeRange {
  from: string | null;
  to: string | null;
}

/** A stored time (PostgreSQL text, possibly with microseconds) as an ISO instant to the millisecond. */
function isoMillis(value: string): string {
  return canonicalTimestamp(value.replace(/(\.\d{3})\d+/, '$1'));
}

/** Normalises a date or date-time to a UTC instant; a date alone means its midnight UTC. */
export function toInstant(value: string | undefined | null, field: string): string | null {
  if (value === undefined || value === null) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new AppError('validation_failed', `${field} is not a date or time`, [{ field: `querystring:/${field}`, message: 'not a date or time' }]);
  return new Date(time).toISOString();
}

/** A tenant's chain in sequence order, one page (one short query) at a time. */
export async function* chainPages(db: Db, query: Omit<ChainPageQuery, 'limit'>, pageSize = CHAIN_PAGE_SIZE): AsyncGenerator<ChainPageRow[], void, undefined> {
  let after = query.afterSequence;
  while (after < query.upToSequence) {
    const page = await findChainPage(db, { ...query, afterSequence: after, limit: pageSize });
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = Number(last.sequence);
  }
}

type ParsedChainRow = StoredChainRow & Pick<ChainPageRow, 'caseStatus' | 'caseDisposition'>;

/**
 * Parses a page row's JSON columns, for the chain verifier and the export. Consecutive decisions
 * nearly always cite the same list versions, so the last parsed list is reused (read-only).
 */
export function createChainRowParser(): (row: ChainPageRow) => ParsedChainRow {
  let listText = '';
  let listValue: unknown;
  return (row) => {
    if (row.listVersions !== listText) {
      listValue = JSON.parse(row.listVersions) as unknown;
      listText = row.listVersions;
    }
    return { ...row, hits: JSON.parse(row.hits) as unknown, listVersions: listValue };
  };
}

interface ChainSpan {
  /** The decision before the first one of the span (its anchor), when there is one. */
  anchor: ChainHeadRow | undefined;
  first: number;
  /** Last sequence of the span; below `first` when the span is empty. */
  last: number;
  head: ChainHeadRow | undefined;
  /** Whether the span ends at the chain head (the head decision lies in the range). */
  reachesHead: boolean;
}

/**
 * Maps a time range onto the chain: it starts after the last decision created before `from`
 * and ends at the last one created before `to`, or at the head when the head lies in the range.
 * Ending at the head (rather than at the last row found) is what exposes deleted newest rows.
 * Decisions appended after the head was read are left for the next request.
 */
async function chainSpan(db: Db, tenantId: string, range: TimeRange): Promise<ChainSpan> {
  const head = await findChainHead(db, tenantId);
  const anchor = range.from ? await findLastRowCreatedBefore(db, tenantId, range.from) : undefined;
  const first = (anchor?.sequence ?? 0) + 1;
  const headTime = head?.lastCreatedAt ? isoMillis(head.lastCreatedAt) : null;
  const reachesHead = head !== undefined && (range.to === null || (headTime !== null && headTime < range.to));
  let last: number;
  if (reachesHead) last = head.sequence;
  else {
    const lastRow = await findLastRowCreatedBefore(db, tenantId, range.to ?? 'infinity');
    last = Math.min(lastRow?.sequence ?? 0, head?.sequence ?? Number.MAX_SAFE_INTEGER);
  }
  return { anchor, first, last, head: head ? { sequence: head.sequence, hash: head.hash } : undefined, reachesHead };
}

export interface VerifyRequest extends TimeRange {
  tenantId: string;
  /** Continue a verification: only decisions after this sequence (anchored at the one before). */
  afterSequence?: number;
  maxRows?: number;
  timeBudgetMs?: number;
}

type ChainBreakView = NonNullable<ChainVerificationView['firstBroken']>;

/**
 * What the signed checkpoints say about the range: the head's problems are known at once, the
 * rows' as they stream by (`row`); the report and the first break they show.
 */
async function checkpointCheck(deps: Pick<AuditDeps, 'db' | 'signer'>, tenantId: string, range: { from: number; to: number }, latest: SignedCheckpoint | undefined, head: ChainHeadRow | null) {
  const evidence = await checkpointsForRange(deps.db, deps.signer, { tenantId, from: range.from, to: range.to, latest });
  const matcher = createCheckpointMatcher(evidence.valid);
  // Checkpoint problems by sequence; the head's are known now, the rows' as they stream.
  const problems: CheckpointProblem[] = matcher.head(tenantId, head);
  const forged = evidence.invalid[0];
  const signatureBreak = forged
    ? { id: null, sequence: forged.sequence, reason: 'checkpoint_signature_invalid' as const, detail: `the checkpoint of decision ${forged.sequence} (key ${forged.keyId}) does not carry a valid signature` }
    : null;
  return {
    row(row: { sequence: number; prevHash: string; hash: string }): void {
      problems.push(...matcher.row({ tenantId, sequence: row.sequence, prevHash: row.prevHash, hash: row.hash }));
    },
    report: (): ChainVerificationView['checkpoints'] => ({
      signing: deps.signer !== undefined,
      checked: evidence.valid.length,
      matched: matcher.matchedCount(),
      invalid: evidence.invalid.length,
      latest: latest ?? null,
    }),
    firstBreak(): ChainBreakView | null {
      const problem = [...problems].sort((a, b) => a.sequence - b.sequence)[0];
      return problem ? { id: null, sequence: problem.sequence, reason: problem.reason, detail: problem.detail } : signatureBreak;
    },
  };
}

/** How far a time-limited read of the chain got. */
interface ReadProgress {
  lastRow: { id: string; sequence: number } | undefined;
  outOfTime: boolean;
}

/** Rows first..last, page by page, until the deadline passes at a page boundary. */
async function* rowsUntil(
  db: Db,
  range: { tenantId: string; first: number; last: number; deadline: number },
  progress: ReadProgress,
  onRow: (row: ChainPageRow, sequence: number) => void,
) {
  const parse = createChainRowParser();
  for await (const page of chainPages(db, { tenantId: range.tenantId, afterSequence: range.first - 1, upToSequence: range.last })) {
    for (const row of page) {
      progress.lastRow = { id: row.id, sequence: Number(row.sequence) };
      onRow(row, progress.lastRow.sequence);
      yield parse(row);
    }
    if (performance.now() > range.deadline && progress.lastRow && progress.lastRow.sequence < range.last) {
      progress.outOfTime = true;
      return;
    }
  }
}

/** The row verification's own break; else where the verified rows fail to end at the chain head. */
function chainBreakOf(result: VerifyChainResult, head: ChainHeadRow | undefined, headMatches: boolean | null, spanHasHead: boolean, lastRow: ReadProgress['lastRow']): ChainBreakView | null {
  if (result.firstBroken) {
    const { id, sequence, reason, detail } = result.firstBroken;
    return { id, sequence: Number.isFinite(sequence) ? sequence : null, reason, detail };
  }
  if (head && headMatches === false) {
    const lastSequence = result.lastSequence ?? 0;
    return lastSequence < head.sequence
      ? {
          id: null,
          sequence: lastSequence + 1,
          reason: 'sequence_gap',
          detail: `decisions ${lastSequence + 1} to ${head.sequence} are missing: the chain head records ${head.sequence}`,
        }
      : {
          id: lastRow?.id ?? null,
          sequence: lastSequence,
          reason: 'head_mismatch',
          detail: `the last decision's hash ${result.lastHash ?? '-'} differs from the chain head's ${head.hash}`,
        };
  }
  if (!spanHasHead && lastRow) {
    // appendDecision writes the head in the same transaction as every decision.
    return { id: lastRow.id, sequence: lastRow.sequence, reason: 'head_mismatch', detail: 'decisions exist but the chain head record is missing' };
  }
  return null;
}

/**
 * Recomputes every hash of the tenant's chain in the range and checks each link, anchored at
 * the decision before the range and, when the range reaches it, at the chain head. Stops after
 * `maxRows` decisions or the time budget, at a page boundary, saying where to continue.
 */
export async function verifyDecisionLog(deps: Pick<AuditDeps, 'db' | 'signer'>, request: VerifyRequest): Promise<ChainVerificationView> {
  // Read before the head: a checkpoint read first can never be newer than the head read after it.
  const latest = await latestCheckpoint(deps.db, request.tenantId);
  const span = await chainSpan(deps.db, request.tenantId, request);
  let { anchor, first } = span;
  if (request.afterSequence !== undefined && request.afterSequence >= first) {
    first = request.afterSequence + 1;
    anchor = await findRowBefore(deps.db, request.tenantId, first);
  }
  const maxRows = Math.min(request.maxRows ?? VERIFY_MAX_ROWS, VERIFY_MAX_ROWS);
  const last = Math.min(span.last, first + maxRows - 1);
  const checkpoints = await checkpointCheck(deps, request.tenantId, { from: first, to: last }, latest, span.head ?? null);
  const base = { from: request.from, to: request.to, head: span.head ?? null, reachesHead: span.reachesHead };
  if (last < first) {
    const firstBroken = checkpoints.firstBreak();
    return {
      ...base,
      ok: firstBroken === null,
      firstSequence: null,
      lastSequence: null,
      checked: 0,
      anchor: 'empty',
      headMatches: null,
      complete: true,
      nextAfterSequence: null,
      firstBroken,
      checkpoints: checkpoints.report(),
    };
  }

  const deadline = performance.now() + (request.timeBudgetMs ?? VERIFY_TIME_BUDGET_MS);
  const progress: ReadProgress = { lastRow: undefined, outOfTime: false };
  const rows = rowsUntil(deps.db, { tenantId: request.tenantId, first, last, deadline }, progress, (row, sequence) => checkpoints.row({ sequence, prevHash: row.prevHash, hash: row.hash }));
  const result = await verifyDecisionChain(rows, { ...(anchor ? { anchor } : { from: 1 }), tenantId: request.tenantId });
  const complete = !progress.outOfTime && last === span.last;
  // Read to the end of the span and the head lies in the range: the last decision must be the head.
  const head = complete && span.reachesHead ? span.head : undefined;
  const headMatches = head && !result.firstBroken ? result.lastSequence === head.sequence && result.lastHash === head.hash : null;
  let firstBroken = chainBreakOf(result, head, headMatches, span.head !== undefined, progress.lastRow);
  // A chain re-sealed after a change verifies link by link: only a signed checkpoint shows it.
  const signed = checkpoints.firstBreak();
  if (signed && (firstBroken === null || (signed.sequence ?? 0) < (firstBroken.sequence ?? 0))) firstBroken = signed;
  const ok = result.ok && firstBroken === null;
  const coveredTo = complete ? last : (progress.lastRow?.sequence ?? last);
  return {
    ...base,
    ok,
    firstSequence: first,
    lastSequence: coveredTo,
    checked: result.checked,
    anchor: result.anchor,
    headMatches,
    complete,
    nextAfterSequence: ok && !complete ? coveredTo : null,
    firstBroken,
    checkpoints: checkpoints.report(),
  };
}

export interface ExportRequest extends TimeRange {
  tenantId: string;
  outcome: Outcome | null;
  format: ExportFormat;
  /** Told once the stream ends, completed or not (an operator log line). */
  onEnd?: (summary: ExportSummary) => void;
}

export interface ExportSummary {
  format: ExportFormat;
  rows: number;
  pages: number;
  completed: boolean;
  /** Why the export stopped early: the client went away, or a database error. */
  error?: string;
  manifest?: ExportManifest;
}

/** Bytes per write to the response: one row (~300 bytes) per write would cost a socket write each. */
const EXPORT_CHUNK_BYTES = 64 * 1024;

/** Joins small chunks into writes of about `size` bytes; the rest goes out at the end. */
function coalesce(size: number): Transform {
  let held: Buffer[] = [];
  let heldBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes < size) return callback();
      const joined = Buffer.concat(held, heldBytes);
      held = [];
      heldBytes = 0;
      callback(null, joined);
    },
    flush(callback) {
      callback(null, heldBytes > 0 ? Buffer.concat(held, heldBytes) : undefined);
    },
  });
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/**
 * The decision log of a range as a byte stream: keyset pages → toExportRow → export writer,
 * ending with the manifest. The range is fixed before the first byte (head read now), so the
 * file is a consistent slice of the chain even while screenings go on.
 */
export async function exportDecisionLog(deps: AuditDeps, request: ExportRequest): Promise<{ stream: Readable; contentType: string; filename: string }> {
  const generatedAt = deps.now().toISOString();
  const latest = await latestCheckpoint(deps.db, request.tenantId);
  const span = await chainSpan(deps.db, request.tenantId, request);
  const evidence = await checkpointsForRange(deps.db, deps.signer, { tenantId: request.tenantId, from: span.first, to: span.last, latest });
  const checkpoints = [...evidence.valid, ...evidence.invalid].sort((a, b) => a.sequence - b.sequence);
  let rows = 0;
  let pages = 0;
  let manifest: ExportManifest | undefined;

  async function* exportRows() {
    if (span.last < span.first) return;
    const query = { tenantId: request.tenantId, afterSequence: span.first - 1, upToSequence: span.last, outcome: request.outcome, withCase: true };
    const parse = createChainRowParser();
    for await (const page of chainPages(deps.db, query)) {
      pages += 1;
      // Mapped as soon as the page arrives, so the parsed hits die young and only the small
      // export rows wait for the client.
      const exported = page.map((row) => toExportRow(parse(row), { status: row.caseStatus ?? null, disposition: row.caseDisposition ?? null }));
      for (const row of exported) {
        rows += 1;
        yield row;
      }
    }
  }

  const source = Readable.from(exportRows(), { objectMode: true });
  const writer = createExportWriter(request.format, {
    filter: { from: request.from, to: request.to, outcome: request.outcome },
    generatedAt,
    chain: { tenantId: request.tenantId, head: span.head ?? null, checkpoints, keys: evidence.keys },
    onManifest: (written) => (manifest = written),
  });
  const output = coalesce(EXPORT_CHUNK_BYTES);
  // pipeline destroys every stage when the last one is destroyed (Fastify does that when the
  // client goes away), which ends the generator: no further page is read.
  pipeline(source, writer, output, (error) => {
    request.onEnd?.({ format: request.format, rows, pages, completed: !error, ...(error ? { error: error.message } : {}), ...(manifest ? { manifest } : {}) });
  });
  const stamp = generatedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return { stream: output, contentType: EXPORT_CONTENT_TYPES[request.format], filename: `redflag-decisions-${stamp}.${request.format}` };
}

export function toAuditEventView(row: AuditEventRow): AuditEventView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    details: row.details,
    // Stored with the database clock's microseconds; shown to the millisecond like every other time.
    createdAt: isoMillis(row.createdAt),
  };
}

/** Opaque keyset cursor: the stored time (full precision) and id of the last event of a page. */
function encodeCursor(row: AuditEventRow): string {
  return Buffer.from(JSON.stringify([row.createdAt, row.id]), 'utf8').toString('base64url');
}

/** A stored time as PostgreSQL writes it (either separator, microseconds, an offset) and an event id. */
const CURSOR_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A calendar date and a time of day that exist (PostgreSQL refuses 2026-02-31 with an error). */
function isCursorTime(text: string): boolean {
  const match = CURSOR_TIME.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

/**
 * Only a cursor this API could have made reaches the query: anything else (a forged
 * `["2020","x@example.org"]`) is a 400 that does not repeat the value, never a database error.
 */
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const [createdAt, id] = value as [string, string];
      if (isCursorTime(createdAt) && CURSOR_ID.test(id)) return { createdAt, id };
    }
  } catch {
    // Reported below like any other malformed cursor.
  }
  throw new AppError('validation_failed', 'The cursor is not one this API returned', [{ field: 'querystring:/cursor', message: 'malformed cursor' }]);
}

export interface AuditEventsRequest extends TimeRange {
  tenantId: string;
  limit: number;
  cursor?: string;
}

/** One page of the tenant's audit events (and the global ones), oldest first. */
export async function listAuditEvents(deps: Pick<AuditDeps, 'db'>, request: AuditEventsRequest): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  const rows = await findAuditEventsPage(deps.db, {
    tenantId: request.tenantId,
    from: request.from,
    to: request.to,
    ...(request.cursor ? { after: decodeCursor(request.cursor) } : {}),
    limit: request.limit + 1,
  });
  const items = rows.slice(0, request.limit);
  const last = items.at(-1);
  return { items: items.map(toAuditEventView), nextCursor: rows.length > request.limit && last ? encodeCursor(last) : null };
}

/** Every audit event of the range as NDJSON, streamed page by page. */
export function exportAuditEvents(deps: Pick<AuditDeps, 'db'>, request: Omit<AuditEventsRequest, 'limit' | 'cursor'>): Readable {
  async function* lines() {
    let after: { createdAt: string; id: string } | undefined;
    for (;;) {
      const page = await findAuditEventsPage(deps.db, { tenantId: request.tenantId, from: request.from, to: request.to, ...(after ? { after } : {}), limit: CHAIN_PAGE_SIZE });
      if (page.length > 0) yield Buffer.from(page.map((row) => `${JSON.stringify(toAuditEventView(row))}\n`).join(''), 'utf8');
      const last = page.at(-1);
      if (!last || page.length < CHAIN_PAGE_SIZE) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
