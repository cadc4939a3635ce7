/**
 * Streaming verification of a tenant's decision chain: recomputes each row's hash and checks
 * that it links to the row before. Holds only the previous row's sequence and hash, so a
 * million rows verify in constant memory; stops at the first break.
 */
import {
  ChainFormatError,
  GENESIS_PREV_HASH,
  chainSequence,
  computeChainHash,
  toChainRecord,
  type ChainHead,
  type Sha256Hex,
  type StoredChainRow,
} from './chain-record.js';

export type ChainBreakReason = 'hash_mismatch' | 'prev_link_mismatch' | 'sequence_gap';

export interface ChainBreak {
  id: string;
  /** The sequence the row claims (NaN when it is not a valid sequence). */
  sequence: number;
  reason: ChainBreakReason;
  /** One sentence for a human: what was expected and what was found. */
  detail: string;
}

/**
 * How the first row of the stream was tied to what came before it:
 * - `genesis`: it is sequence 1 and its prevHash is the genesis hash (64 zeros);
 * - `matched` / `mismatched`: an anchor (the row before the range) was given and checked;
 * - `unchecked`: a sub-range without an anchor, verified from its first row's stored prevHash;
 * - `empty`: no rows.
 */
export type AnchorStatus = 'genesis' | 'matched' | 'mismatched' | 'unchecked' | 'empty';

export interface VerifyChainOptions {
  sha256: Sha256Hex;
  /** The row just before the first one streamed (sequence from − 1 and its stored hash). */
  anchor?: ChainHead;
  /**
   * The sequence the first row must have. For a whole chain pass 1, so that deleting the
   * first decisions is caught; without it (and without an anchor) any start is accepted.
   */
  from?: number;
  /**
   * The chain head kept elsewhere (a head table, a published digest): the last row must be it.
   * Without it, deleting the newest decisions cannot be told from there being none.
   */
  expectHead?: ChainHead;
  /** The tenant whose chain this is; defaults to the first row's tenant. */
  tenantId?: string;
}

export interface VerifyChainResult {
  ok: boolean;
  /** Rows that verified, in order; the broken row (if any) is not counted. */
  checked: number;
  firstBroken?: ChainBreak;
  anchor: AnchorStatus;
  /** Whether the last row matched `expectHead`; absent when no head was expected. */
  headMatches?: boolean;
  /**
   * Hash of the last row that verified (the anchor's hash, or the genesis hash at sequence 1,
   * when none did); null when nothing is known.
   */
  lastHash: string | null;
  lastSequence: number | null;
}

/** Incremental form of verifyChain, for callers that already loop over rows. */
export interface ChainVerifier {
  /** Checks one row; returns the break it found (the verifier then refuses further rows). */
  push(row: StoredChainRow): ChainBreak | undefined;
  result(): VerifyChainResult;
}

/** What is wrong with a row, before it is named in a ChainBreak. */
interface Finding {
  reason: ChainBreakReason;
  detail: string;
}

/** How the first row ties to what came before it (anchor, genesis or nothing), and the break if it does not. */
function checkFirstRow(row: StoredChainRow, sequence: number, expectedFirst: number | undefined, anchor: ChainHead | undefined): { status: AnchorStatus; finding?: Finding } {
  if (expectedFirst !== undefined && sequence !== expectedFirst) {
    return { status: anchor ? 'mismatched' : 'empty', finding: { reason: 'sequence_gap', detail: `first row has sequence ${sequence}, expected ${expectedFirst}` } };
  }
  if (anchor) {
    if (row.prevHash === anchor.hash) return { status: 'matched' };
    return { status: 'mismatched', finding: { reason: 'prev_link_mismatch', detail: `prevHash ${row.prevHash} does not match the anchor row ${anchor.sequence} (${anchor.hash})` } };
  }
  if (sequence === 1) {
    if (row.prevHash === GENESIS_PREV_HASH) return { status: 'genesis' };
    return { status: 'mismatched', finding: { reason: 'prev_link_mismatch', detail: `first decision's prevHash is not the genesis hash` } };
  }
  return { status: 'unchecked' };
}

