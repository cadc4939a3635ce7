import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, createReviewerKey, publishNameOnlyRuleset, screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { loadTestList } from '../helpers/list-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createApiKey } from '../../src/services/api-keys.service.js';

let t: TestApp;
let secondReviewer: string;

beforeAll(async () => {
  t = await createTestApp({
    beforeBuild: async (database) => {
      await loadTestList(database.db, 'test-watchlist', WATCHLIST);
      secondReviewer = await createReviewerKey(database.db, 'second reviewer');
    },
  });
});
afterAll(() => t.close());

const first = () => api(t, t.keys.reviewer);
const second = () => api(t, secondReviewer);
const json = (body: unknown) => JSON.stringify(body);

async function decisionView(caseId: string) {
  const view = await first().get(`/v1/cases/${caseId}`);
  const decisionId = (view.body.decisions as { id: string }[]).at(-1)!.id;
  return (await first().get(`/v1/decisions/${decisionId}`)).body as { caseStatus: string; disposition: string | null };
}

let blockCaseId: string;

describe('block cases', () => {
  test('a block decision on a subject with an open review case joins it and raises its outcome and score', async () => {
    const review = await screen(t, { externalRef: 'emp-1', name: 'Sang Man Kim' });
    expect(review.outcome).toBe('review');
    // From here on a strong name match alone is a block.
    await publishNameOnlyRuleset(t.database.db, 2, { review: 30, block: 45 }, t.rulesets);
    const block = await screen(t, { externalRef: 'emp-1', name: 'Sang Man Kim' });
    expect(block.outcome, json(block)).toBe('block');
    expect(block.caseId).toBe(review.caseId);
    const view = await first().get(`/v1/cases/${block.caseId}`);
    expect(view.body).toMatchObject({ outcome: 'block', score: Math.max(review.score, block.score), decisionCount: 2, status: 'open' });
    blockCaseId = block.caseId!;
  });
});

describe('four-eyes on confirming or clearing a block case', () => {
  test('the first reviewer only proposes: the case waits for approval', async () => {
    const response = await first().post(`/v1/cases/${blockCaseId}/disposition`, { disposition: 'confirmed_match', note: 'Same birth date and passport.' });
    expect(response.status, json(response.body)).toBe(200);
    expect(response.body.case).toMatchObject({ status: 'pending_approval', pendingDisposition: 'confirmed_match', disposition: null, proposedBy: expect.stringMatching(/^api-key:/), closedAt: null });
    expect(response.body.event).toMatchObject({ type: 'disposition_proposed', data: { disposition: 'confirmed_match', needsApproval: true } });
    expect(await decisionView(blockCaseId)).toMatchObject({ caseStatus: 'pending_approval', disposition: null });
  });

  test('the same reviewer approving is 409 with a four-eyes explanation, and nothing changes', async () => {
    const response = await first().post(`/v1/cases/${blockCaseId}/approve`, { note: 'self-approval' });
    expect(response.status, json(response.body)).toBe(409);
    expect(response.body.detail).toMatch(/four-eyes/i);
    expect(response.body.detail).toMatch(/different reviewer/);
    expect((await first().get(`/v1/cases/${blockCaseId}`)).body.status).toBe('pending_approval');
  });

  test('another disposition while the proposal waits is 409', async () => {
    const response = await second().post(`/v1/cases/${blockCaseId}/disposition`, { disposition: 'false_positive', note: 'no' });
    expect(response.status, json(response.body)).toBe(409);
    expect(response.body.detail).toMatch(/awaits/);
  });

  test('a different reviewer approves, which closes the case with the proposed disposition', async () => {
    const response = await second().post(`/v1/cases/${blockCaseId}/approve`, { note: 'Agreed.' });
    expect(response.status, json(response.body)).toBe(200);
    expect(response.body.case).toMatchObject({ status: 'closed', disposition: 'confirmed_match', pendingDisposition: null });
    expect(await decisionView(blockCaseId)).toMatchObject({ caseStatus: 'closed', disposition: 'confirmed_match' });

    const events = (await first().get(`/v1/cases/${blockCaseId}/events`)).body.items as { type: string; actor: { id: string; label: string | null } }[];
    expect(events.map((event) => event.type)).toEqual(['opened', 'decision_added', 'disposition_proposed', 'approved']);
    const [proposed, approved] = [events[2]!, events[3]!];
    expect(approved.actor.id).not.toBe(proposed.actor.id);
    expect(approved.actor.label).toBe('second reviewer');
    expect(approved).toMatchObject({ data: { disposition: 'confirmed_match', note: 'Agreed.', proposedBy: proposed.actor.id } });
  });

  test('a new hit on the subject after closing opens a new case', async () => {
    const again = await screen(t, { externalRef: 'emp-1', name: 'Sang Man Kim' });
    expect(again.caseId).not.toBeNull();
    expect(again.caseId).not.toBe(blockCaseId);
    expect(again.caseStatus).toBe('open');
  });

  test('clearing a block case needs approval too; escalating sends the proposal back; an admin key can be the second reviewer', async () => {
    const { caseId } = await screen(t, { externalRef: 'emp-2', name: 'Pak Hwa Song' });
    const proposed = await first().post(`/v1/cases/${caseId}/disposition`, { disposition: 'cleared', note: 'Different person.' });
    expect(proposed.body.case.status).toBe('pending_approval');

    const sentBack = await second().post(`/v1/cases/${caseId}/disposition`, { disposition: 'escalated', note: 'Not convinced; check the birth date.' });
    expect(sentBack.status, json(sentBack.body)).toBe(200);
    expect(sentBack.body.case).toMatchObject({ status: 'escalated', pendingDisposition: null, proposedBy: null });
    expect(sentBack.body.event.data.withdrawnProposal).toMatchObject({ disposition: 'cleared' });

    const again = await first().post(`/v1/cases/${caseId}/disposition`, { disposition: 'cleared', note: 'Birth date checked: 1999, not 1961.' });
    expect(again.body.case.status).toBe('pending_approval');
    const approved = await api(t, t.keys.admin).post(`/v1/cases/${caseId}/approve`, {});
    expect(approved.status, json(approved.body)).toBe(200);
    expect(approved.body.case).toMatchObject({ status: 'closed', disposition: 'cleared' });
  });

  test('escalation keeps a block case workable; a false_positive on a block also needs the second reviewer', async () => {
    const { caseId } = await screen(t, { externalRef: 'emp-3', name: 'Han Chol Jin' });
    const escalated = await first().post(`/v1/cases/${caseId}/disposition`, { disposition: 'escalated', note: 'Ask the sanctions team.' });
    expect(escalated.body.case.status).toBe('escalated');
    const again = await first().post(`/v1/cases/${caseId}/disposition`, { disposition: 'escalated', note: 'twice' });
    expect(again.status).toBe(409);
    const proposed = await second().post(`/v1/cases/${caseId}/disposition`, { disposition: 'false_positive', note: 'Different person.' });
    expect(proposed.body.case).toMatchObject({ status: 'pending_approval' });
    const closed = await first().post(`/v1/cases/${caseId}/approve`, { note: 'Agreed: different birth year.' });
    expect(closed.body.case).toMatchObject({ status: 'closed', disposition: 'false_positive' });
  });
});

