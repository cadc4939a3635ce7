/**
 * Screen by hand: the fields an HR person has about one applicant, posted to POST /v1/screenings,
 * and the decision shown as the case page shows it (the case's own view of the decision when one
 * opened, so each hit stands beside its list entry with the indicators).
 */
import { api } from './api.js';
import type { CaseView, ScreeningDecision } from './api-types.js';
import { decisionView } from './decision-view.js';
import { $, badge, clear, el, input } from './dom.js';

type Fail = (error: unknown) => void;

const value = (id: string) => input(id).value.trim();
const lines = (id: string) => (($(id) as HTMLTextAreaElement).value.split('\n').map((line) => line.trim()).filter(Boolean));
/** Only the fields filled in: the API refuses empty strings, and an empty field says nothing. */
const present = <T>(entries: [string, T | '' | undefined][]) => Object.fromEntries(entries.filter(([, item]) => item !== '' && item !== undefined));

/** A profile URL's platform: the site's name (github.com → github), as the API wants it. */
export function platformOf(url: string): string {
  try {
    const host = new URL(url).hostname.replace(/^www\./, '');
    return host.split('.').slice(-2, -1)[0]?.toLowerCase().replace(/[^a-z0-9_.-]/g, '') || 'other';
  } catch {
    return 'other';
  }
}

/** The form as a subject for POST /v1/screenings. */
function subjectFromForm(now: Date): Record<string, unknown> {
  const country = value('screen-address-country').toUpperCase();
  const address = present([['line1', value('screen-address-line1')], ['city', value('screen-address-city')], ['postalCode', value('screen-address-postal')]]);
  return present<unknown>([
    ['externalRef', value('screen-ref')],
    ['name', value('screen-name')],
    ['birthDate', value('screen-birth-date')],
    ['nationality', value('screen-nationality').toUpperCase()],
    ['claimedLocation', value('screen-country') ? { country: value('screen-country').toUpperCase() } : undefined],
    ['emails', value('screen-email') ? [value('screen-email')] : undefined],
    ['phones', value('screen-phone') ? [value('screen-phone')] : undefined],
    ['addresses', address.line1 && country ? [{ kind: 'residence', ...address, country }] : undefined],
    ['employment', value('screen-employer') ? [{ employer: value('screen-employer') }] : undefined],
    ['profiles', lines('screen-profiles').length > 0 ? lines('screen-profiles').map((url) => ({ platform: platformOf(url), url })) : undefined],
    ['logins', value('screen-ip') ? [{ ip: value('screen-ip'), at: now.toISOString() }] : undefined],
  ]);
}

async function showDecision(decision: ScreeningDecision) {
  const result = clear($('screen-result'));
  result.append(
    el('p', { 'data-testid': 'screen-outcome' }, [badge('outcome', decision.outcome), ` score ${decision.score} · ruleset v${decision.rulesetVersion} · decision ${decision.id}`]),
    decision.caseId ? el('p', {}, ['A case is open for a reviewer: ', el('a', { href: `#/cases/${decision.caseId}`, 'data-testid': 'screen-case', text: 'open the case' })]) : el('p', { class: 'muted', text: 'No case: nothing for a reviewer.' }),
  );
  const inCase = decision.caseId ? (await api<CaseView>('GET', `/v1/cases/${decision.caseId}`)).decisions.find((item) => item.id === decision.id) : undefined;
  result.appendChild(decisionView(inCase ?? { ...decision, subject: null, hits: decision.hits.map((hit) => ({ ...hit, listEntry: null, indicators: [] })) }));
}

export function createScreen(fail: Fail) {
  function start() {
    $('screen-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = $('screen-submit') as HTMLButtonElement;
      button.disabled = true;
      try {
        await showDecision(await api<ScreeningDecision>('POST', '/v1/screenings', { subject: subjectFromForm(new Date()) }));
      } catch (error) {
        fail(error);
      } finally {
        button.disabled = false;
      }
    });
  }
  return { start, load: async () => undefined };
}
