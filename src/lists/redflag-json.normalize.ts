/**
 * Canonical forms of curated identifiers, used for exact lookups (`ListIdentifier.normalized`).
 * One definition for every importer and for the rules: see `domain/identifiers`.
 */
export {
  normalizeDocumentNumber,
  normalizeDomain,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
  normalizeWallet,
  normalizeWebsite,
} from '../domain/identifiers/identifier.normalize.js';
