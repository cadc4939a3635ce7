import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChainVerificationView } from '../../src/http/schemas/audit.schemas.js';
import { CHAIN_PAGE_SIZE, verifyDecisionLog } from '../../src/services/audit.service.js';
import { insertChainedDecisions, tenantIdOf } from '../helpers/audit-decisions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';

let database: TestDatabase;
let tenantId: string;
const ROWS = CHAIN_PAGE_SIZE * 2 + 17;

beforeAll(async () => {
  database = await createTestDatabase();
  await bootstrapIfEmpty(database.db, {});
  tenantId = await tenantIdOf(database.db, 'default');
  await insertChainedDecisions(database.db, { tenantId, count: ROWS, startAt: new Date('2026-01-01T00:00:00.000Z') });
});
afterAll(() => database.destroy());

describe('verifyDecisionLog', () => {
  test('out of time, it stops at a page boundary and the next call continues from there to the head', async () => {
    const reports: ChainVerificationView[] = [];
    let afterSequence: number | undefined;
    do {
      // No time at all: every call checks exactly one page.
      const report = await verifyDecisionLog({ db: database.db }, { tenantId, from: null, to: null, timeBudgetMs: 0, ...(afterSequence === undefined ? {} : { afterSequence }) });
      reports.push(report);
      afterSequence = report.nextAfterSequence ?? undefined;
    } while (afterSequence !== undefined);
    expect(reports.map((report) => [report.ok, report.checked, report.complete, report.nextAfterSequence])).toEqual([
      [true, CHAIN_PAGE_SIZE, false, CHAIN_PAGE_SIZE],
      [true, CHAIN_PAGE_SIZE, false, CHAIN_PAGE_SIZE * 2],
      [true, 17, true, null],
    ]);
    expect(reports.map((report) => report.anchor)).toEqual(['genesis', 'matched', 'matched']);
    // Only the call that reached the head checked it.
    expect(reports.map((report) => report.headMatches)).toEqual([null, null, true]);
  });

  test('with time to spare, one call covers the whole chain', async () => {
    const report = await verifyDecisionLog({ db: database.db }, { tenantId, from: null, to: null });
    expect(report).toMatchObject({ ok: true, checked: ROWS, complete: true, headMatches: true, firstSequence: 1, lastSequence: ROWS });
  });
});
