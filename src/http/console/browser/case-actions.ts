/**
 * The forms acting on a case: assign, comment, dispose, approve as the second person, reopen.
 * Each posts one step and hands the updated case to `done` (which says so and reloads the page).
 */
import { sameOwner, session } from './api.js';
import type { CaseSummary } from './api-types.js';
import { el, words, type Child } from './dom.js';

const DISPOSITIONS = ['false_positive', 'confirmed_match', 'cleared', 'escalated'] as const;

type Fail = (error: unknown) => void;
/** Posts `body` to the case's `path` and says `done(case)` once it is in. */
export type Step = (path: string, body: unknown, done: (result: CaseSummary) => string) => Promise<void>;

/** Whether the signed-in person made the pending proposal (this key, or another key of the same owner). */
function ownProposal(item: CaseSummary): boolean {
  const me = session.me;
  if (!me || !item.proposedBy) return false;
  return item.proposedBy === `api-key:${me.id}` || sameOwner(item.proposedByOwner, me.owner);
}

export const stateText = (c: CaseSummary) => `${words(c.status)}${c.disposition ? ` (${c.disposition})` : ''}`;

/** A form whose submit button is disabled while its request runs. */
export function actionPanel(title: string, testId: string, controls: Child[], label: string, onSubmit: () => Promise<void>, fail: Fail) {
  const button = el('button', { type: 'submit', 'data-testid': `${testId}-submit`, text: label });
  const form = el('form', { class: 'panel', 'data-testid': testId }, [el('strong', { text: title }), ...controls, button]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      await onSubmit();
    } catch (error) {
      fail(error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export function labelled(text: string, control: HTMLElement) {
  return el('label', { class: 'stack' }, [el('span', { text }), control]);
}

function reopenPanel(step: Step, fail: Fail) {
  const why = el('textarea', { maxlength: 4000, 'data-testid': 'reopen-note', required: true });
  return el('div', { class: 'actions' }, [
    actionPanel(
      'Reopen the case',
      'reopen',
      [el('span', { class: 'muted', text: 'A case with a list hit is only proposed for reopening: another person must approve.' }), labelled('Why reopen', why)],
      'Reopen',
      () => step('/reopen', { note: why.value }, (c) => (c.status === 'pending_approval' ? 'Reopening proposed; another person must approve.' : 'The case is open again.')),
      fail,
    ),
  ]);
}

function approvePanel(item: CaseSummary, step: Step, fail: Fail) {
  const note = el('textarea', { maxlength: 4000, 'data-testid': 'approve-note' });
  const own = ownProposal(item);
  const controls = [
    el('span', { class: 'muted', 'data-testid': 'proposed-by', text: `Proposed by ${item.proposedByOwner ?? item.proposedBy}${own ? ' (you): another person must approve it.' : ''}` }),
    labelled('Approval note', note),
  ];
  const panel = actionPanel(`Approve as second person: ${words(String(item.pendingDisposition))}`, 'approve', controls, 'Approve', () => step('/approve', { note: note.value }, (c) => `Approved: the case is ${stateText(c)}.`), fail);
  if (own) {
    const button = panel.querySelector<HTMLButtonElement>('[data-testid=approve-submit]')!;
    button.disabled = true;
    button.title = 'You proposed this; four-eyes needs another person';
    note.disabled = true;
  }
  return panel;
}

/** The tenant's key owners to assign to; a current assignee who is no longer one stays selectable. */
function assigneeSelect(item: CaseSummary, workers: string[]) {
  const owners = item.assignee && !workers.includes(item.assignee) ? [item.assignee, ...workers] : workers;
  const options = [el('option', { value: '', text: '— nobody —' }), ...owners.map((owner) => el('option', { value: owner, text: owner + (sameOwner(owner, session.me?.owner) ? ' (you)' : '') }))];
  const control = el('select', { 'data-testid': 'assignee-select' }, options);
  control.value = item.assignee ?? '';
  return control;
}

function assignPanel(item: CaseSummary, workers: string[], step: Step, fail: Fail) {
  const assignee = assigneeSelect(item, workers);
  return actionPanel('Assign', 'assign', [labelled('Assign to', assignee)], 'Save', () => step('/assign', { assignee: assignee.value || null }, (c) => (c.assignee ? `Assigned to ${c.assignee}.` : 'Unassigned.')), fail);
}

function commentPanel(step: Step, fail: Fail) {
  const comment = el('textarea', { maxlength: 4000, 'data-testid': 'comment-text' });
  return actionPanel('Comment', 'comment', [labelled('Comment', comment)], 'Add comment', () => step('/comments', { text: comment.value }, () => 'Comment added.'), fail);
}

function dispositionPanel(item: CaseSummary, step: Step, fail: Fail) {
  const disposition = el('select', { 'data-testid': 'disposition-select' }, DISPOSITIONS.map((value) => el('option', { value, text: words(value) })));
  const note = el('textarea', { maxlength: 4000, 'data-testid': 'disposition-note', required: true });
  const hint =
    item.pendingDisposition === 'reopen'
      ? 'Escalated declines the reopening.'
      : 'Four-eyes: clearing (false positive, cleared) a case with a list hit, and confirming or clearing a block case, need a second person.';
  return actionPanel(
    'Disposition',
    'dispose',
    [labelled('Disposition', disposition), el('span', { class: 'muted', text: hint }), labelled('Disposition note', note)],
    'Dispose',
    () =>
      step('/disposition', { disposition: disposition.value, note: note.value }, (c) =>
        c.status === 'pending_approval' ? `Proposed ${c.pendingDisposition}; another person must approve.` : `The case is now ${stateText(c)}.`,
      ),
    fail,
  );
}

/** What can be done with the case in its state: a closed case can only be reopened. */
export function caseActions(item: CaseSummary, workers: string[], step: Step, fail: Fail): HTMLElement {
  if (item.status === 'closed') return reopenPanel(step, fail);
  const panels = [assignPanel(item, workers, step, fail), commentPanel(step, fail)];
  if (item.status === 'pending_approval') panels.push(approvePanel(item, step, fail));
  panels.push(dispositionPanel(item, step, fail));
  return el('div', { class: 'actions' }, panels);
}
