import type { Hit, HitLowering } from '../ruleset.js';
import { commonNameOf } from '../common-names.data.js';
import { normaliseName } from '../../screening/name-normalise.js';
import type { ScreeningSubject } from '../screening-subject.js';
import { hitOf, type Evaluator, type NameCandidate, type NameQuery, type RuleOfKind } from '../evaluation-context.js';
import type { NameTarget, PersonCountrySource } from '../rule.schema.js';
import { bestNameSimilarity } from '../name-similarity.js';
import { DISCRIMINATOR_WEIGHTS } from '../../screening/match-options.js';

interface NameToScreen {
  field: string;
  query: NameQuery;
  /** List entry types this name may match: a person is not a company. */
  entryTypes: readonly string[] | 'any';
}

const PERSON_TYPES = ['individual', 'unknown'];
const COMPANY_TYPES = ['entity', 'unknown'];

/** A payee with the applicant's own name is the person again, already screened as `person`. */
const SAME_AS_APPLICANT = 0.85;

/** Identity documents that say which country a person belongs to (a visa or a driving licence does not). */
const NATIONALITY_DOCUMENTS = new Set(['passport', 'national_id']);

/**
 * The countries the subject belongs to: nationality, citizenships and the issuers of passports and
 * national identity cards. A South Korean passport beside a listed North Korean is evidence of
 * another person, as a different nationality is.
 */
function countriesOf(subject: ScreeningSubject, from: readonly PersonCountrySource[]): string[] {
  const documents = (subject.documents ?? []).filter((document) => NATIONALITY_DOCUMENTS.has(document.type)).map((document) => document.country);
  const all = [
    ...(from.includes('nationality') ? [subject.nationality] : []),
    ...(from.includes('citizenships') ? (subject.citizenships ?? []) : []),
    ...(from.includes('documents') ? documents : []),
  ].filter((country): country is string => country !== undefined && country.trim() !== '');
  return [...new Set(all)];
}

function namesToScreen(subject: ScreeningSubject, targets: readonly NameTarget[], countrySources: readonly PersonCountrySource[]): NameToScreen[] {
  const names: NameToScreen[] = [];
  const countries = countriesOf(subject, countrySources);
  const personQuery = (name: string): NameQuery => ({
    name,
    ...(subject.birthDate ? { birthDate: subject.birthDate } : {}),
    // One country stays a string, as queries were before documents and citizenships counted.
    ...(countries.length === 1 ? { nationality: countries[0]! } : countries.length > 1 ? { nationality: countries } : {}),
  });
  for (const target of targets) {
    switch (target) {
      case 'person':
        names.push({ field: '/subject/name', query: personQuery(subject.name), entryTypes: PERSON_TYPES });
        subject.aliases?.forEach((alias, index) => names.push({ field: `/subject/aliases/${index}`, query: personQuery(alias), entryTypes: PERSON_TYPES }));
        break;
      case 'payee': {
        const payee = subject.payment?.accountHolderName;
        if (payee !== undefined && bestNameSimilarity(payee, [subject.name, ...(subject.aliases ?? [])]) < SAME_AS_APPLICANT) {
          names.push({ field: '/subject/payment/accountHolderName', query: { name: payee }, entryTypes: 'any' });
        }
        break;
      }
      case 'employer':
        subject.employment?.forEach((job, index) => names.push({ field: `/subject/employment/${index}/employer`, query: { name: job.employer }, entryTypes: COMPANY_TYPES }));
        break;
      case 'vendor':
        if (subject.engagement?.vendorName !== undefined) {
          names.push({ field: '/subject/engagement/vendorName', query: { name: subject.engagement.vendorName }, entryTypes: COMPANY_TYPES });
        }
        break;
      case 'reference':
        subject.references?.forEach((reference, index) => names.push({ field: `/subject/references/${index}/name`, query: { name: reference.name }, entryTypes: PERSON_TYPES }));
        break;
    }
  }
  return names;
}

/**
 * Whether the matcher's explanation shows a strong name match and the query's full birth date
 * among the entry's listed ones (the birth-date component at its exact-date weight, which a
 * matching year alone never reaches). Read defensively: the explanation is the matcher's.
 */
function identifiesListedPerson(explanation: unknown, minNameScore: number): boolean {
  const explained = explanation as { nameScore?: unknown; components?: { component?: unknown; value?: unknown }[] } | null | undefined;
  if (typeof explained?.nameScore !== 'number' || explained.nameScore < minNameScore) return false;
  return (explained.components ?? []).some((part) => part.component === 'birth-date' && part.value === DISCRIMINATOR_WEIGHTS.birthDateExact);
}

