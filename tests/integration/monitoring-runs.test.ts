import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { queryRows } from '../../src/db/client.js';
import { insertPublishedRuleset } from '../../src/db/repositories/rulesets.repository.js';
import { ScreeningLookupQueue } from '../../src/db/lookup-queue.js';
import { findScreeningLookups, findScreeningLookupsMany } from '../../src/db/repositories/lookups.repository.js';
import { findPreviousScreening, findPreviousScreenings } from '../../src/db/repositories/monitoring.repository.js';
import type { LinkKey } from '../../src/domain/rules/subject-lookups.js';
import { DEFAULT_COMBINATION, DEFAULT_RULES, DEFAULT_THRESHOLDS } from '../../src/domain/rules/default-ruleset.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { decisionCountsBySubject, listRun, runItems, waitForRun, type RunView } from '../helpers/monitoring-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Monitoring end to end inside one app: subjects enrolled with `monitor: true` are screened
 * again when a list version or a ruleset version becomes active, and only a change writes a
 * decision (and opens a case).
 */
let t: TestApp;
const SOURCE = 'monitoring-watchlist';
const kim = listEntry({ sourceId: 'm-1', name: 'KIM, Sang Man', nationalities: ['KP'] });
const pak = listEntry({ sourceId: 'm-2', name: 'PAK, Jin Hyok', nationalities: ['KP'] });
const passportHolder = listEntry({
  sourceId: 'm-3',
  name: 'RI, Yong Chol',
  identifiers: [{ kind: 'passport', value: '745310027', normalized: '745310027', country: 'CN' }],
});

beforeAll(async () => {
  t = await createTestApp({
    appDeps: { listRefreshMs: 0, monitoring: { pollMs: 50, listSettleMs: 0, batchSize: 4 } },
    beforeBuild: async (database) => {
      await loadTestList(database.db, SOURCE, [kim, passportHolder]);
    },
  });
});
afterAll(() => t.close());

async function screen(body: object, key = t.keys.screener) {
  const response = await request(t.app.server).post('/v1/screenings').set(bearer(key)).send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; outcome: string; score: number; caseId: string | null; inputDigest: string; hits: { ruleId: string }[] };
}

