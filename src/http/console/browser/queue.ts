import { api, query, session } from './api.js';
import type { CasePage, CaseQueueCounts, CaseQueueItem } from './api-types.js';
import { $, age, badge, clear, el, input, select } from './dom.js';

const PAGE_SIZE = 25;

type Sort = 'name' | 'outcome' | 'score' | 'age' | 'assignee' | 'status';
interface Column {
  label: string;
  sort?: Sort;
  /** Hidden on a phone-width screen. */
  wide?: boolean;
  cell: (item: CaseQueueItem) => Node | string;
}

function subjectCell(item: CaseQueueItem) {
  return el('span', {}, [el('strong', { text: item.subjectName ?? '(name erased)' }), el('span', { class: 'ref', text: item.externalRef ?? item.subjectId })]);
}

function reasonText(item: CaseQueueItem): string {
  const reason = item.topReason;
  if (!reason) return '—';
  return `${reason.ruleId} (${reason.points})${reason.entry ? ` · ${reason.entry.source} ${reason.entry.sourceId}: ${reason.entry.name}` : ''}`;
}

const COLUMNS: Column[] = [
  { label: 'Subject', sort: 'name', cell: subjectCell },
  { label: 'Outcome', sort: 'outcome', cell: (item) => badge('outcome', item.outcome) },
  { label: 'Score', sort: 'score', cell: (item) => String(item.score) },
  { label: 'Top reason', wide: true, cell: reasonText },
  { label: 'Age', sort: 'age', wide: true, cell: (item) => age(item.openedAt) },
  { label: 'Assignee', sort: 'assignee', cell: (item) => item.assignee ?? '—' },
  { label: 'Status', sort: 'status', cell: (item) => badge('status', item.status) },
];

interface QueueState {
  sort: Sort;
  /** null: the sort's natural direction. */
  order: 'asc' | 'desc' | null;
  offset: number;
  /** Index of the row j/k moved to; -1 before the first move. */
  current: number;
}

/** Most serious and highest first; everything else A–Z or oldest first (as the API sorts by default). */
const naturalDirection = (sort: Sort) => (sort === 'score' || sort === 'outcome' ? 'desc' : 'asc');

/** The filter form's choices as query parameters: "me" is the signed-in key's owner. */
function filterParams() {
  const assignee = select('queue-assignee').value;
  return {
    q: input('queue-search').value.trim(),
    status: select('queue-status').value,
    outcome: select('queue-outcome').value,
    olderThanHours: select('queue-age').value,
    listSource: select('queue-source').value,
    ...(assignee === 'me' ? { assignee: session.me?.owner } : assignee === 'none' ? { unassigned: 'true' } : {}),
  };
}

function headerCell(column: Column, state: QueueState, sortBy: (sort: Sort) => void) {
  const active = column.sort === state.sort;
  const direction = active && column.sort ? (state.order ?? naturalDirection(column.sort)) : null;
  const content: Node | string = column.sort
    ? el('button', { type: 'button', class: 'sort', 'data-sort': column.sort, text: `${column.label}${direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''}`, onclick: () => sortBy(column.sort!) })
    : column.label;
  return el('th', { scope: 'col', class: column.wide ? 'wide' : undefined, 'aria-sort': direction ? (direction === 'asc' ? 'ascending' : 'descending') : undefined }, [content]);
}

function renderHeader(state: QueueState, sortBy: (sort: Sort) => void) {
  clear($('queue-head')).append(...COLUMNS.map((column) => headerCell(column, state, sortBy)), el('th', { scope: 'col' }, [el('span', { class: 'skip', text: 'Open' })]));
}

/** A second click on the sorted column reverses it; another column starts in its natural direction. */
function sortOnClick(state: QueueState, sort: Sort) {
  if (state.sort === sort) state.order = (state.order ?? naturalDirection(sort)) === 'asc' ? 'desc' : 'asc';
  else {
    state.sort = sort;
    state.order = null;
  }
  state.offset = 0;
}

function queueRow(item: CaseQueueItem) {
  const open = el('a', { href: `#/cases/${item.id}`, 'data-testid': 'open-case', text: 'Open', 'aria-label': `Open the case of ${item.externalRef ?? item.subjectId}` });
  const cells = COLUMNS.map((column) => el('td', { class: column.wide ? 'wide' : undefined }, [column.cell(item)]));
  return el('tr', { 'data-testid': 'queue-row', 'data-case-id': item.id, tabindex: -1 }, [...cells, el('td', {}, [open])]);
}

