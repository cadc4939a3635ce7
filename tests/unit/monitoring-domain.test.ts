import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { identifierKey, isTouchedByListChanges, listDependentRules, listVersionChanges } from '../../src/domain/monitoring/list-change-check.js';
import { triggerKeyOf } from '../../src/domain/monitoring/monitoring-trigger.js';
import { hasChanged } from '../../src/domain/monitoring/rescreen-change.js';
import { DOCUMENT_IDENTIFIER_KINDS, restoreStoredSubject } from '../../src/domain/monitoring/stored-subject-restore.js';
import { DEFAULT_RULES, DEFAULT_THRESHOLDS } from '../../src/domain/rules/default-ruleset.js';
import type { Ruleset } from '../../src/domain/rules/ruleset.js';
import { DOCUMENT_TYPES, type ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { collectIdentifierLookups, collectLookups, linkKeyOf } from '../../src/domain/rules/subject-lookups.js';
import { redactForStorage } from '../../src/domain/rules/subject-redaction.js';
import { canonicalDigest } from '../../src/shared/hashing.js';

const hash = (message: string) => createHmac('sha256', 'unit-test-key').update(message).digest('hex');
const ruleset: Ruleset = { id: 'r1', version: 1, thresholds: DEFAULT_THRESHOLDS, rules: DEFAULT_RULES.map((rule) => ({ ...rule, version: 1 }) as Ruleset['rules'][number]) };

const subject: ScreeningSubject = {
  externalRef: 'cand-1',
  name: 'Jane Roe',
  emails: ['jane@example.com'],
  documents: [
    { type: 'passport', country: 'CN', number: 'E 1234-5678' },
    { type: 'national_id', country: 'US', number: '987654321' },
  ],
  payment: { method: 'bank', bankAccount: 'DE89 3704 0044 0532 0130 00' },
};

describe('restoring a stored input for a re-screen', () => {
  const stored = redactForStorage(subject, hash);
  const listed = new Map([[linkKeyOf(hash, 'document', 'E12345678'), 'E12345678']]);
  const restored = restoreStoredSubject(stored, { hash, listedDocumentNumber: (numberHash) => listed.get(numberHash) });

  test('a document number some list publishes comes back, so the identifier rule sees it', () => {
    expect(restored.subject.documents?.[0]?.number).toBe('E12345678');
    expect(collectIdentifierLookups(restored.subject)).toContainEqual(expect.objectContaining({ kind: 'passport', normalized: 'E12345678' }));
  });

  test('other numbers stay unknown, yet give the same link keys as the original profile', () => {
    expect(restored.subject.documents?.[1]?.number).not.toContain('987654321');
    expect(restored.subject.payment?.bankAccount).not.toContain('DE89');
    const original = collectLookups(subject, hash).links;
    expect(collectLookups(restored.subject, restored.hash).links.map(({ kind, key, field }) => ({ kind, key, field }))).toEqual(
      original.map(({ kind, key, field }) => ({ kind, key, field })),
    );
  });

  test('stored again, it is the stored input (same digest)', () => {
    expect(canonicalDigest(redactForStorage(restored.subject, restored.hash))).toBe(canonicalDigest(stored));
  });

  test('a profile without numbers is returned as it was, with the service hash', () => {
    const plain = restoreStoredSubject(redactForStorage({ name: 'Ann Lee' }, hash), { hash, listedDocumentNumber: () => undefined });
    expect(plain.subject).toEqual({ name: 'Ann Lee' });
    expect(plain.hash).toBe(hash);
  });

  test.each(DOCUMENT_TYPES.map((type) => [type]))('a %s is looked up under a kind the recovery covers', (type) => {
    const lookups = collectIdentifierLookups({ name: 'X', documents: [{ type, number: 'AB123456' }] });
    expect(DOCUMENT_IDENTIFIER_KINDS as readonly string[]).toContain(lookups[0]?.kind);
  });
});

describe('what counts as a change', () => {
  const entry = { id: 'e-1', source: 'ofac-sdn', sourceId: '100', name: 'KIM' };
  const base = { outcome: 'review', score: 60, hits: [{ ruleId: 'list-name-match', field: '/subject/name', points: 60, entry }] };
  test.each([
    ['the same evidence from a new list version (new entry id)', { ...base, hits: [{ ...base.hits[0]!, entry: { ...entry, id: 'e-2' } }] }, false],
    ['another outcome', { ...base, outcome: 'block' }, true],
    ['another score', { ...base, score: 61 }, true],
    ['another listed entry with the same outcome and score', { ...base, hits: [{ ...base.hits[0]!, entry: { ...entry, sourceId: '200' } }] }, true],
    ['an extra hit worth nothing', { ...base, hits: [...base.hits, { ruleId: 'geo-hub', field: '/subject/nationality', points: 0 }] }, true],
    ['the same hits in another order', { ...base, hits: [...base.hits].reverse() }, false],
  ])('%s', (_name, next, changed) => {
    expect(hasChanged(base, next)).toBe(changed);
  });

  const linked = { outcome: 'review', score: 40, hits: [{ ruleId: 'shared-contact', field: '/subject/phones/0', points: 40, related: ['farm-2', 'farm-3'] }] };
  test.each([
    ['one more applicant sharing the phone', { ...linked, hits: [{ ...linked.hits[0]!, related: ['farm-2', 'farm-3', 'farm-4'] }] }, true],
    ['the same applicants named in another order', { ...linked, hits: [{ ...linked.hits[0]!, related: ['farm-3', 'farm-2'] }] }, false],
  ])('link: %s', (_name, next, changed) => {
    expect(hasChanged(linked, next)).toBe(changed);
  });
});

describe('which list versions changed since a subject was checked', () => {
  const sources = new Map([
    ['v1', 'ofac-sdn'],
    ['v2', 'ofac-sdn'],
    ['u1', 'un'],
  ]);
  const current = [
    { source: 'ofac-sdn', versionId: 'v2' },
    { source: 'un', versionId: 'u1' },
    { source: 'redflag-curated', versionId: 'c1' },
  ];
  test('a newer version of a source and a source that was not there', () => {
    expect(listVersionChanges(['v1', 'u1'], current, (id) => sources.get(id))).toEqual([
      { source: 'ofac-sdn', from: 'v1', to: 'v2' },
      { source: 'redflag-curated', from: null, to: 'c1' },
    ]);
  });
  test('nothing when the versions are the current ones; undefined for an unknown version', () => {
    expect(listVersionChanges(['v2', 'u1'], current.slice(0, 2), (id) => sources.get(id))).toEqual([]);
    expect(listVersionChanges(['zz'], current, (id) => sources.get(id))).toBeUndefined();
  });
});

describe('the delta check', () => {
  const listRules = listDependentRules(ruleset);
  const none = { searchNames: () => [], identifierKeys: new Set<string>() };
  test('keeps only rules that can react to list data', () => {
    expect(new Set(listRules.rules.map((rule) => rule.kind))).toEqual(new Set(['list_name_match', 'list_identifier_match']));
  });
  test('a subject matching none of the changed entries is untouched', () => {
    expect(isTouchedByListChanges(subject, collectIdentifierLookups(subject), listRules, none)).toBe(false);
  });
  test('a name search that finds a changed entry, or an identifier of one, touches it', () => {
    const candidate = { entry: { id: 'e', source: 's', sourceId: '1', name: 'ROE, Jane', type: 'individual', programs: [] }, matchedName: 'ROE, Jane', score: 0.99, explanation: {} };
    expect(isTouchedByListChanges(subject, [], listRules, { ...none, searchNames: (query) => (query.name === 'Jane Roe' ? [candidate] : []) })).toBe(true);
    const identifiers = collectIdentifierLookups(subject);
    expect(isTouchedByListChanges(subject, identifiers, listRules, { ...none, identifierKeys: new Set([identifierKey('email', 'jane@example.com')]) })).toBe(true);
  });
  test('trigger keys name one version', () => {
    expect(triggerKeyOf({ kind: 'list_version', source: 'un', version: 3, versionId: 'abc' })).toBe('list:abc');
    expect(triggerKeyOf({ kind: 'ruleset', rulesetId: 'r9', version: 9 })).toBe('ruleset:r9');
  });
});
