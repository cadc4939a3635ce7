/**
 * Signed audit checkpoints (issue #23): every AUDIT_CHECKPOINT_EVERY decisions or
 * AUDIT_CHECKPOINT_MINUTES, when a tenant's chain head moved, its head is signed with the
 * operator's Ed25519 key (AUDIT_SIGNING_KEY_FILE, never stored) and stored, listed, exported and
 * delivered as the `audit.checkpoint` webhook, so a copy survives outside the database.
 *
 * Before signing, the decisions since the tenant's last checkpoint are verified from that
 * checkpoint's hash: the service never signs a chain that does not extend what it signed before.
 *
 * Any number of instances may sign: a tenant and sequence gets one checkpoint (unique index).
 */
import { verifyDecisionChain } from '../audit/node-sha256.js';
import { createSignatureChecker, type CheckpointSigner, type PublicSigningKey } from '../audit/checkpoint-signing.js';
import type { Db } from '../db/client.js';
import { findChainPage } from '../db/repositories/audit.repository.js';
import {
  ensureSigningKey,
  findCheckpointsBetween,
  findCheckpointsPage,
  findHeadsPastCheckpoint,
  findLatestCheckpoint,
  findSigningKeys,
  insertCheckpoint,
  type HeadToCheckpoint,
} from '../db/repositories/checkpoints.repository.js';
import type { StoredChainRow } from '../domain/audit/chain-record.js';
import { checkpointDue, type SignedCheckpoint } from '../domain/audit/checkpoint.js';
import { AppError } from '../errors.js';
import { enqueueWebhookEvent } from './webhooks.service.js';
import type { SigningKeyView } from '../http/schemas/audit.schemas.js';

export interface CheckpointPolicy {
  /** Sign when the head moved this many decisions past the last checkpoint. */
  every: number;
  /** Or when it moved at all and the last checkpoint is this old (0: by count only). */
  minutes: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { every: 1000, minutes: 10 };

export interface CheckpointDeps {
  db: Db;
  now: () => Date;
  log?: { info(object: object, message: string): void; warn(object: object, message: string): void; error(object: object, message: string): void };
}

/** Why a due checkpoint was not signed: the chain does not extend the tenant's last checkpoint. */
export interface CheckpointRefusal {
  tenantId: string;
  sequence: number;
  detail: string;
}

export interface CheckpointRound {
  signed: SignedCheckpoint[];
  refused: CheckpointRefusal[];
}

const VERIFY_PAGE = 250;

/** Verifies the decisions after the last checkpoint up to the head, anchored at the checkpoint's hash. */
async function extendsLastCheckpoint(db: Db, head: HeadToCheckpoint): Promise<string | undefined> {
  if (!head.last) return undefined;
  const { last } = head;
  async function* rows(): AsyncGenerator<StoredChainRow> {
    let after = last.sequence;
    while (after < head.sequence) {
      const page = await findChainPage(db, { tenantId: head.tenantId, afterSequence: after, upToSequence: head.sequence, limit: VERIFY_PAGE });
      for (const row of page) yield { ...row, hits: JSON.parse(row.hits) as unknown, listVersions: JSON.parse(row.listVersions) as unknown };
      const tail = page.at(-1);
      if (!tail || page.length < VERIFY_PAGE) return;
      after = Number(tail.sequence);
    }
  }
  const result = await verifyDecisionChain(rows(), { anchor: { sequence: last.sequence, hash: last.hash }, tenantId: head.tenantId, expectHead: { sequence: head.sequence, hash: head.hash } });
  if (result.ok) return undefined;
  return result.firstBroken
    ? `decision ${result.firstBroken.sequence}: ${result.firstBroken.detail}`
    : `the decisions after checkpoint ${last.sequence} do not lead to the chain head ${head.sequence}`;
}

/**
 * One round: signs every tenant's head that is due (`checkpointDue`), stores the checkpoint with
 * its public key and queues `audit.checkpoint` for the tenant's webhooks, in one transaction.
 */
export async function signDueCheckpoints(deps: CheckpointDeps, signer: CheckpointSigner, policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY): Promise<CheckpointRound> {
  const now = deps.now();
  const round: CheckpointRound = { signed: [], refused: [] };
  for (const head of await findHeadsPastCheckpoint(deps.db)) {
    if (!checkpointDue({ head, last: head.last, now, every: policy.every, minutes: policy.minutes })) continue;
    const broken = await extendsLastCheckpoint(deps.db, head);
    if (broken) {
      round.refused.push({ tenantId: head.tenantId, sequence: head.sequence, detail: broken });
      deps.log?.error({ tenantId: head.tenantId, sequence: head.sequence, detail: broken }, 'audit chain does not extend its last signed checkpoint; not signing');
      continue;
    }
    const signedAt = now.toISOString();
    const checkpoint = signer.sign({ tenantId: head.tenantId, sequence: head.sequence, hash: head.hash, signedAt });
    const stored = await deps.db.transaction(async (tx) => {
      await ensureSigningKey(tx, signer.key, signedAt);
      if (!(await insertCheckpoint(tx, checkpoint))) return false;
      await enqueueWebhookEvent(tx, { tenantId: head.tenantId, event: 'audit.checkpoint', data: { ...checkpoint, publicKey: signer.key.publicKey }, now: signedAt });
      return true;
    });
    if (stored) round.signed.push(checkpoint);
  }
  return round;
}

export interface CheckpointWorker {
  start(): void;
  stop(): Promise<void>;
  /** One round now (tests, and the first round at start). */
  runOnce(): Promise<CheckpointRound>;
}

/** Looks for due checkpoints every `pollMs`; rounds never overlap. */
export function createCheckpointWorker(
  deps: CheckpointDeps & { onWebhooksQueued?: () => void; onRound?: (round: CheckpointRound) => void },
  signer: CheckpointSigner,
  options: CheckpointPolicy & { pollMs: number },
): CheckpointWorker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CheckpointRound> | undefined;
  let stopped = false;

