import { describe, expect, test } from 'vitest';
import { evaluateRuleset } from '../../src/domain/rules/evaluate.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { screeningRequestSchema } from '../../src/http/schemas/screening.schemas.js';
import { SUBJECT_LIMITS, subjectSchema } from '../../src/http/schemas/subject.schema.js';
import { cleanPolishFreelancer, contextFor, defaultRuleset } from './rules-fixtures.js';

/** The request body of issue #5, field names included: the contract. */
const CONTRACT_EXAMPLE = {
  subject: {
    externalRef: 'cand-1042',
    name: 'Jane Roe',
    aliases: ['J. Roe'],
    birthDate: '1990-04-25',
    nationality: 'US',
    claimedLocation: { country: 'US', city: 'Austin', timezone: 'America/Chicago' },
    emails: ['jane@example.com'],
    phones: ['+1 512 555 0100'],
    addresses: [{ kind: 'shipping', line1: '12 Oak St', city: 'Austin', postalCode: '78701', country: 'US' }],
    employment: [{ employer: 'Acme Soft', domain: 'acmesoft.example' }],
    profiles: [{ platform: 'github', url: 'https://github.com/jroe', displayName: 'Jane Roe' }],
    logins: [{ ip: '203.0.113.5', country: 'US', at: '2026-11-01T15:00:00Z' }],
    payment: { method: 'bank', accountHolderName: 'Jane Roe', bankCountry: 'US', wallets: [] },
    documents: [{ type: 'passport', country: 'US', number: 'X1234567' }],
    interview: { videoCompleted: true, cameraOn: true },
    engagement: { via: 'direct' },
  },
  monitor: false,
};

function pathsOf(subject: unknown): string[] {
  const result = subjectSchema.safeParse(subject);
  return result.success ? [] : result.error.issues.map((issue) => `/${issue.path.join('/')}`);
}

const base = { name: 'Jane Roe' };

describe('the subject schema', () => {
  test('accepts the issue #5 contract example unchanged', () => {
    const result = screeningRequestSchema.safeParse(CONTRACT_EXAMPLE);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(result.data).toEqual(CONTRACT_EXAMPLE);
  });

  test('accepts a full, realistic profile and a name-only one', () => {
    expect(pathsOf(cleanPolishFreelancer())).toEqual([]);
    expect(pathsOf(base)).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['an impossible birth date', { birthDate: '2026-02-30' }, '/birthDate'],
    ['an impossible login time', { logins: [{ ip: '203.0.113.5', at: '2026-02-30T10:00:00Z' }] }, '/logins/0/at'],
    ['a login time without offset', { logins: [{ ip: '203.0.113.5', at: '2026-11-01 10:00' }] }, '/logins/0/at'],
    ['a session ending before it starts', { logins: [{ ip: '203.0.113.5', at: '2026-11-01T10:00:00Z', endedAt: '2026-11-01T09:00:00Z' }] }, '/logins/0/endedAt'],
    ['a malformed IPv4', { logins: [{ ip: '203.0.113.256', at: '2026-11-01T10:00:00Z' }] }, '/logins/0/ip'],
    ['a malformed IPv6', { logins: [{ ip: '2001:db8::1::2', at: '2026-11-01T10:00:00Z' }] }, '/logins/0/ip'],
    ['a host name instead of an IP', { logins: [{ ip: 'example.com', at: '2026-11-01T10:00:00Z' }] }, '/logins/0/ip'],
    ['an unknown country code', { nationality: 'XX' }, '/nationality'],
    ['a lower-case country code', { claimedLocation: { country: 'us' } }, '/claimedLocation/country'],
    ['an alpha-3 country code', { addresses: [{ kind: 'residence', line1: '1 Main St', country: 'USA' }] }, '/addresses/0/country'],
    ['an unknown bank country', { payment: { method: 'bank', bankCountry: 'ZZ' } }, '/payment/bankCountry'],
    ['an unknown time zone', { claimedLocation: { timezone: 'Mars/Olympus' } }, '/claimedLocation/timezone'],
    ['an unknown payment method', { payment: { method: 'cheque' } }, '/payment/method'],
    ['an unknown address kind', { addresses: [{ kind: 'office', line1: '1 Main St', country: 'US' }] }, '/addresses/0/kind'],
    ['an unknown field', { shoeSize: 42 }, '/'],
    ['an unknown nested field', { payment: { method: 'bank', swift: 'X' } }, '/payment'],
    ['a control character in a city', { claimedLocation: { city: 'Aus\u0000tin' } }, '/claimedLocation/city'],
    ['a newline in a name', { name: 'Jane\nRoe' }, '/name'],
    ['a bidi override in an alias', { aliases: ['\u202eeoR enaJ'] }, '/aliases/0'],
    ['a javascript: profile URL', { profiles: [{ platform: 'github', url: 'javascript:alert(1)' }] }, '/profiles/0/url'],
    ['an e-mail without domain', { emails: ['jane@'] }, '/emails/0'],
    ['a phone made of letters', { phones: ['call me'] }, '/phones/0'],
    ['a phone with too many digits', { phones: ['+1 512 555 0100 1234 5678'] }, '/phones/0'],
    ['a wallet too short to be one', { payment: { method: 'crypto', wallets: ['0x123'] } }, '/payment/wallets/0'],
    ['a document number with punctuation soup', { documents: [{ type: 'passport', number: '<script>' }] }, '/documents/0/number'],
    ['a 10,000-character employer', { employment: [{ employer: 'x'.repeat(10_000) }] }, '/employment/0/employer'],
    ['a birth date before 1900', { birthDate: '1899-12-31' }, '/birthDate'],
  ])('refuses %s, naming the field', (_label, extra, path) => {
    expect(pathsOf({ ...base, ...extra })).toContain(path);
  });

  test(`refuses more than ${SUBJECT_LIMITS.logins} logins with a clear error on /logins`, () => {
    const logins = Array.from({ length: 10_000 }, (_, index) => ({ ip: '203.0.113.5', at: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString() }));
    const started = performance.now();
    const result = subjectSchema.safeParse({ ...base, logins });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['logins'], code: 'too_big' });
  });

  test('at the cap, 1,000 logins validate and evaluate quickly through the whole default ruleset', () => {
    const countries = ['US', 'CN', 'RU', 'VN', 'PL'];
    const logins = Array.from({ length: SUBJECT_LIMITS.logins }, (_, index) => ({
      ip: `203.0.${index % 250}.${index % 200}`,
      country: countries[index % countries.length],
      at: new Date(Date.UTC(2026, 0, 1) + index * 37 * 60_000).toISOString(),
      endedAt: new Date(Date.UTC(2026, 0, 1) + index * 37 * 60_000 + 30 * 60_000).toISOString(),
    }));
    const parsed = subjectSchema.parse({ ...base, claimedLocation: { country: 'US', timezone: 'America/New_York' }, logins });
    const subject: ScreeningSubject = parsed;
    const started = performance.now();
    const evaluation = evaluateRuleset(subject, defaultRuleset(), contextFor(subject));
    expect(performance.now() - started).toBeLessThan(500);
    expect(evaluation.hits.map((hit) => hit.ruleId)).toEqual(expect.arrayContaining(['login-many-countries', 'claimed-country-vs-logins']));
  });
});