function renderPage(page: CasePage) {
  const body = clear($('queue-rows'));
  $('queue-total').textContent = `${page.total} case${page.total === 1 ? '' : 's'}`;
  if (page.items.length === 0) body.appendChild(el('tr', {}, [el('td', { colspan: COLUMNS.length + 1, class: 'muted', text: 'No cases.' })]));
  body.append(...page.items.map(queueRow));
  const last = Math.min(page.offset + page.items.length, page.total);
  $('queue-page').textContent = page.total === 0 ? '' : `${page.offset + 1}–${last} of ${page.total}`;
  ($('queue-prev') as HTMLButtonElement).disabled = page.offset === 0;
  ($('queue-next') as HTMLButtonElement).disabled = last >= page.total;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** How many cases each choice of the filter menus would show, keyed by menu and option value. */
function choiceCounts(counts: CaseQueueCounts): Record<string, Record<string, number>> {
  const assigned = (match: (assignee: string | null) => boolean) => sum(counts.assignee.filter((item) => match(item.assignee)).map((item) => item.count));
  const ages = Object.fromEntries(counts.olderThanHours.map((wait) => [wait.hours === 0 ? '' : String(wait.hours), wait.count]));
  return {
    'queue-status': { ...counts.status, '': counts.status.active + counts.status.closed },
    'queue-outcome': { ...counts.outcome, '': sum(Object.values(counts.outcome)) },
    // "me" is the signed-in owner exactly, as the filter asks the API.
    'queue-assignee': { '': assigned(() => true), me: assigned((assignee) => assignee !== null && assignee === session.me?.owner), none: assigned((assignee) => assignee === null) },
    'queue-age': ages,
    // "any list" has no count: a case hitting two lists counts under both, so the counts do not add up to it.
    'queue-source': Object.fromEntries(counts.listSource.map((item) => [item.source, item.count])),
  };
}

/**
 * The list menu offers the lists the tenant's cases hit (from the counts), each with its count;
 * the chosen list stays offered when no case hits it any more.
 */
function showSourceChoices(counts: CaseQueueCounts) {
  const menu = select('queue-source');
  const chosen = menu.value;
  const listed = counts.listSource.map((item) => item.source);
  if (chosen !== '' && !listed.includes(chosen)) listed.push(chosen);
  clear(menu).append(el('option', { value: '', 'data-label': 'any list', text: 'any list' }), ...listed.map((source) => el('option', { value: source, 'data-label': source, text: source })));
  menu.value = chosen;
}

/** Each filter choice says how many cases it would show: "open (12)". */
function showCounts(counts: CaseQueueCounts) {
  showSourceChoices(counts);
  for (const [id, byValue] of Object.entries(choiceCounts(counts))) {
    for (const option of select(id).options) {
      const label = (option.dataset.label ??= option.textContent ?? '');
      const count = byValue[option.value];
      option.textContent = count === undefined ? label : `${label} (${count})`;
    }
  }
}

function rows(): HTMLTableRowElement[] {
  return [...$('queue-rows').querySelectorAll<HTMLTableRowElement>('tr[data-case-id]')];
}

function focusRow(state: QueueState, index: number) {
  const all = rows();
  if (all.length === 0) return;
  state.current = Math.max(0, Math.min(all.length - 1, index));
  all.forEach((row, position) => {
    row.classList.toggle('current', position === state.current);
    if (position === state.current) row.setAttribute('aria-selected', 'true');
    else row.removeAttribute('aria-selected');
  });
  all[state.current]!.focus();
}

/** j/k move between rows, Enter opens the current one; not while typing in a field. */
function keyHandler(state: QueueState) {
  return (event: KeyboardEvent) => {
    if ($('queue').hidden || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, select, textarea')) return;
    if (event.key === 'j') focusRow(state, state.current + 1);
    else if (event.key === 'k') focusRow(state, state.current - 1);
    else if (event.key === 'Enter' && state.current >= 0 && target.tagName !== 'A' && target.tagName !== 'BUTTON') {
      const id = rows()[state.current]?.dataset.caseId;
      if (id) location.hash = `#/cases/${id}`;
    } else return;
    event.preventDefault();
  };
}

/** The queue page: filters, search, sorting by column, paging, and j/k/Enter to move and open. */
export function createQueue(fail: (error: unknown) => void) {
  const state: QueueState = { sort: 'score', order: null, offset: 0, current: -1 };
  // Loads overlap when the reviewer types faster than the server answers; only the latest may
  // draw, or a slower earlier answer would show the page and counts of filters no longer chosen.
  let latestLoad = 0;
  // A page-only load that overtakes a counting one counts too, or the superseded counts never draw.
  let countsOwed = false;

  function sortBy(sort: Sort) {
    sortOnClick(state, sort);
    void load({ counts: false });
  }

  /**
   * Reads a page of the queue, and the counts per filter choice unless only the page or the sort
   * changed (they count the same cases then). Opening the queue counts again: cases may have moved.
   */
  async function load(options: { counts?: boolean } = {}) {
    const thisLoad = ++latestLoad;
    const withCounts = options.counts !== false || countsOwed;
    countsOwed = withCounts;
    try {
      renderHeader(state, sortBy);
      const filters = filterParams();
      const [page, counts] = await Promise.all([
        api<CasePage>('GET', `/v1/cases${query({ ...filters, limit: PAGE_SIZE, offset: state.offset, sort: state.sort, order: state.order })}`),
        withCounts ? api<CaseQueueCounts>('GET', `/v1/cases/counts${query(filters)}`) : undefined,
      ]);
      if (thisLoad !== latestLoad) return;
      state.current = -1;
      renderPage(page);
      if (counts) {
        countsOwed = false;
        showCounts(counts);
      }
    } catch (error) {
      if (thisLoad === latestLoad) fail(error);
    }
  }

  function start() {
    const reload = () => {
      state.offset = 0;
      void load();
    };
    $('queue-filters').addEventListener('submit', (event) => {
      event.preventDefault();
      reload();
    });
    for (const id of ['queue-status', 'queue-outcome', 'queue-source', 'queue-assignee', 'queue-age']) select(id).addEventListener('change', reload);
    $('queue-prev').addEventListener('click', () => {
      state.offset = Math.max(0, state.offset - PAGE_SIZE);
      void load({ counts: false });
    });
    $('queue-next').addEventListener('click', () => {
      state.offset += PAGE_SIZE;
      void load({ counts: false });
    });
    document.addEventListener('keydown', keyHandler(state));
  }

  return { load, start };
}
