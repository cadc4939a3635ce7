import { describe, expect, test } from 'vitest';
import {
  CASE_OUTCOMES,
  CASE_STATUSES,
  needsSecondReviewer,
  openCase,
  transition,
  type CaseAction,
  type CaseOutcome,
  type CaseState,
  type CaseStatus,
} from '../../src/domain/cases/case-state.js';

const NOW = '2026-11-25T12:00:00.000Z';
const PROPOSER = 'api-key:alice';
const OTHER = 'api-key:bob';

const ACTIONS: Record<string, { action: CaseAction; actor: string }> = {
  'add a review decision': { action: { type: 'add_decision', decisionId: 'd-2', outcome: 'review', score: 45 }, actor: 'system:screening' },
  'add a block decision': { action: { type: 'add_decision', decisionId: 'd-3', outcome: 'block', score: 90 }, actor: 'system:screening' },
  assign: { action: { type: 'assign', assignee: 'analyst.kim' }, actor: OTHER },
  unassign: { action: { type: 'assign', assignee: null }, actor: OTHER },
  comment: { action: { type: 'comment', text: 'looked at it' }, actor: OTHER },
  'dispose false_positive': { action: { type: 'dispose', disposition: 'false_positive', note: 'n' }, actor: OTHER },
  'dispose confirmed_match': { action: { type: 'dispose', disposition: 'confirmed_match', note: 'n' }, actor: OTHER },
  'dispose cleared': { action: { type: 'dispose', disposition: 'cleared', note: 'n' }, actor: OTHER },
  'dispose escalated': { action: { type: 'dispose', disposition: 'escalated', note: 'n' }, actor: OTHER },
  'approve (another actor)': { action: { type: 'approve', note: '' }, actor: OTHER },
  'approve (the proposer)': { action: { type: 'approve', note: '' }, actor: PROPOSER },
  reopen: { action: { type: 'reopen', note: 'n' }, actor: OTHER },
};
type ActionName = keyof typeof ACTIONS;

function stateIn(status: CaseStatus, outcome: CaseOutcome): CaseState {
  const base: CaseState = { status, outcome, score: outcome === 'block' ? 85 : 55, assignee: 'analyst.lee', disposition: null, pendingDisposition: null, proposedBy: null, closedAt: null };
  if (status === 'pending_approval') return { ...base, pendingDisposition: 'confirmed_match', proposedBy: PROPOSER };
  if (status === 'closed') return { ...base, disposition: 'false_positive', closedAt: '2026-11-20T00:00:00.000Z' };
  return base;
}

/** [from status, case outcome, action, resulting status or "409 <reason>", event type]. */
type Row = [CaseStatus, CaseOutcome, ActionName, string, string?];

