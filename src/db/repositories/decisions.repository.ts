import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { decisions } from '../schema/index.js';

export type DecisionRow = typeof decisions.$inferSelect;
export type NewDecision = typeof decisions.$inferInsert;

export const GENESIS_HASH = '0'.repeat(64);

export type UnchainedDecision = Omit<NewDecision, 'sequence' | 'prevHash' | 'hash' | 'createdAt'> & { createdAt: string };
export interface ChainSeal {
  sequence: number;
  prevHash: string;
  hash: string;
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
    .select({
      id: decisions.id,
      tenantId: decisions.tenantId,
      subjectId: decisions.subjectId,
      externalRef: decisions.externalRef,
      outcome: decisions.outcome,
      score: decisions.score,
      rulesetVersion: decisions.rulesetVersion,
      listVersions: decisions.listVersions,
      sequence: decisions.sequence,
      createdAt: decisions.createdAt,
      input: decisions.input,
    })
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), isNotNull(decisions.input)))
    .orderBy(desc(decisions.sequence))
    .limit(limit);
}
