import { api, download, query } from './api.js';
import type { AuditEventPage, VerifyReport } from './api-types.js';
import { $, clear, dl, el, input, say, when } from './dom.js';

/** The auditor's page: verify the decision chain over a period, export it, read the administrative events. */
export function createAudit(fail: (error: unknown) => void) {
  const period = () => ({ from: input('audit-from').value, to: input('audit-to').value });

  function report(result: VerifyReport) {
    const broken = result.firstBroken;
    return el('div', { class: 'panel', 'data-testid': 'verify-result' }, [
      el('p', { class: result.ok ? 'ok' : 'broken', 'data-testid': 'verify-verdict', text: result.ok ? 'The chain verifies: no decision was altered, removed or reordered.' : 'The chain is broken.' }),
      dl([
        ['Decisions checked', result.checked],
        ['Chain positions', result.firstSequence === null ? 'none in the period' : `${result.firstSequence} – ${result.lastSequence}`],
        ['Link to what came before', result.anchor],
        ['Reaches the newest decision', result.reachesHead ? `yes (head ${result.headMatches ? 'matches' : 'does not match'})` : 'no'],
        ['Complete', result.complete ? 'yes' : `no: continue after position ${result.nextAfterSequence}`],
        ['First broken link', broken ? `position ${broken.sequence ?? '?'} (${broken.reason}): ${broken.detail}${broken.id ? ` · decision ${broken.id}` : ''}` : 'none'],
      ]),
    ]);
  }

  function eventsTable(page: AuditEventPage) {
    if (page.items.length === 0) return el('p', { class: 'muted', text: 'No administrative events in the period.' });
    return el('div', { class: 'scroll' }, [
      el('table', { class: 'grid', 'data-testid': 'audit-events' }, [
        el('thead', {}, [el('tr', {}, ['Time', 'Action', 'Actor', 'Target'].map((label) => el('th', { scope: 'col', text: label })))]),
        el(
          'tbody',
          {},
          page.items.map((event) => el('tr', {}, [el('td', { text: when(event.createdAt) }), el('td', { text: event.action }), el('td', { text: event.actor }), el('td', { text: `${event.targetType}${event.targetId ? ` ${event.targetId}` : ''}` })])),
        ),
      ]),
      page.nextCursor ? el('p', { class: 'muted', text: 'Showing the first 50; narrow the period for the rest.' }) : null,
    ]);
  }

  async function verify() {
    const result = clear($('audit-result'));
    try {
      const [verified, events] = await Promise.all([api<VerifyReport>('GET', `/v1/audit/verify${query(period())}`), api<AuditEventPage>('GET', `/v1/audit/events${query({ ...period(), limit: 50 })}`)]);
      result.append(report(verified), el('h3', { text: 'Administrative events' }), eventsTable(events));
    } catch (error) {
      fail(error);
    }
  }

  async function exportLog(format: 'csv' | 'ndjson') {
    try {
      const { from, to } = period();
      const blob = await download(`/v1/audit/decisions/export${query({ from, to, format })}`, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
      const link = el('a', { href: URL.createObjectURL(blob), download: `redflag-decisions${from ? `-from-${from}` : ''}${to ? `-to-${to}` : ''}.${format}` });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      say(`Export downloaded (${format.toUpperCase()}, ${blob.size} bytes). Check it offline with: npm run cli -- audit verify-export <file>`);
    } catch (error) {
      fail(error);
    }
  }

  function start() {
    $('audit-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void verify();
    });
    $('audit-csv').addEventListener('click', () => void exportLog('csv'));
    $('audit-ndjson').addEventListener('click', () => void exportLog('ndjson'));
  }

  return { start, load: async () => clear($('audit-result')) };
}