const WORKABLE: Row[] = [
  ['open', 'review', 'add a review decision', 'open', 'decision_added'],
  ['open', 'review', 'add a block decision', 'open', 'decision_added'],
  ['open', 'review', 'assign', 'open', 'assigned'],
  ['open', 'review', 'unassign', 'open', 'assigned'],
  ['open', 'review', 'comment', 'open', 'commented'],
  ['open', 'review', 'dispose false_positive', 'closed', 'disposed'],
  ['open', 'review', 'dispose confirmed_match', 'closed', 'disposed'],
  ['open', 'review', 'dispose cleared', 'closed', 'disposed'],
  ['open', 'review', 'dispose escalated', 'escalated', 'escalated'],
  ['open', 'review', 'approve (another actor)', '409 not_pending'],
  ['open', 'review', 'approve (the proposer)', '409 not_pending'],

  ['open', 'block', 'add a review decision', 'open', 'decision_added'],
  ['open', 'block', 'add a block decision', 'open', 'decision_added'],
  ['open', 'block', 'assign', 'open', 'assigned'],
  ['open', 'block', 'unassign', 'open', 'assigned'],
  ['open', 'block', 'comment', 'open', 'commented'],
  ['open', 'block', 'dispose false_positive', 'pending_approval', 'disposition_proposed'],
  ['open', 'block', 'dispose confirmed_match', 'pending_approval', 'disposition_proposed'],
  ['open', 'block', 'dispose cleared', 'pending_approval', 'disposition_proposed'],
  ['open', 'block', 'dispose escalated', 'escalated', 'escalated'],
  ['open', 'block', 'approve (another actor)', '409 not_pending'],
  ['open', 'block', 'approve (the proposer)', '409 not_pending'],

  ['escalated', 'review', 'add a review decision', 'escalated', 'decision_added'],
  ['escalated', 'review', 'add a block decision', 'escalated', 'decision_added'],
  ['escalated', 'review', 'assign', 'escalated', 'assigned'],
  ['escalated', 'review', 'unassign', 'escalated', 'assigned'],
  ['escalated', 'review', 'comment', 'escalated', 'commented'],
  ['escalated', 'review', 'dispose false_positive', 'closed', 'disposed'],
  ['escalated', 'review', 'dispose confirmed_match', 'closed', 'disposed'],
  ['escalated', 'review', 'dispose cleared', 'closed', 'disposed'],
  ['escalated', 'review', 'dispose escalated', '409 already_escalated'],
  ['escalated', 'review', 'approve (another actor)', '409 not_pending'],
  ['escalated', 'review', 'approve (the proposer)', '409 not_pending'],

  ['escalated', 'block', 'add a review decision', 'escalated', 'decision_added'],
  ['escalated', 'block', 'add a block decision', 'escalated', 'decision_added'],
  ['escalated', 'block', 'assign', 'escalated', 'assigned'],
  ['escalated', 'block', 'unassign', 'escalated', 'assigned'],
  ['escalated', 'block', 'comment', 'escalated', 'commented'],
  ['escalated', 'block', 'dispose false_positive', 'pending_approval', 'disposition_proposed'],
  ['escalated', 'block', 'dispose confirmed_match', 'pending_approval', 'disposition_proposed'],
  ['escalated', 'block', 'dispose cleared', 'pending_approval', 'disposition_proposed'],
  ['escalated', 'block', 'dispose escalated', '409 already_escalated'],
  ['escalated', 'block', 'approve (another actor)', '409 not_pending'],
  ['escalated', 'block', 'approve (the proposer)', '409 not_pending'],

  // Only block cases reach pending_approval.
  ['pending_approval', 'block', 'add a review decision', 'open', 'decision_added'],
  ['pending_approval', 'block', 'add a block decision', 'open', 'decision_added'],
  ['pending_approval', 'block', 'assign', 'pending_approval', 'assigned'],
  ['pending_approval', 'block', 'unassign', 'pending_approval', 'assigned'],
  ['pending_approval', 'block', 'comment', 'pending_approval', 'commented'],
  ['pending_approval', 'block', 'dispose false_positive', '409 awaiting_approval'],
  ['pending_approval', 'block', 'dispose confirmed_match', '409 awaiting_approval'],
  ['pending_approval', 'block', 'dispose cleared', '409 awaiting_approval'],
  ['pending_approval', 'block', 'dispose escalated', 'escalated', 'escalated'],
  ['pending_approval', 'block', 'approve (another actor)', 'closed', 'approved'],
  ['pending_approval', 'block', 'approve (the proposer)', '409 same_owner'],
];

/** Only a closed case can be reopened. */
const REOPEN_NOT_CLOSED: Row[] = (['open', 'escalated', 'pending_approval'] as const).flatMap((status) =>
  (status === 'pending_approval' ? (['block'] as const) : CASE_OUTCOMES).map((outcome): Row => [status, outcome, 'reopen', '409 not_closed']),
);
/** A closed case takes nothing but a reopening (without a list hit: at once). */
const CLOSED: Row[] = CASE_OUTCOMES.flatMap((outcome) =>
  (Object.keys(ACTIONS) as ActionName[]).map((name): Row => (name === 'reopen' ? ['closed', outcome, name, 'open', 'reopened'] : ['closed', outcome, name, '409 closed'])),
);
const TABLE = [...WORKABLE, ...REOPEN_NOT_CLOSED, ...CLOSED];

