/**
 * node:crypto bindings for the pure audit core, which takes its SHA-256 function injected.
 */
import { verifyChain, type VerifyChainOptions, type VerifyChainResult } from '../domain/audit/chain-verify.js';
import type { Sha256Hex, StoredChainRow } from '../domain/audit/chain-record.js';
import { sha256Hex } from '../shared/hashing.js';

/** SHA-256 of the UTF-8 bytes of `text`, lowercase hex. */
export const nodeSha256: Sha256Hex = (text) => sha256Hex(text);

/** verifyChain with node:crypto's SHA-256. */
export function verifyDecisionChain(
  rows: Iterable<StoredChainRow> | AsyncIterable<StoredChainRow>,
  options: Omit<VerifyChainOptions, 'sha256'> = {},
): Promise<VerifyChainResult> {
  return verifyChain(rows, { ...options, sha256: nodeSha256 });
}