/** A later row must follow the previous one by sequence and by hash. */
function checkLink(row: StoredChainRow, sequence: number, previous: ChainHead): Finding | undefined {
  if (sequence !== previous.sequence + 1) {
    const what = sequence <= previous.sequence ? 'out of order or repeated' : `${sequence - previous.sequence - 1} missing`;
    return { reason: 'sequence_gap', detail: `sequence ${sequence} follows ${previous.sequence} (${what})` };
  }
  if (row.prevHash !== previous.hash) {
    return { reason: 'prev_link_mismatch', detail: `prevHash does not match the hash of decision ${previous.sequence}` };
  }
  return undefined;
}

function checkHash(row: StoredChainRow, sequence: number, sha256: Sha256Hex): Finding | undefined {
  let computed: string;
  try {
    computed = computeChainHash(toChainRecord(row, { sequence, prevHash: row.prevHash }, sha256), sha256);
  } catch (error) {
    if (!(error instanceof ChainFormatError)) throw error;
    // A row that has no canonical form cannot be the one that was sealed.
    return { reason: 'hash_mismatch', detail: `row cannot be put in canonical form: ${error.message}` };
  }
  if (computed !== row.hash) return { reason: 'hash_mismatch', detail: `stored hash ${row.hash} differs from the recomputed ${computed}` };
  return undefined;
}

export function createChainVerifier(options: VerifyChainOptions): ChainVerifier {
  const { sha256, anchor } = options;
  const expectedFirst = anchor ? anchor.sequence + 1 : options.from;
  let tenantId = options.tenantId?.toLowerCase();
  let previous: ChainHead | undefined;
  let anchorStatus: AnchorStatus = 'empty';
  let checked = 0;
  let firstBroken: ChainBreak | undefined;

  function broken(row: StoredChainRow, sequence: number, { reason, detail }: Finding): ChainBreak {
    firstBroken = { id: String(row.id), sequence, reason, detail };
    return firstBroken;
  }

  function push(row: StoredChainRow): ChainBreak | undefined {
    if (firstBroken) throw new Error('verifyChain: row pushed after a break');
    let sequence: number;
    try {
      sequence = chainSequence(row.sequence);
    } catch {
      return broken(row, Number.NaN, { reason: 'sequence_gap', detail: `sequence ${String(row.sequence)} is not a positive integer` });
    }
    const rowTenant = String(row.tenantId).toLowerCase();
    tenantId ??= rowTenant;
    if (rowTenant !== tenantId) {
      return broken(row, sequence, { reason: 'prev_link_mismatch', detail: `row belongs to tenant ${rowTenant}, not to the chain of tenant ${tenantId}` });
    }
    let finding: Finding | undefined;
    if (previous) finding = checkLink(row, sequence, previous);
    else ({ status: anchorStatus, finding } = checkFirstRow(row, sequence, expectedFirst, anchor));
    finding ??= checkHash(row, sequence, sha256);
    if (finding) return broken(row, sequence, finding);
    previous = { sequence, hash: row.hash };
    checked += 1;
    return undefined;
  }

  function result(): VerifyChainResult {
    const start: ChainHead | undefined = anchor ?? (expectedFirst === 1 ? { sequence: 0, hash: GENESIS_PREV_HASH } : undefined);
    const last = previous ?? start;
    const headMatches = options.expectHead && !firstBroken ? last?.sequence === options.expectHead.sequence && last.hash === options.expectHead.hash : undefined;
    return {
      ok: !firstBroken && headMatches !== false,
      checked,
      ...(firstBroken ? { firstBroken } : {}),
      anchor: anchorStatus,
      ...(headMatches !== undefined ? { headMatches } : {}),
      lastHash: last?.hash ?? null,
      lastSequence: last ? last.sequence : null,
    };
  }

  return { push, result };
}

/**
 * Verifies rows of one tenant's chain, in ascending sequence order (a whole chain or a
 * contiguous range). Consumes the iterable lazily and stops at the first break, which closes
 * a database cursor behind an async iterable.
 */
export async function verifyChain(
  rows: Iterable<StoredChainRow> | AsyncIterable<StoredChainRow>,
  options: VerifyChainOptions,
): Promise<VerifyChainResult> {
  const verifier = createChainVerifier(options);
  for await (const row of rows) {
    if (verifier.push(row)) break;
  }
  return verifier.result();
}
