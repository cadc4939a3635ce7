/**
 * The profile an HR or vendor-management system sends: everything it can know before hiring.
 * Only the name is required; every rule stays silent about data it was not given, so a thin
 * profile is never penalised for being thin.
 *
 * The HTTP layer validates this shape with zod (`http/schemas/subject.schema.ts`); the domain
 * only relies on the types, and still copes with odd values (it never throws).
 */

export const ADDRESS_KINDS = ['residence', 'id_document', 'shipping', 'other'] as const;
export type AddressKind = (typeof ADDRESS_KINDS)[number];

export const PAYMENT_METHODS = ['bank', 'payment_platform', 'crypto', 'money_transfer', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const DOCUMENT_TYPES = ['passport', 'national_id', 'drivers_license', 'residence_permit', 'visa', 'tax_id', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const ENGAGEMENT_CHANNELS = ['direct', 'vendor'] as const;
export type EngagementChannel = (typeof ENGAGEMENT_CHANNELS)[number];

/** Facts an interviewer or recruiter attests; `undefined` means "not asked", never "no". */
export const INTERVIEW_FACTS = [
  'videoCompleted',
  'cameraOn',
  'appearanceMatchesId',
  'locationQuestionsAnswered',
  'inPersonOrDrugTestAccepted',
  'readingAnswersSuspected',
] as const;
export type InterviewFact = (typeof INTERVIEW_FACTS)[number];

export interface ClaimedLocation {
  /** ISO 3166-1 alpha-2. */
  country?: string | undefined;
  city?: string | undefined;
  region?: string | undefined;
  /** IANA time zone, e.g. `America/Chicago`. */
  timezone?: string | undefined;
}

export interface SubjectAddress {
  kind: AddressKind;
  line1: string;
  line2?: string | undefined;
  city?: string | undefined;
  region?: string | undefined;
  postalCode?: string | undefined;
  country: string;
}

export interface EmploymentRecord {
  employer: string;
  /** The employer's web domain as the applicant gives it. */
  domain?: string | undefined;
  country?: string | undefined;
  title?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface EducationRecord {
  institution: string;
  domain?: string | undefined;
  country?: string | undefined;
  degree?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface Reference {
  name: string;
  email?: string | undefined;
  phone?: string | undefined;
  company?: string | undefined;
  relationship?: string | undefined;
}

export interface OnlineProfile {
  /** `github`, `linkedin`, `upwork`, ... (free text, lower case). */
  platform: string;
  url?: string | undefined;
  displayName?: string | undefined;
  /** Hex digest of the profile photo computed by the caller (cryptographic or perceptual). */
  photoDigest?: string | undefined;
}

export interface LoginEvent {
  ip: string;
  /** Country the caller geolocated the IP to; rules prefer the service's own geolocation (login-locations.ts). */
  country?: string | undefined;
  /** Start of the session, ISO-8601 with offset. */
  at: string;
  /** End of the session when known: long unbroken sessions are a signal of their own. */
  endedAt?: string | undefined;
}

export interface Payment {
  method: PaymentMethod;
  /** Bank, platform or exchange name as the applicant gives it (`Wise`, `Alipay`, ...). */
  provider?: string | undefined;
  accountHolderName?: string | undefined;
  bankCountry?: string | undefined;
  /** IBAN or other account number. Compared and stored only as a keyed hash. */
  bankAccount?: string | undefined;
  wallets?: string[] | undefined;
}

export interface IdentityDocument {
  type: DocumentType;
  country?: string | undefined;
  /** Compared with lists in memory; stored and linked only as a keyed hash. */
  number?: string | undefined;
  expiresOn?: string | undefined;
}

export type InterviewAttestations = { [fact in InterviewFact]?: boolean | undefined };

export interface Engagement {
  via: EngagementChannel;
  vendorName?: string | undefined;
  vendorDomain?: string | undefined;
}

export interface ScreeningSubject {
  externalRef?: string | undefined;
  name: string;
  aliases?: string[] | undefined;
  birthDate?: string | undefined;
  nationality?: string | undefined;
  citizenships?: string[] | undefined;
  /** ISO 639-1 code of the language the applicant prefers to work in. */
  preferredLanguage?: string | undefined;
  claimedLocation?: ClaimedLocation | undefined;
  emails?: string[] | undefined;
  phones?: string[] | undefined;
  addresses?: SubjectAddress[] | undefined;
  employment?: EmploymentRecord[] | undefined;
  education?: EducationRecord[] | undefined;
  references?: Reference[] | undefined;
  profiles?: OnlineProfile[] | undefined;
  logins?: LoginEvent[] | undefined;
  payment?: Payment | undefined;
  documents?: IdentityDocument[] | undefined;
  interview?: InterviewAttestations | undefined;
  engagement?: Engagement | undefined;
}