/** The matcher's explanation shows the query's birth date (year or full date) agreeing with a listed one. */
function birthDateAgrees(explanation: unknown): boolean {
  const explained = explanation as { components?: { component?: unknown; delta?: unknown }[] } | null | undefined;
  return (explained?.components ?? []).some((part) => part.component === 'birth-date' && typeof part.delta === 'number' && part.delta > 0);
}

/**
 * Why a name-only match weighs less (`namesakes` params): the entry gives nothing to tell its
 * person from a namesake, or the full name is a very common one and the profile's birth date does
 * not agree with a listed one. A nationality agreeing is no confirmation here: the name's
 * commonness is measured in that same population.
 */
function namesakeLowering(namesakes: { undescribedEntryPoints: number; commonNamePoints: number }, candidate: NameCandidate, query: NameQuery): HitLowering[] {
  const lowered: HitLowering[] = [];
  if (namesakes.undescribedEntryPoints > 0 && candidate.entry.particulars !== undefined && candidate.entry.particulars.length === 0) {
    lowered.push({
      reason: 'undescribed-entry',
      points: namesakes.undescribedEntryPoints,
      detail: 'the entry lists no birth date, nationality, identity document or street address: a namesake cannot be told apart from the listed person',
    });
  }
  if (namesakes.commonNamePoints > 0 && !birthDateAgrees(candidate.explanation)) {
    const words = normaliseName(query.name, { type: 'individual' }).tokens.filter((token) => token.kind === 'word').map((token) => token.text);
    const common = commonNameOf(words);
    if (common) {
      const why = `surname ${common.surname} (${common.percent}%) with the frequent given name ${common.givenName}`;
      lowered.push({ reason: 'common-name', points: namesakes.commonNamePoints, detail: `a very common full name among ${common.population}: ${why}, and no agreeing birth date` });
    }
  }
  return lowered;
}

/** A name search a `list_name_match` rule makes: the subject's name it screens, and how. */
export interface PlannedNameSearch extends NameToScreen {
  options: { threshold: number; limit: number };
}

/**
 * The searches this rule makes for this subject, in order. The rule runs exactly these, so a
 * screening can run them before its lookups return (the snapshot keeps the answers).
 */
export function nameSearchesOf(subject: ScreeningSubject, rule: RuleOfKind<'list_name_match'>): PlannedNameSearch[] {
  const { minSimilarity: threshold, maxHits: limit, targets, countries } = rule.params;
  return namesToScreen(subject, targets, countries).map((name) => ({ ...name, options: { threshold, limit } }));
}

/** Names of the subject (and of the companies and people around them) against list names. */
export const listNameMatch: Evaluator<RuleOfKind<'list_name_match'>> = (subject, rule, context) => {
  const { minSimilarity: threshold, maxHits: limit, blockOnListedBirthDate, namesakes } = rule.params;
  const best = new Map<string, Hit>();
  for (const { field, query, entryTypes, options } of nameSearchesOf(subject, rule)) {
    for (const candidate of context.searchNames(query, options)) {
      if (entryTypes !== 'any' && !entryTypes.includes(candidate.entry.type)) continue;
      const similarity = Math.round(Math.min(1, Math.max(0, candidate.score)) * 1000) / 1000;
      if (similarity < threshold) continue;
      const previous = best.get(candidate.entry.id);
      if (previous && (previous.similarity ?? 0) >= similarity) continue;
      const forcesBlock = blockOnListedBirthDate !== undefined && query.birthDate !== undefined && identifiesListedPerson(candidate.explanation, blockOnListedBirthDate.minNameScore);
      // A match that identifies the listed person is never lowered.
      const lowered = namesakes !== undefined && !forcesBlock ? namesakeLowering(namesakes, candidate, query) : [];
      const taken = lowered.reduce((sum, part) => sum + part.points, 0);
      best.set(
        candidate.entry.id,
        hitOf(rule, {
          points: Math.max(0, Math.round(rule.weight * similarity - taken)),
          field,
          // The subject's own value; the listed name it matched (maybe an alias) is beside it.
          value: query.name,
          matchedName: candidate.matchedName,
          entry: { id: candidate.entry.id, source: candidate.entry.source, sourceId: candidate.entry.sourceId, name: candidate.entry.name },
          similarity,
          explanation: candidate.explanation,
          ...(forcesBlock ? { forcesBlock: true } : {}),
          ...(lowered.length > 0 ? { lowered } : {}),
        }),
      );
    }
  }
  // Several entries matching the same person are one reason, not several: only the strongest scores.
  // The strongest by points, then similarity: without `namesakes` points follow similarity, so the order is as it was.
  const hits = [...best.values()].sort((a, b) => b.points - a.points || (b.similarity ?? 0) - (a.similarity ?? 0)).slice(0, limit);
  return hits.map((hit, index) => (index === 0 ? hit : { ...hit, points: 0 }));
};
