import { api, sameOwner, session } from './api.js';
import type { CaseActionResult, CaseDecision, CaseEvent, CaseEventList, CaseHit, CaseListEntry, CaseSummary, CaseView, CaseWorkerList } from './api-types.js';
import { $, badge, clear, dl, el, say, when, words, type Child } from './dom.js';

const DISPOSITIONS = ['false_positive', 'confirmed_match', 'cleared', 'escalated'] as const;

type Fail = (error: unknown) => void;

/** Whether the signed-in person made the pending proposal (this key, or another key of the same owner). */
function ownProposal(item: CaseSummary): boolean {
  const me = session.me;
  if (!me || !item.proposedBy) return false;
  return item.proposedBy === `api-key:${me.id}` || sameOwner(item.proposedByOwner, me.owner);
}

function field(label: string, value: unknown, testId?: string) {
  return el('div', {}, [el('span', { text: label }), el('span', { 'data-testid': testId, text: value === null || value === undefined || value === '' ? '—' : String(value) })]);
}

function dates(list: CaseListEntry['birthDates']): string[] {
  return list.map((date) => (date.circa ? 'c. ' : '') + date.value + (date.to ? ` to ${date.to}` : ''));
}

function subjectSide(hit: CaseHit, subject: Record<string, unknown> | null) {
  const profile = subject ?? {};
  return el('div', { 'data-testid': 'subject-side' }, [
    el('h4', { text: 'Subject' }),
    dl([
      ['Matched field', hit.field],
      ['Value', hit.value],
      ['Name', profile.name],
      ['Aliases', profile.aliases],
      ['Birth date', profile.birthDate],
      ['Nationality', profile.nationality],
    ]),
  ]);
}

/** An entry lists the same identifier once, however many times the source repeats it. */
export function distinctIdentifiers(identifiers: CaseListEntry['identifiers']): string[] {
  return [...new Set(identifiers.map((identifier) => `${identifier.kind}: ${identifier.value}`))];
}

function entrySide(hit: CaseHit) {
  const entry = hit.listEntry;
  if (!entry) return el('div', { 'data-testid': 'entry-side' }, [el('h4', { text: 'Evidence' }), dl([['Rule', hit.ruleId], ['Related subjects', hit.related]])]);
  return el('div', { 'data-testid': 'entry-side' }, [
    el('h4', { text: `List entry: ${entry.source} ${entry.sourceId} (v${entry.version})` }),
    dl([
      ['Name', entry.name],
      ['All names', entry.names.map((name) => name.full + (name.kind !== 'primary' ? ` (${name.kind}${name.strength === 'weak' ? ', weak' : ''})` : ''))],
      ['Type', entry.type],
      ['Programs', entry.programs],
      ['Birth dates', dates(entry.birthDates)],
      ['Nationalities', entry.nationalities],
      ['Citizenships', entry.citizenships],
      ['Identifiers', distinctIdentifiers(entry.identifiers)],
      ['Remarks', entry.remarks],
    ]),
  ]);
}

function hitView(hit: CaseHit, subject: Record<string, unknown> | null) {
  const title = `${hit.ruleId} · ${hit.points} points${typeof hit.similarity === 'number' ? ` · similarity ${hit.similarity.toFixed(2)}` : ''}${hit.forcesBlock ? ' · forces block' : ''}`;
  const cleared = hit.previouslyCleared
    ? el('span', {
        class: 'badge status-closed',
        'data-testid': 'previously-cleared',
        text: `previously cleared as false positive${hit.suppressedBy ? ` in case ${hit.suppressedBy.caseId.slice(0, 8)} (${when(hit.suppressedBy.clearedAt)})` : ''}`,
      })
    : null;
  const indicators = hit.indicators.map((indicator) =>
    el('div', { class: 'indicator', 'data-testid': 'indicator' }, [
      el('strong', { text: `${indicator.id} — ${indicator.title}` }),
      el('div', { text: indicator.description }),
      el('div', { class: 'muted', text: indicator.citation }),
      el('div', { class: 'muted', text: `Source: ${indicator.sourceDocument}` }),
    ]),
  );
  return el('div', { class: `hit${hit.previouslyCleared ? ' cleared' : ''}`, 'data-testid': 'hit' }, [el('strong', { text: title }), cleared, el('div', { class: 'side' }, [subjectSide(hit, subject), entrySide(hit)]), ...indicators]);
}

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

