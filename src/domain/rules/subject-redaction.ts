/**
 * The form of a subject that may be stored (decision input, subject history): identical to what
 * was screened except that document and bank-account numbers are replaced by their keyed hash.
 * The hash is the same one `linkKeysOf` stores, so a stored profile still links to others and
 * a replay still finds the same links, but the number itself never reaches the database.
 */
import { normalizeBankAccount, normalizeDocumentNumber } from '../identifiers/identifier.normalize.js';
import type { IdentityDocument, Payment, ScreeningSubject } from './screening-subject.js';
import { linkKeyOf, type KeyedHash } from './subject-lookups.js';

export type StoredDocument = Omit<IdentityDocument, 'number'> & { numberHash?: string };
export type StoredPayment = Omit<Payment, 'bankAccount'> & { bankAccountHash?: string };

export type StoredSubject = Omit<ScreeningSubject, 'documents' | 'payment'> & {
  documents?: StoredDocument[];
  payment?: StoredPayment;
};

export function redactForStorage(subject: ScreeningSubject, hash: KeyedHash): StoredSubject {
  const { documents, payment, ...rest } = subject;
  const stored: StoredSubject = { ...rest };
  if (documents !== undefined) {
    stored.documents = documents.map(({ number, ...document }) =>
      number === undefined ? document : { ...document, numberHash: linkKeyOf(hash, 'document', normalizeDocumentNumber(number)) },
    );
  }
  if (payment !== undefined) {
    const { bankAccount, ...paymentRest } = payment;
    stored.payment =
      bankAccount === undefined ? paymentRest : { ...paymentRest, bankAccountHash: linkKeyOf(hash, 'bank_account', normalizeBankAccount(bankAccount)) };
  }
  return stored;
}
