import { describe, expect, test } from 'vitest';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { posteriorPercent } from '../../src/domain/rules/evidence-combination.js';
import { cleanPolishFreelancer, contextFor, defaultRule, defaultRuleset, SubjectStore } from './rules-fixtures.js';

const LISTS = {
  names: [
    { id: 'kim', name: 'KIM, Sang Man' },
    { id: 'chinyong', name: 'CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY', type: 'entity' },
  ],
  identifiers: [
    { kind: 'wallet' as const, normalized: '0xb6f5ec1a0a9cd1526536d3f0426c429529471f40', entryId: 'kim', entryName: 'KIM, Sang Man', confidence: 'high' as const },
    // A [T]-only curated lead: must never block on its own.
    { kind: 'wallet' as const, normalized: '0xcb74874f1e06fcf80a306e06e5379a44b488ba2d', entryId: 'amnokgang', entryName: 'AMNOKGANG TECHNOLOGY DEVELOPMENT COMPANY', confidence: 'low' as const },
  ],
};

function screen(subject: ScreeningSubject, store?: SubjectStore) {
  return evaluateRuleset(subject, defaultRuleset(), contextFor(subject, { ...LISTS, ...(store ? { store } : {}) }));
}

/** A persona claiming to be in Texas whose pay goes to someone in the PRC. */
function prcPayeePersona(): ScreeningSubject {
  return {
    externalRef: 'cand-2001',
    name: 'Daniel Carter',
    claimedLocation: { country: 'US', city: 'Austin', timezone: 'America/Chicago' },
    emails: ['dan.carter.dev@example.com'],
    phones: ['+1 512 555 0142'],
    payment: { method: 'bank', provider: 'Bank of China', accountHolderName: 'Zhang Wei', bankCountry: 'CN', wallets: ['0x1111111111111111111111111111111111111111'] },
    interview: { videoCompleted: false },
  };
}

describe('realistic profiles through the default ruleset', () => {
  test('a freelancer in Poland with a local bank account is clear with no hits', () => {
    const evaluation = screen(cleanPolishFreelancer());
    expect(evaluation.hits, JSON.stringify(evaluation.hits)).toEqual([]);
    expect(evaluation).toMatchObject({ outcome: 'clear', score: 0, skippedRules: [] });
  });

  test('a persona with a PRC payee, a crypto wallet and no video interview: four independent high-severity flags block', () => {
    const evaluation = screen(prcPayeePersona());
    expect(evaluation.outcome, JSON.stringify(evaluation.hits)).toBe('block');
    const fired = evaluation.hits.filter((hit) => hit.points > 0).map((hit) => hit.ruleId);
    expect(fired).toEqual(expect.arrayContaining(['payee-name-mismatch', 'payment-prc-bank', 'payment-crypto', 'interview-no-video']));
    // The bank in the PRC is one fact: the PRC-bank rule counts it, the bank-vs-claimed-country rule shows it at 0.
    expect(evaluation.hits.find((hit) => hit.ruleId === 'claimed-country-vs-bank')?.points).toBe(0);
    expect(evaluation.hits.some((hit) => hit.forcesBlock)).toBe(false);
    expect(evaluation.hits.find((hit) => hit.ruleId === 'payee-name-mismatch')).toMatchObject({
      field: '/subject/payment/accountHolderName',
      value: 'Zhang Wei',
      indicatorIds: expect.arrayContaining(['JP24-PAYEE-NAME-MISMATCH']),
    });
  });

  test('one high-severity flag alone stays clear; two independent ones (payout to another person, no video) reach review', () => {
    const one = screen({ ...cleanPolishFreelancer(), interview: { videoCompleted: false } });
    expect(one.outcome).toBe('clear');
    const freelancer = cleanPolishFreelancer();
    const two = screen({ ...freelancer, interview: { videoCompleted: false }, payment: { ...freelancer.payment!, accountHolderName: 'Jordan Ellis' } });
    expect(two.outcome, JSON.stringify(two.hits)).toBe('review');
    expect(two.score).toBe(Math.round(posteriorPercent(-30 + 17 + 17)));
  });

  test('the same persona also refusing the camera crosses into block', () => {
    const subject = prcPayeePersona();
    subject.interview = { videoCompleted: false, cameraOn: false, appearanceMatchesId: false };
    expect(screen(subject).outcome).toBe('block');
  });

  test('a payout wallet on a sanctions list blocks an otherwise clean profile', () => {
    const subject = cleanPolishFreelancer();
    subject.payment = { method: 'crypto', accountHolderName: 'Anna Kowalska', wallets: ['0xB6F5EC1A0A9CD1526536D3F0426C429529471F40'] };
    const evaluation = screen(subject);
    expect(evaluation.outcome).toBe('block');
    expect(evaluation.hits.find((hit) => hit.ruleId === 'list-wallet-match')).toMatchObject({
      forcesBlock: true,
      points: defaultRule('list-wallet-match').weight,
      field: '/subject/payment/wallets/0',
      value: '0xB6F5EC…1F40',
      similarity: 1,
      entry: { id: 'kim', source: 'redflag-curated', sourceId: 'kim', name: 'KIM, Sang Man' },
      indicatorIds: ['LIST-WALLET', 'DOJ-CRYPTO-MIX'],
    });
  });

  test('a wallet found only on a low-confidence curated entry goes to review, never block', () => {
    const subject = cleanPolishFreelancer();
    subject.payment = { method: 'bank', accountHolderName: 'Anna Kowalska', bankCountry: 'PL', wallets: ['0xcb74874f1e06fcf80a306e06e5379a44b488ba2d'] };
    const evaluation = screen(subject);
    const hit = evaluation.hits.find((candidate) => candidate.ruleId === 'list-wallet-match');
    expect(hit, JSON.stringify(evaluation.hits)).toMatchObject({ points: 30, entry: { id: 'amnokgang' } });
    expect(hit?.forcesBlock).toBeUndefined();
    expect(evaluation.outcome).toBe('review');
  });

  test('three applicants with different names and one shipping address: the later ones are flagged and linked to the earlier', () => {
    const store = new SubjectStore();
    const farm = { kind: 'shipping' as const, line1: '4410 N 27th Ave', city: 'Phoenix', postalCode: '85017', country: 'US' };
    const applicants = [
      { externalRef: 'cand-a', name: 'Michael Brown', addresses: [{ ...farm, kind: 'residence' as const }, farm] },
      { externalRef: 'cand-b', name: 'Yang Di', addresses: [{ ...farm, line1: '4410 North 27th Avenue' }] },
      { externalRef: 'cand-c', name: 'Haoran Xu', addresses: [{ ...farm, line1: '4410 n. 27th ave.' }] },
    ];
    const results = applicants.map((applicant) => {
      const evaluation = screen(applicant, store);
      store.add(applicant);
      return evaluation;
    });
    expect(results[0]?.hits.filter((hit) => hit.ruleId === 'shared-shipping-address')).toEqual([]);
    expect(results[1]?.hits.find((hit) => hit.ruleId === 'shared-shipping-address')).toMatchObject({
      field: '/subject/addresses/0',
      related: ['cand-a'],
      points: defaultRule('shared-shipping-address').weight,
      indicatorIds: ['FBI24-LAPTOP-RECEIVER', 'FBI25-CROSS-APPLICANT'],
      value: 'shipping address, 85017 Phoenix US',
    });
    expect(results[2]?.hits.find((hit) => hit.ruleId === 'shared-shipping-address')?.related).toEqual(['cand-a', 'cand-b']);
    expect(results[1]?.outcome).toBe('review');
    expect(results[2]?.outcome).toBe('review');
  });
});

