import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { DecisionChains } from '../../src/db/decision-chain.js';
import { createWebhook } from '../../src/services/webhooks.service.js';
import { ActiveRulesets } from '../../src/services/active-ruleset.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { isBatchable, recordScreening, recordScreeningAtOnce, type ScreeningRecord } from '../../src/services/screening.service.js';
import { canonicalDigest } from '../../src/shared/hashing.js';
import { tenantIdOf } from '../helpers/audit-decisions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Issue 17: a new applicant's review or block screening opens its case either in a transaction
 * (recordScreening) or inside the batch statement that writes many screenings at once
 * (recordScreeningAtOnce, db/decision-chain.ts). Both must write the same case, case event and
 * webhook deliveries; here the same screening goes through each path and the rows are compared.
 */
let database: TestDatabase;
const chains = new DecisionChains();
let tenantId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await bootstrapIfEmpty(database.db, {});
  tenantId = await tenantIdOf(database.db, 'default');
  const now = new Date('2026-11-25T12:00:00.000Z');
  const url = 'https://hooks.example.com/redflag';
  await createWebhook(database.db, { tenantId, url, events: ['case.opened'], now });
  await createWebhook(database.db, { tenantId, url, events: ['case.opened', 'case.disposed'], now });
  await createWebhook(database.db, { tenantId, url, events: ['case.disposed'], now });
  const disabled = await createWebhook(database.db, { tenantId, url, events: ['case.opened'], now });
  await database.db.execute(sql`update webhooks set disabled_at = now() where id = ${disabled.id}`);
});
afterAll(() => database.destroy());

async function recordFor(externalRef: string): Promise<ScreeningRecord> {
  const ruleset = await new ActiveRulesets().get(database.db, tenantId);
  if (!ruleset) throw new Error('no ruleset');
  const input = { subject: { externalRef, name: 'Path Applicant' } };
  return {
    tenantId,
    subject: { externalRef, monitored: false },
    externalRef,
    name: 'Path Applicant',
    links: [],
    evaluation: { outcome: 'review', score: 55, hits: [{ ruleId: 'remote-only', ruleVersion: 1, indicatorIds: [], points: 55, field: '/subject', value: 'true' }] },
    ruleset,
    listVersions: [],
    input,
    inputDigest: canonicalDigest(input),
    idempotencyKey: null,
    createdAt: '2026-11-25T12:00:01.000Z',
    subjectWasNew: true,
  };
}

/** The rows a screening's case wrote, with what differs by nature (ids, the subject's reference) left out. */
async function caseRowsOf(decisionId: string) {
  const [caseRow] = await queryRows<Record<string, unknown>>(
    database,
    sql`select c.* from cases c join case_decisions cd on cd.case_id = c.id where cd.decision_id = ${decisionId}`,
  );
  if (!caseRow) throw new Error(`no case for ${decisionId}`);
  const caseDecisions = await queryRows<Record<string, unknown>>(database, sql`select * from case_decisions where case_id = ${caseRow.id as string}`);
  const events = await queryRows<Record<string, unknown>>(database, sql`select * from case_events where case_id = ${caseRow.id as string} order by created_at`);
  const deliveries = await queryRows<{ webhook_id: string; payload: { data: Record<string, unknown> } } & Record<string, unknown>>(
    database,
    sql`select * from webhook_deliveries where payload->'data'->>'caseId' = ${caseRow.id as string} order by webhook_id`,
  );
  const withoutIds = (row: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));
  const shape = (value: unknown) => JSON.parse(JSON.stringify(value, (key, inner: unknown) => (['caseId', 'decisionId', 'subjectId', 'externalRef', 'id'].includes(key) ? '<id>' : inner))) as unknown;
  return {
    caseRow: withoutIds(caseRow, 'id', 'subject_id', 'first_decision_id', 'last_decision_id'),
    caseDecisions: caseDecisions.map((row) => withoutIds(row, 'case_id', 'decision_id')),
    events: events.map((row) => shape(withoutIds(row, 'id', 'case_id'))),
    deliveries: deliveries.map((row) => ({ ...(withoutIds(row, 'id', 'payload', 'next_attempt_at') as object), payload: shape(row.payload) })),
  };
}

describe('case opening: the transaction and the batch statement write the same rows', () => {
  test('a new applicant under review: same case, same first event, deliveries to the same subscribed webhooks', async () => {
    const inTransaction = await recordFor('path-transaction');
    const atOnce = await recordFor('path-statement');
    expect(isBatchable(atOnce)).toBe(true);
    const viaTransaction = await database.db.transaction((tx) => recordScreening(tx, chains, inTransaction));
    const viaStatement = await recordScreeningAtOnce(database.db, chains, atOnce as Parameters<typeof recordScreeningAtOnce>[2]);
    expect(viaTransaction?.caseRef.caseStatus).toBe('open');
    expect(viaStatement.caseRef.caseStatus).toBe('open');

    const transactionRows = await caseRowsOf(viaTransaction!.row.id);
    const statementRows = await caseRowsOf(viaStatement.row.id);
    expect(transactionRows.deliveries).toHaveLength(2);
    expect(statementRows).toEqual(transactionRows);
  });
});
