/** A case's timeline: its steps in order, and what changed between two decisions of the subject. */
import type { CaseDecision, CaseEvent } from './api-types.js';
import { el, when } from './dom.js';

function eventText(event: CaseEvent): string {
  const data = event.data as Record<string, string | number | boolean | null | undefined>;
  switch (event.type) {
    case 'opened':
      return `opened by a ${data.outcome} decision (score ${data.score})`;
    case 'decision_added':
      return `a ${data.outcome} decision joined (score ${data.score})${data.withdrawnProposal ? '; the pending proposal was withdrawn' : ''}`;
    case 'assigned':
      return data.assignee ? `assigned to ${data.assignee}` : 'unassigned';
    case 'commented':
      return 'commented';
    case 'disposition_proposed':
      return `proposed ${data.disposition} (needs a second person)`;
    case 'escalated':
      return `escalated${data.withdrawnProposal ? '; the pending proposal was withdrawn' : ''}`;
    case 'disposed':
      return `closed as ${data.disposition}`;
    case 'approved':
      return `approved ${data.disposition} and closed the case`;
    case 'reopen_proposed':
      return 'proposed reopening the case (needs a second person)';
    case 'reopened':
      return `reopened the case${data.proposedBy ? ' (approved the proposal)' : ''}${data.withdrawnFalsePositives ? `; ${data.withdrawnFalsePositives} remembered false positive(s) withdrawn` : ''}`;
    case 'reopen_declined':
      return 'declined the reopening; the case stays closed';
    default:
      return event.type;
  }
}

/** What changed from one decision of the subject to the next: score and the rules that fired. */
export function changeText(before: CaseDecision, after: CaseDecision): string {
  const rules = (decision: CaseDecision) => new Set(decision.hits.map((hit) => hit.ruleId));
  const [was, now] = [rules(before), rules(after)];
  const added = [...now].filter((rule) => !was.has(rule));
  const gone = [...was].filter((rule) => !now.has(rule));
  const parts = [`score ${before.score} → ${after.score}`];
  if (before.outcome !== after.outcome) parts.push(`${before.outcome} → ${after.outcome}`);
  if (added.length > 0) parts.push(`new: ${added.join(', ')}`);
  if (gone.length > 0) parts.push(`gone: ${gone.join(', ')}`);
  if (after.rulesetVersion !== before.rulesetVersion) parts.push(`ruleset v${before.rulesetVersion} → v${after.rulesetVersion}`);
  return `Changed since the previous decision: ${parts.join('; ')}`;
}

export function timeline(events: CaseEvent[], decisions: CaseDecision[]): HTMLElement {
  const byId = new Map(decisions.map((decision, index) => [decision.id, { decision, before: decisions[index - 1] }]));
  return el(
    'ol',
    { class: 'timeline', 'data-testid': 'events' },
    events.map((event) => {
      const who = event.actor.owner ?? event.actor.label ?? event.actor.id;
      const text = event.data.text ?? event.data.note;
      const decided = typeof event.data.decisionId === 'string' ? byId.get(event.data.decisionId) : undefined;
      const kind = decided ? 'decision' : event.type === 'disposed' || event.type === 'approved' ? 'closing' : 'step';
      return el('li', { class: `kind-${kind}`, 'data-testid': 'timeline-item' }, [
        el('span', { class: 'muted', text: `${when(event.createdAt)} · ${who}: ` }),
        el('span', { text: eventText(event) }),
        decided?.before ? el('div', { class: 'muted', 'data-testid': 'decision-change', text: changeText(decided.before, decided.decision) }) : null,
        typeof text === 'string' && text ? el('pre', { class: 'note', text }) : null,
      ]);
    }),
  );
}
