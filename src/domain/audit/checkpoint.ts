/**
 * Signed audit checkpoints (issue #23): a tenant's chain head (sequence and hash) signed with the
 * operator's Ed25519 key, which never enters the database. Whoever can rewrite the decisions
 * table and re-seal every hash after a change cannot forge the signature, so a checkpoint kept
 * anywhere (the database, an export's manifest, a webhook receiver, a file) exposes:
 * - a rewrite at or before its sequence: the stored decision at that sequence (or the prevHash of
 *   the one after it) no longer carries the signed hash;
 * - newest decisions cut off and the head moved back: the chain ends before a signed sequence.
 *
 * Signed form (format version 1): the RFC 8785 JSON of
 * `{format, formatVersion, tenantId, sequence, hash, signedAt, keyId}`, UTF-8 bytes, Ed25519.
 * The key id is the SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo.
 *
 * Pure: signature checks are passed in (`src/audit/checkpoint-signing.ts` supplies node:crypto's).
 */
import canonicalize from 'canonicalize';
import { z } from 'zod';

export const CHECKPOINT_FORMAT = 'redflag.audit-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

/** A checkpoint as stored, listed, exported and delivered; `publicKey` only where keys travel with it. */
export const signedCheckpointSchema = z.object({
  tenantId: z.uuid(),
  sequence: z.number().int().min(1),
  hash: hex64,
  signedAt: z.iso.datetime(),
  keyId: hex64,
  signature: z.base64().min(1),
});

export type SignedCheckpoint = z.infer<typeof signedCheckpointSchema>;
export type CheckpointClaim = Omit<SignedCheckpoint, 'signature'>;

/** The bytes that are signed, as text. */
export function checkpointPayload(claim: CheckpointClaim): string {
  const text = canonicalize({
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    tenantId: claim.tenantId.toLowerCase(),
    sequence: claim.sequence,
    hash: claim.hash,
    signedAt: claim.signedAt,
    keyId: claim.keyId,
  });
  if (text === undefined) throw new TypeError('checkpoint has no canonical form');
  return text;
}

/** Whether a checkpoint is due: the head moved past the last one, by `every` decisions or `minutes` since it. */
export function checkpointDue(input: {
  head: { sequence: number };
  last: { sequence: number; signedAt: string } | null;
  now: Date;
  every: number;
  minutes: number;
}): boolean {
  const { head, last } = input;
  if (head.sequence < 1) return false;
  // A chain's first checkpoint is signed as soon as there is a head: no window without one.
  if (!last) return true;
  if (head.sequence <= last.sequence) return false;
  if (head.sequence - last.sequence >= input.every) return true;
  return input.minutes > 0 && input.now.getTime() - Date.parse(last.signedAt) >= input.minutes * 60_000;
}

export type CheckpointProblemReason = 'checkpoint_mismatch' | 'checkpoint_beyond_head';

export interface CheckpointProblem {
  reason: CheckpointProblemReason;
  tenantId: string;
  /** The checkpoint's sequence. */
  sequence: number;
  detail: string;
}

/**
 * Checks chain rows, as a verifier streams them in sequence order, against checkpoints whose
 * signatures were already checked: the row at a checkpoint's sequence must carry its hash, and
 * the row after it must link to that hash. `end` compares the chain head with them: a signed
 * sequence beyond the head means decisions were cut off.
 */
export function createCheckpointMatcher(checkpoints: readonly SignedCheckpoint[]) {
  const bySequence = new Map<string, SignedCheckpoint[]>();
  const keyOf = (tenantId: string, sequence: number) => `${tenantId.toLowerCase()}:${sequence}`;
  for (const checkpoint of checkpoints) {
    const key = keyOf(checkpoint.tenantId, checkpoint.sequence);
    bySequence.set(key, [...(bySequence.get(key) ?? []), checkpoint]);
  }
  const matched = new Set<SignedCheckpoint>();

  function mismatch(checkpoint: SignedCheckpoint, detail: string): CheckpointProblem {
    return { reason: 'checkpoint_mismatch', tenantId: checkpoint.tenantId, sequence: checkpoint.sequence, detail };
  }

  return {
    /** Checks one row; returns the problems it shows (none for a row no checkpoint names). */
    row(row: { tenantId: string; sequence: number; prevHash: string; hash: string }): CheckpointProblem[] {
      const problems: CheckpointProblem[] = [];
      for (const checkpoint of bySequence.get(keyOf(row.tenantId, row.sequence)) ?? []) {
        if (checkpoint.hash === row.hash) matched.add(checkpoint);
        else problems.push(mismatch(checkpoint, `decision ${row.sequence} has hash ${row.hash}; the checkpoint signed at ${checkpoint.signedAt} says ${checkpoint.hash}`));
      }
      for (const checkpoint of bySequence.get(keyOf(row.tenantId, row.sequence - 1)) ?? []) {
        if (checkpoint.hash === row.prevHash) matched.add(checkpoint);
        else problems.push(mismatch(checkpoint, `decision ${row.sequence} links to ${row.prevHash}; the checkpoint signed at ${checkpoint.signedAt} says decision ${checkpoint.sequence} was ${checkpoint.hash}`));
      }
      return problems;
    },
    /** Compares a tenant's chain head (null: no decision) with every checkpoint of that tenant. */
    head(tenantId: string, head: { sequence: number; hash: string } | null): CheckpointProblem[] {
      const problems: CheckpointProblem[] = [];
      for (const checkpoint of checkpoints) {
        if (checkpoint.tenantId.toLowerCase() !== tenantId.toLowerCase()) continue;
        const headSequence = head?.sequence ?? 0;
        if (checkpoint.sequence > headSequence) {
          problems.push({
            reason: 'checkpoint_beyond_head',
            tenantId: checkpoint.tenantId,
            sequence: checkpoint.sequence,
            detail: `a checkpoint signed at ${checkpoint.signedAt} names decision ${checkpoint.sequence}, but the chain ends at ${headSequence}: newest decisions were removed`,
          });
        } else if (head && checkpoint.sequence === head.sequence) {
          if (checkpoint.hash === head.hash) matched.add(checkpoint);
          else problems.push(mismatch(checkpoint, `the chain head ${head.sequence} has hash ${head.hash}; the checkpoint signed at ${checkpoint.signedAt} says ${checkpoint.hash}`));
        }
      }
      return problems;
    },
    /** Checkpoints a row or the head agreed with. */
    matchedCount: () => matched.size,
  };
}
