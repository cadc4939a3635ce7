import { and, arrayContains, asc, count, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client.js';
import { webhookDeliveries, webhooks } from '../schema/index.js';

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type NewDelivery = typeof webhookDeliveries.$inferInsert;
export type AttemptRecord = DeliveryRow['attemptLog'][number];

export async function insertWebhook(db: DbOrTx, row: typeof webhooks.$inferInsert): Promise<WebhookRow> {
  const [inserted] = await db.insert(webhooks).values(row).returning();
  if (!inserted) throw new Error('webhook insert returned nothing');
  return inserted;
}

export async function findWebhooks(db: DbOrTx, tenantId: string): Promise<WebhookRow[]> {
  return db.select().from(webhooks).where(eq(webhooks.tenantId, tenantId)).orderBy(asc(webhooks.createdAt), asc(webhooks.id));
}

export async function findWebhook(db: DbOrTx, tenantId: string, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.id, id)));
  return row;
}

export async function findSubscribedWebhooks(db: DbOrTx, tenantId: string, event: string): Promise<WebhookRow[]> {
  return db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.tenantId, tenantId), isNull(webhooks.disabledAt), arrayContains(webhooks.events, [event])));
}

/** Every tenant's webhooks subscribed to an event that concerns all tenants (the global lists). */
export async function findWebhooksOfAllTenants(db: DbOrTx, event: string): Promise<WebhookRow[]> {
  return db
    .select()
    .from(webhooks)
    .where(and(isNull(webhooks.disabledAt), arrayContains(webhooks.events, [event])));
}

/** Due at once by the database clock, which every instance shares (not the business clock). */
export async function insertDeliveries(tx: DbOrTx, rows: Omit<NewDelivery, 'nextAttemptAt'>[]) {
  if (rows.length > 0) await tx.insert(webhookDeliveries).values(rows.map((row) => ({ ...row, nextAttemptAt: sql`now()` })));
}

export async function findDeliveries(db: DbOrTx, webhookId: string, page: { limit: number; offset: number }) {
  const where = eq(webhookDeliveries.webhookId, webhookId);
  const [total] = await db.select({ value: count() }).from(webhookDeliveries).where(where);
  const rows = await db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(page.limit).offset(page.offset);
  return { total: total?.value ?? 0, rows };
}

export interface ClaimedDelivery {
  delivery: DeliveryRow;
  url: string;
  secret: string;
  disabled: boolean;
}

/**
 * Takes up to `limit` due deliveries for this worker. `FOR UPDATE SKIP LOCKED` lets several
 * instances claim at once without waiting on or taking each other's rows; pushing
 * `next_attempt_at` out by the lease keeps the rows away from other workers after the claiming
 * transaction commits, so the HTTP call happens outside any transaction. A worker that dies
 * mid-send leaves the row to be retried when its lease runs out (at-least-once delivery).
 * Scheduling uses the database clock, which every instance shares.
 */
export async function claimDueDeliveries(db: Db, input: { limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, sql`now()`)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
      .limit(input.limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    const ids = due.map((row) => row.id);
    const leased = await tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: sql`now() + make_interval(secs => ${input.leaseMs / 1000}::double precision)` })
      .where(inArray(webhookDeliveries.id, ids))
      .returning();
    const hooks = await tx.select().from(webhooks).where(inArray(webhooks.id, [...new Set(leased.map((row) => row.webhookId))]));
    const byId = new Map(hooks.map((hook) => [hook.id, hook]));
    return leased.flatMap((delivery) => {
      const hook = byId.get(delivery.webhookId);
      return hook ? [{ delivery, url: hook.url, secret: hook.secret, disabled: hook.disabledAt !== null }] : [];
    });
  });
}

/**
 * Records one attempt. Guarded by the attempt count seen at claim time: if the lease ran out and
 * another worker already recorded this attempt, this write changes nothing.
 */
export async function recordAttempt(
  db: DbOrTx,
  input: { id: string; attemptsBefore: number; attempt: AttemptRecord; status: 'pending' | 'delivered' | 'failed'; retryInMs: number | null },
): Promise<boolean> {
  const rows = await db
    .update(webhookDeliveries)
    .set({
      status: input.status,
      attempts: input.attemptsBefore + 1,
      lastStatusCode: input.attempt.statusCode ?? null,
      lastError: input.attempt.error ?? null,
      attemptLog: sql`${webhookDeliveries.attemptLog} || ${JSON.stringify([input.attempt])}::jsonb`,
      ...(input.retryInMs !== null ? { nextAttemptAt: sql`now() + make_interval(secs => ${input.retryInMs / 1000}::double precision)` } : {}),
    })
    .where(and(eq(webhookDeliveries.id, input.id), eq(webhookDeliveries.attempts, input.attemptsBefore), eq(webhookDeliveries.status, 'pending')))
    .returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}
