/**
 * A stored screening input made screenable again. `redactForStorage` kept document and
 * bank-account numbers only as keyed hashes, so a re-screen cannot see them; without care a
 * subject blocked on a listed passport would come back clear. Two repairs:
 *
 * - a stored hash equal to the keyed hash of a document number some list publishes gets that
 *   number back (it is public list data, and it is what the first screening compared);
 * - every other number becomes a placeholder whose keyed hash, through the hash returned here,
 *   is the stored one: link keys (a document or account shared by several applicants) and the
 *   profile-change comparison come out exactly as they did.
 *
 * Neither the recovered number nor the placeholder is stored: a re-screen stores the original
 * stored input again, and hits show documents by type and country only.
 */
import { normalizeBankAccount, normalizeDocumentNumber } from '../identifiers/identifier.normalize.js';
import type { IdentityDocument, Payment, ScreeningSubject } from '../rules/screening-subject.js';
import type { StoredSubject } from '../rules/subject-redaction.js';
import type { KeyedHash } from '../rules/subject-lookups.js';

/** The list identifier kinds a document lookup searches (`collectIdentifierLookups`). */
export const DOCUMENT_IDENTIFIER_KINDS = ['passport', 'national_id', 'tax_id', 'other_document'] as const;

/** Letters only, upper case, so normalisation keeps it whole; no published number looks like it. */
const PLACEHOLDER = 'REDFLAGSTOREDHASHONLY';

export interface RestoredSubject {
  subject: ScreeningSubject;
  /** The keyed hash to compute lookups with: the service's, except for the placeholders. */
  hash: KeyedHash;
}

export function restoreStoredSubject(
  stored: StoredSubject,
  options: { hash: KeyedHash; listedDocumentNumber: (numberHash: string) => string | undefined },
): RestoredSubject {
  const overrides = new Map<string, string>();
  const placeholder = (space: 'document' | 'bank_account', key: string, normalize: (value: string) => string) => {
    const value = `${PLACEHOLDER}${space === 'document' ? 'D' : 'B'}${overrides.size}`;
    overrides.set(`${space}:${normalize(value)}`, key);
    return value;
  };
  const { documents, payment, ...rest } = stored;
  const subject: ScreeningSubject = { ...rest };
  if (documents !== undefined) {
    subject.documents = documents.map(({ numberHash, ...document }): IdentityDocument => {
      if (numberHash === undefined) return document;
      const number = options.listedDocumentNumber(numberHash) ?? placeholder('document', numberHash, normalizeDocumentNumber);
      return { ...document, number };
    });
  }
  if (payment !== undefined) {
    const { bankAccountHash, ...paymentRest } = payment;
    const restored: Payment = { ...paymentRest };
    if (bankAccountHash !== undefined) restored.bankAccount = placeholder('bank_account', bankAccountHash, normalizeBankAccount);
    subject.payment = restored;
  }
  if (overrides.size === 0) return { subject, hash: options.hash };
  return { subject, hash: (message) => overrides.get(message) ?? options.hash(message) };
}
