/**
 * The ruleset every new tenant starts with: one row per red flag a profile can show. Indicator
 * ids are the catalogue's (`domain/indicators`); `docs/rules.md` maps every indicator to its
 * rules or says why a profile cannot show it (`UNCHECKABLE_INDICATORS`).
 *
 * Scoring is the likelihood-ratio model (`evidence-combination.ts`, `docs/scoring.md`): a rule's
 * weight is its evidence in decibans, derived here from the rule's severity and the best
 * reliability tag among its catalogue indicators (`evidenceDecibans`); list rules are set from
 * the thresholds (a listed name alone lands in review, never block; listed identifiers block).
 * The score is the posterior probability in percent from a prior of one in a thousand; review at
 * 40, block at 80, as before.
 */
import type { z } from 'zod';
import { findIndicator } from '../indicators/indicators.data.js';
import type { LlrCombination } from './evidence-combination.js';
import type { ruleSchema } from './rule.schema.js';
import type { Severity, Thresholds } from './ruleset.js';

export type RuleDefinition = Omit<z.input<typeof ruleSchema>, 'version'>;

export const DEFAULT_THRESHOLDS: Thresholds = { review: 40, block: 80 };

/** Hubs named in catalogue A11 (GEO-HUB): cities first, then the MSMT25 countries. */
const HUB_CITIES = [
  { country: 'CN', names: ['Shenyang', 'Dandong', 'Yanji', 'Yanbian', 'Jilin'] },
  { country: 'RU', names: ['Vladivostok'] },
  { country: 'LA', names: ['Boten'] },
];
const HUB_COUNTRIES = ['CN', 'RU', 'LA', 'KH', 'VN', 'AE', 'GQ', 'GN', 'NG', 'TZ'];

const ALL_ADDRESS_LINKS = ['shipping_address', 'residence_address', 'id_document_address', 'other_address'] as const;

const base = { enabled: true, forcesBlock: false } as const;

/**
 * A name-only match that cannot tell the listed person from a namesake counts 10 dB (a likelihood
 * ratio ten times smaller) less per reason: against an entry listing nothing but names (no birth
 * date, nationality, identity document or street address), and on a very common full name without an
 * agreeing birth date (common-names.data.ts). Either alone keeps even an exact match (33 dB) under
 * review; next to other evidence the match still counts.
 */
const NAMESAKES = { undescribedEntryPoints: 10, commonNamePoints: 10 };

