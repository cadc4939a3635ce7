/**
 * What the evaluator needs from storage, computed from the subject alone. The service runs
 * `collectLookups` first, answers the lookups from PostgreSQL, and passes the answers in the
 * `EvaluationContext`; evaluation itself then stays synchronous and pure.
 *
 * Two kinds of lookup:
 * - identifier lookups: the subject's e-mails, domains, phones, wallets and document numbers
 *   in their list-canonical form (`domain/identifiers`), to compare with `list_identifiers`;
 * - link keys: keyed hashes of values that tie applicants together (contacts, addresses,
 *   payment accounts, documents, IPs, photos), to compare with other subjects' keys.
 */
import {
  emailDomain,
  emailLinkForm,
  ipLinkForm,
  normalizeAddress,
  normalizeBankAccount,
  normalizeDocumentNumber,
  normalizeDomain,
  normalizeEmail,
  normalizePhone,
  normalizeWallet,
  normalizeWebsite,
} from '../identifiers/identifier.normalize.js';
import { describeAddress, maskEmail, maskIp, maskPhone, shortenDigest, shortenWallet } from '../identifiers/identifier.redact.js';
import type { IdentifierKind } from '../lists/list-entry.js';
import type { AddressKind, DocumentType, ScreeningSubject } from './screening-subject.js';

/**
 * A keyed hash (HMAC) injected by the service, so the domain never sees the key and stored
 * link keys cannot be reversed by guessing common values.
 */
export type KeyedHash = (message: string) => string;

/** Which part of the profile an identifier lookup came from; rules pick sources by name. */
export const IDENTIFIER_SOURCES = [
  'email',
  'email_domain',
  'phone',
  'wallet',
  'document',
  'employer_domain',
  'education_domain',
  'vendor_domain',
  'profile_url',
  'reference_email',
  'reference_email_domain',
  'reference_phone',
  // Only tenant watchlists hold these (as link keys): lists publish no such values.
  'bank_account',
  'address',
  'ip',
  'photo',
] as const;
export type IdentifierSource = (typeof IDENTIFIER_SOURCES)[number];

export interface IdentifierLookup {
  /** The list identifier kind to search (`list_identifiers.kind`). */
  kind: IdentifierKind;
  /** Canonical value (`list_identifiers.normalized`). Never stored: may be a document number. */
  normalized: string;
  source: IdentifierSource;
  /** Path into the subject, e.g. `/subject/emails/0`. */
  field: string;
  /** The value as a reviewer may see it. */
  display: string;
  /** Issuing country of a document, to tell a US from a DPRK passport with the same digits. */
  country?: string;
}

/**
 * The role a linked value plays in a profile. Roles sharing a value space (an e-mail given as
 * the applicant's own and as a reference's) hash identically, so one lookup finds both.
 */
export const LINK_KINDS = [
  'email',
  'phone',
  'wallet',
  'bank_account',
  'document',
  'residence_address',
  'id_document_address',
  'shipping_address',
  'other_address',
  'ip',
  'photo',
  'profile_url',
  'reference_email',
  'reference_phone',
] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/**
 * Per link kind: its value space (roles sharing one space hash alike, so one lookup finds both),
 * the identifier source rules name its values by, and the kind a watchlist shows it as.
 */
const LINK_KIND_TRAITS: Readonly<Record<LinkKind, { space: string; source: IdentifierSource; watchlistKind: string }>> = {
  email: { space: 'email', source: 'email', watchlistKind: 'email' },
  reference_email: { space: 'email', source: 'reference_email', watchlistKind: 'email' },
  phone: { space: 'phone', source: 'phone', watchlistKind: 'phone' },
  reference_phone: { space: 'phone', source: 'reference_phone', watchlistKind: 'phone' },
  wallet: { space: 'wallet', source: 'wallet', watchlistKind: 'wallet' },
  bank_account: { space: 'bank_account', source: 'bank_account', watchlistKind: 'bank_account' },
  document: { space: 'document', source: 'document', watchlistKind: 'document' },
  residence_address: { space: 'address', source: 'address', watchlistKind: 'address' },
  id_document_address: { space: 'address', source: 'address', watchlistKind: 'address' },
  shipping_address: { space: 'address', source: 'address', watchlistKind: 'address' },
  other_address: { space: 'address', source: 'address', watchlistKind: 'address' },
  ip: { space: 'ip', source: 'ip', watchlistKind: 'ip' },
  photo: { space: 'photo', source: 'photo', watchlistKind: 'photo_digest' },
  profile_url: { space: 'website', source: 'profile_url', watchlistKind: 'url' },
};

/** How a watchlist shows an identifier taken from a subject's link key of this kind. */
export function watchlistKindOfLink(kind: LinkKind): string {
  return LINK_KIND_TRAITS[kind].watchlistKind;
}

export interface LinkKey {
  kind: LinkKind;
  /** Keyed hash of `<value space>:<canonical value>`; the only form that is stored. */
  key: string;
  field: string;
  /** Redacted, for hits and for a reviewer's view of stored keys. */
  display: string;
}

