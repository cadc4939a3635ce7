import { sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { insertPublishedRuleset } from '../../src/db/repositories/rulesets.repository.js';
import { normalizeDocumentNumber } from '../../src/domain/identifiers/identifier.normalize.js';
import { DEFAULT_RULES } from '../../src/domain/rules/default-ruleset.js';
import { ListIndexHolder } from '../../src/services/list-index.service.js';
import { tamper, tenantIdOf } from '../helpers/audit-decisions.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { bearer, createTestApp, type TestApp } from '../helpers/test-app.js';
import { ActiveRulesets } from '../../src/services/active-ruleset.service.js';

let t: TestApp;
let reviewId: string;
let clearId: string;
let otherTenantId: string;
const lists = new ListIndexHolder();
const rulesets = new ActiveRulesets();

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', [
        listEntry({ sourceId: '1001', name: 'SOK, Sang Man', nationalities: ['KP'] }),
        listEntry({
          sourceId: '1002',
          name: 'PAK, Jin Hyok',
          identifiers: [{ kind: 'passport', value: '836420179', normalized: normalizeDocumentNumber('836420179'), country: 'KP' }],
        }),
      ]);
      await lists.refresh(database.db);
    },
    appDeps: { lists, rulesets },
  });
  const screen = async (key: string, subject: object) => {
    const response = await request(t.app.server).post('/v1/screenings').set(bearer(key)).send({ subject });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; outcome: string };
  };
  const review = await screen(t.keys.screener, { externalRef: 'cand-kim', name: 'Sang Man Sok' });
  expect(review.outcome).toBe('review');
  reviewId = review.id;
  clearId = (await screen(t.keys.screener, { externalRef: 'cand-clear', name: 'Maria Kowalska' })).id;
  otherTenantId = (await screen(t.keys.otherTenantScreener, { name: 'Sang Man Sok' })).id;
});
afterAll(() => t.close());

const replay = (id: string, key = t.keys.auditor) => request(t.app.server).post(`/v1/decisions/${id}/replay`).set(bearer(key));

describe('POST /v1/decisions/{id}/replay', () => {
  test('a decision replays identically: same outcome, score and hits', async () => {
    const response = await replay(reviewId);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ decisionId: reviewId, identical: true, inputDigestMatches: true, rulesetVersion: 1, differences: [] });
    expect(response.body.replayed).toEqual(response.body.original);
    expect(response.body.original).toMatchObject({ outcome: 'review', hits: [expect.objectContaining({ ruleId: 'list-name-match', entry: expect.objectContaining({ sourceId: '1001' }) })] });
    expect((await replay(clearId, t.keys.reviewer)).body).toMatchObject({ identical: true, original: { outcome: 'clear', score: 0, hits: [] } });
  });

  test('identifier and cross-applicant hits replay identically: stored document hashes restored, later applicants not counted', async () => {
    const screen = async (subject: object) => {
      const response = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body as { id: string; hits: { ruleId: string }[] };
    };
    await screen({ externalRef: 'link-a', name: 'Alice Applicant', emails: ['shared@example.com'] });
    const second = await screen({
      externalRef: 'link-b',
      name: 'Bob Other',
      emails: ['shared@example.com'],
      documents: [{ type: 'passport', country: 'KP', number: '836420179' }],
    });
    expect(second.hits.map((hit) => hit.ruleId)).toEqual(expect.arrayContaining(['list-document-match', 'shared-contact']));
    // A third applicant with the same e-mail, after the second: not part of the second's decision.
    await screen({ externalRef: 'link-c', name: 'Carol Third', emails: ['shared@example.com'] });
    const response = await replay(second.id);
    expect(response.body, JSON.stringify(response.body.differences)).toMatchObject({ identical: true, differences: [] });
  });

  test('a newer list version and a newer ruleset do not change the replay: it uses the recorded ones', async () => {
    // SOK is delisted in version 2, and ruleset 2 makes every name hit a block.
    await loadTestList(t.database.db, 'test-watchlist', [listEntry({ sourceId: '1002', name: 'PAK, Jin Hyok' })]);
    expect(await lists.refresh(t.database.db)).toBe(true);
    const tenantId = await tenantIdOf(t.database.db, 'default');
    await insertPublishedRuleset(t.database.db, { tenantId, version: 2, thresholds: { review: 1, block: 2 }, rules: DEFAULT_RULES, createdBy: 'test' });
    // Published behind the service's back: tell this instance, as publishing through the API does.
    rulesets.forget(tenantId);
    const response = await replay(reviewId);
    expect(response.body, JSON.stringify(response.body)).toMatchObject({ identical: true, rulesetVersion: 1, listVersions: [expect.objectContaining({ source: 'test-watchlist', version: 1 })] });
    // While a screening now is clear: SOK is no longer listed.
    const now = await request(t.app.server).post('/v1/screenings').set(bearer(t.keys.screener)).send({ subject: { name: 'Sang Man Sok' } });
    expect(now.body).toMatchObject({ outcome: 'clear', hits: [], rulesetVersion: 2 });
  });

  test('a stored input altered in SQL no longer matches its digest, and the replay says what differs', async () => {
    await tamper(t.database.db, sql`update decisions set input = '{"subject":{"externalRef":"cand-clear","name":"Sang Man Sok"}}'::jsonb where id = ${clearId}`);
    const response = await replay(clearId);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ identical: false, inputDigestMatches: false, original: { outcome: 'clear' }, replayed: { outcome: 'review' } });
    expect(response.body.differences.map((difference: { path: string }) => difference.path)).toEqual(['/inputDigest', '/outcome', '/score', '/hits/0']);
    expect(response.body.differences[3]).toMatchObject({ original: null, replayed: expect.objectContaining({ ruleId: 'list-name-match' }) });
  });

  test('a decision whose input was erased is 409 with a detail saying so', async () => {
    const erased = await request(t.app.server).post('/v1/subjects/erasure').set(bearer(t.keys.admin)).send({ externalRef: 'cand-kim' });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    const response = await replay(reviewId);
    expect(response.status).toBe(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toMatch(/input of this decision was erased on 2026-11-25T12:00:00\.000Z .*cannot be replayed/);
  });

  test("another tenant's decision is 404, an unknown one too", async () => {
    expect((await replay(otherTenantId)).status).toBe(404);
    expect((await replay('0190f2a0-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await replay(otherTenantId, t.keys.otherTenantAdmin)).status).toBe(200);
  });

  test('a screener may not replay; a malformed id is 400', async () => {
    expect((await replay(clearId, t.keys.screener)).status).toBe(403);
    const malformed = await replay('not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'params:/id' })]);
  });
});
