import { api, query } from './api.js';
import type { CasePage } from './api-types.js';
import { $, badge, clear, el, select, when } from './dom.js';

export function createQueue(fail: (error: unknown) => void) {
  async function load() {
    try {
      const page = await api<CasePage>('GET', `/v1/cases${query({ limit: 100, status: select('queue-status').value })}`);
      const rows = clear($('queue-rows'));
      $('queue-total').textContent = `${page.total} case${page.total === 1 ? '' : 's'}`;
      if (page.items.length === 0) rows.appendChild(el('tr', {}, [el('td', { colspan: 8, class: 'muted', text: 'No cases.' })]));
      for (const item of page.items) {
        rows.appendChild(
          el('tr', { 'data-testid': 'queue-row', 'data-case-id': item.id }, [
            el('td', { text: item.score }),
            el('td', {}, [badge('outcome', item.outcome)]),
            el('td', {}, [badge('status', item.status)]),
            el('td', { text: item.externalRef ?? item.subjectId }),
            el('td', { text: item.assignee ?? '' }),
            el('td', { text: when(item.openedAt) }),
            el('td', { text: item.decisionCount }),
            el('td', {}, [el('button', { type: 'button', class: 'secondary', 'data-testid': 'open-case', text: 'Open', onclick: () => (location.hash = `#/cases/${item.id}`) })]),
          ]),
        );
      }
    } catch (error) {
      fail(error);
    }
  }
  return { load };
}
