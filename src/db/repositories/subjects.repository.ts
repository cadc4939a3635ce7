import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../client.js';
import { subjects } from '../schema/index.js';

export type SubjectRow = typeof subjects.$inferSelect;

/**
 * The subject a screening is about: found by the caller's externalRef, created on first sight.
 * Without an externalRef every screening is its own subject (nothing ties it to another).
 */
export async function upsertSubject(tx: DbOrTx, input: { tenantId: string; externalRef: string | undefined; monitored: boolean; at: string }): Promise<SubjectRow> {
  if (input.externalRef === undefined) {
    const [row] = await tx.insert(subjects).values({ id: uuidv7(), tenantId: input.tenantId, externalRef: null, monitored: input.monitored, createdAt: input.at, updatedAt: input.at }).returning();
    if (!row) throw new Error('subject insert returned nothing');
    return row;
  }
  const [row] = await tx
    .insert(subjects)
    .values({ id: uuidv7(), tenantId: input.tenantId, externalRef: input.externalRef, monitored: input.monitored, createdAt: input.at, updatedAt: input.at })
    .onConflictDoUpdate({
      target: [subjects.tenantId, subjects.externalRef],
      // Enrolment in monitoring is sticky: a later screening without `monitor` does not end it.
      set: { updatedAt: input.at, monitored: sql`${subjects.monitored} or excluded.monitored` },
    })
    .returning();
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
