import { api } from './api.js';
import type { ListSourceList } from './api-types.js';
import { $, clear, el, when } from './dom.js';

/** Active list versions: how old each is and what it holds. */
export function createLists(fail: (error: unknown) => void) {
  async function load() {
    try {
      const lists = await api<ListSourceList>('GET', '/v1/lists');
      const body = clear($('lists-rows'));
      if (lists.items.length === 0) body.appendChild(el('tr', {}, [el('td', { colspan: 6, class: 'muted', text: 'No lists imported.' })]));
      for (const list of lists.items) {
        const counts = Object.entries(list.counts)
          .map(([kind, count]) => `${count} ${kind}`)
          .join(', ');
        body.appendChild(
          el('tr', { 'data-testid': 'list-row', 'data-source': list.source }, [
            el('td', {}, [el('strong', { text: list.name }), el('span', { class: 'ref', text: list.source })]),
            el('td', { text: list.activeVersion === null ? '—' : `v${list.activeVersion}` }),
            el('td', { text: when(list.importedAt) }),
            el('td', { text: list.ageHours === null ? '—' : list.ageHours < 48 ? `${Math.round(list.ageHours)} h` : `${Math.round(list.ageHours / 24)} d` }),
            el('td', { text: counts || '—' }),
            el('td', { class: list.stale ? 'broken' : 'ok', text: list.stale ? 'stale' : list.lastFetch?.result === 'failed' ? 'last fetch failed' : 'current' }),
          ]),
        );
      }
    } catch (error) {
      fail(error);
    }
  }
  return { load };
}