async function runDetail(run: RunView, query = '') {
  const response = await request(t.app.server).get(`/v1/monitoring/runs/${run.id}${query}`).set(bearer(t.keys.reviewer));
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const decisions: Record<string, { id: string; outcome: string; inputDigest: string }> = {};

describe('a new list version', () => {
  test('re-screens every monitored subject once; a changed outcome gets a new decision and a case, an unchanged one only a line in the run', async () => {
    decisions.changes = await screen({ subject: { externalRef: 'mon-pak', name: 'Jin Hyok Pak' }, monitor: true });
    decisions.same = await screen({ subject: { externalRef: 'mon-plain', name: 'Maria Kowalska' }, monitor: true });
    decisions.hit = await screen({ subject: { externalRef: 'mon-kim', name: 'Sang Man Kim' }, monitor: true });
    decisions.passport = await screen({ subject: { externalRef: 'mon-doc', name: 'Olga Petrova', documents: [{ type: 'passport', country: 'CN', number: '7453 10027' }] }, monitor: true });
    const notMonitored = await screen({ subject: { externalRef: 'plain-pak', name: 'Jin Hyok Pak' } });
    expect(decisions.changes.outcome).toBe('clear');
    expect(decisions.hit.outcome).toBe('review');
    expect(decisions.passport.outcome).toBe('block');
    const before = await decisionCountsBySubject(t.database);

    await loadTestList(t.database.db, SOURCE, [kim, pak, passportHolder]);
    const run = await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 2));
    expect(run).toMatchObject({ total: 4, done: 4, changed: 1, unchanged: 3, skipped: 0, failed: 0, trigger: { kind: 'list_version', source: SOURCE, version: 2 } });

    const detail = await runDetail(run);
    expect(detail.results.items).toHaveLength(1);
    const [changed] = detail.results.items;
    expect(changed).toMatchObject({
      externalRef: 'mon-pak',
      method: 'full',
      previous: { decisionId: decisions.changes.id, outcome: 'clear', score: 0 },
      new: { outcome: 'review' },
      error: null,
    });
    const decision = await request(t.app.server).get(`/v1/decisions/${changed.new.decisionId}`).set(bearer(t.keys.reviewer));
    expect(decision.body).toMatchObject({ externalRef: 'mon-pak', outcome: 'review', inputDigest: decisions.changes.inputDigest, caseId: expect.any(String) });
    expect(decision.body.hits[0]).toMatchObject({ ruleId: 'list-name-match', entry: { source: SOURCE, sourceId: 'm-2' } });
    expect(decision.body.listVersions).toContainEqual(expect.objectContaining({ source: SOURCE, version: 2 }));

    // The unchanged subjects, the passport holder included, were checked against the delta only.
    const unchanged = await runDetail(run, '?results=unchanged');
    expect(unchanged.results.items.map((item: { externalRef: string; method: string; new: unknown }) => [item.externalRef, item.method, item.new]).sort()).toEqual([
      ['mon-doc', 'delta', null],
      ['mon-kim', 'delta', null],
      ['mon-plain', 'delta', null],
    ]);
    const after = await decisionCountsBySubject(t.database);
    expect(after.get('mon-pak')).toBe((before.get('mon-pak') ?? 0) + 1);
    for (const ref of ['mon-plain', 'mon-kim', 'mon-doc', 'plain-pak']) expect(after.get(ref), ref).toBe(before.get(ref));
    void notMonitored;

    const verify = await request(t.app.server).get('/v1/audit/verify').set(bearer(t.keys.auditor));
    expect(verify.body.ok, JSON.stringify(verify.body)).toBe(true);
  });

  test('a removed entry changes the subjects it had matched, including a listed passport known only by its stored hash', async () => {
    await loadTestList(t.database.db, SOURCE, [pak]);
    const run = await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 3));
    expect(run).toMatchObject({ total: 4, changed: 2, unchanged: 2, failed: 0 });
    const detail = await runDetail(run);
    const byRef = new Map(detail.results.items.map((item: { externalRef: string }) => [item.externalRef, item]));
    expect(byRef.get('mon-kim')).toMatchObject({ previous: { outcome: 'review' }, new: { outcome: 'clear' } });
    expect(byRef.get('mon-doc')).toMatchObject({ previous: { outcome: 'block' }, new: { outcome: 'clear' } });
  });

  test('a subject whose stored input was erased is skipped and counted', async () => {
    const erased = await request(t.app.server).post('/v1/subjects/erasure').set(bearer(t.keys.admin)).send({ externalRef: 'mon-plain' });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    await loadTestList(t.database.db, SOURCE, [pak, kim]);
    const run = await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 4));
    expect(run).toMatchObject({ total: 4, skipped: 1, failed: 0 });
    const skipped = await runDetail(run, '?results=skipped');
    expect(skipped.results.items).toEqual([expect.objectContaining({ externalRef: 'mon-plain', error: expect.stringContaining('erased') })]);
  });
});

