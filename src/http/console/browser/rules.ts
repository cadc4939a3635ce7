/** The rulesets on the lists and rules page: the active one and drafts with their rules, and a draft's dry run. */
import { api } from './api.js';
import type { DryRun, Ruleset, RulesetSummaryList } from './api-types.js';
import { $, clear, el, when } from './dom.js';

type Fail = (error: unknown) => void;

const READERS = ['auditor', 'rules_admin', 'admin'];
const DRY_RUNNERS = ['rules_admin', 'admin'];

function table(testId: string, headings: string[], rows: (string | number)[][]) {
  return el('div', { class: 'scroll' }, [
    el('table', { class: 'grid', 'data-testid': testId }, [
      el('thead', {}, [el('tr', {}, headings.map((heading) => el('th', { scope: 'col', text: heading })))]),
      el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell) => el('td', { text: cell }))))),
    ]),
  ]);
}

function rulesTable(ruleset: Ruleset) {
  return table(
    `rules-v${ruleset.version}`,
    ['Rule', 'Kind', 'Enabled', 'Weight', 'Severity', 'Forces block', 'Indicators', 'Changed in'],
    ruleset.rules.map((rule) => [rule.key, rule.kind, rule.enabled ? 'yes' : 'no', rule.weight, rule.severity, rule.forcesBlock ? 'yes' : 'no', rule.indicatorIds.join(', ') || '—', `v${rule.version}`]),
  );
}

function dryRunTable(result: DryRun) {
  return el('div', { 'data-testid': 'dry-run-result' }, [
    el('p', { 'data-testid': 'dry-run-summary', text: `v${result.version} over the last ${result.evaluated} screenings: ${result.changed} would change, ${result.unchanged} would not.` }),
    result.changes.length === 0
      ? null
      : table(
          'dry-run-changes',
          ['Decision', 'Reference', 'Now', 'With the draft', 'Rules fired'],
          result.changes.map((change) => [
            // UUIDv7 ids start with their time: the end tells decisions of the same minute apart.
            `…${change.decisionId.slice(-8)}`,
            change.externalRef ?? '—',
            `${change.before.outcome} · ${change.before.score} (v${change.before.rulesetVersion})`,
            `${change.after.outcome} · ${change.after.score}`,
            change.rulesFired.join(', ') || '—',
          ]),
        ),
  ]);
}

function dryRunForm(version: number, fail: Fail) {
  const limit = el('input', { id: `dry-run-limit-${version}`, type: 'number', min: 1, max: 1000, value: 100, required: true, 'data-testid': 'dry-run-limit' });
  const button = el('button', { type: 'submit', 'data-testid': 'dry-run-submit', text: 'Dry run' });
  const result = el('div', { 'aria-live': 'polite' });
  const form = el('form', { class: 'filters', 'data-testid': 'dry-run' }, [el('label', { for: limit.id, text: 'Last screenings to replay' }), limit, button]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      clear(result).appendChild(dryRunTable(await api<DryRun>('POST', `/v1/rulesets/${version}/dry-run`, { limit: Number(limit.value) })));
    } catch (error) {
      fail(error);
    } finally {
      button.disabled = false;
    }
  });
  return el('div', {}, [form, result]);
}

function rulesetSection(ruleset: Ruleset, roles: string[], fail: Fail) {
  const state = ruleset.status === 'draft' ? 'draft' : ruleset.active ? 'active' : 'published';
  return el('section', { class: 'panel ruleset', 'data-testid': `ruleset-${state}`, 'data-version': ruleset.version }, [
    el('h4', { text: `Ruleset v${ruleset.version} (${state}) · review from ${ruleset.thresholds.review}, block from ${ruleset.thresholds.block}` }),
    rulesTable(ruleset),
    ruleset.status === 'draft' && DRY_RUNNERS.some((role) => roles.includes(role)) ? dryRunForm(ruleset.version, fail) : null,
  ]);
}

/** Every version in a table; the newest published one and the drafts in full. */
export async function loadRulesets(roles: string[], fail: Fail) {
  const body = clear($('rules-body'));
  if (!READERS.some((role) => roles.includes(role))) {
    body.appendChild(el('p', { class: 'muted', text: 'Reading the rulesets takes the auditor, rules admin or admin role.' }));
    return;
  }
  try {
    const { items } = await api<RulesetSummaryList>('GET', '/v1/rulesets');
    const shown = [items.find((item) => item.status === 'published'), ...items.filter((item) => item.status === 'draft')].filter((item) => item !== undefined);
    const full = await Promise.all(shown.map((item) => api<Ruleset>('GET', `/v1/rulesets/${item.version}`)));
    body.append(
      table(
        'rulesets',
        ['Version', 'Status', 'Thresholds (review / block)', 'Created', 'Published'],
        items.map((item) => [`v${item.version}`, item.status, `${item.thresholds.review} / ${item.thresholds.block}`, `${when(item.createdAt)} by ${item.createdBy}`, when(item.publishedAt) || '—']),
      ),
      ...full.map((ruleset) => rulesetSection(ruleset, roles, fail)),
    );
  } catch (error) {
    fail(error);
  }
}
