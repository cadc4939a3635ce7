import { and, asc, desc, eq, gt, gte, lte, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { canonicalTimestamp } from '../../domain/audit/chain-record.js';
import type { SignedCheckpoint } from '../../domain/audit/checkpoint.js';
import { queryRows, type DbOrTx } from '../client.js';
import { auditCheckpoints, auditSigningKeys } from '../schema/index.js';

export interface SigningKeyRow {
  keyId: string;
  algorithm: string;
  publicKey: string;
  firstUsedAt: string;
}

const checkpointColumns = {
  tenantId: auditCheckpoints.tenantId,
  sequence: auditCheckpoints.sequence,
  hash: auditCheckpoints.hash,
  signedAt: auditCheckpoints.signedAt,
  keyId: auditCheckpoints.keyId,
  signature: auditCheckpoints.signature,
};

/** Stored times come back in PostgreSQL's text form; checkpoints were signed over the ISO one. */
const toCheckpoint = (row: { tenantId: string; sequence: number | string; hash: string; signedAt: string; keyId: string; signature: string }): SignedCheckpoint => ({
  tenantId: row.tenantId,
  sequence: Number(row.sequence),
  hash: row.hash,
  signedAt: canonicalTimestamp(row.signedAt),
  keyId: row.keyId,
  signature: row.signature,
});

export interface HeadToCheckpoint {
  tenantId: string;
  sequence: number;
  hash: string;
  last: { sequence: number; hash: string; signedAt: string } | null;
}

/** Every tenant's chain head that moved past its latest checkpoint (or has none yet). */
export async function findHeadsPastCheckpoint(db: DbOrTx): Promise<HeadToCheckpoint[]> {
  const rows = await queryRows<{ tenantId: string; sequence: string | number; hash: string; lastSequence: string | number | null; lastHash: string | null; lastSignedAt: string | null }>(
    { db },
    sql`select h.tenant_id as "tenantId", h.sequence, h.hash, c.sequence as "lastSequence", c.hash as "lastHash", c.signed_at::text as "lastSignedAt"
        from audit_chain_heads h
        left join lateral (
          select sequence, hash, signed_at from audit_checkpoints where tenant_id = h.tenant_id order by sequence desc limit 1
        ) c on true
        where h.sequence > 0 and (c.sequence is null or h.sequence > c.sequence)`,
  );
  return rows.map((row) => ({
    tenantId: row.tenantId,
    sequence: Number(row.sequence),
    hash: row.hash,
    last: row.lastSequence === null ? null : { sequence: Number(row.lastSequence), hash: row.lastHash ?? '', signedAt: canonicalTimestamp(row.lastSignedAt ?? '') },
  }));
}

/** Records a key's first use; a key already known keeps its first date. */
export async function ensureSigningKey(tx: DbOrTx, key: Omit<SigningKeyRow, 'firstUsedAt'>, at: string): Promise<void> {
  await tx.insert(auditSigningKeys).values({ ...key, firstUsedAt: at }).onConflictDoNothing();
}

/** Stores a checkpoint; false when that tenant and sequence already has one (another instance signed it). */
export async function insertCheckpoint(tx: DbOrTx, checkpoint: SignedCheckpoint): Promise<boolean> {
  const rows = await tx
    .insert(auditCheckpoints)
    .values({ id: uuidv7(), ...checkpoint })
    .onConflictDoNothing()
    .returning({ id: auditCheckpoints.id });
  return rows.length === 1;
}

export async function findSigningKeys(db: DbOrTx): Promise<SigningKeyRow[]> {
  const rows = await db.select().from(auditSigningKeys).orderBy(asc(auditSigningKeys.firstUsedAt), asc(auditSigningKeys.keyId));
  return rows.map((row) => ({ ...row, firstUsedAt: canonicalTimestamp(row.firstUsedAt) }));
}

/** A tenant's checkpoints after `afterSequence`, oldest first. */
export async function findCheckpointsPage(db: DbOrTx, query: { tenantId: string; afterSequence: number; limit: number }): Promise<SignedCheckpoint[]> {
  const rows = await db
    .select(checkpointColumns)
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.tenantId, query.tenantId), gt(auditCheckpoints.sequence, query.afterSequence)))
    .orderBy(asc(auditCheckpoints.sequence))
    .limit(query.limit);
  return rows.map(toCheckpoint);
}

/** A tenant's checkpoints with a sequence in [from, to], newest `limit` of them, oldest first. */
export async function findCheckpointsBetween(db: DbOrTx, query: { tenantId: string; from: number; to: number; limit: number }): Promise<SignedCheckpoint[]> {
  const rows = await db
    .select(checkpointColumns)
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.tenantId, query.tenantId), gte(auditCheckpoints.sequence, query.from), lte(auditCheckpoints.sequence, query.to)))
    .orderBy(desc(auditCheckpoints.sequence))
    .limit(query.limit);
  return rows.map(toCheckpoint).reverse();
}

export async function findLatestCheckpoint(db: DbOrTx, tenantId: string): Promise<SignedCheckpoint | undefined> {
  const [row] = await db.select(checkpointColumns).from(auditCheckpoints).where(eq(auditCheckpoints.tenantId, tenantId)).orderBy(desc(auditCheckpoints.sequence)).limit(1);
  return row ? toCheckpoint(row) : undefined;
}