export interface Lookups {
  identifiers: IdentifierLookup[];
  links: LinkKey[];
}

/** The link key of one canonical value: also what `redactForStorage` stores for a number. */
export function linkKeyOf(hash: KeyedHash, kind: LinkKind, canonical: string): string {
  return hash(`${LINK_KIND_TRAITS[kind].space}:${canonical}`);
}

/** Short values match too much by accident to be worth a lookup. */
const MIN_DOCUMENT_LENGTH = 5;
const MIN_PHONE_DIGITS = 7;

const DOCUMENT_LIST_KINDS: Readonly<Record<DocumentType, IdentifierKind>> = {
  passport: 'passport',
  national_id: 'national_id',
  tax_id: 'tax_id',
  drivers_license: 'other_document',
  residence_permit: 'other_document',
  visa: 'other_document',
  other: 'other_document',
};

/** A host and the domains above it, down to two labels: `jobs.front.example` → itself and `front.example`. */
function hostAndParents(host: string): string[] {
  const labels = host.split('.');
  return labels.slice(0, -1).map((_, index) => labels.slice(index).join('.')).filter((candidate) => candidate.includes('.'));
}

/**
 * Lists write a front's site as a `domain` or as a `website`; a host is looked up as both, and so
 * is every domain above it: a listed or seized domain covers its subdomains.
 */
function hostLookups(value: string, source: IdentifierSource, field: string): IdentifierLookup[] {
  const host = normalizeDomain(value);
  if (!host.includes('.')) return [];
  return hostAndParents(host).flatMap((candidate): IdentifierLookup[] => [
    { kind: 'domain', normalized: candidate, source, field, display: host },
    { kind: 'website', normalized: candidate, source, field, display: host },
  ]);
}

export function collectIdentifierLookups(subject: ScreeningSubject): IdentifierLookup[] {
  const lookups: IdentifierLookup[] = [];
  subject.emails?.forEach((email, index) => {
    const field = `/subject/emails/${index}`;
    lookups.push({ kind: 'email', normalized: normalizeEmail(email), source: 'email', field, display: maskEmail(email) });
    const domain = emailDomain(email);
    if (domain !== undefined) lookups.push(...hostLookups(domain, 'email_domain', field));
  });
  subject.phones?.forEach((phone, index) => {
    const normalized = normalizePhone(phone);
    if (normalized.length >= MIN_PHONE_DIGITS) {
      lookups.push({ kind: 'phone', normalized, source: 'phone', field: `/subject/phones/${index}`, display: maskPhone(phone) });
    }
  });
  subject.payment?.wallets?.forEach((wallet, index) => {
    const normalized = normalizeWallet(wallet);
    if (normalized.length > 0) {
      lookups.push({ kind: 'wallet', normalized, source: 'wallet', field: `/subject/payment/wallets/${index}`, display: shortenWallet(wallet) });
    }
  });
  subject.documents?.forEach((document, index) => {
    if (document.number === undefined) return;
    const normalized = normalizeDocumentNumber(document.number);
    if (normalized.length < MIN_DOCUMENT_LENGTH) return;
    lookups.push({
      kind: DOCUMENT_LIST_KINDS[document.type] ?? 'other_document',
      normalized,
      source: 'document',
      field: `/subject/documents/${index}/number`,
      display: describeDocument(document.type, document.country),
      ...(document.country !== undefined ? { country: document.country } : {}),
    });
  });
  subject.employment?.forEach((job, index) => {
    if (job.domain !== undefined) lookups.push(...hostLookups(job.domain, 'employer_domain', `/subject/employment/${index}/domain`));
  });
  subject.education?.forEach((school, index) => {
    if (school.domain !== undefined) lookups.push(...hostLookups(school.domain, 'education_domain', `/subject/education/${index}/domain`));
  });
  if (subject.engagement?.vendorDomain !== undefined) {
    lookups.push(...hostLookups(subject.engagement.vendorDomain, 'vendor_domain', '/subject/engagement/vendorDomain'));
  }
  subject.profiles?.forEach((profile, index) => {
    if (profile.url === undefined) return;
    const normalized = normalizeWebsite(profile.url);
    if (normalized.length === 0) return;
    const field = `/subject/profiles/${index}/url`;
    // The page itself, and the site it is on: a profile hosted on a seized domain is on that domain.
    const onSite = hostLookups(profile.url, 'profile_url', field).filter((lookup) => !(lookup.kind === 'website' && lookup.normalized === normalized));
    lookups.push({ kind: 'website', normalized, source: 'profile_url', field, display: normalized }, ...onSite);
  });
  subject.references?.forEach((reference, index) => {
    const base = `/subject/references/${index}`;
    if (reference.email !== undefined) {
      lookups.push({ kind: 'email', normalized: normalizeEmail(reference.email), source: 'reference_email', field: `${base}/email`, display: maskEmail(reference.email) });
      const domain = emailDomain(reference.email);
      if (domain !== undefined) lookups.push(...hostLookups(domain, 'reference_email_domain', `${base}/email`));
    }
    if (reference.phone !== undefined) {
      const normalized = normalizePhone(reference.phone);
      if (normalized.length >= MIN_PHONE_DIGITS) {
        lookups.push({ kind: 'phone', normalized, source: 'reference_phone', field: `${base}/phone`, display: maskPhone(reference.phone) });
      }
    }
  });
  return lookups;
}

