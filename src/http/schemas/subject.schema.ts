/**
 * The profile an HR or vendor-management system sends (`POST /v1/screenings`). Everything but
 * the name is optional; unknown fields are refused; every field is described, because this
 * schema is the OpenAPI contract. Arrays and strings are capped so that one request costs a
 * bounded amount of work: a profile with more than `SUBJECT_LIMITS.logins` logins is a 400,
 * not a slow screening.
 */
import { z } from 'zod';
import { isCountryCode } from '../../domain/geo/countries.js';
import { isTimeZone } from '../../domain/geo/time-zones.js';
import {
  ADDRESS_KINDS,
  DOCUMENT_TYPES,
  ENGAGEMENT_CHANNELS,
  PAYMENT_METHODS,
  type ScreeningSubject,
} from '../../domain/rules/screening-subject.js';

export const SUBJECT_LIMITS = {
  aliases: 50,
  citizenships: 5,
  emails: 20,
  phones: 20,
  addresses: 20,
  employment: 50,
  education: 20,
  references: 30,
  profiles: 30,
  /** Months of daily logins; at this cap the whole default ruleset evaluates in tens of milliseconds. */
  logins: 1000,
  wallets: 20,
  documents: 20,
} as const;

/**
 * C0/C1 control characters and bidirectional overrides: they make names unreadable (or
 * misleading) to reviewers and can split log lines. Multi-line text is not accepted anywhere.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** One line of printable text, at most `max` characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !UNPRINTABLE.test(value), 'must not contain control characters');

const nonBlank = (max: number) => text(max).refine((value) => value.trim().length > 0, 'must not be empty or only whitespace');

const personName = nonBlank(300);

export const countryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case')
  .refine(isCountryCode, 'is not an assigned ISO 3166-1 alpha-2 code')
  .meta({ example: 'US' });

const country = (description: string) => countryCodeSchema.describe(`${description} (ISO 3166-1 alpha-2)`);

const isoDate = z.iso.date();

/** A calendar date or a month (`2019-06`): work and study histories are rarely exact to the day. */
const periodDate = z
  .string()
  .regex(/^\d{4}-(?:0[1-9]|1[0-2])(?:-\d{2})?$/, 'must be YYYY-MM or YYYY-MM-DD')
  .refine((value) => value.length === 7 || isoDate.safeParse(value).success, 'is not a real date');

const dateTime = z.iso.datetime({ offset: true });

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;

const domain = text(253).regex(HOSTNAME, 'must be a domain name such as example.com');

const email = z.email('must be an e-mail address').max(254);

const phone = text(40)
  .regex(/^\+?[0-9 ().\-]+$/, 'must be a phone number: digits, spaces, ( ) . - and a leading +')
  .refine((value) => {
    const digits = value.replace(/\D/g, '').length;
    return digits >= 6 && digits <= 15;
  }, 'must have 6 to 15 digits (E.164)');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(500);

const wallet = text(128).regex(/^[A-Za-z0-9:]{20,128}$/, 'must be a wallet address (20–128 letters and digits)');

const personalDetails = {
  externalRef: nonBlank(200).optional().describe("The caller's own id for this person; links repeated screenings").meta({ example: 'cand-1042' }),
  name: personName.describe('Full legal name as on the identity document').meta({ example: 'Jane Roe' }),
  aliases: z
    .array(personName.meta({ example: 'J. Roe' }))
    .max(SUBJECT_LIMITS.aliases)
    .optional()
    .describe('Other names the person uses or used (maiden name, transliterations, nicknames)')
    .meta({ example: ['J. Roe'] }),
  birthDate: isoDate
    .refine((value) => value >= '1900-01-01', 'must be after 1900')
    .optional()
    .describe('Date of birth, YYYY-MM-DD')
    .meta({ example: '1990-04-25' }),
  nationality: country('Nationality the person claims').optional(),
  citizenships: z
    .array(countryCodeSchema)
    .max(SUBJECT_LIMITS.citizenships)
    .optional()
    .describe('Every citizenship the person holds (ISO 3166-1 alpha-2)')
    .meta({ example: ['US'] }),
  preferredLanguage: z
    .string()
    .regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code in lower case')
    .optional()
    .describe('Language the person prefers to work in (ISO 639-1). Only ever corroborating context, never a red flag on its own')
    .meta({ example: 'en' }),
};

const claimedLocationSchema = z
  .strictObject({
    country: country('Country the person says they live and work in').optional(),
    city: nonBlank(100).optional().describe('City the person says they live in').meta({ example: 'Austin' }),
    region: nonBlank(100).optional().describe('State, province or region').meta({ example: 'Texas' }),
    timezone: text(64)
      .refine(isTimeZone, 'must be an IANA time zone such as America/Chicago')
      .optional()
      .describe('IANA time zone the person works in')
      .meta({ example: 'America/Chicago' }),
  })
  .describe('Where the person says they are');

