/**
 * In-memory stand-ins for what the screening service fetches before evaluating: list name
 * search, list identifiers and other subjects' link keys. Same contract as the service, no I/O.
 */
import { createHmac } from 'node:crypto';
import { DEFAULT_COMBINATION, DEFAULT_RULES, DEFAULT_THRESHOLDS, type RuleDefinition } from '../../src/domain/rules/default-ruleset.js';
import type { EvaluationContext, IdentifierMatch, LinkedSubject, NameCandidate } from '../../src/domain/rules/evaluate.js';
import type { IpIntelligence } from '../../src/domain/rules/login-locations.js';
import { nameSimilarity } from '../../src/domain/rules/name-similarity.js';
import type { Rule, Ruleset } from '../../src/domain/rules/ruleset.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { collectLookups, linkKeysOf, type KeyedHash, type LinkKey } from '../../src/domain/rules/subject-lookups.js';

export const hash: KeyedHash = (message) => createHmac('sha256', 'test-key').update(message).digest('hex');

export function asRule(definition: RuleDefinition, version = 1): Rule {
  return { ...definition, version, params: definition.params as Record<string, unknown> } as Rule;
}

export function defaultRuleset(): Ruleset {
  return { id: 'default', version: 1, thresholds: { ...DEFAULT_THRESHOLDS }, combination: DEFAULT_COMBINATION, rules: DEFAULT_RULES.map((rule) => asRule(rule)) };
}

export function defaultRule(key: string): Rule {
  const rule = DEFAULT_RULES.find((candidate) => candidate.key === key);
  if (!rule) throw new Error(`no default rule ${key}`);
  return asRule(rule);
}

/** A ruleset holding only the given rules, with the default thresholds. */
export function rulesetOf(...rules: Rule[]): Ruleset {
  return { id: 'test', version: 1, thresholds: { ...DEFAULT_THRESHOLDS }, rules };
}

export interface ListedName {
  id: string;
  name: string;
  type?: string;
  source?: string;
}

/** A name search that scores with the rules' own name similarity: enough to drive the evaluator. */
export function searchNamesIn(listed: readonly ListedName[]): EvaluationContext['searchNames'] {
  return (query, options) =>
    listed
      .map((entry): NameCandidate => ({
        entry: { id: entry.id, source: entry.source ?? 'test-list', sourceId: entry.id, name: entry.name, type: entry.type ?? 'individual', programs: ['DPRK3'] },
        matchedName: entry.name,
        score: nameSimilarity(query.name, entry.name),
        explanation: { method: 'test' },
      }))
      .filter((candidate) => candidate.score >= options.threshold)
      .slice(0, options.limit);
}

export interface ListedIdentifier {
  kind: IdentifierMatch['kind'];
  normalized: string;
  country?: string;
  entryId: string;
  entryName?: string;
  confidence?: 'high' | 'low';
}

/** Other subjects already screened: their link keys, as the service would store them. */
export class SubjectStore {
  private readonly rows: (LinkKey & { externalRef: string; name: string })[] = [];

  add(subject: ScreeningSubject & { externalRef: string }): void {
    for (const key of linkKeysOf(subject, hash)) this.rows.push({ ...key, externalRef: subject.externalRef, name: subject.name });
  }

  /** What the service's `select … where key in (…)` returns, earliest first. */
  linkedTo(keys: readonly LinkKey[], excludeRef?: string): LinkedSubject[] {
    const wanted = new Set(keys.map((key) => key.key));
    return this.rows
      .filter((row) => wanted.has(row.key) && row.externalRef !== excludeRef)
      .map((row) => ({ key: row.key, kind: row.kind, externalRef: row.externalRef, name: row.name }));
  }

  keysOf(externalRef: string): LinkKey[] {
    return this.rows.filter((row) => row.externalRef === externalRef).map(({ kind, key, field, display }) => ({ kind, key, field, display }));
  }
}

export interface ContextOptions {
  names?: readonly ListedName[];
  identifiers?: readonly ListedIdentifier[];
  store?: SubjectStore;
  previous?: ScreeningSubject;
  /** What the service's IP locator answered for the subject's logins. */
  ipIntelligence?: IpIntelligence;
}

