/**
 * The case state machine: which step may follow which, and who may take it. Pure: the service
 * loads the case, asks `transition`, and writes back the new state and the event it returns.
 *
 * Four-eyes: confirming or clearing a case whose outcome is `block`, clearing (`false_positive`,
 * `cleared`) any case whose decisions hold a list hit, and reopening such a case take two people.
 * The first step only proposes (`pending_approval`); another person's approval carries it out.
 * Who counts as another person (owner and key lineage, domain/auth/key-lineage.ts) is worked out
 * by the service and handed in with the approval.
 */
import type { SecondPersonRefusal } from '../auth/key-lineage.js';


export const CASE_STATUSES = ['open', 'escalated', 'pending_approval', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const DISPOSITIONS = ['false_positive', 'confirmed_match', 'escalated', 'cleared'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Only review and block decisions open cases; clear decisions open nothing. */
export const CASE_OUTCOMES = ['review', 'block'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const CASE_EVENT_TYPES = [
  'opened',
  'decision_added',
  'assigned',
  'commented',
  'disposition_proposed',
  'escalated',
  'disposed',
  'approved',
  'reopen_proposed',
  'reopened',
  'reopen_declined',
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** The dispositions that need a second reviewer when the case outcome is `block`. */
// A false positive on a block also clears it (and is remembered for later screenings), so it
// needs the second reviewer as much as `cleared` does.
export const FOUR_EYES_DISPOSITIONS: readonly Disposition[] = ['confirmed_match', 'cleared', 'false_positive'];

/** The dispositions that need a second reviewer on any case whose decisions hold a list hit. */
export const CLEARING_DISPOSITIONS: readonly Disposition[] = ['cleared', 'false_positive'];

/** What a proposal waiting for approval would do: close with a disposition, or reopen a closed case. */
export type PendingStep = Disposition | 'reopen';

export interface CaseState {
  status: CaseStatus;
  outcome: CaseOutcome;
  score: number;
  assignee: string | null;
  disposition: Disposition | null;
  pendingDisposition: PendingStep | null;
  /** The actor who proposed `pendingDisposition`; the approver must be someone else. */
  proposedBy: string | null;
  closedAt: string | null;
}

export type CaseAction =
  | { type: 'add_decision'; decisionId: string; outcome: CaseOutcome; score: number }
  | { type: 'assign'; assignee: string | null }
  | { type: 'comment'; text: string }
  | { type: 'dispose'; disposition: Disposition; note: string }
  | { type: 'approve'; note: string }
  | { type: 'reopen'; note: string };

export interface CaseEventDraft {
  type: CaseEventType;
  data: Record<string, unknown>;
}

export type RefusalReason = 'closed' | 'not_closed' | 'not_pending' | 'awaiting_approval' | 'already_escalated' | SecondPersonRefusal['rule'];

export type TransitionResult =
  | { ok: true; state: CaseState; event: CaseEventDraft; closed: boolean }
  | { ok: false; reason: RefusalReason; detail: string };

export interface TransitionContext {
  /** Opaque id of whoever acts (an API key id). */
  actor: string;
  /** UTC ISO-8601, injected. */
  now: string;
  /** The case's decisions hold a list hit (a name match or an identifier): clearing or reopening needs approval. */
  listHit?: boolean;
  /** For an approval: why the approver is not a second person (same owner, key lineage), if they are not. */
  secondPerson?: SecondPersonRefusal;
}

const OUTCOME_RANK: Record<CaseOutcome, number> = { review: 1, block: 2 };

export function isCaseOutcome(outcome: string): outcome is CaseOutcome {
  return (CASE_OUTCOMES as readonly string[]).includes(outcome);
}

/** Whether closing `outcome` with `disposition` takes a second reviewer. */
export function needsSecondReviewer(outcome: CaseOutcome, disposition: Disposition, listHit = false): boolean {
  return (outcome === 'block' && FOUR_EYES_DISPOSITIONS.includes(disposition)) || (listHit && CLEARING_DISPOSITIONS.includes(disposition));
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

function reopened(state: CaseState): CaseState {
  return { ...state, status: 'open', disposition: null, pendingDisposition: null, proposedBy: null, closedAt: null };
}

/** A closed case only takes a reopening; it is otherwise a finished record (new evidence opens a new case). */
function transitionClosed(state: CaseState, action: CaseAction, context: TransitionContext): TransitionResult {
  if (action.type !== 'reopen') return refuse('closed', `The case is closed (${state.disposition ?? 'no disposition'}); it cannot be changed`);
  if (context.listHit) {
    return {
      ok: true,
      // Still closed in substance: the disposition and closing time stay until someone else approves.
      state: { ...state, status: 'pending_approval', pendingDisposition: 'reopen', proposedBy: context.actor },
      event: { type: 'reopen_proposed', data: { note: action.note, disposition: state.disposition, needsApproval: true } },
      closed: false,
    };
  }
  return { ok: true, state: reopened(state), event: { type: 'reopened', data: { note: action.note, disposition: state.disposition } }, closed: false };
}

/** Who may approve: another key, held by another person not related to the proposer by key lineage. */
function approverRefusal(state: CaseState, context: TransitionContext): TransitionResult | undefined {
  if (state.proposedBy === context.actor) {
    return refuse('same_owner', 'Four-eyes (same owner): the proposal must be approved by a different reviewer than the one who proposed it');
  }
  if (context.secondPerson) return refuse(context.secondPerson.rule, context.secondPerson.detail);
  return undefined;
}

export function transition(state: CaseState, action: CaseAction, context: TransitionContext): TransitionResult {
  if (state.status === 'closed') return transitionClosed(state, action, context);
  if (action.type === 'reopen') return refuse('not_closed', `Only a closed case can be reopened; this one is ${state.status}`);
  const reopening = state.pendingDisposition === 'reopen';

  switch (action.type) {
    case 'add_decision': {
      const raised = OUTCOME_RANK[action.outcome] > OUTCOME_RANK[state.outcome];
      const next: CaseState = { ...state, outcome: raised ? action.outcome : state.outcome, score: Math.max(state.score, action.score) };
      // The proposer decided without this evidence, so the proposal goes back to the queue.
      const withdrawn = state.status === 'pending_approval';
      const data: Record<string, unknown> = { decisionId: action.decisionId, outcome: action.outcome, score: action.score, caseOutcome: next.outcome, caseScore: next.score };
      if (withdrawn) {
        data.withdrawnProposal = { disposition: state.pendingDisposition, proposedBy: state.proposedBy };
        // New evidence on a case waiting to be reopened opens it, as it would have opened a new case.
        const open = reopening ? reopened(next) : { ...next, status: 'open' as const, pendingDisposition: null, proposedBy: null };
        return { ok: true, state: open, event: { type: 'decision_added', data }, closed: false };
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
        // Declining a reopening leaves the case closed as it was.
        if (reopening) {
          const data = { note, withdrawnProposal: { disposition: 'reopen', proposedBy: state.proposedBy } };
          return { ok: true, state: { ...state, status: 'closed', pendingDisposition: null, proposedBy: null }, event: { type: 'reopen_declined', data }, closed: false };
        }
        // Escalating a pending proposal is how a second reviewer who disagrees sends it back.
        const data: Record<string, unknown> = { disposition, note };
        if (state.status === 'pending_approval') data.withdrawnProposal = { disposition: state.pendingDisposition, proposedBy: state.proposedBy };
        return { ok: true, state: { ...state, status: 'escalated', pendingDisposition: null, proposedBy: null }, event: { type: 'escalated', data }, closed: false };
      }
      if (state.status === 'pending_approval') {
        return refuse('awaiting_approval', `The case awaits a second reviewer's approval of "${state.pendingDisposition ?? ''}"; approve it, or escalate to send it back`);
      }
      if (needsSecondReviewer(state.outcome, disposition, context.listHit)) {
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
      const refused = approverRefusal(state, context);
      if (refused) return refused;
      const disposition = state.pendingDisposition;
      if (disposition === 'reopen') {
        return { ok: true, state: reopened(state), event: { type: 'reopened', data: { note: action.note, disposition: state.disposition, proposedBy: state.proposedBy } }, closed: false };
      }
      return {
        ok: true,
        state: closeWith(state, disposition, context.now),
        event: { type: 'approved', data: { disposition, note: action.note, proposedBy: state.proposedBy } },
        closed: true,
      };
    }
  }
}
