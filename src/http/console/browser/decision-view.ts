/**
 * How a decision reads: each hit with the subject's field beside the list entry it matched, and
 * the indicators with their sources. The case page and the screen-by-hand page both show it.
 */
import type { CaseDecision, CaseHit, CaseListEntry } from './api-types.js';
import { dl, el, when } from './dom.js';

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
  if (hit.combination) {
    return el('div', { 'data-testid': 'entry-side' }, [
      el('h4', { text: `Named combination: escalates to ${hit.combination.escalateTo}` }),
      dl([['Why', hit.combination.description], ['Rules that fired it', hit.combination.members]]),
    ]);
  }
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
  const lowered = (hit.lowered ?? []).map((part) => el('div', { class: 'muted', 'data-testid': 'hit-lowered', text: `−${part.points} points: ${part.detail}` }));
  return el('div', { class: `hit${hit.previouslyCleared ? ' cleared' : ''}`, 'data-testid': 'hit' }, [el('strong', { text: title }), cleared, ...lowered, el('div', { class: 'side' }, [subjectSide(hit, subject), entrySide(hit)]), ...indicators]);
}


/** A decision's heading line and its hits (or that it had none). */
export function decisionView(decision: Pick<CaseDecision, 'id' | 'outcome' | 'score' | 'createdAt' | 'hits' | 'subject'>): HTMLElement {
  return el('section', { class: 'decision', 'data-testid': 'decision' }, [
    el('h3', { text: `Decision …${decision.id.slice(-8)} · ${decision.outcome} · score ${decision.score} · ${when(decision.createdAt)}` }),
    decision.hits.length === 0 ? el('p', { class: 'muted', text: 'No hits.' }) : null,
    ...decision.hits.map((hit) => hitView(hit, decision.subject)),
  ]);
}
