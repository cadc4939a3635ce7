/**
 * The plain shape every list importer produces and every consumer (database, matching index,
 * API) reads. One shape for OFAC CSV, UN XML and the curated JSON list, so that matching and
 * rules never care which format an entry came from.
 */

export const ENTRY_TYPES = ['individual', 'entity', 'vessel', 'aircraft', 'unknown'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** How a name relates to the entry. OFAC distinguishes a.k.a./f.k.a./n.k.a.; UN gives quality. */
export const NAME_KINDS = ['primary', 'aka', 'fka', 'nka'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/**
 * `weak` aliases (OFAC's "low quality" a.k.a.s in remarks, UN "Low" quality) are kept for
 * reviewers but must score lower than strong names: lists themselves warn they are broad.
 */
export const NAME_STRENGTHS = ['strong', 'weak'] as const;
export type NameStrength = (typeof NAME_STRENGTHS)[number];

export interface ListName {
  full: string;
  kind: NameKind;
  strength: NameStrength;
  /** 'original' for names in their original script (UN NAME_ORIGINAL_SCRIPT, Hangul). */
  script?: 'latin' | 'original';
}

/**
 * A partial date as lists publish them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
 * `to` makes a range ("1960 to 1962"); `circa` marks "circa"/"approximately".
 */
export interface ListDate {
  value: string;
  to?: string;
  circa?: boolean;
}

export interface ListAddress {
  line?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2 when the country name could be mapped, otherwise absent. */
  country?: string;
  /** The country as the list wrote it. */
  countryName?: string;
}

export const IDENTIFIER_KINDS = [
  'email',
  'website',
  'domain',
  'phone',
  'wallet',
  'passport',
  'national_id',
  'tax_id',
  'registration',
  'swift',
  'imo',
  'mmsi',
  'aircraft_serial',
  'other_document',
  // A keyed hash of a value in its link form (domain/rules/subject-lookups.ts): how a tenant's
  // watchlist keeps e-mails, phones, wallets, documents, bank accounts, IPs, photos and addresses,
  // matched against the same keys of a screened profile. Never reversible without the key.
  'link_key',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface ListIdentifier {
  kind: IdentifierKind;
  /** As written in the list. */
  value: string;
  /** Canonical form used for exact lookups (lower-cased e-mail/domain, digits-only phone, ...). */
  normalized: string;
  /** Wallet currency code as the list gives it (XBT, ETH, USDT, ...). */
  currency?: string;
  /** Issuing country of a document, ISO alpha-2 when known. */
  country?: string;
  note?: string;
  /** For a watchlist's identifier, the kind its file gave (`bank_account`, `ip`, ...). */
  watchlistKind?: string;
}

export interface ListEntry {
  /** The list's own id: OFAC ent_num, UN reference number (KPi.001), curated id. */
  sourceId: string;
  type: EntryType;
  /** Primary name as the list writes it (OFAC "KIM, Jong Un"). */
  name: string;
  /** All names including the primary one. */
  names: ListName[];
  programs: string[];
  birthDates: ListDate[];
  birthPlaces: string[];
  /** ISO alpha-2 where mapped; unmapped values kept verbatim so nothing is lost. */
  nationalities: string[];
  citizenships: string[];
  addresses: ListAddress[];
  identifiers: ListIdentifier[];
  /** Free text the list attaches (OFAC remarks, UN comments), kept for reviewers. */
  remarks?: string;
  /** Date of listing, ISO `YYYY-MM-DD`, when the format has it. */
  listedOn?: string;
  /** Format-specific extras worth showing (title, vessel flag, call sign, reliability ...). */
  attributes: Record<string, string>;
}

/** An entry with what is given and every other field empty. */
export function listEntryOf(fields: Pick<ListEntry, 'sourceId' | 'type' | 'name' | 'names'> & Partial<ListEntry>): ListEntry {
  return { programs: [], birthDates: [], birthPlaces: [], nationalities: [], citizenships: [], addresses: [], identifiers: [], attributes: {}, ...fields };
}

/**
 * Identifiers that say who a person is: identity documents (a watchlist's keyed document too). A
 * handle (e-mail, phone, wallet, website) is checked on its own by the identifier rules and says
 * nothing about who bears a name: a namesake with other handles is not told apart by it.
 */
const PERSON_IDENTIFIER_KINDS: ReadonlySet<string> = new Set(['passport', 'national_id', 'tax_id', 'other_document', 'registration', 'document']);

/**
 * What an entry lists that can tell its person from a namesake: birth dates, nationalities or
 * citizenships, identity documents, a street address (a line or a postal code: a country, region
 * or city alone is where millions of namesakes live too). Names, handles, programmes and remarks are not.
 */
export function entryParticulars(entry: Pick<ListEntry, 'birthDates' | 'nationalities' | 'citizenships' | 'identifiers' | 'addresses'>): ('birth-date' | 'nationality' | 'identifier' | 'address')[] {
  const has = (values: readonly unknown[] | undefined) => (values?.length ?? 0) > 0;
  return [
    ...(has(entry.birthDates) ? (['birth-date'] as const) : []),
    ...(has(entry.nationalities) || has(entry.citizenships) ? (['nationality'] as const) : []),
    ...((entry.identifiers ?? []).some((identifier) => PERSON_IDENTIFIER_KINDS.has(identifier.watchlistKind ?? identifier.kind)) ? (['identifier'] as const) : []),
    ...((entry.addresses ?? []).some((address) => (address.line ?? '').trim() !== '' || (address.postalCode ?? '').trim() !== '') ? (['address'] as const) : []),
  ];
}
