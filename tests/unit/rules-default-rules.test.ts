import { describe, expect, test } from 'vitest';
import { DEFAULT_RULES } from '../../src/domain/rules/default-ruleset.js';
import { evaluateRuleset, LinkedSubjectsCut, linkedHoldersWanted, type EvaluationContext, type LinkedSubject } from '../../src/domain/rules/evaluate.js';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { linkKeyOf } from '../../src/domain/rules/subject-lookups.js';
import { contextFor, defaultRule, hash, rulesetOf, SubjectStore, type ContextOptions } from './rules-fixtures.js';

interface Case {
  subject: ScreeningSubject;
  options?: ContextOptions;
  /** The field path the first hit must name. */
  field?: string;
}

const jane = (extra: Partial<ScreeningSubject> = {}): ScreeningSubject => ({ externalRef: 'cand-jane', name: 'Jane Roe', ...extra });

function storeWith(...subjects: (ScreeningSubject & { externalRef: string })[]): SubjectStore {
  const store = new SubjectStore();
  subjects.forEach((subject) => store.add(subject));
  return store;
}

const LISTED_PERSON = [{ id: 'kim', name: 'KIM, Sang Man' }];
const LISTED_ENTITY = [{ id: 'chinyong', name: 'CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY', type: 'entity' }];
const KIM_WALLET = '0xb6f5ec1a0a9cd1526536d3f0426c429529471f40';
const OAK = { line1: '12 Oak Street', city: 'Austin', postalCode: '78701', country: 'US' };
const ELM = { line1: '99 Elm Road', city: 'Dallas', postalCode: '75201', country: 'US' };
const logins = (country: string, times: string[]) => times.map((at) => ({ ip: '203.0.113.5', country, at }));

