import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DecisionChains } from '../../src/db/decision-chain.js';
import { openDatabase, queryRows, type Database } from '../../src/db/client.js';
import { claimItems, finishItems, lockOwnedItems } from '../../src/db/repositories/monitoring.repository.js';
import { buildApp } from '../../src/http/app.js';
import { createKeyedHash } from '../../src/services/keyed-hash.service.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import { createDueRuns, createMonitoringWorker } from '../../src/services/monitoring.service.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { captureLogs, bearer, createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';
import { decisionCountsBySubject, listRun, runItems, waitForRun } from '../helpers/monitoring-fixtures.js';

/**
 * Several workers on one database: a run is created once, its items are shared out, and each is
 * done exactly once, even when a worker dies holding a lease.
 */
let t: TestApp;
const SOURCE = 'workers-watchlist';
const SUBJECTS = 90;
const names = (index: number) => (index % 3 === 0 ? `Chol Ung Kim` : `Olsen Berg ${index}`);

beforeAll(async () => {
  t = await createTestApp({
    appDeps: { monitoring: false },
    beforeBuild: async (database) => {
      await loadTestList(database.db, SOURCE, [listEntry({ sourceId: 'w-0', name: 'CHOE, Song Il' })]);
    },
  });
  const items = Array.from({ length: SUBJECTS }, (_, index) => ({ subject: { externalRef: `w-${index}`, name: names(index) }, monitor: true }));
  const enrolled = await request(t.app.server).post('/v1/screenings/batch').set(bearer(t.keys.screener)).send({ items });
  if (enrolled.status !== 200 || enrolled.body.results.some((result: { status: number }) => result.status !== 201)) throw new Error(JSON.stringify(enrolled.body));
});
afterAll(() => t.close());

/** Another instance on the same database: its own connection pool on PostgreSQL, the same PGlite otherwise. */
async function secondDatabase(): Promise<Database & { own: boolean }> {
  if (t.database.url) return { ...(await openDatabase({ kind: 'postgres', url: t.database.url, poolSize: 5 })), own: true };
  return { ...t.database, own: false };
}

describe('two app instances on one database', () => {
  test('create one run for a new list version and complete it together, each subject processed exactly once', async () => {
    const instances: { app: FastifyInstance; database: Database & { own: boolean } }[] = [];
    for (let index = 0; index < 2; index += 1) {
      const database = await secondDatabase();
      const app = await buildApp({ database, now: () => FIXED_NOW, logStream: captureLogs().stream, listRefreshMs: 0, monitoring: { pollMs: 20, listSettleMs: 0, batchSize: 6 } });
      await app.ready();
      instances.push({ app, database });
    }
    try {
      const before = await decisionCountsBySubject(t.database);
      // One entry every third subject's name matches: those are screened again in full and change.
      await loadTestList(t.database.db, SOURCE, [listEntry({ sourceId: 'w-0', name: 'CHOE, Song Il' }), listEntry({ sourceId: 'w-1', name: 'KIM, Chol Ung' })]);
      const run = await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 2), 20_000);
      expect(run).toMatchObject({ total: SUBJECTS, done: SUBJECTS, changed: SUBJECTS / 3, unchanged: (SUBJECTS * 2) / 3, failed: 0 });

      const runs = await queryRows<{ count: number }>(t.database, sql`select count(*)::int as count from monitoring_runs where trigger->>'source' = ${SOURCE}`);
      expect(runs[0]?.count).toBe(1);
      const items = await runItems(t.database, run.id);
      expect(items).toHaveLength(SUBJECTS);
      expect(items.every((item) => item.attempts === 1)).toBe(true);
      const owners = new Set(items.map((item) => item.processedBy));
      // Embedded PGlite is one connection in one process (two instances cannot open one data
      // directory), so sharing the work shows on PostgreSQL; exactly-once is checked on both.
      if (t.database.url) expect(owners.size, [...owners].join(', ')).toBe(2);
      else expect(owners.size).toBeGreaterThanOrEqual(1);

      const after = await decisionCountsBySubject(t.database);
      for (let index = 0; index < SUBJECTS; index += 1) {
        const ref = `w-${index}`;
        expect(after.get(ref), ref).toBe((before.get(ref) ?? 0) + (index % 3 === 0 ? 1 : 0));
      }
    } finally {
      for (const instance of instances) {
        await instance.app.close();
        if (instance.database.own) await instance.database.close();
      }
    }
  });
});

describe('a worker that dies holding a lease', () => {
  test('loses its items to another worker once the lease expires, and can no longer finish them', async () => {
    const lists = new ListIndexHolder();
    // A worker of its own services (another instance beside the app): its own decision chains.
    const deps = { db: t.database.db, lists, now: () => FIXED_NOW, keyedHash: await createKeyedHash(t.database.db, undefined), chains: new DecisionChains() };
    await loadTestList(t.database.db, SOURCE, [listEntry({ sourceId: 'w-1', name: 'KIM, Chol Ung' })]);
    await lists.refresh(t.database.db);
    const [created] = await createDueRuns(deps, { listSettleMs: 0 });
    expect(created?.total).toBe(SUBJECTS);
    // The same trigger seen again (another instance, a restart) creates nothing.
    expect(await createDueRuns(deps, { listSettleMs: 0 })).toEqual([]);

    const ghost = await claimItems(t.database.db, { owner: 'ghost', limit: 1000, leaseMs: 400 });
    expect(ghost).toHaveLength(SUBJECTS);
    const worker = createMonitoringWorker(deps, { pollMs: 20, listSettleMs: 0, batchSize: 50, owner: 'survivor' });
    const claimedAt = Date.now();
    worker.start();
    try {
      const run = await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 3), 20_000);
      expect(run).toMatchObject({ total: SUBJECTS, done: SUBJECTS, failed: 0 });
      expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(300);
      const items = await runItems(t.database, run.id);
      expect(new Set(items.map((item) => item.processedBy))).toEqual(new Set(['survivor']));
      expect(items.every((item) => item.attempts === 2)).toBe(true);

      // The ghost comes back: it owns nothing any more, so it can neither lock nor finish an item.
      await t.database.db.transaction(async (tx) => {
        expect(await lockOwnedItems(tx, { owner: 'ghost', keys: ghost })).toEqual([]);
        const finished = await finishItems(tx, {
          owner: 'ghost',
          outcomes: ghost.map((item) => ({
            runId: item.runId,
            subjectId: item.subjectId,
            status: 'failed' as const,
            method: null,
            previousDecisionId: null,
            previousOutcome: null,
            previousScore: null,
            newDecisionId: null,
            newOutcome: null,
            newScore: null,
            rulesetId: null,
            listVersionIds: null,
            error: 'ghost',
          })),
        });
        expect(finished).toBe(0);
      });
    } finally {
      await worker.stop();
    }
  });
});