/** A document as a reviewer sees it: its type and issuing country, never its number. */
export function describeDocument(type: DocumentType, country: string | undefined): string {
  return country !== undefined ? `${type} (${country})` : type;
}

/**
 * The keys to store for this subject and to look up among other subjects. Everything is a
 * keyed hash, so the table of keys reveals nothing without the key; values are canonicalised
 * first (`emailLinkForm`, digits-only phones, an IPv6 /64, a folded address), one key per
 * kind and value, first field wins.
 */
export function linkKeysOf(subject: ScreeningSubject, hash: KeyedHash): LinkKey[] {
  const keys: LinkKey[] = [];
  const seen = new Set<string>();
  const add = (kind: LinkKind, canonical: string | undefined, field: string, display: string) => {
    if (canonical === undefined || canonical.length === 0) return;
    // Same kind and canonical value, same key: no need to hash it again (logins repeat an IP).
    const id = `${kind}\u0000${canonical}`;
    if (seen.has(id)) return;
    seen.add(id);
    keys.push({ kind, key: linkKeyOf(hash, kind, canonical), field, display });
  };
  subject.emails?.forEach((email, index) => add('email', emailLinkForm(email), `/subject/emails/${index}`, maskEmail(email)));
  subject.phones?.forEach((phone, index) => {
    const normalized = normalizePhone(phone);
    if (normalized.length >= MIN_PHONE_DIGITS) add('phone', normalized, `/subject/phones/${index}`, maskPhone(phone));
  });
  subject.payment?.wallets?.forEach((wallet, index) => add('wallet', normalizeWallet(wallet), `/subject/payment/wallets/${index}`, shortenWallet(wallet)));
  if (subject.payment?.bankAccount !== undefined) {
    const normalized = normalizeBankAccount(subject.payment.bankAccount);
    if (normalized.length >= MIN_DOCUMENT_LENGTH) add('bank_account', normalized, '/subject/payment/bankAccount', 'bank account');
  }
  subject.documents?.forEach((document, index) => {
    if (document.number === undefined) return;
    const normalized = normalizeDocumentNumber(document.number);
    if (normalized.length >= MIN_DOCUMENT_LENGTH) {
      add('document', normalized, `/subject/documents/${index}/number`, describeDocument(document.type, document.country));
    }
  });
  subject.addresses?.forEach((address, index) => {
    add(addressLinkKind(address.kind), normalizeAddress(address), `/subject/addresses/${index}`, describeAddress(address));
  });
  subject.logins?.forEach((login, index) => add('ip', ipLinkForm(login.ip), `/subject/logins/${index}/ip`, maskIp(login.ip)));
  subject.profiles?.forEach((profile, index) => {
    if (profile.photoDigest !== undefined) {
      add('photo', profile.photoDigest.trim().toLowerCase(), `/subject/profiles/${index}/photoDigest`, shortenDigest(profile.photoDigest));
    }
    if (profile.url !== undefined) add('profile_url', normalizeWebsite(profile.url), `/subject/profiles/${index}/url`, normalizeWebsite(profile.url));
  });
  subject.references?.forEach((reference, index) => {
    if (reference.email !== undefined) add('reference_email', emailLinkForm(reference.email), `/subject/references/${index}/email`, maskEmail(reference.email));
    if (reference.phone !== undefined) {
      const normalized = normalizePhone(reference.phone);
      if (normalized.length >= MIN_PHONE_DIGITS) add('reference_phone', normalized, `/subject/references/${index}/phone`, maskPhone(reference.phone));
    }
  });
  return keys;
}

export function addressLinkKind(kind: AddressKind): LinkKind {
  switch (kind) {
    case 'residence':
      return 'residence_address';
    case 'id_document':
      return 'id_document_address';
    case 'shipping':
      return 'shipping_address';
    default:
      return 'other_address';
  }
}

/**
 * The subject's link keys as identifier lookups (`link_key`): tenant watchlists keep their
 * identifiers as link keys, so a watchlisted e-mail, document or bank account is found by the same
 * identifier rules as a listed one, without the watchlist ever storing the number itself.
 */
export function linkKeyLookups(links: readonly LinkKey[]): IdentifierLookup[] {
  return links.map((link) => ({ kind: 'link_key', normalized: link.key, source: LINK_KIND_TRAITS[link.kind].source, field: link.field, display: link.display }));
}

/** Everything the service must answer before evaluating this subject. */
export function collectLookups(subject: ScreeningSubject, hash: KeyedHash): Lookups {
  const links = linkKeysOf(subject, hash);
  return { identifiers: [...collectIdentifierLookups(subject), ...linkKeyLookups(links)], links };
}
