import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { ActiveRulesets } from '../../src/services/active-ruleset.service.js';
import { bootstrapIfEmpty } from '../../src/services/bootstrap.service.js';
import { EvaluationThread, evaluateHere } from '../../src/services/evaluation-offload.js';
import { createKeyedHash } from '../../src/services/keyed-hash.service.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import { answerLookups } from '../../src/services/screening.service.js';
import { tenantIdOf } from '../helpers/audit-decisions.js';
import { eventually } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** The evaluation thread must decide exactly what the event loop would, and never be needed. */
let database: TestDatabase;
let thread: EvaluationThread;
const lists = new ListIndexHolder();

const SUBJECTS: ScreeningSubject[] = [
  { name: 'Maria Kowalska', nationality: 'PL' },
  { name: 'Sang Man Kim', nationality: 'KP', birthDate: '1970-03-02' },
  { name: 'Kim Sang-man', aliases: ['S. M. Kim'], payment: { method: 'bank', accountHolderName: 'Ryonbong General Corp', bankCountry: 'CN' } },
  {
    externalRef: 'farm-1',
    name: 'Jane Roe',
    emails: ['jane.roe@example.com'],
    claimedLocation: { country: 'US', city: 'Austin', timezone: 'America/Chicago' },
    logins: [{ ip: '203.0.113.9', country: 'CN', at: '2026-11-01T03:00:00Z' }],
    employment: [{ employer: 'Korea Ryonbong General Corporation', country: 'CN', from: '2020-01', to: '2024-01' }],
  },
];

beforeAll(async () => {
  database = await createTestDatabase();
  await bootstrapIfEmpty(database.db, {});
  await loadTestList(database.db, 'thread-watchlist', [
    listEntry({ sourceId: 't-1', name: 'KIM, Sang Man', nationalities: ['KP'], birthDates: [{ value: '1970-03-02' }] }),
    listEntry({ sourceId: 't-2', name: 'Korea Ryonbong General Corporation', type: 'entity' }),
  ]);
  await lists.refresh(database.db);
  thread = new EvaluationThread();
  await lists.mirrorTo(database.db, thread);
});
afterAll(async () => {
  await thread.close();
  await database.destroy();
});

async function evaluateBothWays() {
  const tenantId = await tenantIdOf(database.db, 'default');
  const ruleset = (await new ActiveRulesets().get(database.db, tenantId))!;
  const keyedHash = await createKeyedHash(database.db, undefined);
  const snapshot = lists.current();
  const results = [];
  for (const subject of SUBJECTS) {
    const context = await answerLookups({ db: database.db, keyedHash }, { tenantId, subject }, snapshot.versions.map((version) => version.versionId));
    results.push({ here: await evaluateHere(snapshot, subject, ruleset, context), offloaded: await thread.evaluate(snapshot, subject, ruleset, context) });
  }
  return results;
}

describe('the evaluation thread', () => {
  test('builds its own index of the active lists and decides every screening as the event loop does', async () => {
    await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? true : undefined), 'the thread to build its index', 30_000);
    const before = { ...thread.counts };
    const results = await evaluateBothWays();
    expect(thread.counts.onThread - before.onThread).toBe(SUBJECTS.length);
    for (const { here, offloaded } of results) expect(offloaded).toEqual(here);
    // Not a vacuous comparison: the profiles hit the list, by name and by employer.
    expect(results.map(({ here }) => here.outcome)).toContain('block');
    expect(results.flatMap(({ here }) => here.hits.map((hit) => hit.entry?.sourceId)).filter(Boolean)).toEqual(expect.arrayContaining(['t-1', 't-2']));
  });

  test('a screening citing lists the thread has not built yet is evaluated on the event loop, then on the thread', async () => {
    await loadTestList(database.db, 'thread-watchlist-2', [listEntry({ sourceId: 'u-1', name: 'PAK, Hwa Song' })]);
    await lists.refresh(database.db);
    const before = { ...thread.counts };
    const early = await evaluateBothWays();
    for (const { here, offloaded } of early) expect(offloaded).toEqual(here);
    // Whatever was built by the time each call came: every answer is the same, and the calls
    // that came before the thread had the new snapshot were answered here.
    expect(thread.counts.here - before.here + (thread.counts.onThread - before.onThread)).toBe(SUBJECTS.length);
    await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? true : undefined), 'the thread to build the new index', 30_000);
    const onThread = thread.counts.onThread;
    await evaluateBothWays();
    expect(thread.counts.onThread - onThread).toBe(SUBJECTS.length);
  });

  test('if the thread dies, screenings go on, evaluated on the event loop', async () => {
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await eventually(async () => (thread.hasSnapshot(lists.current().versions) ? undefined : true), 'the thread to be noticed gone');
    const here = thread.counts.here;
    const results = await evaluateBothWays();
    for (const { here: expected, offloaded } of results) expect(offloaded).toEqual(expected);
    expect(thread.counts.here - here).toBe(SUBJECTS.length);
  });
});