describe('nationality, language and hub geography never count on their own', () => {
  const contextOnly = (): ScreeningSubject => ({
    externalRef: 'cand-3001',
    name: 'Min-jun Lee',
    citizenships: ['KR'],
    preferredLanguage: 'ko',
    claimedLocation: { country: 'US' },
    documents: [{ type: 'passport', country: 'US' }],
    logins: [{ ip: '203.0.113.9', country: 'US', at: '2026-11-01T15:00:00Z' }, { ip: '203.0.113.9', country: 'CN', at: '2026-11-03T15:00:00Z' }],
    payment: { method: 'bank', accountHolderName: 'Min-jun Lee', bankCountry: 'US' },
  });

  test('alone they are shown to the reviewer with 0 points and the decision is clear', () => {
    const evaluation = screen(contextOnly());
    const ids = evaluation.hits.map((hit) => hit.ruleId).sort();
    expect(ids).toEqual(['geo-hub-country', 'nationality-korean-unsupported', 'preferred-language-korean']);
    expect(evaluation.hits.every((hit) => hit.points === 0)).toBe(true);
    expect(evaluation).toMatchObject({ score: 0, outcome: 'clear' });
  });

  test('next to another red flag they add their weight', () => {
    const subject = { ...contextOnly(), interview: { videoCompleted: false } };
    const evaluation = screen(subject);
    const points = Object.fromEntries(evaluation.hits.map((hit) => [hit.ruleId, hit.points]));
    expect(points['interview-no-video']).toBe(defaultRule('interview-no-video').weight);
    for (const key of ['nationality-korean-unsupported', 'preferred-language-korean', 'geo-hub-country']) expect(points[key], key).toBeGreaterThan(0);
    // Likelihood-ratio model: context adds at most 3 dB together to the flag's 17 over the −30 dB prior.
    const withoutContext = screen({ ...subject, citizenships: undefined, preferredLanguage: undefined, logins: undefined });
    expect(evaluation.score).toBe(Math.round(posteriorPercent(-30 + 17 + 3)));
    expect(evaluation.score).toBeGreaterThan(withoutContext.score);
    expect(evaluation.outcome).toBe('clear');
  });
});
