import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { auditChainHeads, decisions } from '../schema/index.js';

export type DecisionRow = typeof decisions.$inferSelect;
export type NewDecision = typeof decisions.$inferInsert;

export const GENESIS_HASH = '0'.repeat(64);

export type UnchainedDecision = Omit<NewDecision, 'sequence' | 'prevHash' | 'hash' | 'createdAt'> & { createdAt: string };
export interface ChainSeal {
  sequence: number;
  prevHash: string;
  hash: string;
}

/**
 * Appends a decision to its tenant's hash chain. Must run inside a transaction: the chain head
 * row is locked until commit, so concurrent appends queue up and the chain never forks. The
 * decision's time is never earlier than the head's, so time ranges follow chain order.
 */
export async function appendDecision(
  tx: DbOrTx,
  decision: UnchainedDecision,
  seal: (decision: UnchainedDecision, head: { sequence: number; hash: string } | null) => ChainSeal,
): Promise<DecisionRow> {
  await tx.insert(auditChainHeads).values({ tenantId: decision.tenantId, sequence: 0, hash: GENESIS_HASH }).onConflictDoNothing();
  const [head] = await tx.select().from(auditChainHeads).where(eq(auditChainHeads.tenantId, decision.tenantId)).for('update');
  if (!head) throw new Error('chain head missing after upsert');
  const lastCreatedAt = head.lastCreatedAt ? new Date(head.lastCreatedAt).toISOString() : undefined;
  const createdAt = lastCreatedAt && lastCreatedAt > decision.createdAt ? lastCreatedAt : decision.createdAt;
  const timed = { ...decision, createdAt };
  const sealed = seal(timed, head.sequence === 0 ? null : { sequence: head.sequence, hash: head.hash });
  const [row] = await tx.insert(decisions).values({ ...timed, ...sealed }).returning();
  if (!row) throw new Error('decision insert returned nothing');
  await tx
    .update(auditChainHeads)
    .set({ sequence: sealed.sequence, hash: sealed.hash, lastCreatedAt: createdAt })
    .where(eq(auditChainHeads.tenantId, decision.tenantId));
  return row;
}

/** Scoped by tenant: another tenant's decision is indistinguishable from a missing one. */
export async function findDecision(db: DbOrTx, tenantId: string, id: string): Promise<DecisionRow | undefined> {
  const [row] = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.id, id)));
  return row;
}

export async function findDecisionByIdempotencyKey(db: DbOrTx, tenantId: string, key: string) {
  const [row] = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.idempotencyKey, key)));
  return row;
}

/** The tenant's newest decisions that still hold their input (not erased), newest first. */
export async function findRecentInputs(db: DbOrTx, tenantId: string, limit: number) {
  return db
    .select({ id: decisions.id, externalRef: decisions.externalRef, outcome: decisions.outcome, score: decisions.score, rulesetVersion: decisions.rulesetVersion, input: decisions.input })
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), isNotNull(decisions.input)))
    .orderBy(desc(decisions.sequence))
    .limit(limit);
}