function actionPanel(title: string, testId: string, controls: Child[], label: string, onSubmit: () => Promise<void>, fail: Fail) {
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

function labelled(text: string, control: HTMLElement) {
  return el('label', { class: 'stack' }, [el('span', { text }), control]);
}

export function createCaseView(fail: Fail) {
  async function step(caseId: string, path: string, body: unknown, done: (result: CaseSummary) => string) {
    const result = await api<CaseActionResult>('POST', `/v1/cases/${caseId}${path}`, body);
    say(done(result.case));
    await load(caseId);
  }

  const stateText = (c: CaseSummary) => `${words(c.status)}${c.disposition ? ` (${c.disposition})` : ''}`;

  function reopenPanel(item: CaseSummary) {
    const why = el('textarea', { maxlength: 4000, 'data-testid': 'reopen-note', required: true });
    return el('div', { class: 'actions' }, [
      actionPanel(
        'Reopen the case',
        'reopen',
        [el('span', { class: 'muted', text: 'A case with a list hit is only proposed for reopening: another person must approve.' }), labelled('Why reopen', why)],
        'Reopen',
        () => step(item.id, '/reopen', { note: why.value }, (c) => (c.status === 'pending_approval' ? 'Reopening proposed; another person must approve.' : 'The case is open again.')),
        fail,
      ),
    ]);
  }

  function approvePanel(item: CaseSummary) {
    const note = el('textarea', { maxlength: 4000, 'data-testid': 'approve-note' });
    const own = ownProposal(item);
    const controls = [
      el('span', { class: 'muted', 'data-testid': 'proposed-by', text: `Proposed by ${item.proposedByOwner ?? item.proposedBy}${own ? ' (you): another person must approve it.' : ''}` }),
      labelled('Approval note', note),
    ];
    const panel = actionPanel(`Approve as second person: ${words(String(item.pendingDisposition))}`, 'approve', controls, 'Approve', () => step(item.id, '/approve', { note: note.value }, (c) => `Approved: the case is ${stateText(c)}.`), fail);
    if (own) {
      const button = panel.querySelector<HTMLButtonElement>('[data-testid=approve-submit]')!;
      button.disabled = true;
      button.title = 'You proposed this; four-eyes needs another person';
      note.disabled = true;
    }
    return panel;
  }

  function assigneeSelect(item: CaseSummary, workers: string[]) {
    const owners = item.assignee && !workers.includes(item.assignee) ? [item.assignee, ...workers] : workers;
    const options = [el('option', { value: '', text: '— nobody —' }), ...owners.map((owner) => el('option', { value: owner, text: owner + (sameOwner(owner, session.me?.owner) ? ' (you)' : '') }))];
    const control = el('select', { 'data-testid': 'assignee-select' }, options);
    control.value = item.assignee ?? '';
    return control;
  }

  function actions(item: CaseSummary, workers: string[]) {
    if (item.status === 'closed') return reopenPanel(item);
    const assignee = assigneeSelect(item, workers);
    const comment = el('textarea', { maxlength: 4000, 'data-testid': 'comment-text' });
    const disposition = el('select', { 'data-testid': 'disposition-select' }, DISPOSITIONS.map((value) => el('option', { value, text: words(value) })));
    const note = el('textarea', { maxlength: 4000, 'data-testid': 'disposition-note', required: true });
    const panels = [
      actionPanel('Assign', 'assign', [labelled('Assign to', assignee)], 'Save', () => step(item.id, '/assign', { assignee: assignee.value || null }, (c) => (c.assignee ? `Assigned to ${c.assignee}.` : 'Unassigned.')), fail),
      actionPanel('Comment', 'comment', [labelled('Comment', comment)], 'Add comment', () => step(item.id, '/comments', { text: comment.value }, () => 'Comment added.'), fail),
    ];
    if (item.status === 'pending_approval') panels.push(approvePanel(item));
    const hint = 'Four-eyes: clearing (false positive, cleared) a case with a list hit, and confirming or clearing a block case, need a second person.';
    panels.push(
      actionPanel(
        'Disposition',
        'dispose',
        [labelled('Disposition', disposition), el('span', { class: 'muted', text: item.pendingDisposition === 'reopen' ? 'Escalated declines the reopening.' : hint }), labelled('Disposition note', note)],
        'Dispose',
        () =>
          step(item.id, '/disposition', { disposition: disposition.value, note: note.value }, (c) =>
            c.status === 'pending_approval' ? `Proposed ${c.pendingDisposition}; another person must approve.` : `The case is now ${stateText(c)}.`,
          ),
        fail,
      ),
    );
    return el('div', { class: 'actions' }, panels);
  }

  function summary(item: CaseView) {
    return el('div', { class: 'summary panel' }, [
      field('Status', item.status, 'case-status'),
      field('Outcome', item.outcome),
      field('Score', item.score),
      field('Assignee', item.assignee),
      field('Disposition', item.disposition),
      field('Pending disposition', item.pendingDisposition),
      field('Opened', when(item.openedAt)),
      field('Closed', when(item.closedAt)),
    ]);
  }

  function eventList(events: CaseEvent[], decisions: CaseDecision[]) {
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

  function linkedList(item: CaseView) {
    if (item.linkedSubjects.length === 0) return el('p', { class: 'muted', text: 'None: no link hit names another subject.' });
    return el(
      'ul',
      { class: 'linked', 'data-testid': 'linked-subjects' },
      item.linkedSubjects.map((linked) =>
        el('li', { 'data-testid': 'linked-subject' }, [
          linked.caseId ? el('a', { href: `#/cases/${linked.caseId}`, text: linked.externalRef }) : el('span', { text: linked.externalRef }),
          ` shares ${linked.fields.join(', ')} `,
          linked.caseStatus ? badge('status', linked.caseStatus) : el('span', { class: 'muted', text: '(no case)' }),
          linked.disposition ? el('span', { class: 'muted', text: ` ${words(linked.disposition)}` }) : null,
        ]),
      ),
    );
  }

  async function load(caseId: string) {
    try {
      const [item, events, workers] = await Promise.all([
        api<CaseView>('GET', `/v1/cases/${caseId}`),
        api<CaseEventList>('GET', `/v1/cases/${caseId}/events`),
        api<CaseWorkerList>('GET', '/v1/cases/assignees'),
      ]);
      const body = clear($('case-body'));
      body.appendChild(el('h2', { 'data-testid': 'case-title', text: `Case ${item.externalRef ?? item.subjectId}${item.subjectName ? ` · ${item.subjectName}` : ''}` }));
      body.appendChild(summary(item));
      body.appendChild(actions(item, workers.items.map((worker) => worker.owner)));
      for (const decision of item.decisions) {
        body.appendChild(el('h3', { text: `Decision ${decision.id.slice(0, 8)} · ${decision.outcome} · score ${decision.score} · ${when(decision.createdAt)}` }));
        if (decision.hits.length === 0) body.appendChild(el('p', { class: 'muted', text: 'No hits.' }));
        for (const hit of decision.hits) body.appendChild(hitView(hit, decision.subject));
      }
      body.appendChild(el('h3', { text: 'Linked subjects' }));
      body.appendChild(linkedList(item));
      body.appendChild(el('h3', { text: 'Timeline' }));
      body.appendChild(eventList(events.items, item.decisions));
      body.appendChild(el('h3', { text: 'Earlier decisions of this subject' }));
      body.appendChild(
        item.history.length === 0
          ? el('p', { class: 'muted', text: 'None.' })
          : el('ul', {}, item.history.map((decision) => el('li', { text: `${when(decision.createdAt)} · ${decision.outcome} · score ${decision.score} · ${decision.id}` }))),
      );
    } catch (error) {
      fail(error);
    }
  }

  return { load };
}

