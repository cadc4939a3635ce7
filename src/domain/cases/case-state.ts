/**
 * The case state machine: which step may follow which, and who may take it. Pure: the service
 * loads the case, asks `transition`, and writes back the new state and the event it returns.
 *
 * Four-eyes: confirming or clearing a case whose outcome is `block` takes two different actors.
 * The first disposition only proposes (`pending_approval`); a second actor's approval closes it.
 */

export const CASE_STATUSES = ['open', 'escalated', 'pending_approval', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const DISPOSITIONS = ['false_positive', 'confirmed_match', 'escalated', 'cleared'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Only review and block decisions open cases; clear decisions open nothing. */
export const CASE_OUTCOMES = ['review', 'block'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const CASE_EVENT_TYPES = ['opened', 'decision_added', 'assigned', 'commented', 'disposition_proposed', 'escalated', 'disposed', 'approved'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** The dispositions that need a second reviewer when the case outcome is `block`. */
// A false positive on a block also clears it (and is remembered for later screenings), so it
// needs the second reviewer as much as `cleared` does.
export const FOUR_EYES_DISPOSITIONS: readonly Disposition[] = ['confirmed_match', 'cleared', 'false_positive'];

export interface CaseState {
  status: CaseStatus;
  outcome: CaseOutcome;
  score: number;
  assignee: string | null;
  disposition: Disposition | null;
  pendingDisposition: Disposition | null;
  /** The actor who proposed `pendingDisposition`; the approver must be someone else. */
  proposedBy: string | null;
  closedAt: string | null;
}

export type CaseAction =
  | { type: 'add_decision'; decisionId: string; outcome: CaseOutcome; score: number }
  | { type: 'assign'; assignee: string | null }
  | { type: 'comment'; text: string }
  | { type: 'dispose'; disposition: Disposition; note: string }
  | { type: 'approve'; note: string };

export interface CaseEventDraft {
  type: CaseEventType;
  data: Record<string, unknown>;
}

export type RefusalReason = 'closed' | 'not_pending' | 'awaiting_approval' | 'already_escalated' | 'same_actor';

export type TransitionResult =
  | { ok: true; state: CaseState; event: CaseEventDraft; closed: boolean }
  | { ok: false; reason: RefusalReason; detail: string };

export interface TransitionContext {
  /** Opaque id of whoever acts (an API key id); four-eyes compares these. */
  actor: string;
  /** UTC ISO-8601, injected. */
  now: string;
}

const OUTCOME_RANK: Record<CaseOutcome, number> = { review: 1, block: 2 };

export function isCaseOutcome(outcome: string): outcome is CaseOutcome {
  return (CASE_OUTCOMES as readonly string[]).includes(outcome);
}

/** Whether closing `outcome` with `disposition` takes a second reviewer. */
export function needsSecondReviewer(outcome: CaseOutcome, disposition: Disposition): boolean {
  return outcome === 'block' && FOUR_EYES_DISPOSITIONS.includes(disposition);
}

/** The state and first event of a case opened by a review or block decision. */
export function openCase(input: { decisionId: string; outcome: CaseOutcome; score: number }): { state: CaseState; event: CaseEventDraft } {
  return {
    state: { status: 'open', outcome: input.outcome, score: input.score, assignee: null, disposition: null, pendingDisposition: null, proposedBy: null, closedAt: null },
    event: { type: 'opened', data: { decisionId: input.decisionId, outcome: input.outcome, score: input.score } },
  };
}

const refuse = (reason: RefusalReason, detail: string): TransitionResult => ({ ok: false, reason, detail });

function closeWith(state: CaseState, disposition: Disposition, now: string): CaseState {
  return { ...state, status: 'closed', disposition, pendingDisposition: null, closedAt: now };
}

export function transition(state: CaseState, action: CaseAction, context: TransitionContext): TransitionResult {
  // A closed case is a finished record: new evidence opens a new case instead.
  if (state.status === 'closed') return refuse('closed', `The case is closed (${state.disposition ?? 'no disposition'}); it cannot be changed`);

  switch (action.type) {
    case 'add_decision': {
      const raised = OUTCOME_RANK[action.outcome] > OUTCOME_RANK[state.outcome];
      const next: CaseState = { ...state, outcome: raised ? action.outcome : state.outcome, score: Math.max(state.score, action.score) };
      // The proposer decided without this evidence, so the proposal goes back to the queue.
      const withdrawn = state.status === 'pending_approval';
      const data: Record<string, unknown> = { decisionId: action.decisionId, outcome: action.outcome, score: action.score, caseOutcome: next.outcome, caseScore: next.score };
      if (withdrawn) {
        data.withdrawnProposal = { disposition: state.pendingDisposition, proposedBy: state.proposedBy };
        return { ok: true, state: { ...next, status: 'open', pendingDisposition: null, proposedBy: null }, event: { type: 'decision_added', data }, closed: false };
      }
      return { ok: true, state: next, event: { type: 'decision_added', data }, closed: false };
    }

    case 'assign':
      return { ok: true, state: { ...state, assignee: action.assignee }, event: { type: 'assigned', data: { assignee: action.assignee, previous: state.assignee } }, closed: false };

    case 'comment':
      return { ok: true, state, event: { type: 'commented', data: { text: action.text } }, closed: false };

    case 'dispose': {
      const { disposition, note } = action;
      if (disposition === 'escalated') {
        if (state.status === 'escalated') return refuse('already_escalated', 'The case is already escalated');
        // Escalating a pending proposal is how a second reviewer who disagrees sends it back.
        const data: Record<string, unknown> = { disposition, note };
        if (state.status === 'pending_approval') data.withdrawnProposal = { disposition: state.pendingDisposition, proposedBy: state.proposedBy };
        return { ok: true, state: { ...state, status: 'escalated', pendingDisposition: null, proposedBy: null }, event: { type: 'escalated', data }, closed: false };
      }
      if (state.status === 'pending_approval') {
        return refuse('awaiting_approval', `The case awaits a second reviewer's approval of "${state.pendingDisposition ?? ''}"; approve it, or escalate to send it back`);
      }
      if (needsSecondReviewer(state.outcome, disposition)) {
        return {
          ok: true,
          state: { ...state, status: 'pending_approval', pendingDisposition: disposition, proposedBy: context.actor },
          event: { type: 'disposition_proposed', data: { disposition, note, needsApproval: true } },
          closed: false,
        };
      }
      return { ok: true, state: closeWith(state, disposition, context.now), event: { type: 'disposed', data: { disposition, note } }, closed: true };
    }

    case 'approve': {
      if (state.status !== 'pending_approval' || state.pendingDisposition === null) {
        return refuse('not_pending', `Only a case pending approval can be approved; this one is ${state.status}`);
      }
      if (state.proposedBy === context.actor) {
        return refuse('same_actor', 'Four-eyes: the disposition must be approved by a different reviewer than the one who proposed it');
      }
      const disposition = state.pendingDisposition;
      return {
        ok: true,
        state: closeWith(state, disposition, context.now),
        event: { type: 'approved', data: { disposition, note: action.note, proposedBy: state.proposedBy } },
        closed: true,
      };
    }
  }
}
