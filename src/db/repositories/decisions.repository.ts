import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.js';
import { decisions } from '../schema/index.js';

export type DecisionRow = typeof decisions.$inferSelect;
export type NewDecision = typeof decisions.$inferInsert;

export async function insertDecision(db: DbOrTx, decision: NewDecision): Promise<DecisionRow> {
  const [row] = await db.insert(decisions).values(decision).returning();
  if (!row) throw new Error('decision insert returned nothing');
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
