/** The case page: its state, the actions it allows, its decisions, linked subjects and timeline. */
import { api } from './api.js';
import type { CaseActionResult, CaseEventList, CaseView, CaseWorkerList } from './api-types.js';
import { caseActions } from './case-actions.js';
import { timeline } from './case-timeline.js';
import { decisionView } from './decision-view.js';
import { $, badge, clear, el, say, when, words } from './dom.js';
import { linkGraph } from './link-graph.js';

type Fail = (error: unknown) => void;

function field(label: string, value: unknown, testId?: string) {
  return el('div', {}, [el('span', { text: label }), el('span', { 'data-testid': testId, text: value === null || value === undefined || value === '' ? '—' : String(value) })]);
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

function history(item: CaseView) {
  if (item.history.length === 0) return el('p', { class: 'muted', text: 'None.' });
  return el('ul', {}, item.history.map((decision) => el('li', { text: `${when(decision.createdAt)} · ${decision.outcome} · score ${decision.score} · ${decision.id}` })));
}

export function createCaseView(fail: Fail) {
  async function load(caseId: string) {
    try {
      const [item, events, workers] = await Promise.all([
        api<CaseView>('GET', `/v1/cases/${caseId}`),
        api<CaseEventList>('GET', `/v1/cases/${caseId}/events`),
        api<CaseWorkerList>('GET', '/v1/cases/assignees'),
      ]);
      const step = async (path: string, body: unknown, done: (result: CaseActionResult['case']) => string) => {
        const result = await api<CaseActionResult>('POST', `/v1/cases/${caseId}${path}`, body);
        say(done(result.case));
        await load(caseId);
      };
      clear($('case-body')).append(
        el('h2', { 'data-testid': 'case-title', text: `Case ${item.externalRef ?? item.subjectId}${item.subjectName ? ` · ${item.subjectName}` : ''}` }),
        summary(item),
        caseActions(item, workers.items.map((worker) => worker.owner), step, fail),
        ...item.decisions.map(decisionView),
        el('h3', { text: 'Linked subjects' }),
        linkGraph(item.externalRef ?? item.subjectId, item.linkedSubjects) ?? '',
        linkedList(item),
        el('h3', { text: 'Timeline' }),
        timeline(events.items, item.decisions),
        el('h3', { text: 'Earlier decisions of this subject' }),
        history(item),
      );
    } catch (error) {
      fail(error);
    }
  }

  return { load };
}
