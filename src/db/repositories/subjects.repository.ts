import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../client.js';
import { subjects } from '../schema/index.js';

export type SubjectRow = typeof subjects.$inferSelect;

/**
 * The subject a screening is about: found by the caller's externalRef, created on first sight,
 * and pointed at the screening's decision (written later in the same transaction).
 * Without an externalRef every screening is its own subject (nothing ties it to another).
 */
export async function upsertSubject(
  tx: DbOrTx,
  input: { tenantId: string; externalRef: string | undefined; monitored: boolean; lastDecisionId: string; at: string },
): Promise<{ id: string; created: boolean }> {
  const values = { id: uuidv7(), tenantId: input.tenantId, externalRef: input.externalRef ?? null, monitored: input.monitored, lastDecisionId: input.lastDecisionId, createdAt: input.at, updatedAt: input.at };
  // xmax is 0 on a row version this statement inserted, and set on one it updated.
  const returned = { id: subjects.id, created: sql<boolean>`(xmax = 0)` };
  const [row] =
    input.externalRef === undefined
      ? await tx.insert(subjects).values(values).returning(returned)
      : await tx
          .insert(subjects)
          .values(values)
          .onConflictDoUpdate({
            target: [subjects.tenantId, subjects.externalRef],
            // Enrolment in monitoring is sticky: a later screening without `monitor` does not end it.
            set: { updatedAt: input.at, lastDecisionId: input.lastDecisionId, monitored: sql`${subjects.monitored} or excluded.monitored` },
          })
          .returning(returned);
  if (!row) throw new Error('subject upsert returned nothing');
  return row;
}

export async function setLastDecision(tx: DbOrTx, subjectId: string, decisionId: string) {
  await tx.update(subjects).set({ lastDecisionId: decisionId }).where(eq(subjects.id, subjectId));
}

export async function findSubject(db: DbOrTx, tenantId: string, id: string) {
  const [row] = await db.select().from(subjects).where(and(eq(subjects.tenantId, tenantId), eq(subjects.id, id)));
  return row;
}