/** Runs the service's steps in memory: collect lookups, answer them, build the context. */
export function contextFor(subject: ScreeningSubject, options: ContextOptions = {}): EvaluationContext {
  const lookups = collectLookups(subject, hash);
  const wanted = new Set(lookups.identifiers.map((lookup) => `${lookup.kind}|${lookup.normalized}`));
  const identifierMatches: IdentifierMatch[] = (options.identifiers ?? [])
    .filter((listed) => wanted.has(`${listed.kind}|${listed.normalized}`))
    .map((listed) => ({
      kind: listed.kind,
      normalized: listed.normalized,
      ...(listed.country !== undefined ? { country: listed.country } : {}),
      entry: {
        id: listed.entryId,
        source: 'redflag-curated',
        sourceId: listed.entryId,
        name: listed.entryName ?? listed.entryId,
        attributes: listed.confidence !== undefined ? { confidence: listed.confidence } : ({} as Record<string, string>),
      },
    }));
  return {
    searchNames: searchNamesIn(options.names ?? []),
    lookups,
    identifierMatches,
    linkedSubjects: options.store ? options.store.linkedTo(lookups.links, subject.externalRef) : [],
    ...(options.previous !== undefined ? { previousLinkKeys: linkKeysOf(options.previous, hash) } : {}),
    ...(options.ipIntelligence !== undefined ? { ipIntelligence: options.ipIntelligence } : {}),
  };
}

/** A freelancer whose profile tells one consistent story: nothing should fire. */
export function cleanPolishFreelancer(): ScreeningSubject & { externalRef: string } {
  return {
    externalRef: 'pl-001',
    name: 'Anna Kowalska',
    birthDate: '1991-03-14',
    nationality: 'PL',
    citizenships: ['PL'],
    preferredLanguage: 'pl',
    claimedLocation: { country: 'PL', city: 'Kraków', timezone: 'Europe/Warsaw' },
    emails: ['anna.kowalska@example.pl'],
    phones: ['+48 12 345 67 89'],
    addresses: [
      { kind: 'residence', line1: 'ul. Długa 5', city: 'Kraków', postalCode: '31-147', country: 'PL' },
      { kind: 'id_document', line1: 'ul. Długa 5', city: 'Kraków', postalCode: '31-147', country: 'PL' },
      { kind: 'shipping', line1: 'ul. Długa 5', city: 'Kraków', postalCode: '31-147', country: 'PL' },
    ],
    employment: [{ employer: 'Softwarehouse Sp. z o.o.', domain: 'softwarehouse.example', country: 'PL', from: '2018-01', to: '2024-06' }],
    education: [{ institution: 'AGH University of Krakow', domain: 'agh.edu.pl', country: 'PL' }],
    references: [{ name: 'Piotr Nowak', email: 'piotr.nowak@softwarehouse.example', company: 'Softwarehouse' }],
    profiles: [
      { platform: 'github', url: 'https://github.com/akowalska', displayName: 'Anna Kowalska', photoDigest: 'aa11bb22cc33dd44ee55ff6677889900' },
      { platform: 'linkedin', url: 'https://www.linkedin.com/in/anna-kowalska', displayName: 'Anna Kowalska', photoDigest: 'aa11bb22cc33dd44ee55ff6677889900' },
    ],
    logins: [
      { ip: '198.51.100.10', country: 'PL', at: '2026-11-02T08:05:00Z', endedAt: '2026-11-02T16:00:00Z' },
      { ip: '198.51.100.10', country: 'PL', at: '2026-11-03T07:55:00Z', endedAt: '2026-11-03T15:30:00Z' },
      { ip: '198.51.100.10', country: 'PL', at: '2026-11-04T08:10:00Z', endedAt: '2026-11-04T16:20:00Z' },
      { ip: '198.51.100.11', country: 'PL', at: '2026-11-05T09:00:00Z', endedAt: '2026-11-05T17:00:00Z' },
      { ip: '198.51.100.10', country: 'PL', at: '2026-11-06T08:00:00Z', endedAt: '2026-11-06T15:45:00Z' },
    ],
    payment: { method: 'bank', provider: 'PKO Bank Polski', accountHolderName: 'Anna Kowalska', bankCountry: 'PL', bankAccount: 'PL61 1090 1014 0000 0712 1981 2874' },
    documents: [{ type: 'passport', country: 'PL', number: 'EA1234567' }],
    interview: {
      videoCompleted: true,
      cameraOn: true,
      appearanceMatchesId: true,
      locationQuestionsAnswered: true,
      inPersonOrDrugTestAccepted: true,
      readingAnswersSuspected: false,
    },
    engagement: { via: 'direct' },
  };
}