describe('the case state machine', () => {
  test('the table covers every status, outcome and action', () => {
    const covered = new Set(TABLE.map(([from, outcome, action]) => `${from}/${outcome}/${action}`));
    for (const status of CASE_STATUSES) {
      for (const outcome of status === 'pending_approval' ? (['block'] as const) : CASE_OUTCOMES) {
        for (const action of Object.keys(ACTIONS)) expect(covered.has(`${status}/${outcome}/${action}`), `${status}/${outcome}/${action}`).toBe(true);
      }
    }
    expect(covered.size).toBe(TABLE.length);
  });

  test.each(TABLE)('%s %s case: %s → %s', (from, outcome, actionName, expected, eventType) => {
    const { action, actor } = ACTIONS[actionName]!;
    const before = stateIn(from, outcome);
    const result = transition(before, action, { actor, now: NOW });
    if (expected.startsWith('409 ')) {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toBe(expected.slice(4));
        expect(result.detail.length).toBeGreaterThan(10);
      }
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state.status).toBe(expected);
    expect(result.event.type).toBe(eventType);
    expect(result.closed).toBe(expected === 'closed');
    if (expected === 'closed') {
      expect(result.state.closedAt).toBe(NOW);
      expect(result.state.disposition).not.toBeNull();
      expect(result.state.pendingDisposition).toBeNull();
    } else {
      expect(result.state.closedAt).toBeNull();
      expect(result.state.disposition).toBeNull();
    }
    if (expected === 'pending_approval' && action.type === 'dispose') {
      expect(result.state).toMatchObject({ pendingDisposition: action.disposition, proposedBy: actor });
    }
  });
});