describe('reopening a case whose decisions hold a list hit', () => {
  test('one person only proposes; the proposer cannot approve; another person reopens it', async () => {
    const { caseId } = await screen(t, { externalRef: 'emp-4', name: 'Ri Kyong Sik' });
    await first().post(`/v1/cases/${caseId}/disposition`, { disposition: 'confirmed_match', note: 'Same person.' }).expect(200);
    const closed = await second().post(`/v1/cases/${caseId}/approve`, {});
    expect(closed.body.case?.status, json(closed.body)).toBe('closed');

    const proposed = await first().post(`/v1/cases/${caseId}/reopen`, { note: 'The passport was forged; look again.' });
    expect(proposed.status, json(proposed.body)).toBe(200);
    expect(proposed.body.case).toMatchObject({ status: 'pending_approval', pendingDisposition: 'reopen', disposition: 'confirmed_match', proposedByOwner: 'reviewer of default' });
    expect(proposed.body.event).toMatchObject({ type: 'reopen_proposed', actor: { owner: 'reviewer of default' } });

    const self = await first().post(`/v1/cases/${caseId}/approve`, {});
    expect(self.status).toBe(409);
    expect(self.body.type).toBe('https://redflag.dev/problems/four-eyes-same-owner');

    const declined = await second().post(`/v1/cases/${caseId}/disposition`, { disposition: 'escalated', note: 'No new evidence.' });
    expect(declined.body, json(declined.body)).toMatchObject({ case: { status: 'closed', disposition: 'confirmed_match', pendingDisposition: null }, event: { type: 'reopen_declined' } });

    await first().post(`/v1/cases/${caseId}/reopen`, { note: 'New evidence attached.' }).expect(200);
    const reopened = await second().post(`/v1/cases/${caseId}/approve`, { note: 'Agreed.' });
    expect(reopened.body, json(reopened.body)).toMatchObject({ case: { status: 'open', disposition: null, closedAt: null }, event: { type: 'reopened' } });
  });

  test('a case cannot be reopened while its subject has another case in the queue, nor one that is not closed', async () => {
    const { caseId: older } = await screen(t, { externalRef: 'emp-5', name: 'Sang Man Kim' });
    await first().post(`/v1/cases/${older}/disposition`, { disposition: 'confirmed_match', note: 'Same person.' }).expect(200);
    await second().post(`/v1/cases/${older}/approve`, {}).expect(200);
    const { caseId: newer } = await screen(t, { externalRef: 'emp-5', name: 'Sang Man Kim' });
    expect(newer).not.toBe(older);

    const refused = await first().post(`/v1/cases/${older}/reopen`, { note: 'Look again.' });
    expect(refused.status, json(refused.body)).toBe(409);
    expect(refused.body.detail).toContain(newer);
    expect((await first().get(`/v1/cases/${older}`)).body.status).toBe('closed');
    const notClosed = await first().post(`/v1/cases/${newer}/reopen`, { note: 'Look again.' });
    expect(notClosed.status).toBe(409);
    expect(notClosed.body.detail).toMatch(/Only a closed case/);
  });
});

describe('people, not keys', () => {
  test('two keys of one owner are one person: the second cannot approve the first one\'s proposal (409 four-eyes-same-owner)', async () => {
    const sameOwner = (await createApiKey(t.database.db, { tenantSlug: 'default', roles: ['reviewer'], owner: '  Reviewer OF default ' })).key;
    const { caseId } = await screen(t, { externalRef: 'emp-6', name: 'Pak Hwa Song' });
    await first().post(`/v1/cases/${caseId}/disposition`, { disposition: 'cleared', note: 'Different person.' }).expect(200);
    const refused = await api(t, sameOwner).post(`/v1/cases/${caseId}/approve`, {});
    expect(refused.status, json(refused.body)).toBe(409);
    expect(refused.body).toMatchObject({ type: 'https://redflag.dev/problems/four-eyes-same-owner', title: expect.stringMatching(/four-eyes/i) });
    expect((await first().get(`/v1/cases/${caseId}`)).body).toMatchObject({ status: 'pending_approval', proposedByOwner: 'reviewer of default' });
  });
});