const addressSchema = z
  .strictObject({
    kind: z
      .enum(ADDRESS_KINDS)
      .describe('residence: where the person lives; id_document: as printed on the ID; shipping: where equipment goes; other')
      .meta({ example: 'shipping' }),
    line1: nonBlank(200).describe('Street and number').meta({ example: '12 Oak St' }),
    line2: nonBlank(200).optional().describe('Apartment, suite, c/o').meta({ example: 'Apt 4' }),
    city: nonBlank(100).optional().describe('City').meta({ example: 'Austin' }),
    region: nonBlank(100).optional().describe('State, province or region').meta({ example: 'TX' }),
    postalCode: text(20)
      .regex(/^[A-Za-z0-9 -]{2,20}$/, 'must be a postal code')
      .optional()
      .describe('Postal code')
      .meta({ example: '78701' }),
    country: country('Country of the address'),
  })
  .describe('A postal address');

const employmentSchema = z
  .strictObject({
    employer: nonBlank(200).describe('Employer or client name as the person gives it').meta({ example: 'Acme Soft' }),
    domain: domain.optional().describe("The employer's web domain").meta({ example: 'acmesoft.example' }),
    country: country('Country of the employer').optional(),
    title: nonBlank(200).optional().describe('Job title').meta({ example: 'Backend developer' }),
    from: periodDate.optional().describe('Start, YYYY-MM or YYYY-MM-DD').meta({ example: '2021-03' }),
    to: periodDate.optional().describe('End, YYYY-MM or YYYY-MM-DD; absent while current').meta({ example: '2024-08' }),
  })
  .describe('One job in the work history');

const educationSchema = z
  .strictObject({
    institution: nonBlank(200).describe('School or university').meta({ example: 'University of Texas at Austin' }),
    domain: domain.optional().describe("The institution's web domain").meta({ example: 'utexas.edu' }),
    country: country('Country of the institution').optional(),
    degree: nonBlank(200).optional().describe('Degree or programme').meta({ example: 'BSc Computer Science' }),
    from: periodDate.optional().describe('Start, YYYY-MM or YYYY-MM-DD').meta({ example: '2008-09' }),
    to: periodDate.optional().describe('End, YYYY-MM or YYYY-MM-DD').meta({ example: '2012-06' }),
  })
  .describe('One entry of the education history');

const referenceSchema = z
  .strictObject({
    name: personName.describe('Name of the reference').meta({ example: 'John Smith' }),
    email: email.optional().describe("The reference's e-mail as the applicant gave it").meta({ example: 'john.smith@acmesoft.example' }),
    phone: phone.optional().describe("The reference's phone as the applicant gave it").meta({ example: '+1 512 555 0199' }),
    company: nonBlank(200).optional().describe('Company the reference works for').meta({ example: 'Acme Soft' }),
    relationship: nonBlank(100).optional().describe('How the reference knows the applicant').meta({ example: 'former manager' }),
  })
  .describe('A professional reference');

const profileSchema = z
  .strictObject({
    platform: text(50)
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be a lower-case platform name such as github')
      .describe('Platform: github, linkedin, upwork, freelancer, portfolio, ...')
      .meta({ example: 'github' }),
    url: httpUrl.optional().describe('Profile URL').meta({ example: 'https://github.com/jroe' }),
    displayName: nonBlank(200).optional().describe('Name shown on the profile').meta({ example: 'Jane Roe' }),
    photoDigest: z
      .string()
      .regex(/^[0-9a-fA-F]{16,128}$/, 'must be a hex digest')
      .optional()
      .describe('Hex digest of the profile photo, computed by the caller (SHA-256 or a perceptual hash); compared across applicants')
      .meta({ example: '9f2c1a4be0d37788c1aa5f0e2b6d4c3a9e8f7d6c5b4a39281706f5e4d3c2b1a0' }),
  })
  .describe('An online profile (freelance platform, code hosting, social, portfolio)');

const loginSchema = z
  .strictObject({
    ip: z
      .union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })
      .describe('IP address of the login')
      .meta({ example: '203.0.113.5' }),
    country: country('Country the caller geolocated the IP to. The service geolocates the IP itself and uses this only for an IP it cannot place (private, reserved, unknown); a disagreement is a red flag of its own').optional(),
    at: dateTime.describe('Start of the session, ISO-8601 with offset').meta({ example: '2026-11-01T15:00:00Z' }),
    endedAt: dateTime.optional().describe('End of the session, when known').meta({ example: '2026-11-01T23:30:00Z' }),
  })
  .refine((login) => login.endedAt === undefined || Date.parse(login.endedAt) >= Date.parse(login.at), {
    message: 'must not be before at',
    path: ['endedAt'],
  })
  .describe('One login to the platform or the caller’s systems');