describe('details of the transitions', () => {
  test('a decision that joins raises the outcome and score, never lowers them', () => {
    const raised = transition(stateIn('open', 'review'), ACTIONS['add a block decision']!.action, { actor: 'system:screening', now: NOW });
    expect(raised.ok && raised.state).toMatchObject({ outcome: 'block', score: 90 });
    const kept = transition(stateIn('open', 'block'), { type: 'add_decision', decisionId: 'd', outcome: 'review', score: 41 }, { actor: 'system:screening', now: NOW });
    expect(kept.ok && kept.state).toMatchObject({ outcome: 'block', score: 85 });
  });

  test('a decision joining a pending case withdraws the proposal and says so', () => {
    const result = transition(stateIn('pending_approval', 'block'), ACTIONS['add a review decision']!.action, { actor: 'system:screening', now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.state).toMatchObject({ status: 'open', pendingDisposition: null, proposedBy: null });
    expect(result.event.data.withdrawnProposal).toEqual({ disposition: 'confirmed_match', proposedBy: PROPOSER });
  });

  test('approval closes with the proposed disposition and names the proposer', () => {
    const result = transition(stateIn('pending_approval', 'block'), { type: 'approve', note: 'agreed' }, { actor: OTHER, now: NOW });
    expect(result.ok && result.state).toMatchObject({ status: 'closed', disposition: 'confirmed_match', closedAt: NOW });
    expect(result.ok && result.event.data).toMatchObject({ disposition: 'confirmed_match', note: 'agreed', proposedBy: PROPOSER });
  });

  test('the same actor approving is refused with a four-eyes explanation', () => {
    const result = transition(stateIn('pending_approval', 'block'), { type: 'approve', note: '' }, { actor: PROPOSER, now: NOW });
    expect(result).toMatchObject({ ok: false, reason: 'same_owner', detail: expect.stringMatching(/four-eyes.*different reviewer/i) });
  });

  test('a new case is open, unassigned and carries its first decision', () => {
    const opened = openCase({ decisionId: 'd-1', outcome: 'review', score: 55 });
    expect(opened.state).toEqual({ status: 'open', outcome: 'review', score: 55, assignee: null, disposition: null, pendingDisposition: null, proposedBy: null, closedAt: null });
    expect(opened.event).toEqual({ type: 'opened', data: { decisionId: 'd-1', outcome: 'review', score: 55 } });
  });

  test.each([
    ['review', 'false_positive', true, true],
    ['review', 'cleared', true, true],
    ['review', 'confirmed_match', true, false],
    ['review', 'escalated', true, false],
    ['review', 'false_positive', false, false],
    ['block', 'confirmed_match', false, true],
  ] as const)('a %s case disposed %s, list hit %s, needs a second reviewer: %s', (outcome, disposition, listHit, expected) => {
    expect(needsSecondReviewer(outcome, disposition, listHit)).toBe(expected);
  });

  test.each([
    ['block', 'confirmed_match', true],
    ['block', 'cleared', true],
    ['block', 'false_positive', true],
    ['block', 'escalated', false],
    ['review', 'confirmed_match', false],
    ['review', 'cleared', false],
  ] as const)('a %s case disposed %s needs a second reviewer: %s', (outcome, disposition, expected) => {
    expect(needsSecondReviewer(outcome, disposition)).toBe(expected);
  });
});

describe('four-eyes whenever a list is involved', () => {
  const withList = { now: NOW, listHit: true };

  test.each(['false_positive', 'cleared'] as const)('%s on a review case holding a list hit only proposes', (disposition) => {
    const result = transition(stateIn('open', 'review'), { type: 'dispose', disposition, note: 'n' }, { ...withList, actor: PROPOSER });
    expect(result).toMatchObject({ ok: true, closed: false, state: { status: 'pending_approval', pendingDisposition: disposition, proposedBy: PROPOSER }, event: { type: 'disposition_proposed' } });
  });

  test('confirming a match on a review case holding a list hit closes it at once (the strict direction)', () => {
    const result = transition(stateIn('open', 'review'), { type: 'dispose', disposition: 'confirmed_match', note: 'n' }, { ...withList, actor: PROPOSER });
    expect(result).toMatchObject({ ok: true, closed: true, state: { status: 'closed', disposition: 'confirmed_match' } });
  });

  test('reopening a closed case holding a list hit only proposes: the case keeps its disposition until approved', () => {
    const result = transition(stateIn('closed', 'review'), { type: 'reopen', note: 'n' }, { ...withList, actor: PROPOSER });
    expect(result).toMatchObject({
      ok: true,
      closed: false,
      state: { status: 'pending_approval', pendingDisposition: 'reopen', proposedBy: PROPOSER, disposition: 'false_positive', closedAt: '2026-11-20T00:00:00.000Z' },
      event: { type: 'reopen_proposed', data: { disposition: 'false_positive', needsApproval: true } },
    });
  });

  const pendingReopen: CaseState = { ...stateIn('closed', 'review'), status: 'pending_approval', pendingDisposition: 'reopen', proposedBy: PROPOSER };
  type ReopenRow = [string, CaseAction, string, string | undefined, string | undefined];
  test.each<ReopenRow>([
    ['another person approves: the case is open again', { type: 'approve', note: '' }, OTHER, 'open', 'reopened'],
    ['the proposer approves', { type: 'approve', note: '' }, PROPOSER, '409 same_owner', undefined],
    ['escalated declines it: the case stays closed as it was', { type: 'dispose', disposition: 'escalated', note: 'no' }, OTHER, 'closed', 'reopen_declined'],
    ['a disposition while it waits', { type: 'dispose', disposition: 'false_positive', note: 'n' }, OTHER, '409 awaiting_approval', undefined],
    ['new evidence opens the case', { type: 'add_decision', decisionId: 'd-9', outcome: 'review', score: 50 }, 'system:screening', 'open', 'decision_added'],
    ['a comment', { type: 'comment', text: 'c' }, OTHER, 'pending_approval', 'commented'],
  ])('a proposed reopening: %s', (_label, action, actor, expected, eventType) => {
    const result = transition(pendingReopen, action, { actor, now: NOW, listHit: true });
    if (expected?.startsWith('409 ')) {
      expect(result).toMatchObject({ ok: false, reason: expected.slice(4) });
      return;
    }
    expect(result).toMatchObject({ ok: true, closed: false, state: { status: expected }, event: { type: eventType } });
    if (!result.ok) return;
    if (expected === 'open') expect(result.state).toMatchObject({ disposition: null, closedAt: null, pendingDisposition: null, proposedBy: null });
    if (expected === 'closed') expect(result.state).toMatchObject({ disposition: 'false_positive', closedAt: '2026-11-20T00:00:00.000Z', pendingDisposition: null, proposedBy: null });
  });

  test('an approver the service found related to the proposer is refused with the rule it broke', () => {
    const secondPerson = { rule: 'key_lineage' as const, detail: 'Four-eyes (key lineage): related' };
    const result = transition(stateIn('pending_approval', 'block'), { type: 'approve', note: '' }, { actor: OTHER, now: NOW, secondPerson });
    expect(result).toEqual({ ok: false, reason: 'key_lineage', detail: 'Four-eyes (key lineage): related' });
  });
});