const RULES: readonly Omit<RuleDefinition, 'weight'>[] = [
  // ── Sanctions lists: names ────────────────────────────────────────────────────────────
  {
    ...base,
    key: 'list-name-match',
    kind: 'list_name_match',
    description: "The subject's name or an alias matches a person on a sanctions list",
    severity: 'high',
    indicatorIds: ['LIST-SDN-PERSON'],
    // 0.7 is the matching engine's default threshold, chosen on the evaluation data
    // (src/domain/screening/match-options.ts); the weight is set in NAME_MATCH_DECIBANS.
    params: { targets: ['person'], minSimilarity: 0.7, maxHits: 5, blockOnListedBirthDate: { minNameScore: 0.9 }, countries: ['nationality', 'citizenships', 'documents'], namesakes: NAMESAKES },
  },
  {
    ...base,
    key: 'list-associate-name-match',
    kind: 'list_name_match',
    description: 'The payee (when not the subject) or a reference matches a name on a sanctions list',
    severity: 'high',
    indicatorIds: ['LIST-SDN-PERSON'],
    params: { targets: ['payee', 'reference'], minSimilarity: 0.7, maxHits: 5, namesakes: NAMESAKES },
  },
  {
    ...base,
    key: 'list-entity-match',
    kind: 'list_name_match',
    description: 'A claimed employer or the supplying vendor matches a listed entity or known front',
    severity: 'high',
    indicatorIds: ['LIST-ENTITY-EMPLOYER', 'DOJ-STAFFING-SHELL'],
    params: { targets: ['employer', 'vendor'], minSimilarity: 0.7, maxHits: 5 },
  },
  // ── Sanctions lists: exact identifiers (block, unless only low-confidence leads match) ──
  {
    ...base,
    key: 'list-wallet-match',
    kind: 'list_identifier_match',
    description: 'A payout wallet is a listed address',
    severity: 'critical',
    forcesBlock: true,
    indicatorIds: ['LIST-WALLET', 'DOJ-CRYPTO-MIX'],
    params: { sources: ['wallet'], lowConfidencePoints: 30 },
  },
  {
    ...base,
    key: 'list-contact-match',
    kind: 'list_identifier_match',
    description: "An e-mail or phone of the subject or of a reference is a listed person's identifier",
    severity: 'critical',
    forcesBlock: true,
    indicatorIds: ['LIST-SDN-PERSON'],
    params: { sources: ['email', 'phone', 'reference_email', 'reference_phone'], lowConfidencePoints: 30 },
  },
  {
    ...base,
    key: 'list-document-match',
    kind: 'list_identifier_match',
    description: "An identity document number is a listed person's document",
    severity: 'critical',
    forcesBlock: true,
    indicatorIds: ['LIST-SDN-PERSON'],
    params: { sources: ['document'], lowConfidencePoints: 30 },
  },
  {
    ...base,
    key: 'list-domain-match',
    kind: 'list_identifier_match',
    description: 'An e-mail, employer, school, vendor or profile domain is a listed or seized front site',
    severity: 'critical',
    forcesBlock: true,
    indicatorIds: ['LIST-ENTITY-EMPLOYER', 'DOJ-FAKE-PRIOR-EMPLOYER-SITE', 'US22-FAKE-EMPLOYERS'],
    params: {
      sources: ['email_domain', 'employer_domain', 'education_domain', 'vendor_domain', 'profile_url', 'reference_email_domain'],
      lowConfidencePoints: 30,
    },
  },
  {
    ...base,
    key: 'watchlist-identifier-match',
    kind: 'list_identifier_match',
    // Watchlisted e-mails, phones, wallets, documents and profile URLs fire the rules above; these
    // values only a tenant's watchlist holds (its do-not-hire list, partners' and authorities'
    // indicator feeds, the personas of its confirmed cases).
    description: "A bank account, home or shipping address, login IP or profile photo is on one of the tenant's watchlists",
    severity: 'critical',
    forcesBlock: true,
    indicatorIds: ['FBI25-CROSS-APPLICANT'],
    params: { sources: ['bank_account', 'address', 'ip', 'photo'], lowConfidencePoints: 30 },
  },
  // ── Geography ─────────────────────────────────────────────────────────────────────────
  {
    ...base,
    key: 'dprk-geography',
    kind: 'country_set',
    // Not a catalogue indicator: dealing with the DPRK itself is prohibited (section D:
    // E.O. 13722, 31 C.F.R. part 510; UNSCR 2397 on DPRK workers abroad).
    description: 'The DPRK appears in the profile: nationality, location, address, phone, login, bank or document',
    severity: 'critical',
    forcesBlock: true,
    indicatorIds: [],
    params: {
      countries: ['KP'],
      fields: ['nationality', 'citizenships', 'claimedLocation', 'addresses', 'phones', 'logins', 'bankCountry', 'documents', 'employment', 'education'],
    },
  },
  {
    ...base,
    key: 'geo-hub-city',
    kind: 'country_set',
    description: 'A claimed or given address is in a city named as a DPRK IT-worker hub (context only)',
    severity: 'medium',
    indicatorIds: ['GEO-HUB'],
    params: { fields: ['claimedLocation', 'addresses'], cities: HUB_CITIES },
  },
  {
    ...base,
    key: 'geo-hub-country',
    kind: 'country_set',
    description: 'Logins, payout bank, phone or addresses in a country named as a DPRK IT-worker hub (context only)',
    severity: 'low',
    indicatorIds: ['GEO-HUB'],
    params: { fields: ['logins', 'bankCountry', 'phones', 'addresses'], countries: HUB_COUNTRIES },
  },
  // ── Payment ───────────────────────────────────────────────────────────────────────────
  {
    ...base,
    key: 'payment-prc-bank',
    kind: 'country_set',
    description: 'The payout bank account is in the PRC, though the subject does not say they live there',
    severity: 'high',
    indicatorIds: ['US22-PAY-PRC-BANK'],
    params: { fields: ['bankCountry'], countries: ['CN'], exceptOwnCountry: true },
  },
  {
    ...base,
    key: 'payment-crypto',
    kind: 'field_value',
    description: 'Asks to be paid in cryptocurrency or gives a wallet',
    severity: 'high',
    indicatorIds: ['US22-PAY-CRYPTO', 'JP-PSIA-CRYPTO', 'DE24-PAY-CRYPTO-EMI'],
    params: { field: 'payment.crypto', equals: [true] },
  },
  {
    ...base,
    key: 'payment-prc-platform',
    kind: 'field_value',
    description: 'Paid through a PRC-linked digital payment service',
    severity: 'medium',
    indicatorIds: ['US22-PAY-DIGITAL-PRC'],
    params: { field: 'payment.provider', containsAny: ['alipay', 'wechat', 'weixin', 'tenpay', 'unionpay', 'lianlian', 'pingpong'] },
  },
  {
    ...base,
    key: 'payment-alternative-method',
    kind: 'field_value',
    description: 'Asks for a money-transfer service or another non-bank method instead of bank details',
    severity: 'medium',
    indicatorIds: ['USROK23-ALT-PAYMENT'],
    params: { field: 'payment.method', equals: ['money_transfer', 'other'] },
  },
  {
    ...base,
    key: 'payee-name-mismatch',
    kind: 'field_consistency',
    description: "The payout account holder is not the subject (a third-party or proxy payee)",
    severity: 'high',
    indicatorIds: [
      'JP24-PAYEE-NAME-MISMATCH',
      'DOJ-PAYEE-IDENTITY-SPLIT',
      'US22-ACCOUNT-SWITCH',
      'US22-PROXY-ACCOUNT',
      'US22-STOLEN-BANK-KYC',
      'ROK22-ACCOUNT-AGENT',
      'JP24-PROXY-REGISTRANT',
      'FBI24-FACILITATOR-SERVICES',
    ],
    params: { check: 'payee_name', minSimilarity: 0.75 },
  },
  // ── Attested interview facts ──────────────────────────────────────────────────────────
  {
    ...base,
    key: 'interview-no-video',
    kind: 'field_value',
    description: 'No video interview was completed (chat or phone only)',
    severity: 'high',
    indicatorIds: ['US22-TEXT-ONLY', 'ROK22-CHAT-INTERVIEW', 'USROK23-CAMERA-AVOID'],
    params: { field: 'interview.videoCompleted', equals: [false] },
  },
  {
    ...base,
    key: 'interview-camera-off',
    kind: 'field_value',
    description: 'The camera stayed off during the interview',
    severity: 'high',
    indicatorIds: ['USROK23-CAMERA-AVOID', 'ROK22-CHAT-INTERVIEW'],
    params: { field: 'interview.cameraOn', equals: [false] },
  },
  {
    ...base,
    key: 'interview-appearance-mismatch',
    kind: 'field_value',
    description: 'The person interviewed did not look like the identity document',
    severity: 'high',
    indicatorIds: ['US22-BIO-MISMATCH', 'DOJ-PROXY-INTERVIEWEE', 'FBI24-FACILITATOR-SERVICES'],
    params: { field: 'interview.appearanceMatchesId', equals: [false] },
  },
  {
    ...base,
    key: 'interview-location-unanswered',
    kind: 'field_value',
    description: 'Questions about the current location were not answered convincingly',
    severity: 'high',
    indicatorIds: ['FBI25-CAMERA-LOCATION'],
    params: { field: 'interview.locationQuestionsAnswered', equals: [false] },
  },
  {
    ...base,
    key: 'interview-in-person-refused',
    kind: 'field_value',
    description: 'Declined an in-person meeting or a drug test',
    severity: 'high',
    indicatorIds: ['USROK23-DRUGTEST-INPERSON'],
    params: { field: 'interview.inPersonOrDrugTestAccepted', equals: [false] },
  },
  {
    ...base,
    key: 'interview-reading-answers',
    kind: 'field_value',
    description: 'The interviewer suspected answers were being read (eye movements, long pauses)',
    severity: 'medium',
    indicatorIds: ['USROK23-INTERVIEW-CHEAT', 'DE24-EYES-PAUSES'],
    params: { field: 'interview.readingAnswersSuspected', equals: [true] },
  },
  {
    ...base,
    key: 'engagement-via-vendor',
    kind: 'field_value',
    description: 'Supplied by a third-party vendor, so the client did not run the hiring itself',
    severity: 'medium',
    indicatorIds: ['FBI24-THIRD-PARTY-VENDOR'],
    params: { field: 'engagement.via', equals: ['vendor'] },
  },
  // ── Consistency within the profile ────────────────────────────────────────────────────
  {
    ...base,
    key: 'claimed-country-vs-phone',
    kind: 'field_consistency',
    description: "A phone number's country code is not the claimed country's",
    severity: 'medium',
    indicatorIds: ['US22-PROFILE-INCONSISTENT'],
    params: { check: 'claimed_country', against: 'phones' },
  },
  {
    ...base,
    key: 'claimed-country-vs-logins',
    kind: 'field_consistency',
    description: 'Most logins come from outside the claimed country',
    severity: 'medium',
    indicatorIds: ['US22-PROFILE-INCONSISTENT'],
    params: { check: 'claimed_country', against: 'logins', minShare: 0.5, minCount: 3 },
  },
  {
    ...base,
    key: 'login-country-disagrees',
    kind: 'field_consistency',
    // Two geolocations of one address disagreeing is typical of VPN exits and proxies that publish
    // a chosen location; travel and stale databases explain some, hence the modest weight.
    description: "The country the caller gives for a login is not the one the login's IP is registered in",
    severity: 'medium',
    indicatorIds: ['US22-VPN-VPS'],
    params: { check: 'caller_login_country', minCount: 1, minShare: 0.25 },
  },
  {
    ...base,
    key: 'claimed-country-vs-bank',
    kind: 'field_consistency',
    description: 'The payout bank is outside the claimed country',
    severity: 'medium',
    indicatorIds: ['US22-PROFILE-INCONSISTENT'],
    params: { check: 'claimed_country', against: 'bank_country' },
  },
  {
    ...base,
    key: 'claimed-country-vs-timezone',
    kind: 'field_consistency',
    description: 'The claimed time zone is not used in the claimed country',
    severity: 'medium',
    indicatorIds: ['US22-PROFILE-INCONSISTENT', 'US22-HOURS-MISMATCH'],
    params: { check: 'claimed_country', against: 'timezone' },
  },
  {
    ...base,
    key: 'claimed-country-vs-residence',
    kind: 'field_consistency',
    description: 'A residence address is outside the claimed country',
    severity: 'medium',
    indicatorIds: ['US22-PROFILE-INCONSISTENT'],
    params: { check: 'claimed_country', against: 'residence_address' },
  },
  {
    ...base,
    key: 'shipping-not-id-address',
    kind: 'field_consistency',
    description: 'Equipment is to be shipped to an address other than the ID-document (or residence) address',
    severity: 'high',
    indicatorIds: ['US22-SHIP-ADDR-MISMATCH'],
    params: { check: 'shipping_vs_id_address' },
  },
  {
    ...base,
    key: 'profile-name-mismatch',
    kind: 'field_consistency',
    description: "An online profile's display name is another person's name",
    severity: 'high',
    indicatorIds: ['USROK23-SOCIAL-MISMATCH', 'US22-PROFILE-INCONSISTENT'],
    params: { check: 'profile_names', minSimilarity: 0.75 },
  },
  {
    ...base,
    key: 'profile-photos-differ',
    kind: 'field_consistency',
    description: "The subject's online profiles show different photos",
    severity: 'high',
    indicatorIds: ['DE24-MULTI-PROFILE-PHOTOS', 'USROK23-SOCIAL-MISMATCH'],
    params: { check: 'profile_photos' },
  },
  {
    ...base,
    key: 'reference-is-self',
    kind: 'field_consistency',
    description: "A reference's e-mail or phone is the subject's own",
    severity: 'high',
    indicatorIds: ['US22-FAKE-EMPLOYERS', 'US22-RATING-SELFPAY'],
    params: { check: 'references_vs_self' },
  },
  {
    ...base,
    key: 'nationality-korean-unsupported',
    kind: 'field_consistency',
    description: 'Claims South Korean nationality that no identity document supports (context only)',
    severity: 'low',
    indicatorIds: ['US22-NAT-KOREAN'],
    params: { check: 'nationality_vs_documents', nationalities: ['KR'] },
  },
  {
    ...base,
    key: 'preferred-language-korean',
    kind: 'field_consistency',
    description: 'Prefers Korean while claiming a non-Korean origin (context only)',
    severity: 'low',
    indicatorIds: ['USROK23-LANG-ORIGIN'],
    params: { check: 'preferred_language', languages: ['ko'], unlessCountries: ['KR', 'KP'] },
  },
  // ── Login behaviour ───────────────────────────────────────────────────────────────────
  {
    ...base,
    key: 'login-many-countries',
    kind: 'login_behaviour',
    description: 'Logins from three or more countries within 24 hours',
    severity: 'medium',
    indicatorIds: ['US22-LOGIN-MULTI-IP', 'JP24-MULTI-IP-SHORT', 'FBI25-MULTI-LOGIN'],
    params: { check: 'many_countries', windowHours: 24, minCountries: 3 },
  },
  {
    ...base,
    key: 'login-continuous-session',
    kind: 'login_behaviour',
    description: 'A session stayed open for 24 hours or more',
    severity: 'low',
    indicatorIds: ['US22-LOGIN-CONTINUOUS', 'JP24-LONG-LOGIN'],
    params: { check: 'continuous_session', minHours: 24 },
  },
  {
    ...base,
    key: 'login-long-days',
    kind: 'login_behaviour',
    description: 'More than 16 hours of sessions in one day',
    severity: 'medium',
    indicatorIds: ['JP24-WORKHOURS-EXCESS', 'JP-PSIA-MULTI-OPERATOR'],
    params: { check: 'daily_hours', maxHours: 16 },
  },
  {
    ...base,
    key: 'login-night-hours',
    kind: 'login_behaviour',
    description: 'Most logins fall between midnight and 6 a.m. in the claimed time zone',
    severity: 'medium',
    indicatorIds: ['US22-HOURS-MISMATCH'],
    params: { check: 'off_hours', fromHour: 0, toHour: 6, minShare: 0.6, minLogins: 5 },
  },
  {
    ...base,
    key: 'login-hosting-network',
    kind: 'login_behaviour',
    // US22 names VPNs and VPSs as tradecraft, and many ordinary people use a VPN: weak evidence
    // (3 dB, likelihood ratio 2), never enough alone, one fact with other hits about the same login.
    description: 'Most logins come through cloud or VPS servers or VPN exits (hosting and VPN networks by AS)',
    severity: 'low',
    indicatorIds: ['US22-VPN-VPS'],
    params: { check: 'hosting_network', kinds: ['hosting', 'vpn'], minCount: 1, minShare: 0.5 },
  },
  // ── Links to other subjects (laptop farms, shared personas) ───────────────────────────
  {
    ...base,
    key: 'shared-shipping-address',
    kind: 'subject_link',
    description: 'The shipping address is already an address of other applicants with other names',
    severity: 'critical',
    indicatorIds: ['FBI24-LAPTOP-RECEIVER', 'FBI25-CROSS-APPLICANT'],
    params: { kinds: ['shipping_address'], otherKinds: [...ALL_ADDRESS_LINKS], minSubjects: 1, sameNameSimilarity: 0.85, exceptOwnHome: true },
  },
  {
    ...base,
    key: 'shared-home-address',
    kind: 'subject_link',
    description: 'The residence or ID address is already an address of other applicants with other names',
    severity: 'medium',
    indicatorIds: ['FBI25-CROSS-APPLICANT'],
    params: { kinds: ['residence_address', 'id_document_address'], otherKinds: [...ALL_ADDRESS_LINKS], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'shared-contact',
    kind: 'subject_link',
    description: 'An e-mail or phone is already used by other applicants with other names',
    severity: 'critical',
    indicatorIds: ['FBI25-CROSS-APPLICANT'],
    params: { kinds: ['email', 'phone'], otherKinds: ['email', 'phone'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'shared-payment-account',
    kind: 'subject_link',
    description: 'The payout bank account or wallet already pays other applicants with other names',
    severity: 'critical',
    indicatorIds: ['FBI25-PAYACCT-SIMILAR', 'US22-PROXY-ACCOUNT', 'FBI25-CROSS-APPLICANT'],
    params: { kinds: ['bank_account', 'wallet'], otherKinds: ['bank_account', 'wallet'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'shared-identity-document',
    kind: 'subject_link',
    description: 'The identity document was already used by applicants with other names',
    severity: 'critical',
    indicatorIds: ['JP24-SAME-ID-MULTI', 'DOJ-IDENTITY-RENTAL', 'US22-PROXY-ACCOUNT'],
    params: { kinds: ['document'], otherKinds: ['document'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'shared-login-ip',
    kind: 'subject_link',
    description: 'Logged in from an IP (IPv6: a /64) that other applicants with other names also used',
    severity: 'medium',
    indicatorIds: ['US22-LOGIN-SHARED-IP', 'JP24-SHARED-IP'],
    params: { kinds: ['ip'], otherKinds: ['ip'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'shared-photo',
    kind: 'subject_link',
    description: 'A profile photo is also the photo of applicants with other names',
    severity: 'critical',
    indicatorIds: ['USROK23-SOCIAL-MISMATCH', 'DE24-PROFILE-AI-PHOTO', 'FBI25-CROSS-APPLICANT'],
    params: { kinds: ['photo'], otherKinds: ['photo'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'shared-online-profile',
    kind: 'subject_link',
    description: 'An online profile URL is also given by applicants with other names',
    severity: 'critical',
    indicatorIds: ['DOJ-IDENTITY-RENTAL', 'FBI25-CROSS-APPLICANT'],
    params: { kinds: ['profile_url'], otherKinds: ['profile_url'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'reference-is-other-applicant',
    kind: 'subject_link',
    description: "A reference's e-mail or phone belongs to another applicant",
    severity: 'high',
    indicatorIds: ['JP24-REVIEW-COLLUSION', 'FBI25-CROSS-APPLICANT'],
    params: { kinds: ['reference_email', 'reference_phone'], otherKinds: ['email', 'phone'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'applicant-is-other-reference',
    kind: 'subject_link',
    description: "The subject's e-mail or phone is given as a reference by other applicants",
    severity: 'high',
    indicatorIds: ['JP24-REVIEW-COLLUSION', 'FBI25-CROSS-APPLICANT'],
    params: { kinds: ['email', 'phone'], otherKinds: ['reference_email', 'reference_phone'], minSubjects: 1, sameNameSimilarity: 0.85 },
  },
  {
    ...base,
    key: 'shared-reference',
    kind: 'subject_link',
    description: 'The same reference vouches for two or more other applicants',
    severity: 'medium',
    indicatorIds: ['US22-RATING-CLUSTER'],
    params: { kinds: ['reference_email', 'reference_phone'], otherKinds: ['reference_email', 'reference_phone'], minSubjects: 2, sameNameSimilarity: 0.85 },
  },
  // ── Changes since the previous screening of the same externalRef ──────────────────────
  {
    ...base,
    key: 'contact-changed',
    kind: 'profile_change',
    description: 'New e-mail or phone since the previous screening',
    severity: 'medium',
    indicatorIds: ['US22-CONTACT-CHANGE', 'JP24-REG-CHANGE'],
    params: { kinds: ['email', 'phone'] },
  },
  {
    ...base,
    key: 'payout-account-changed',
    kind: 'profile_change',
    description: 'New payout bank account or wallet since the previous screening',
    severity: 'high',
    indicatorIds: ['JP24-REG-CHANGE', 'US22-ACCOUNT-SWITCH', 'FBI25-PAYACCT-SIMILAR'],
    params: { kinds: ['bank_account', 'wallet'], asOneKind: true },
  },
  {
    ...base,
    key: 'residence-changed',
    kind: 'profile_change',
    description: 'New residence address since the previous screening',
    severity: 'medium',
    indicatorIds: ['FBI24-ADDR-CHANGE'],
    params: { kinds: ['residence_address'] },
  },
  {
    ...base,
    key: 'shipping-address-changed',
    kind: 'profile_change',
    description: 'New shipping address since the previous screening',
    severity: 'high',
    indicatorIds: ['DE24-SHIP-ADDR-CHANGING', 'USROK23-FREIGHT-ADDR'],
    params: { kinds: ['shipping_address'] },
  },
];

/**
 * Evidence per rule severity, in decibans (10·log10 of the likelihood ratio): low 2×, medium 8×,
 * high 50×, critical (an identifier of one person found under another name) 1600×: with the
 * prior, a critical rule alone lands at review even after the [S] discount. The catalogue's
 * severity levels are mapped to rule severities in the rows above.
 */
export const SEVERITY_DECIBANS: Readonly<Record<Severity, number>> = { low: 3, medium: 9, high: 17, critical: 32 };

/** Less trust in what only secondary [S] or third-party [T] sources report (catalogue tags). */
export const RELIABILITY_DISCOUNT = { P: 0, S: 2, T: 4 } as const;

/** A rule's weight: its severity's evidence, less the discount of its best-sourced indicator. */
export function evidenceDecibans(severity: Severity, indicatorIds: readonly string[]): number {
  const discounts = indicatorIds.map((id) => RELIABILITY_DISCOUNT[findIndicator(id)?.reliability ?? 'P']);
  return SEVERITY_DECIBANS[severity] - (discounts.length > 0 ? Math.min(...discounts) : 0);
}

/**
 * A name match scores weight × similarity: 35 puts a match of 0.81 or more alone at review (28.2 dB
 * over the prior is 40%) and even a perfect one below block (36 dB is 80%). Identity evidence
 * (a listed birth date or document) is what blocks.
 */
export const NAME_MATCH_DECIBANS = 35;

function weightOf(rule: Omit<RuleDefinition, 'weight'>): number {
  if (rule.kind === 'list_name_match') return NAME_MATCH_DECIBANS;
  // Listed identifiers force a block; the weight only caps a low-confidence lead's points.
  if (rule.kind === 'list_identifier_match') return SEVERITY_DECIBANS.critical;
  return evidenceDecibans(rule.severity, rule.indicatorIds ?? []);
}

export const DEFAULT_RULES: readonly RuleDefinition[] = RULES.map((rule) => ({ ...rule, weight: weightOf(rule) }));

const LINK_RULES = [
  'shared-shipping-address',
  'shared-home-address',
  'shared-contact',
  'shared-payment-account',
  'shared-identity-document',
  'shared-login-ip',
  'shared-photo',
  'shared-online-profile',
  'reference-is-other-applicant',
  'applicant-is-other-reference',
  'shared-reference',
];

export const DEFAULT_COMBINATION: LlrCombination = {
  model: 'llr',
  // One DPRK worker in a thousand remote applicants: a policy choice, editable per tenant.
  priorDecibans: -30,
  linkRules: LINK_RULES,
  // A second kind of identifier shared with the same subject adds half its weight: a couple
  // shares home and router, a farm shares a phone and a router.
  linkFurtherKindShare: 0.5,
  perFurtherSubject: 3,
  maxFurtherSubjects: 3,
  contextMaxDecibans: 3,
  // Each combination that fired is a reason of its own in the decision.
  recordCombinations: true,
  combinations: [
    {
      key: 'hub-logins-against-claim',
      description: 'Most logins come from outside the claimed country, from a country named as a DPRK IT-worker hub',
      members: [{ rule: 'claimed-country-vs-logins' }, { rule: 'geo-hub-country', fieldPrefix: '/subject/logins' }],
      escalateTo: 'review',
      indicatorIds: ['US22-PROFILE-INCONSISTENT', 'GEO-HUB'],
    },
    {
      key: 'mutual-references',
      description: 'Two applicants each give the other as a reference: a closed loop of vouching, not an outside referee',
      members: [{ rule: 'reference-is-other-applicant' }, { rule: 'applicant-is-other-reference' }],
      sameRelated: true,
      escalateTo: 'review',
      indicatorIds: ['JP24-REVIEW-COLLUSION'],
    },
  ],
};