  async function round(): Promise<CheckpointRound> {
    const result = await signDueCheckpoints(deps, signer, options);
    if (result.signed.length > 0) deps.onWebhooksQueued?.();
    deps.onRound?.(result);
    return result;
  }
  function runOnce(): Promise<CheckpointRound> {
    running ??= round().finally(() => (running = undefined));
    return running;
  }
  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => deps.log?.warn({ err: { message: (error as Error).message } }, 'audit checkpoint round failed'))
        .finally(schedule);
    }, options.pollMs);
    timer.unref();
  }
  return {
    start: () => {
      stopped = false;
      schedule();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
    runOnce,
  };
}

/** The signing set-up as the API reports it. */
export interface SigningStatus {
  enabled: boolean;
  /** The key this instance signs with; null when AUDIT_SIGNING_KEY_FILE is not set. */
  currentKeyId: string | null;
  every: number | null;
  minutes: number | null;
  detail: string;
}

export function signingStatus(signer: CheckpointSigner | undefined, policy: CheckpointPolicy): SigningStatus {
  return signer
    ? { enabled: true, currentKeyId: signer.key.keyId, every: policy.every, minutes: policy.minutes, detail: `Chain heads are signed every ${policy.every} decisions or ${policy.minutes} minutes, when the head moved.` }
    : {
        enabled: false,
        currentKeyId: null,
        every: null,
        minutes: null,
        detail: 'This instance signs no checkpoints: AUDIT_SIGNING_KEY_FILE is not set. Checkpoints signed before (or by other instances) are still listed.',
      };
}

/** Every key that ever signed a checkpoint, and the current one even before its first use. */
export async function listSigningKeys(db: Db, signer: CheckpointSigner | undefined): Promise<SigningKeyView[]> {
  const stored = await findSigningKeys(db);
  const keys: SigningKeyView[] = stored.map((row) => ({ keyId: row.keyId, algorithm: 'ed25519', publicKey: row.publicKey, firstUsedAt: row.firstUsedAt, current: row.keyId === signer?.key.keyId }));
  if (signer && !keys.some((key) => key.current)) keys.push({ ...signer.key, firstUsedAt: null, current: true });
  return keys;
}

/** Keyset cursor: the last sequence of a page. */
const encodeCursor = (sequence: number) => Buffer.from(JSON.stringify(['cp', sequence]), 'utf8').toString('base64url');

function decodeCursor(cursor: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value[0] === 'cp' && Number.isSafeInteger(value[1]) && (value[1] as number) >= 0) return value[1] as number;
  } catch {
    // Reported below.
  }
  throw new AppError('validation_failed', 'The cursor is not one this API returned', [{ field: 'querystring:/cursor', message: 'malformed cursor' }]);
}

/** One page of the tenant's checkpoints, oldest first. */
export async function listCheckpoints(db: Db, request: { tenantId: string; limit: number; cursor?: string; afterSequence?: number }) {
  const after = request.cursor !== undefined ? decodeCursor(request.cursor) : (request.afterSequence ?? 0);
  const rows = await findCheckpointsPage(db, { tenantId: request.tenantId, afterSequence: after, limit: request.limit + 1 });
  const items = rows.slice(0, request.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > request.limit && last ? encodeCursor(last.sequence) : null };
}

/** Most checkpoints one verification or export reads: about 1.5 MB in a manifest. */
export const MAX_CHECKPOINTS_PER_RANGE = 5000;

export interface CheckpointEvidence {
  /** Checkpoints whose signature verified with a known key. */
  valid: SignedCheckpoint[];
  /** Checkpoints whose signature did not verify: forged or altered in the database. */
  invalid: SignedCheckpoint[];
  keys: PublicSigningKey[];
}

/**
 * The tenant's checkpoints that bear on sequences [from, to] (those at from − 1 fix the first
 * decision's prevHash) plus the latest one, with signatures checked against every stored key
 * and the current one.
 */
export async function checkpointsForRange(
  db: Db,
  signer: CheckpointSigner | undefined,
  query: { tenantId: string; from: number; to: number; latest: SignedCheckpoint | undefined },
): Promise<CheckpointEvidence> {
  const inRange = query.to >= query.from - 1 ? await findCheckpointsBetween(db, { tenantId: query.tenantId, from: Math.max(1, query.from - 1), to: query.to, limit: MAX_CHECKPOINTS_PER_RANGE }) : [];
  const all = query.latest && !inRange.some((checkpoint) => checkpoint.sequence === query.latest!.sequence) ? [...inRange, query.latest] : inRange;
  const stored = await findSigningKeys(db);
  const keys = new Map<string, PublicSigningKey>(stored.map((row) => [row.keyId, { keyId: row.keyId, algorithm: 'ed25519', publicKey: row.publicKey }]));
  if (signer) keys.set(signer.key.keyId, signer.key);
  const check = createSignatureChecker(keys.values());
  const valid: SignedCheckpoint[] = [];
  const invalid: SignedCheckpoint[] = [];
  for (const checkpoint of all) (check(checkpoint) === 'valid' ? valid : invalid).push(checkpoint);
  const used = new Set(all.map((checkpoint) => checkpoint.keyId));
  return { valid, invalid, keys: [...keys.values()].filter((key) => used.has(key.keyId)) };
}

/** The tenant's newest checkpoint; read before the chain head, so it can never be newer than the head read after it. */
export const latestCheckpoint = (db: Db, tenantId: string) => findLatestCheckpoint(db, tenantId);