const paymentSchema = z
  .strictObject({
    method: z.enum(PAYMENT_METHODS).describe('How the person wants to be paid').meta({ example: 'bank' }),
    provider: nonBlank(100).optional().describe('Bank, payment platform, exchange or transfer service').meta({ example: 'Chase' }),
    accountHolderName: personName.optional().describe('Name on the receiving account').meta({ example: 'Jane Roe' }),
    bankCountry: country('Country of the receiving bank or account').optional(),
    bankAccount: text(64)
      .regex(/^[A-Za-z0-9 -]{4,64}$/, 'must be an account number or IBAN')
      .optional()
      .describe('IBAN or account number. Compared across applicants and stored only as a keyed hash, never in clear')
      .meta({ example: 'US12 3456 7890 1234' }),
    wallets: z
      .array(wallet.meta({ example: '0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c' }))
      .max(SUBJECT_LIMITS.wallets)
      .optional()
      .describe('Cryptocurrency addresses the person wants to be paid to')
      .meta({ example: [] }),
  })
  .describe('Where and how the person is to be paid');

const documentSchema = z
  .strictObject({
    type: z.enum(DOCUMENT_TYPES).describe('Kind of identity document').meta({ example: 'passport' }),
    country: country('Issuing country').optional(),
    number: text(64)
      .regex(/^[A-Za-z0-9 ./-]{3,64}$/, 'must be a document number')
      .optional()
      .describe('Document number. Checked against lists, then stored only as a keyed hash; never shown in a decision')
      .meta({ example: 'X1234567' }),
    expiresOn: isoDate.optional().describe('Expiry date, YYYY-MM-DD').meta({ example: '2031-05-01' }),
  })
  .describe('An identity document the person presented');

const interviewSchema = z
  .strictObject({
    videoCompleted: z.boolean().optional().describe('A live video interview took place').meta({ example: true }),
    cameraOn: z.boolean().optional().describe('The camera stayed on throughout').meta({ example: true }),
    appearanceMatchesId: z.boolean().optional().describe('The person on camera matched the ID photo').meta({ example: true }),
    locationQuestionsAnswered: z
      .boolean()
      .optional()
      .describe('Questions about the current location were answered convincingly')
      .meta({ example: true }),
    inPersonOrDrugTestAccepted: z
      .boolean()
      .optional()
      .describe('The person accepted an in-person meeting or a drug test')
      .meta({ example: true }),
    readingAnswersSuspected: z
      .boolean()
      .optional()
      .describe('The interviewer suspected answers were being read (eye movements, long pauses)')
      .meta({ example: false }),
  })
  .describe('Facts the interviewer attests; leave out what was not asked (absent is not "no")');

const engagementSchema = z
  .strictObject({
    via: z.enum(ENGAGEMENT_CHANNELS).describe('Hired directly or supplied by a vendor').meta({ example: 'direct' }),
    vendorName: nonBlank(200).optional().describe('Staffing vendor supplying the person').meta({ example: 'Talent Bridge LLC' }),
    vendorDomain: domain.optional().describe("The vendor's web domain").meta({ example: 'talentbridge.example' }),
  })
  .describe('How the person is engaged');

export const subjectSchema = z
  .strictObject({
    ...personalDetails,
    claimedLocation: claimedLocationSchema.optional(),
    emails: z
      .array(email.meta({ example: 'jane@example.com' }))
      .max(SUBJECT_LIMITS.emails)
      .optional()
      .describe('E-mail addresses of the person')
      .meta({ example: ['jane@example.com'] }),
    phones: z
      .array(phone.meta({ example: '+1 512 555 0100' }))
      .max(SUBJECT_LIMITS.phones)
      .optional()
      .describe('Phone numbers, international form (+ and country code) preferred')
      .meta({ example: ['+1 512 555 0100'] }),
    addresses: z.array(addressSchema).max(SUBJECT_LIMITS.addresses).optional().describe('Postal addresses, each with its kind'),
    employment: z.array(employmentSchema).max(SUBJECT_LIMITS.employment).optional().describe('Work history'),
    education: z.array(educationSchema).max(SUBJECT_LIMITS.education).optional().describe('Education history'),
    references: z.array(referenceSchema).max(SUBJECT_LIMITS.references).optional().describe('Professional references'),
    profiles: z.array(profileSchema).max(SUBJECT_LIMITS.profiles).optional().describe('Online profiles'),
    logins: z
      .array(loginSchema)
      .max(SUBJECT_LIMITS.logins)
      .optional()
      .describe(`Login history, at most ${SUBJECT_LIMITS.logins} events (send the most recent)`),
    payment: paymentSchema.optional(),
    documents: z.array(documentSchema).max(SUBJECT_LIMITS.documents).optional().describe('Identity documents presented'),
    interview: interviewSchema.optional(),
    engagement: engagementSchema.optional(),
  })
  .meta({ id: 'Subject', description: 'The contractor or freelancer profile to screen. Only the name is required' }) satisfies z.ZodType<ScreeningSubject>;

export type SubjectBody = z.output<typeof subjectSchema>;
