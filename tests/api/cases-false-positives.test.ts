import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { insertActiveListVersion } from '../../src/db/repositories/lists.repository.js';
import { api, eventually, screen } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const ENTRY = listEntry({ sourceId: 'FP-1', name: 'KIM, Sang Man', birthDates: [{ value: '1961-08-12' }] });
const SUBJECT = { externalRef: 'fp-1', name: 'Sang Man Kim', birthDate: '1963-02-03' };

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'fp-watchlist', [ENTRY]);
    },
    // The test changes the list: the app must notice the new version quickly.
    appDeps: { listRefreshMs: 50 },
  });
});
afterAll(() => t.close());

const reviewer = () => api(t, t.keys.reviewer);
const json = (body: unknown) => JSON.stringify(body);
type HitBody = { entry?: { sourceId: string }; previouslyCleared?: boolean; points: number };

describe('false-positive memory', () => {
  let clearedCaseId: string;

  test('a case closed as false_positive remembers its list entries, with who cleared them and when', async () => {
    const decision = await screen(t, SUBJECT);
    expect(decision.outcome).toBe('review');
    clearedCaseId = decision.caseId!;
    const closed = await reviewer().post(`/v1/cases/${clearedCaseId}/disposition`, { disposition: 'false_positive', note: 'Born 1963 in Seoul; the listed person was born in 1961 in Pyongyang.' });
    expect(closed.status, json(closed.body)).toBe(200);
    expect(closed.body.case).toMatchObject({ status: 'closed', disposition: 'false_positive' });

    const rows = await queryRows<{ source: string; source_id: string; entry_content_hash: string; case_id: string; cleared_by: string; cleared_at: string }>(
      t.database,
      sql`select source, source_id, entry_content_hash, case_id, cleared_by, cleared_at from false_positives`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'fp-watchlist', source_id: 'FP-1', case_id: clearedCaseId, cleared_by: closed.body.event.actor.id, entry_content_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(new Date(rows[0]!.cleared_at).toISOString()).toBe(FIXED_NOW.toISOString());
  });

  test('screening the same subject again marks the hit previously cleared and opens no case', async () => {
    const again = await screen(t, SUBJECT);
    expect(again, json(again)).toMatchObject({ outcome: 'clear', caseId: null, caseStatus: null });
    const hit = again.hits.find((candidate) => (candidate as HitBody).entry?.sourceId === 'FP-1') as HitBody | undefined;
    expect(hit, json(again.hits)).toMatchObject({ previouslyCleared: true, points: 0 });

    const readBack = await reviewer().get(`/v1/decisions/${again.id}`);
    expect(readBack.body.hits).toEqual(again.hits);
    const active = await reviewer().get('/v1/cases?status=active');
    expect(active.body.total).toBe(0);
  });

  test('the memory belongs to the subject: another subject with the same name still opens a case', async () => {
    const other = await screen(t, { ...SUBJECT, externalRef: 'fp-2' });
    expect(other.outcome).toBe('review');
    expect(other.caseId).not.toBeNull();
    expect(other.hits.some((candidate) => (candidate as HitBody).previouslyCleared)).toBe(false);
  });

  test('the memory belongs to the tenant: the same externalRef in another tenant still opens a case', async () => {
    const other = await screen(t, SUBJECT, t.keys.otherTenantScreener);
    expect(other.outcome).toBe('review');
    expect(other.caseId).not.toBeNull();
  });

  test('once the list changes the entry, the same subject opens a case again', async () => {
    const changed = { ...ENTRY, birthDates: [{ value: '1963-02-03' }], remarks: 'Birth date corrected' };
    await t.database.db.transaction((tx) =>
      insertActiveListVersion(tx, { source: 'fp-watchlist', sourceName: 'fp-watchlist', format: 'test', contentDigest: 'test-fp-watchlist-v2', files: [], counts: { entries: 1 }, importedBy: 'test', entries: [changed] }),
    );
    // Wait until the app screens against the new list version.
    await eventually(async () => {
      const probe = await screen(t, { name: 'Probe Person' });
      return probe.hits.length === 0 && (await reviewer().get(`/v1/decisions/${probe.id}`)).body.listVersions.some((version: { version: number }) => version.version === 2) ? true : undefined;
    }, 'list version 2 to be active');

    const again = await screen(t, SUBJECT);
    expect(again.outcome, json(again)).toBe('review');
    expect(again.caseId).not.toBeNull();
    expect(again.caseId).not.toBe(clearedCaseId);
    const hit = again.hits.find((candidate) => (candidate as HitBody).entry?.sourceId === 'FP-1') as HitBody | undefined;
    expect(hit?.previouslyCleared).toBeUndefined();
    expect(hit?.points).toBeGreaterThan(0);
  });
});
