import { countryCodeFromName } from '../geo/countries.js';
import type { ListDate } from '../lists/list-entry.js';
import { round4, type ScoreComponent } from './match-explanation.js';
import { DISCRIMINATOR_WEIGHTS } from './match-options.js';

/**
 * What else than the name says "same person" or "not the same person": birth date, gender and
 * nationality. Each returns one explained score component, '=' when it cannot tell.
 */

/**
 * Lists and profiles are often a year apart (lists give "circa", ranges, or the year of a
 * different document), so a year of slack is not yet a contradiction; "circa" allows two.
 */
const YEAR_SLACK = 1;
const CIRCA_SLACK = 2;

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function parseYear(value: string | undefined): number | undefined {
  const m = value === undefined ? null : DATE.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

function isFullDate(value: string): boolean {
  const m = DATE.exec(value.trim());
  return m !== null && m[3] !== undefined;
}

function component(name: 'birth-date' | 'nationality' | 'gender', delta: number, detail: string): ScoreComponent {
  const rounded = round4(delta);
  return {
    component: name,
    effect: rounded > 0 ? '+' : rounded < 0 ? '-' : '=',
    value: rounded,
    delta: rounded,
    detail,
  };
}

function describeDate(date: ListDate): string {
  const range = date.to !== undefined ? `${date.value} to ${date.to}` : date.value;
  return date.circa ? `circa ${range}` : range;
}

/**
 * How far apart two birth years are before a contradiction is complete: at a decade the
 * penalty is DISCRIMINATOR_WEIGHTS.birthYearGapMax, enough to keep even a capped exact name
 * (0.95) with an agreeing nationality (+0.02) below the default threshold (0.70). In between
 * it grows in proportion, so a gap of two or three years (a wrong document, a guess) costs
 * little and twenty years costs as much as ten.
 */
const FULL_CONTRADICTION_YEARS = 10;

/** The penalty for birth years `gap` years apart beyond `slack`: 0 up to the slack, then linear to the maximum. */
export function birthYearGapPenalty(gap: number, slack: number): number {
  if (gap <= slack) return 0;
  const share = Math.min(1, (gap - slack) / (FULL_CONTRADICTION_YEARS - slack));
  return DISCRIMINATOR_WEIGHTS.birthYearGapMax * share;
}

/** Query birth date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) against the listed ones. */
export function birthDateComponent(query: string | undefined, listed: readonly ListDate[]): ScoreComponent | undefined {
  if (query === undefined || query.trim() === '') return undefined;
  const year = parseYear(query);
  if (year === undefined) return component('birth-date', 0, `query birth date "${query}" is not YYYY, YYYY-MM or YYYY-MM-DD: not compared`);
  const dates = listed.filter((d) => parseYear(d.value) !== undefined);
  if (dates.length === 0) return component('birth-date', 0, 'the list gives no birth date');
  const shown = dates.map(describeDate).join(', ');
  const full = isFullDate(query) ? query.trim() : undefined;
  if (full !== undefined && dates.some((d) => d.to === undefined && d.value === full)) {
    return component('birth-date', DISCRIMINATOR_WEIGHTS.birthDateExact, `birth date ${full} is listed`);
  }
  // The listed date closest to the query speaks: lists give several (documents disagree).
  let penalty = Number.NEGATIVE_INFINITY;
  let nearest = Number.POSITIVE_INFINITY;
  let within = false;
  for (const d of dates) {
    const from = parseYear(d.value)!;
    const to = parseYear(d.to) ?? from;
    const gap = year < from ? from - year : year > to ? year - to : 0;
    nearest = Math.min(nearest, gap);
    if (gap === 0) within = true;
    penalty = Math.max(penalty, birthYearGapPenalty(gap, d.circa ? CIRCA_SLACK : YEAR_SLACK));
  }
  if (within) return component('birth-date', DISCRIMINATOR_WEIGHTS.birthYear, `birth year ${year} agrees with listed ${shown}`);
  if (penalty === 0) return component('birth-date', 0, `birth year ${year} is within ${nearest === 1 ? 'a year' : `${nearest} years (circa)`} of listed ${shown}: neither for nor against`);
  return component(
    'birth-date',
    penalty,
    `birth year ${year} is ${nearest} years from listed ${shown}: the penalty grows with the gap, in full from ${FULL_CONTRADICTION_YEARS} years`,
  );
}

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

/** A list's gender attribute ("Male", "Female" in OFAC remarks and UN GENDER) as a Gender. */
export function genderOf(value: string | undefined): Gender | undefined {
  const v = value?.trim().toLowerCase();
  return v === 'male' || v === 'm' ? 'male' : v === 'female' || v === 'f' ? 'female' : undefined;
}

/**
 * Query gender against the listed one. Agreement proves little (half of everyone shares it),
 * so it adds nothing; a known different gender is a different person unless a list or a
 * profile got it wrong, which is why it lowers rather than rules out.
 */
export function genderComponent(query: Gender | undefined, listed: Gender | undefined): ScoreComponent | undefined {
  if (query === undefined) return undefined;
  if (listed === undefined) return component('gender', 0, 'the list gives no gender');
  if (query === listed) return component('gender', 0, `gender ${query} agrees with the list`);
  return component('gender', DISCRIMINATOR_WEIGHTS.genderContradiction, `query is ${query}, listed is ${listed}`);
}

/** ISO alpha-2 for a code or a country name/adjective; undefined when unknown or ambiguous. */
export function countryCode(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) return countryCodeFromName(trimmed.toUpperCase());
  return countryCodeFromName(trimmed);
}

/** Query nationality (codes or names) against the listed nationalities. */
export function nationalityComponent(
  query: string | readonly string[] | undefined,
  listed: readonly string[],
): ScoreComponent | undefined {
  const given = (typeof query === 'string' ? [query] : (query ?? [])).filter((q) => q.trim() !== '');
  if (given.length === 0) return undefined;
  if (listed.length === 0) return component('nationality', 0, 'the list gives no nationality');
  const queryCodes = new Set(given.flatMap((q) => countryCode(q) ?? []));
  const listedCodes = new Set(listed.flatMap((l) => countryCode(l) ?? []));
  const shared = [...queryCodes].filter((c) => listedCodes.has(c));
  if (shared.length > 0) {
    return component('nationality', DISCRIMINATOR_WEIGHTS.nationality, `nationality ${shared.join(', ')} is listed`);
  }
  // Contradiction only when both sides are fully understood; an unmapped spelling on either
  // side could be the same country.
  const queryUnderstood = queryCodes.size > 0 && given.every((q) => countryCode(q) !== undefined);
  const listedUnderstood = listedCodes.size > 0 && listed.every((l) => countryCode(l) !== undefined);
  if (queryUnderstood && listedUnderstood) {
    return component(
      'nationality',
      DISCRIMINATOR_WEIGHTS.nationalityContradiction,
      `nationality ${[...queryCodes].join(', ')} differs from listed ${[...listedCodes].join(', ')}`,
    );
  }
  return component('nationality', 0, `nationality "${given.join(', ')}" vs listed "${listed.join(', ')}": cannot compare`);
}
