import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { api, eventually, screen } from '../helpers/cases-fixtures.js';
import { createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 18: retroactive link alerts. Links used to be found only by the later applicant, so a
 * laptop farm was caught from its second member on while its first kept its `clear`. Now a
 * screening that shares identifiers with earlier applicants queues a `link` monitoring run that
 * screens each of them again: the farm is found as a whole.
 */
let t: TestApp;
let clock = FIXED_NOW.getTime();

beforeAll(async () => {
  t = await createTestApp({ appDeps: { now: () => new Date((clock += 1000)), monitoring: { pollMs: 50, listSettleMs: 0 } } });
});
afterAll(() => t.close());

const FARM = { phones: ['+1 415 555 0142'], payment: { method: 'bank' as const, bankAccount: 'US64SVBKUS6S3300958879', accountHolderName: 'Farm Facilitator LLC' } };
type Hit = { ruleId: string; related?: string[]; points: number };
type Decision = { id: string; outcome: string; hits: Hit[] };

async function decisionsOf(externalRef: string): Promise<{ id: string; outcome: string; sequence: number }[]> {
  return queryRows(t.database, sql`select id, outcome, sequence::int as sequence from decisions where external_ref = ${externalRef} order by sequence`);
}

const linkRunsOf = async (decisionId: string) =>
  queryRows<{ id: string; total: number }>(t.database, sql`select id, total from monitoring_runs where trigger->>'kind' = 'link' and trigger->>'decisionId' = ${decisionId}`);

describe('a laptop farm is found as a whole, its first member too', () => {
  let firstId: string;
  let secondId: string;

  test('the first member screens clear: nobody shares its identifiers yet', async () => {
    const first = await screen(t, { externalRef: 'farm-1', name: 'Daniel Brooks', ...FARM });
    expect(first.outcome).toBe('clear');
    firstId = first.id;
  });

  test('a second applicant with the same phone and payout account is flagged, and the first is screened again and flagged, naming it', async () => {
    const second = await screen(t, { externalRef: 'farm-2', name: 'Kevin Walsh', ...FARM });
    expect(second.outcome).not.toBe('clear');
    secondId = second.id;

    const [run] = await eventually(async () => {
      const runs = await linkRunsOf(second.id);
      return runs.length > 0 ? runs : undefined;
    }, 'a link run for the second screening');
    expect(run).toMatchObject({ total: 1 });
    const firstAgain = await eventually(async () => {
      const rows = await decisionsOf('farm-1');
      return rows.length > 1 ? rows.at(-1) : undefined;
    }, 'a new decision of the first member');
    expect(firstAgain.outcome).not.toBe('clear');

    const decision = (await api(t, t.keys.reviewer).get(`/v1/decisions/${firstAgain.id}`)).body as Decision & { caseId: string | null };
    const linkHits = decision.hits.filter((hit) => hit.related?.includes('farm-2'));
    expect(linkHits.length, JSON.stringify(decision.hits)).toBeGreaterThan(0);
    expect(decision.caseId, 'the first member now has a case').not.toBeNull();

    const page = await api(t, t.keys.reviewer).get(`/v1/monitoring/runs/${run!.id}?results=changed`);
    expect(page.body).toMatchObject({ trigger: { kind: 'link', decisionId: second.id }, changed: 1 });
    expect(page.body.results.items[0]).toMatchObject({ externalRef: 'farm-1', previous: { decisionId: firstId, outcome: 'clear' }, new: { decisionId: firstAgain.id } });
  });

  test('the re-screen replays identical, and is not itself a link that starts runs (no ping-pong)', async () => {
    const [, again] = await decisionsOf('farm-1');
    const replay = await api(t, t.keys.auditor).post(`/v1/decisions/${again!.id}/replay`, {});
    expect(replay.body, JSON.stringify(replay.body.differences)).toMatchObject({ identical: true });
    // Give the worker a few polls: nothing more happens for this farm of two.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await linkRunsOf(again!.id)).toEqual([]);
    expect((await decisionsOf('farm-2')).map((row) => row.id)).toEqual([secondId]);
  });

  test('a third member: both earlier ones are screened again, each naming it', async () => {
    const third = await screen(t, { externalRef: 'farm-3', name: 'Luis Ortega', ...FARM });
    const [run] = await eventually(async () => {
      const runs = await linkRunsOf(third.id);
      return runs.length > 0 ? runs : undefined;
    }, 'a link run for the third screening');
    expect(run!.total).toBe(2);
    for (const earlier of ['farm-1', 'farm-2']) {
      const latest = await eventually(async () => {
        const rows = await decisionsOf(earlier);
        const last = rows.at(-1)!;
        return last.sequence > (await decisionsOf('farm-3'))[0]!.sequence ? last : undefined;
      }, `a new decision of ${earlier}`);
      const decision = (await api(t, t.keys.reviewer).get(`/v1/decisions/${latest.id}`)).body as Decision;
      expect(decision.hits.some((hit) => hit.related?.includes('farm-3')), JSON.stringify(decision.hits)).toBe(true);
    }
  });

  test("another tenant's applicant with the same identifiers links to nobody here", async () => {
    const other = await screen(t, { externalRef: 'farm-other', name: 'Sam Carter', ...FARM }, t.keys.otherTenantScreener);
    expect(other.outcome).toBe('clear');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await linkRunsOf(other.id)).toEqual([]);
  });
});