describe('a new ruleset version', () => {
  test('screens every monitored subject again in full and reproduces each stored decision exactly', async () => {
    // Histories the evaluation depends on: a changed e-mail (profile change), a shared shipping
    // address (cross-applicant link), a listed passport and a bank account kept only as hashes.
    const address = { kind: 'shipping', line1: '7 Farm Road', city: 'Austin', postalCode: '78701', country: 'US' };
    await screen({ subject: { externalRef: 'mon-churn', name: 'Lee Min', emails: ['lee.min@example.com'] }, monitor: true });
    await screen({ subject: { externalRef: 'mon-churn', name: 'Lee Min', emails: ['min.lee@example.org'], payment: { method: 'bank', bankAccount: 'DE89 3704 0044 0532 0130 00' } }, monitor: true });
    await screen({ subject: { externalRef: 'mon-farm-1', name: 'John Carter', addresses: [address] }, monitor: true });
    await screen({ subject: { externalRef: 'mon-farm-2', name: 'Amy Brooks', addresses: [address] }, monitor: true });
    await screen({ subject: { externalRef: 'mon-farm-1', name: 'John Carter', addresses: [address] }, monitor: true });
    await loadTestList(t.database.db, SOURCE, [pak, kim, passportHolder]);
    await waitForRun(t.app, t.keys.reviewer, listRun(SOURCE, 5));

    const tenantId = (await queryRows<{ id: string }>(t.database, sql`select id from tenants where slug = 'default'`))[0]!.id;
    await t.database.db.transaction((tx) => insertPublishedRuleset(tx, { tenantId, version: 2, thresholds: DEFAULT_THRESHOLDS, combination: DEFAULT_COMBINATION, rules: DEFAULT_RULES, createdBy: 'test' }));
    const run = await waitForRun(t.app, t.keys.reviewer, (candidate) => candidate.trigger.kind === 'ruleset' && candidate.trigger.version === 2);
    const items = await runItems(t.database, run.id);
    expect(run, JSON.stringify(await runDetail(run))).toMatchObject({ total: items.length, changed: 0, failed: 0, skipped: 1 });
    const unchanged = await runDetail(run, '?results=unchanged&limit=1000');
    expect(unchanged.results.items.every((item: { method: string }) => item.method === 'full')).toBe(true);
    expect(unchanged.results.items.map((item: { externalRef: string }) => item.externalRef).sort()).toEqual(
      ['mon-churn', 'mon-doc', 'mon-farm-1', 'mon-farm-2', 'mon-kim', 'mon-pak'].sort(),
    );
  });

  test('the batched lookups of a re-screen answer each subject as its own lookup statement does', async () => {
    const tenantId = (await queryRows<{ id: string }>(t.database, sql`select id from tenants where slug = 'default'`))[0]!.id;
    const subjects = await queryRows<{ id: string; decisionId: string }>(t.database, sql`select id, last_decision_id as "decisionId" from subjects where monitored order by id`);
    expect(subjects.length).toBeGreaterThan(4);
    const previous = await findPreviousScreenings(t.database.db, subjects.map((subject) => subject.decisionId));
    const queries = [];
    for (const subject of subjects) {
      expect(previous.get(subject.decisionId)).toEqual(await findPreviousScreening(t.database.db, subject.decisionId));
      // Each subject's own keys and every other subject's, so the answers hold shared keys too.
      const links = await queryRows<LinkKey>(t.database, sql`select kind, key, field, display from subject_link_keys where decision_id = ${subject.decisionId}`);
      queries.push({
        identifiers: [{ kind: 'passport' as const, normalized: '745310027', source: 'document' as const, field: '/subject/documents/0', display: 'passport (CN)' }],
        links,
        subject: { id: subject.id, previousDecisionId: previous.get(subject.decisionId) },
      });
    }
    const versionIds = (await queryRows<{ id: string }>(t.database, sql`select id from list_versions`)).map((row) => row.id);
    const many = await findScreeningLookupsMany(t.database.db, { tenantId, versionIds, subjects: queries });
    const single = await Promise.all(queries.map((query) => findScreeningLookups(t.database.db, { tenantId, versionIds, ...query })));
    expect(many).toEqual(single);
    expect(single.some((answer) => answer.linkedSubjects.length > 0)).toBe(true);
    expect(single.some((answer) => answer.identifierMatches.length > 0 && answer.previousLinkKeys !== undefined)).toBe(true);

    // Screenings' lookups asked for at once wait for the first two statements and go together;
    // each gets the answer its own statement gives.
    const queue = new ScreeningLookupQueue(t.database.db);
    const queued = await Promise.all(queries.map((query) => queue.find({ tenantId, versionIds, ...query })));
    expect(queued).toEqual(single);
    expect(queue.sent).toEqual({ statements: 3, lookups: queries.length });
  });

  test('a ruleset that weighs name matches differently changes the subjects with name hits', async () => {
    const tenantId = (await queryRows<{ id: string }>(t.database, sql`select id from tenants where slug = 'default'`))[0]!.id;
    const rules = DEFAULT_RULES.map((rule) => (rule.key === 'list-name-match' ? { ...rule, weight: 90, forcesBlock: true } : rule));
    await t.database.db.transaction((tx) => insertPublishedRuleset(tx, { tenantId, version: 3, thresholds: DEFAULT_THRESHOLDS, combination: DEFAULT_COMBINATION, rules, createdBy: 'test' }));
    const run = await waitForRun(t.app, t.keys.reviewer, (candidate) => candidate.trigger.kind === 'ruleset' && candidate.trigger.version === 3);
    const detail = await runDetail(run);
    expect(detail.results.items.map((item: { externalRef: string }) => item.externalRef).sort()).toEqual(['mon-kim', 'mon-pak']);
    expect(detail.results.items.every((item: { new: { outcome: string } }) => item.new.outcome === 'block')).toBe(true);
  });
});
