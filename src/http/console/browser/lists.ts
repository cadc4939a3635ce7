/** The lists and rules page: active list versions with what each version changed, and the rulesets. */
import { api, session } from './api.js';
import type { ListDiff, ListSource, ListSourceList, ListVersionList } from './api-types.js';
import { $, clear, el, when } from './dom.js';
import { loadRulesets } from './rules.js';

type Fail = (error: unknown) => void;

/** How many rows of each kind of change the page shows; the API has them all. */
const DIFF_ROWS = 50;

/** What a reviewer calls the fields of a list entry that a new version changed. */
const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  names: 'names and aliases',
  type: 'type',
  programs: 'programmes',
  birthDates: 'birth dates',
  birthPlaces: 'birth places',
  nationalities: 'nationalities',
  citizenships: 'citizenships',
  addresses: 'addresses',
  identifiers: 'identifiers',
  remarks: 'remarks',
  listedOn: 'listing date',
  attributes: 'other details',
};

function diffTable(title: string, testId: string, rows: ListDiff['added'], withFields = false) {
  if (rows.length === 0) return null;
  const headings = ['Source id', 'Name', ...(withFields ? ['What changed'] : [])];
  const cells = (row: ListDiff['added'][number]) => [
    el('td', { text: row.sourceId }),
    el('td', { text: row.name }),
    ...(withFields ? [el('td', { 'data-testid': 'diff-fields', text: row.changedFields.map((field) => FIELD_LABELS[field] ?? field).join(', ') })] : []),
  ];
  return el('div', { class: 'scroll' }, [
    el('h4', { text: `${title} (${rows.length})` }),
    el('table', { class: 'grid', 'data-testid': testId }, [
      el('thead', {}, [el('tr', {}, headings.map((heading) => el('th', { scope: 'col', text: heading })))]),
      el('tbody', {}, rows.slice(0, DIFF_ROWS).map((row) => el('tr', {}, cells(row)))),
    ]),
    rows.length > DIFF_ROWS ? el('p', { class: 'muted', text: `The first ${DIFF_ROWS} of ${rows.length}.` }) : null,
  ]);
}

function diffView(diff: ListDiff) {
  const against = diff.previousVersion === null ? 'the first version: every entry is new' : `against v${diff.previousVersion}`;
  return el('div', { 'data-testid': 'list-diff' }, [
    el('p', { 'data-testid': 'list-diff-summary', text: `${diff.source} v${diff.version}, ${against}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed.` }),
    diffTable('Added', 'diff-added', diff.added),
    diffTable('Removed', 'diff-removed', diff.removed),
    diffTable('Changed', 'diff-changed', diff.changed, true),
  ]);
}

/** A list's versions to pick from, and what the picked one changed against the one before. */
async function showDiff(list: ListSource, fail: Fail) {
  try {
    const panel = clear($('list-diff-panel'));
    const versions = await api<ListVersionList>('GET', `/v1/lists/${encodeURIComponent(list.source)}/versions`);
    const picker = el('select', { id: 'list-diff-version' }, versions.items.map((item) => el('option', { value: item.version, text: `v${item.version} · ${when(item.importedAt)}` })));
    picker.value = String(list.activeVersion ?? versions.items[0]?.version ?? '');
    const result = el('div');
    const load = async () => {
      try {
        clear(result).appendChild(diffView(await api<ListDiff>('GET', `/v1/lists/${encodeURIComponent(list.source)}/versions/${picker.value}/diff`)));
      } catch (error) {
        fail(error);
      }
    };
    picker.addEventListener('change', () => void load());
    panel.append(el('h3', { text: `Changes in ${list.name}` }), el('label', { for: 'list-diff-version', text: 'Version ' }), picker, result);
    await load();
  } catch (error) {
    fail(error);
  }
}

function listRow(list: ListSource, fail: Fail) {
  const counts = Object.entries(list.counts)
    .map(([kind, count]) => `${count} ${count === 1 && kind === 'entries' ? 'entry' : kind}`)
    .join(', ');
  const changes = list.activeVersion === null ? '—' : el('button', { type: 'button', class: 'secondary', 'data-testid': 'list-diff-open', text: 'Changes', 'aria-label': `What changed in ${list.name}`, onclick: () => void showDiff(list, fail) });
  return el('tr', { 'data-testid': 'list-row', 'data-source': list.source }, [
    el('td', {}, [el('strong', { text: list.name }), el('span', { class: 'ref', text: list.source })]),
    el('td', { text: list.activeVersion === null ? '—' : `v${list.activeVersion}` }),
    el('td', { class: 'wide', text: when(list.importedAt) }),
    el('td', { text: list.ageHours === null ? '—' : list.ageHours < 48 ? `${Math.round(list.ageHours)} h` : `${Math.round(list.ageHours / 24)} d` }),
    el('td', { class: 'wide', text: counts || '—' }),
    el('td', { class: list.stale ? 'broken' : 'ok', text: list.stale ? 'stale' : list.lastFetch?.result === 'failed' ? 'last fetch failed' : 'current' }),
    el('td', {}, [changes]),
  ]);
}

export function createLists(fail: Fail) {
  async function load() {
    try {
      clear($('list-diff-panel'));
      const lists = await api<ListSourceList>('GET', '/v1/lists');
      const body = clear($('lists-rows'));
      if (lists.items.length === 0) body.appendChild(el('tr', {}, [el('td', { colspan: 7, class: 'muted', text: 'No lists imported.' })]));
      body.append(...lists.items.map((list) => listRow(list, fail)));
      await loadRulesets(session.me?.roles ?? [], fail);
    } catch (error) {
      fail(error);
    }
  }
  return { load };
}
