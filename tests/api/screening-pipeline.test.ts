import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { normalizeDocumentNumber } from '../../src/domain/identifiers/identifier.normalize.js';
import { queryRows } from '../../src/db/client.js';
import { api, screen } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { waitForRun } from '../helpers/monitoring-fixtures.js';
import { createTestApp, FIXED_NOW, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 17: single screenings, monitoring re-screens, replays and dry-runs all evaluate through
 * one pipeline (src/screening). Over a tenant holding every kind of decision, the three ways of
 * evaluating a stored input again must agree with what was recorded.
 */
let t: TestApp;
let clock = FIXED_NOW.getTime();
const PASSPORT = '836420179';
const LISTED_EMAIL = 'procurement@listed-front.example';

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'pipeline-list', [
        listEntry({ sourceId: 'P-NAME', name: 'KIM, Sang Man', nationalities: ['KP'] }),
        listEntry({ sourceId: 'P-DOC', name: 'PAK, Jin Hyok', identifiers: [{ kind: 'passport', value: PASSPORT, normalized: normalizeDocumentNumber(PASSPORT), country: 'KP' }] }),
        listEntry({ sourceId: 'P-MAIL', name: 'Korea Sobaeksu Trading', type: 'entity', identifiers: [{ kind: 'email', value: LISTED_EMAIL, normalized: LISTED_EMAIL }] }),
      ]);
    },
    appDeps: { now: () => new Date((clock += 1000)), monitoring: { pollMs: 50, listSettleMs: 0 } },
  });

  const monitored = async (subject: Record<string, unknown>) => {
    const response = await api(t, t.keys.screener).post('/v1/screenings', { subject, monitor: true });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; outcome: string; caseId: string | null };
  };
  // A list name hit, cleared by two people as a false positive, then screened again: the memory applies.
  const named = await monitored({ externalRef: 'p-name', name: 'Sang Man Kim', birthDate: '1962-05-01' });
  expect(named.outcome).toBe('review');
  await api(t, t.keys.reviewer).post(`/v1/cases/${named.caseId}/disposition`, { disposition: 'false_positive', note: 'Another person.' }).expect(200);
  await api(t, t.keys.admin).post(`/v1/cases/${named.caseId}/approve`, { note: 'Agreed.' }).expect(200);
  const again = await monitored({ externalRef: 'p-name', name: 'Sang Man Kim', birthDate: '1962-05-01', emails: ['kim.sm@example.org'] });
  expect(again.outcome).toBe('clear');
  // A listed passport (stored as a keyed hash only) and a listed e-mail.
  expect((await monitored({ externalRef: 'p-doc', name: 'Jonas Berg', documents: [{ type: 'passport', country: 'KP', number: PASSPORT }] })).outcome).toBe('block');
  expect((await monitored({ externalRef: 'p-mail', name: 'Lea Novak', emails: [LISTED_EMAIL] })).outcome).toBe('block');
  // Applicants linked by a phone and a bank account (kept only as keyed hashes).
  const shared = { phones: ['+48 601 234 567'], payment: { method: 'bank', bankAccount: 'PL61109010140000071219812874', accountHolderName: 'Tomasz Wilk' } };
  await monitored({ externalRef: 'p-link-1', name: 'Tomasz Wilk', ...shared });
  await monitored({ externalRef: 'p-link-2', name: 'Adam Zielinski', ...shared });
  // The first of them screened again now that the second exists: its record reflects the link, so
  // a re-screen with nothing changed finds nothing new for it either.
  await monitored({ externalRef: 'p-link-1', name: 'Tomasz Wilk', ...shared });
  // A profile change of the same applicant, and an applicant screened without a reference.
  await monitored({ externalRef: 'p-change', name: 'Olga Ivanova', emails: ['olga@example.net'] });
  await monitored({ externalRef: 'p-change', name: 'Olga Ivanova', emails: ['olga.new@example.net'], phones: ['+7 912 000 11 22'] });
  await screen(t, { name: 'Ana Lima' });
  // An erased subject: its inputs are gone, its decisions stay in the chain. It shares nothing with
  // the others: a link to it would be replayed without it once erasure removed its link keys (a
  // difference replay documents), and that is not what this test is about.
  await monitored({ externalRef: 'p-erased', name: 'Erik Erased', emails: ['erik.erased@example.org'] });
  await api(t, t.keys.admin).post('/v1/subjects/erasure', { externalRef: 'p-erased' }).expect(200);
});
afterAll(() => t.close());

const decisionIds = async () => (await queryRows<{ id: string; erased: boolean }>(t.database, sql`select id, input is null as erased from decisions order by sequence`));

describe('one pipeline: stored inputs evaluated again agree with the record', () => {
  test('every decision with its input replays identical; erased ones say why they cannot', async () => {
    const rows = await decisionIds();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) {
      const replay = await api(t, t.keys.auditor).post(`/v1/decisions/${row.id}/replay`, {});
      if (row.erased) {
        expect(replay.status).toBe(409);
        continue;
      }
      expect(replay.status, JSON.stringify(replay.body)).toBe(200);
      expect(replay.body.identical, JSON.stringify(replay.body.differences)).toBe(true);
    }
  });

  test('a dry-run of an unchanged copy of the active ruleset reports no change', async () => {
    const draft = await api(t, t.keys.admin).post('/v1/rulesets/drafts', {});
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const version = draft.body.version as number;
    const dryRun = await api(t, t.keys.admin).post(`/v1/rulesets/${version}/dry-run`, { limit: 100 });
    expect(dryRun.status, JSON.stringify(dryRun.body)).toBe(200);
    const withInput = (await decisionIds()).filter((row) => !row.erased).length;
    expect(dryRun.body).toMatchObject({ evaluated: withInput, changed: 0, changes: [] });
  });

  test('publishing that unchanged copy re-screens every monitored subject and writes no decision', async () => {
    const before = (await decisionIds()).length;
    const drafts = (await api(t, t.keys.admin).get('/v1/rulesets')).body.items as { version: number; status: string }[];
    const version = drafts.find((row) => row.status === 'draft')!.version;
    await api(t, t.keys.admin).post(`/v1/rulesets/${version}/publish`, {}).expect(200);
    const run = await waitForRun(t.app, t.keys.reviewer, (candidate) => candidate.trigger.kind === 'ruleset');
    expect(run.total, JSON.stringify(run)).toBeGreaterThanOrEqual(6);
    const changedItems = await api(t, t.keys.reviewer).get(`/v1/monitoring/runs/${run.id}?results=changed`);
    expect(run, JSON.stringify(changedItems.body)).toMatchObject({ changed: 0, failed: 0 });
    expect((await decisionIds()).length).toBe(before);
  });
});