/** For every default rule: a profile that shows its red flag, and one that does not. */
const CASES: Record<string, { fires: Case; quiet: Case }> = {
  'list-name-match': {
    fires: { subject: { name: 'Sang Man Kim' }, options: { names: LISTED_PERSON }, field: '/subject/name' },
    quiet: { subject: { name: 'Jane Roe' }, options: { names: LISTED_PERSON } },
  },
  'list-associate-name-match': {
    fires: { subject: jane({ payment: { method: 'bank', accountHolderName: 'Kim Sang Man' } }), options: { names: LISTED_PERSON }, field: '/subject/payment/accountHolderName' },
    // The payee is the applicant: already screened as the person, not counted twice.
    quiet: { subject: { name: 'Kim Sang Man', payment: { method: 'bank', accountHolderName: 'KIM Sang Man' } }, options: { names: LISTED_PERSON } },
  },
  'list-entity-match': {
    fires: { subject: jane({ employment: [{ employer: 'Chinyong Information Technology Cooperation Company' }] }), options: { names: LISTED_ENTITY }, field: '/subject/employment/0/employer' },
    // A company name is not matched against listed individuals.
    quiet: { subject: jane({ employment: [{ employer: 'Kim Sang Man' }] }), options: { names: LISTED_PERSON } },
  },
  'list-wallet-match': {
    fires: {
      subject: jane({ payment: { method: 'crypto', wallets: [KIM_WALLET.toUpperCase().replace('0X', '0x')] } }),
      options: { identifiers: [{ kind: 'wallet', normalized: KIM_WALLET, entryId: 'kim', confidence: 'high' }] },
      field: '/subject/payment/wallets/0',
    },
    quiet: { subject: jane({ payment: { method: 'crypto', wallets: ['0x0000000000000000000000000000000000000001'] } }), options: { identifiers: [{ kind: 'wallet', normalized: KIM_WALLET, entryId: 'kim' }] } },
  },
  'list-contact-match': {
    fires: { subject: jane({ emails: ['GlausLi1990@Outlook.com'] }), options: { identifiers: [{ kind: 'email', normalized: 'glausli1990@outlook.com', entryId: 'glaus' }] }, field: '/subject/emails/0' },
    quiet: { subject: jane({ emails: ['jane@example.com'] }), options: { identifiers: [{ kind: 'email', normalized: 'glausli1990@outlook.com', entryId: 'glaus' }] } },
  },
  'list-document-match': {
    fires: {
      subject: jane({ documents: [{ type: 'passport', country: 'KP', number: '109 420 132' }] }),
      options: { identifiers: [{ kind: 'passport', normalized: '109420132', country: 'KP', entryId: 'p1' }] },
      field: '/subject/documents/0/number',
    },
    // Same digits, another issuing country: another document.
    quiet: { subject: jane({ documents: [{ type: 'passport', country: 'US', number: '109420132' }] }), options: { identifiers: [{ kind: 'passport', normalized: '109420132', country: 'KP', entryId: 'p1' }] } },
  },
  'list-domain-match': {
    fires: { subject: jane({ employment: [{ employer: 'Upwork Sell', domain: 'www.UpWorkSell.com' }] }), options: { identifiers: [{ kind: 'domain', normalized: 'upworksell.com', entryId: 'didenko' }] }, field: '/subject/employment/0/domain' },
    quiet: { subject: jane({ employment: [{ employer: 'Acme Soft', domain: 'acmesoft.example' }] }), options: { identifiers: [{ kind: 'domain', normalized: 'upworksell.com', entryId: 'didenko' }] } },
  },
  'watchlist-identifier-match': {
    // A watchlist keeps a bank account only as its link key (keyed hash), never the number.
    fires: {
      subject: jane({ payment: { method: 'bank', bankAccount: 'DE89 3704 0044 0532 0130 00' } }),
      options: { identifiers: [{ kind: 'link_key', normalized: linkKeyOf(hash, 'bank_account', 'DE89370400440532013000'), entryId: 'do-not-hire-1' }] },
      field: '/subject/payment/bankAccount',
    },
    quiet: {
      subject: jane({ payment: { method: 'bank', bankAccount: 'DE02 1203 0000 0000 2020 51' } }),
      options: { identifiers: [{ kind: 'link_key', normalized: linkKeyOf(hash, 'bank_account', 'DE89370400440532013000'), entryId: 'do-not-hire-1' }] },
    },
  },
  'dprk-geography': {
    fires: { subject: jane({ phones: ['+850 2 381 8208'] }), field: '/subject/phones/0' },
    quiet: { subject: jane({ phones: ['+82 2 2100 2114'], nationality: 'KR' }) },
  },
  'geo-hub-city': {
    fires: { subject: jane({ addresses: [{ kind: 'shipping', line1: '3 Jinqiao Rd', city: 'Dandong', country: 'CN' }] }), field: '/subject/addresses/0/country' },
    quiet: { subject: jane({ addresses: [{ kind: 'shipping', line1: '3 Jinqiao Rd', city: 'Beijing', country: 'CN' }] }) },
  },
  'geo-hub-country': {
    fires: { subject: jane({ logins: logins('CN', ['2026-11-01T01:00:00Z']) }), field: '/subject/logins/0/country' },
    quiet: { subject: jane({ logins: logins('PL', ['2026-11-01T01:00:00Z']) }) },
  },
  'payment-prc-bank': {
    fires: { subject: jane({ payment: { method: 'bank', bankCountry: 'CN' } }), field: '/subject/payment/bankCountry' },
    quiet: { subject: jane({ payment: { method: 'bank', bankCountry: 'PL' } }) },
  },
  'payment-crypto': {
    fires: { subject: jane({ payment: { method: 'bank', wallets: [KIM_WALLET] } }), field: '/subject/payment/wallets' },
    quiet: { subject: jane({ payment: { method: 'bank', wallets: [] } }) },
  },
  'payment-prc-platform': {
    fires: { subject: jane({ payment: { method: 'payment_platform', provider: 'AlipayHK' } }), field: '/subject/payment/provider' },
    quiet: { subject: jane({ payment: { method: 'payment_platform', provider: 'PayPal' } }) },
  },
  'payment-alternative-method': {
    fires: { subject: jane({ payment: { method: 'money_transfer', provider: 'Western Union' } }), field: '/subject/payment/method' },
    quiet: { subject: jane({ payment: { method: 'bank' } }) },
  },
  'payee-name-mismatch': {
    fires: { subject: jane({ payment: { method: 'bank', accountHolderName: 'Zhang Wei' } }), field: '/subject/payment/accountHolderName' },
    quiet: { subject: jane({ payment: { method: 'bank', accountHolderName: 'ROE, Jane M.' } }) },
  },
  'interview-no-video': {
    fires: { subject: jane({ interview: { videoCompleted: false } }), field: '/subject/interview/videoCompleted' },
    // Not asked is not "no".
    quiet: { subject: jane({ interview: {} }) },
  },
  'interview-camera-off': {
    fires: { subject: jane({ interview: { cameraOn: false } }) },
    quiet: { subject: jane({ interview: { cameraOn: true } }) },
  },
  'interview-appearance-mismatch': {
    fires: { subject: jane({ interview: { appearanceMatchesId: false } }) },
    quiet: { subject: jane({ interview: { appearanceMatchesId: true } }) },
  },
  'interview-location-unanswered': {
    fires: { subject: jane({ interview: { locationQuestionsAnswered: false } }) },
    quiet: { subject: jane() },
  },
  'interview-in-person-refused': {
    fires: { subject: jane({ interview: { inPersonOrDrugTestAccepted: false } }) },
    quiet: { subject: jane({ interview: { inPersonOrDrugTestAccepted: true } }) },
  },
  'interview-reading-answers': {
    fires: { subject: jane({ interview: { readingAnswersSuspected: true } }) },
    quiet: { subject: jane({ interview: { readingAnswersSuspected: false } }) },
  },
  'engagement-via-vendor': {
    fires: { subject: jane({ engagement: { via: 'vendor', vendorName: 'Talent Bridge LLC' } }), field: '/subject/engagement/via' },
    quiet: { subject: jane({ engagement: { via: 'direct' } }) },
  },
  'claimed-country-vs-phone': {
    fires: { subject: jane({ claimedLocation: { country: 'US' }, phones: ['+86 138 0013 8000'] }), field: '/subject/phones/0' },
    // +1 is shared by the US, Canada and the Caribbean.
    quiet: { subject: jane({ claimedLocation: { country: 'CA' }, phones: ['+1 512 555 0100', '(512) 555-0101'] }) },
  },
  'claimed-country-vs-logins': {
    fires: { subject: jane({ claimedLocation: { country: 'US' }, logins: [...logins('CN', ['2026-11-01T01:00:00Z', '2026-11-02T01:00:00Z']), ...logins('US', ['2026-11-03T15:00:00Z'])] }), field: '/subject/logins' },
    quiet: { subject: jane({ claimedLocation: { country: 'US' }, logins: [...logins('US', ['2026-11-01T15:00:00Z', '2026-11-02T15:00:00Z', '2026-11-03T15:00:00Z']), ...logins('MX', ['2026-11-04T15:00:00Z'])] }) },
  },
  'login-country-disagrees': {
    fires: {
      subject: jane({ logins: [{ ip: '5.255.255.5', country: 'US', at: '2026-11-01T15:00:00Z' }, { ip: '8.8.8.8', country: 'US', at: '2026-11-02T15:00:00Z' }] }),
      options: { ipIntelligence: { database: 'test', locations: { '5.255.255.5': { country: 'RU' }, '8.8.8.8': { country: 'US' } } } },
      field: '/subject/logins/0/country',
    },
    // The caller's country is all there is for an IP the database does not place.
    quiet: {
      subject: jane({ logins: [{ ip: '10.0.0.1', country: 'RU', at: '2026-11-01T15:00:00Z' }, { ip: '8.8.8.8', country: 'US', at: '2026-11-02T15:00:00Z' }] }),
      options: { ipIntelligence: { database: 'test', locations: { '8.8.8.8': { country: 'US' } } } },
    },
  },
  'claimed-country-vs-bank': {
    fires: { subject: jane({ claimedLocation: { country: 'US' }, payment: { method: 'bank', bankCountry: 'CN' } }) },
    quiet: { subject: jane({ claimedLocation: { country: 'US' }, payment: { method: 'bank', bankCountry: 'US' } }) },
  },
  'claimed-country-vs-timezone': {
    fires: { subject: jane({ claimedLocation: { country: 'US', timezone: 'Asia/Shanghai' } }), field: '/subject/claimedLocation/timezone' },
    quiet: { subject: jane({ claimedLocation: { country: 'US', timezone: 'US/Central' } }) },
  },
  'claimed-country-vs-residence': {
    fires: { subject: jane({ claimedLocation: { country: 'US' }, addresses: [{ kind: 'residence', line1: '1 Main Rd', country: 'RU' }] }), field: '/subject/addresses/0/country' },
    quiet: { subject: jane({ claimedLocation: { country: 'US' }, addresses: [{ kind: 'residence', ...OAK }, { kind: 'other', line1: 'x', country: 'RU' }] }) },
  },
  'shipping-not-id-address': {
    fires: { subject: jane({ addresses: [{ kind: 'id_document', ...OAK }, { kind: 'shipping', ...ELM }] }), field: '/subject/addresses/1' },
    quiet: { subject: jane({ addresses: [{ kind: 'id_document', ...OAK }, { kind: 'shipping', ...OAK, line1: '12 OAK ST.' }] }) },
  },
  'profile-name-mismatch': {
    fires: { subject: jane({ profiles: [{ platform: 'github', displayName: 'Li Ming' }] }), field: '/subject/profiles/0/displayName' },
    // A handle is not a name.
    quiet: { subject: jane({ profiles: [{ platform: 'github', displayName: 'jroe_dev' }, { platform: 'linkedin', displayName: 'Jane Roe' }] }) },
  },
  'profile-photos-differ': {
    fires: { subject: jane({ profiles: [{ platform: 'github', photoDigest: 'aaaaaaaaaaaaaaaa' }, { platform: 'linkedin', photoDigest: 'bbbbbbbbbbbbbbbb' }] }) },
    quiet: { subject: jane({ profiles: [{ platform: 'github', photoDigest: 'aaaaaaaaaaaaaaaa' }, { platform: 'linkedin', photoDigest: 'AAAAAAAAAAAAAAAA' }] }) },
  },
  'reference-is-self': {
    fires: { subject: jane({ emails: ['jane@example.com'], references: [{ name: 'John Smith', email: 'jane+ref@example.com' }] }), field: '/subject/references/0/email' },
    quiet: { subject: jane({ emails: ['jane@example.com'], references: [{ name: 'John Smith', email: 'john@acmesoft.example' }] }) },
  },
  'nationality-korean-unsupported': {
    fires: { subject: jane({ nationality: 'KR', documents: [{ type: 'passport', country: 'US' }] }), field: '/subject/nationality' },
    quiet: { subject: jane({ nationality: 'KR', documents: [{ type: 'passport', country: 'KR' }] }) },
  },
  'preferred-language-korean': {
    fires: { subject: jane({ preferredLanguage: 'ko', claimedLocation: { country: 'US' } }) },
    quiet: { subject: jane({ preferredLanguage: 'ko', nationality: 'KR', claimedLocation: { country: 'US' } }) },
  },
  'login-many-countries': {
    fires: { subject: jane({ logins: [...logins('US', ['2026-11-01T00:00:00Z']), ...logins('CN', ['2026-11-01T08:00:00Z']), ...logins('RU', ['2026-11-01T20:00:00Z'])] }) },
    quiet: { subject: jane({ logins: [...logins('US', ['2026-11-01T00:00:00Z']), ...logins('CN', ['2026-11-02T08:00:00Z']), ...logins('RU', ['2026-11-03T20:00:00Z'])] }) },
  },
  'login-continuous-session': {
    fires: { subject: jane({ logins: [{ ip: '203.0.113.5', at: '2026-11-01T00:00:00Z', endedAt: '2026-11-02T06:00:00Z' }] }), field: '/subject/logins/0' },
    quiet: { subject: jane({ logins: [{ ip: '203.0.113.5', at: '2026-11-01T08:00:00Z', endedAt: '2026-11-01T16:00:00Z' }] }) },
  },
  'login-long-days': {
    fires: {
      subject: jane({
        logins: [
          { ip: '203.0.113.5', at: '2026-11-01T01:00:00Z', endedAt: '2026-11-01T11:00:00Z' },
          { ip: '203.0.113.6', at: '2026-11-01T12:00:00Z', endedAt: '2026-11-01T22:00:00Z' },
        ],
      }),
    },
    quiet: { subject: jane({ logins: [{ ip: '203.0.113.5', at: '2026-11-01T08:00:00Z', endedAt: '2026-11-01T17:00:00Z' }] }) },
  },
  'login-night-hours': {
    // 08:00 UTC is 02:00 in Chicago in November.
    fires: { subject: jane({ claimedLocation: { country: 'US', timezone: 'America/Chicago' }, logins: logins('US', ['2026-11-02T08:00:00Z', '2026-11-03T08:30:00Z', '2026-11-04T09:00:00Z', '2026-11-05T07:45:00Z', '2026-11-06T16:00:00Z']) }), field: '/subject/logins' },
    quiet: { subject: jane({ claimedLocation: { country: 'US', timezone: 'America/Chicago' }, logins: logins('US', ['2026-11-02T15:00:00Z', '2026-11-03T15:30:00Z', '2026-11-04T16:00:00Z', '2026-11-05T14:45:00Z', '2026-11-06T08:00:00Z']) }) },
  },
  'login-hosting-network': {
    // AWS and Proton VPN addresses, as the service's lookup names their networks (tests/unit/ip-asn.test.ts).
    fires: {
      subject: jane({ logins: [{ ip: '52.95.110.1', at: '2026-11-01T15:00:00Z' }, { ip: '185.159.157.1', at: '2026-11-02T15:00:00Z' }] }),
      options: { ipIntelligence: { database: 'test', locations: { '52.95.110.1': { country: 'US', asn: 16509, organisation: 'Amazon.com, Inc.', hosting: 'hosting' }, '185.159.157.1': { country: 'CH', asn: 209103, organisation: 'Proton AG', hosting: 'vpn' } } } },
      field: '/subject/logins/0/ip',
    },
    // One VPN login among home-network ones is below the share.
    quiet: {
      subject: jane({ logins: [{ ip: '73.1.2.3', at: '2026-11-01T15:00:00Z' }, { ip: '73.1.2.3', at: '2026-11-02T15:00:00Z' }, { ip: '185.159.157.1', at: '2026-11-03T15:00:00Z' }] }),
      options: { ipIntelligence: { database: 'test', locations: { '73.1.2.3': { country: 'US', asn: 7922, organisation: 'Comcast Cable Communications, LLC' }, '185.159.157.1': { country: 'CH', asn: 209103, organisation: 'Proton AG', hosting: 'vpn' } } } },
    },
  },
  'shared-shipping-address': {
    fires: { subject: jane({ addresses: [{ kind: 'shipping', ...OAK }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', addresses: [{ kind: 'shipping', ...OAK, line1: '12 Oak St' }] }) }, field: '/subject/addresses/0' },
    // The same person applying again under another reference is not a laptop farm.
    quiet: { subject: jane({ addresses: [{ kind: 'shipping', ...OAK }] }), options: { store: storeWith({ externalRef: 'cand-jane-2', name: 'Jane ROE', addresses: [{ kind: 'shipping', ...OAK }] }) } },
  },
  'shared-home-address': {
    fires: { subject: jane({ addresses: [{ kind: 'residence', ...OAK }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', addresses: [{ kind: 'shipping', ...OAK }] }) } },
    quiet: { subject: jane({ addresses: [{ kind: 'residence', ...OAK }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', addresses: [{ kind: 'shipping', ...ELM }] }) } },
  },
  'shared-contact': {
    fires: { subject: jane({ phones: ['+1 512 555 0100'] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', phones: ['001-512-555-0100'] }) }, field: '/subject/phones/0' },
    quiet: { subject: jane({ phones: ['+1 512 555 0100'] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', phones: ['+1 512 555 0199'] }) } },
  },
  'shared-payment-account': {
    fires: { subject: jane({ payment: { method: 'bank', bankAccount: 'DE89 3704 0044 0532 0130 00' } }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', payment: { method: 'bank', bankAccount: 'de89370400440532013000' } }) }, field: '/subject/payment/bankAccount' },
    quiet: { subject: jane({ payment: { method: 'bank', bankAccount: 'DE89 3704 0044 0532 0130 00' } }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', payment: { method: 'bank', bankAccount: 'DE44 5001 0517 5407 3249 31' } }) } },
  },
  'shared-identity-document': {
    fires: { subject: jane({ documents: [{ type: 'passport', country: 'US', number: 'X1234567' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', documents: [{ type: 'passport', country: 'US', number: 'x-1234567' }] }) } },
    quiet: { subject: jane({ documents: [{ type: 'passport', country: 'US', number: 'X1234567' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', documents: [{ type: 'passport', country: 'US', number: 'X7654321' }] }) } },
  },
  'shared-login-ip': {
    fires: { subject: jane({ logins: [{ ip: '2001:db8:1:2::17', at: '2026-11-01T10:00:00Z' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', logins: [{ ip: '2001:DB8:1:2:aaaa::1', at: '2026-10-01T10:00:00Z' }] }) } },
    quiet: { subject: jane({ logins: [{ ip: '2001:db8:1:2::17', at: '2026-11-01T10:00:00Z' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', logins: [{ ip: '2001:db8:1:3::17', at: '2026-10-01T10:00:00Z' }] }) } },
  },
  'shared-photo': {
    fires: { subject: jane({ profiles: [{ platform: 'github', photoDigest: 'ABCDEF0123456789' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', profiles: [{ platform: 'upwork', photoDigest: 'abcdef0123456789' }] }) } },
    quiet: { subject: jane({ profiles: [{ platform: 'github', photoDigest: 'ABCDEF0123456789' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', profiles: [{ platform: 'upwork', photoDigest: '0123456789abcdef' }] }) } },
  },
  'shared-online-profile': {
    fires: { subject: jane({ profiles: [{ platform: 'github', url: 'https://github.com/jroe/' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', profiles: [{ platform: 'github', url: 'http://www.github.com/jroe' }] }) } },
    quiet: { subject: jane({ profiles: [{ platform: 'github', url: 'https://github.com/jroe' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', profiles: [{ platform: 'github', url: 'https://github.com/bstone' }] }) } },
  },
  'reference-is-other-applicant': {
    fires: { subject: jane({ references: [{ name: 'Bob Stone', email: 'bob@example.com' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', emails: ['bob@example.com'] }) }, field: '/subject/references/0/email' },
    quiet: { subject: jane({ references: [{ name: 'Bob Stone', email: 'bob@example.com' }] }), options: { store: storeWith({ externalRef: 'cand-carl', name: 'Carl Wu', emails: ['carl@example.com'] }) } },
  },
  'applicant-is-other-reference': {
    fires: { subject: jane({ emails: ['jane@example.com'] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', references: [{ name: 'Jane Roe', email: 'Jane@Example.com' }] }) }, field: '/subject/emails/0' },
    quiet: { subject: jane({ emails: ['jane@example.com'] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', references: [{ name: 'Ann Lee', email: 'ann@example.com' }] }) } },
  },
  'shared-reference': {
    fires: {
      subject: jane({ references: [{ name: 'Max Client', phone: '+44 20 7946 0000' }] }),
      options: {
        store: storeWith(
          { externalRef: 'cand-bob', name: 'Bob Stone', references: [{ name: 'Max Client', phone: '+44 20 7946 0000' }] },
          { externalRef: 'cand-carl', name: 'Carl Wu', references: [{ name: 'M. Client', phone: '0044 20 7946 0000' }] },
        ),
      },
    },
    // One other applicant naming the same client is ordinary.
    quiet: { subject: jane({ references: [{ name: 'Max Client', phone: '+44 20 7946 0000' }] }), options: { store: storeWith({ externalRef: 'cand-bob', name: 'Bob Stone', references: [{ name: 'Max Client', phone: '+44 20 7946 0000' }] }) } },
  },
  'contact-changed': {
    fires: { subject: jane({ emails: ['jane.new@example.com'] }), options: { previous: jane({ emails: ['jane@example.com'] }) }, field: '/subject/emails/0' },
    // A first screening has nothing to compare with.
    quiet: { subject: jane({ emails: ['jane.new@example.com'] }) },
  },
  'payout-account-changed': {
    fires: { subject: jane({ payment: { method: 'bank', bankAccount: 'DE44 5001 0517 5407 3249 31' } }), options: { previous: jane({ payment: { method: 'bank', bankAccount: 'DE89 3704 0044 0532 0130 00' } }) } },
    quiet: { subject: jane({ payment: { method: 'bank', bankAccount: 'DE89370400440532013000' } }), options: { previous: jane({ payment: { method: 'bank', bankAccount: 'DE89 3704 0044 0532 0130 00' } }) } },
  },
  'residence-changed': {
    fires: { subject: jane({ addresses: [{ kind: 'residence', ...ELM }] }), options: { previous: jane({ addresses: [{ kind: 'residence', ...OAK }] }) } },
    quiet: { subject: jane({ addresses: [{ kind: 'residence', ...OAK }] }), options: { previous: jane({ addresses: [{ kind: 'residence', ...OAK }] }) } },
  },
  'shipping-address-changed': {
    fires: { subject: jane({ addresses: [{ kind: 'shipping', ...ELM }] }), options: { previous: jane({ addresses: [{ kind: 'shipping', ...OAK }] }) } },
    quiet: { subject: jane({ addresses: [{ kind: 'shipping', ...ELM }] }), options: { previous: jane({ addresses: [{ kind: 'residence', ...OAK }] }) } },
  },
};

const keys = DEFAULT_RULES.map((rule) => rule.key);

describe('each default rule', () => {
  test('has a firing and a quiet case here', () => {
    expect(Object.keys(CASES).sort()).toEqual([...keys].sort());
  });

  test.each(keys)('%s fires on a profile showing its red flag', (key) => {
    const { fires } = CASES[key] ?? { fires: undefined };
    if (!fires) throw new Error(`no case for ${key}`);
    const evaluation = evaluateRuleset(fires.subject, rulesetOf(defaultRule(key)), contextFor(fires.subject, fires.options));
    expect(evaluation.skippedRules).toEqual([]);
    expect(evaluation.hits.length, JSON.stringify(evaluation)).toBeGreaterThan(0);
    for (const hit of evaluation.hits) expect(hit).toMatchObject({ ruleId: key, ruleVersion: 1, indicatorIds: defaultRule(key).indicatorIds });
    if (fires.field !== undefined) expect(evaluation.hits[0]?.field).toBe(fires.field);
  });

  test.each(keys)('%s stays quiet on a profile without it', (key) => {
    const { quiet } = CASES[key] ?? { quiet: undefined };
    if (!quiet) throw new Error(`no case for ${key}`);
    const evaluation = evaluateRuleset(quiet.subject, rulesetOf(defaultRule(key)), contextFor(quiet.subject, quiet.options));
    expect(evaluation.hits, JSON.stringify(evaluation.hits)).toEqual([]);
  });
});

describe('a key a whole farm shares (issue 21: comparisons stop once the hit is decided)', () => {
  const FARM_PHONE = '+1 512 555 0100';
  /** Holders of the phone, earliest first: the applicant's own name again first, then others. */
  function farm(size: number): SubjectStore {
    const store = new SubjectStore();
    store.add({ externalRef: 'cand-jane-again', name: 'Jane ROE', phones: [FARM_PHONE] });
    for (let n = 1; n <= size; n += 1) store.add({ externalRef: `cand-${n}`, name: `Person Number${'x'.repeat(n % 7)} ${n}`, phones: [FARM_PHONE] });
    return store;
  }

  test('the hit names the first 20 other people, skipping the applicant under another reference', () => {
    const subject = jane({ phones: [FARM_PHONE] });
    const evaluation = evaluateRuleset(subject, rulesetOf(defaultRule('shared-contact')), contextFor(subject, { store: farm(200) }));
    expect(evaluation.hits).toHaveLength(1);
    expect(evaluation.hits[0]?.related).toEqual(Array.from({ length: 20 }, (_, index) => `cand-${index + 1}`));
  });

  test('a rule asking for more subjects than a hit names still counts past 20', () => {
    const base = defaultRule('shared-contact');
    const rule = { ...base, params: { ...(base.params as Record<string, unknown>), minSubjects: 30 } } as typeof base;
    const subject = jane({ phones: [FARM_PHONE] });
    expect(evaluateRuleset(subject, rulesetOf(rule), contextFor(subject, { store: farm(30) })).hits[0]?.related).toHaveLength(20);
    expect(evaluateRuleset(subject, rulesetOf(rule), contextFor(subject, { store: farm(29) })).hits).toEqual([]);
  });
});

describe('holders cut to the earliest of each key and kind (issue 21: a farm\'s key is not read in full)', () => {
  const FARM_PHONE = '+1 512 555 0100';
  const ALL_RULES = rulesetOf(...DEFAULT_RULES.map((rule) => defaultRule(rule.key)));

  /** What the lookup statement gives with a bound per key and kind: the earliest of each group, and the groups it cut. */
  function cutTo(context: EvaluationContext, perKey: number): EvaluationContext {
    const seen = new Map<string, number>();
    const kept: LinkedSubject[] = [];
    const cut: { key: string; kind: LinkedSubject['kind'] }[] = [];
    for (const linked of context.linkedSubjects) {
      const group = `${linked.key} ${linked.kind}`;
      const count = (seen.get(group) ?? 0) + 1;
      seen.set(group, count);
      if (count <= perKey) kept.push(linked);
      else if (count === perKey + 1) cut.push({ key: linked.key, kind: linked.kind });
    }
    return { ...context, linkedSubjects: kept, ...(cut.length > 0 ? { linkedSubjectsCut: cut } : {}) };
  }

  /** Earlier applicants with the phone as their own or as a reference's, some of them the applicant again. */
  function farm(seed: number, size: number, sameShare: number): SubjectStore {
    let state = seed;
    const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const store = new SubjectStore();
    for (let n = 1; n <= size; n += 1) {
      const name = next() < sameShare ? 'Jane ROE' : `Person Number${'x'.repeat(n % 7)} ${n}`;
      const asReference = next() < 0.3;
      store.add(asReference ? { externalRef: `cand-${n}`, name, references: [{ name: 'Ref Erence', phone: FARM_PHONE }] } : { externalRef: `cand-${n}`, name, phones: [FARM_PHONE] });
    }
    return store;
  }

  const evaluateOrAsk = (subject: ScreeningSubject, context: EvaluationContext) => {
    try {
      return evaluateRuleset(subject, ALL_RULES, context);
    } catch (error) {
      if (error instanceof LinkedSubjectsCut) return 'asks for every holder';
      throw error;
    }
  };

  test('every decision on a cut list is the one on the full list, or the rules ask for every holder', () => {
    const outcomes = { same: 0, asked: 0 };
    for (const subject of [jane({ phones: [FARM_PHONE] }), jane({ references: [{ name: 'Ref Erence', phone: FARM_PHONE }] })]) {
      for (const [seed, size, sameShare] of [[1, 60, 0], [2, 60, 0.5], [3, 120, 0.9], [4, 30, 0.2], [5, 200, 0.97]] as const) {
        const full = contextFor(subject, { store: farm(seed, size, sameShare) });
        const expected = evaluateRuleset(subject, ALL_RULES, full);
        for (const perKey of [0, 1, 3, 10, 21, 40, 80]) {
          const answer = evaluateOrAsk(subject, cutTo(full, perKey));
          if (answer === 'asks for every holder') outcomes.asked += 1;
          else {
            expect(answer, `seed ${seed}, ${perKey} per key`).toEqual(expected);
            outcomes.same += 1;
          }
        }
      }
    }
    // Both answers occur, so neither side of the rule goes untested.
    expect(outcomes.same).toBeGreaterThan(10);
    expect(outcomes.asked).toBeGreaterThan(10);
  });

  test('the bound the service asks for serves a farm of other people without asking again', () => {
    const perKey = linkedHoldersWanted(ALL_RULES);
    expect(perKey).toBe(40);
    const subject = jane({ phones: [FARM_PHONE] });
    const full = contextFor(subject, { store: farm(6, 200, 0) });
    const cut = cutTo(full, perKey);
    expect(cut.linkedSubjects.length).toBeLessThan(full.linkedSubjects.length);
    expect(evaluateRuleset(subject, ALL_RULES, cut)).toEqual(evaluateRuleset(subject, ALL_RULES, full));
  });

  test('the applicant applying again under many references makes the rules ask for every holder', () => {
    const subject = jane({ phones: [FARM_PHONE] });
    const store = new SubjectStore();
    for (let n = 1; n <= 45; n += 1) store.add({ externalRef: `again-${n}`, name: n <= 42 ? 'Jane ROE' : `Other Person ${n}`, phones: [FARM_PHONE] });
    const full = contextFor(subject, { store });
    expect(evaluateRuleset(subject, ALL_RULES, full).hits.find((hit) => hit.ruleId === 'shared-contact')?.related).toEqual(['again-43', 'again-44', 'again-45']);
    expect(() => evaluateRuleset(subject, ALL_RULES, cutTo(full, 40))).toThrow(LinkedSubjectsCut);
  });
});
