import { countryByCode } from '../domain/geo/countries.js';
import { normalizeIdentifier } from '../domain/identifiers/identifier.normalize.js';
import type { EntryType, IdentifierKind, ListAddress, ListDate, ListEntry, ListIdentifier, ListName, NameKind, NameStrength } from '../domain/lists/list-entry.js';

/**
 * FollowTheMoney (FtM) entities as OpenSanctions publishes them (`entities.ftm.json`, one per
 * line), mapped to the one ListEntry shape every other list has. Pure: the importer reads the
 * lines and hands each target here together with the entities that describe it (addresses,
 * wallets, documents, sanctions), which it has collected by id.
 */

/** One FtM entity line; properties are arrays of strings. */
export interface FtmEntity {
  id: string;
  schema: string;
  caption?: string;
  properties: Record<string, string[]>;
  datasets: string[];
  referents: string[];
  target: boolean;
  first_seen?: string;
  last_seen?: string;
  last_change?: string;
}

/** Screening targets: the schemas that become list entries when `target` is true. */
export const FTM_ENTRY_SCHEMAS: Readonly<Record<string, EntryType>> = {
  Person: 'individual',
  Organization: 'entity',
  Company: 'entity',
  PublicBody: 'entity',
  // OpenSanctions' type when a list does not say whether a party is a person or a company.
  LegalEntity: 'unknown',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

/** Schemas read for what they say about a target. */
export const FTM_CONTEXT_SCHEMAS = ['Address', 'CryptoWallet', 'Identification', 'Passport', 'Sanction'] as const;

/**
 * The rest of the FtM model (followthemoney 3.x): known, not read (relationships, documents,
 * assets). A schema outside all three lists is "unknown" and reported as such.
 */
export const FTM_OTHER_SCHEMAS: ReadonlySet<string> = new Set([
  'Analyzable', 'Article', 'Assessment', 'Asset', 'Associate', 'Audio', 'BankAccount', 'Call', 'CallForTenders', 'Contract',
  'ContractAward', 'CourtCase', 'CourtCaseParty', 'Debt', 'Directorship', 'Document', 'Documentation', 'EconomicActivity', 'Email',
  'Employment', 'Event', 'Family', 'Folder', 'HyperText', 'Image', 'Interest', 'Interval', 'License', 'Membership', 'Mention',
  'Message', 'Note', 'Occupancy', 'Ownership', 'Package', 'Page', 'Pages', 'Payment', 'PlainText', 'Position', 'Project',
  'ProjectParticipant', 'RealEstate', 'Representation', 'Security', 'Similar', 'Succession', 'Table', 'TaxRoll', 'Thing', 'Trip',
  'UnknownLink', 'UserAccount', 'Value', 'Vehicle', 'Video', 'Workbook',
]);

export type FtmSchemaRole = 'entry' | 'context' | 'other' | 'unknown';

export function ftmSchemaRole(schema: string): FtmSchemaRole {
  if (schema in FTM_ENTRY_SCHEMAS) return 'entry';
  if ((FTM_CONTEXT_SCHEMAS as readonly string[]).includes(schema)) return 'context';
  return FTM_OTHER_SCHEMAS.has(schema) ? 'other' : 'unknown';
}

/** What a Sanction entity adds to the entry it names. */
export interface FtmSanction {
  programIds: string[];
  programs: string[];
  authorities: string[];
  listingDates: string[];
}

/** Entities that describe a target, found by the target's id (or, for addresses, by theirs). */
export interface FtmLinks {
  address(id: string): ListAddress | undefined;
  /** Wallets (CryptoWallet.holder) and documents (Identification/Passport.holder) of an entity. */
  identifiers(holderId: string): readonly ListIdentifier[];
  sanctions(entityId: string): readonly FtmSanction[];
}

const values = (entity: FtmEntity, property: string): string[] => entity.properties[property] ?? [];

function addUnique(list: string[], value: string | undefined): void {
  const trimmed = value?.trim();
  if (trimmed && !list.includes(trimmed)) list.push(trimmed);
}

function setAttribute(attributes: Record<string, string>, key: string, list: readonly string[]): void {
  const kept = [...new Set(list.map((value) => value.trim()).filter(Boolean))];
  if (kept.length > 0) attributes[key] = kept.join('; ');
}

/** FtM countries are ISO alpha-2 in lower case (plus a few of its own, e.g. `suhh`). */
function countryCode(value: string): string {
  return value.trim().toUpperCase();
}

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` from an FtM date (which may carry a time); else undefined. */
export function ftmPartialDate(value: string): string | undefined {
  const match = PARTIAL_DATE.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day] = match;
  return [year, month, day].filter(Boolean).join('-');
}

const LETTER = /\p{L}/u;
const NON_LATIN_LETTER = /(?![\p{Script=Latin}])\p{L}/u;

const isOriginalScript = (full: string) => LETTER.test(full) && NON_LATIN_LETTER.test(full);

/** FtM name properties and what each is as a list name. */
const NAME_PROPERTIES: readonly (readonly [string, NameKind, NameStrength])[] = [
  ['name', 'aka', 'strong'],
  ['alias', 'aka', 'strong'],
  ['previousName', 'fka', 'strong'],
  // OpenSanctions' weak aliases are the lists' own "low quality" a.k.a.s: too broad to match on alone.
  ['weakAlias', 'aka', 'weak'],
  ['abbreviation', 'aka', 'weak'],
];

const NAME_PARTS = ['title', 'firstName', 'secondName', 'middleName', 'fatherName', 'motherName', 'lastName', 'nameSuffix'] as const;

/** Identifier properties of targets and the kind each is. */
const IDENTIFIER_PROPERTIES: readonly (readonly [string, IdentifierKind, 'Vessel' | 'Airplane' | undefined])[] = [
  ['passportNumber', 'passport', undefined],
  ['idNumber', 'national_id', undefined],
  ['socialSecurityNumber', 'national_id', undefined],
  ['taxNumber', 'tax_id', undefined],
  ['innCode', 'tax_id', undefined],
  ['vatCode', 'tax_id', undefined],
  ['registrationNumber', 'registration', undefined],
  ['ogrnCode', 'registration', undefined],
  ['leiCode', 'registration', undefined],
  ['dunsCode', 'registration', undefined],
  ['uniqueEntityId', 'registration', undefined],
  ['swiftBic', 'swift', undefined],
  ['email', 'email', undefined],
  ['website', 'website', undefined],
  ['phone', 'phone', undefined],
  ['imoNumber', 'imo', undefined],
  ['mmsi', 'mmsi', undefined],
  ['serialNumber', 'aircraft_serial', 'Airplane'],
];

/** Extras shown to reviewers, as `attributes` keys. */
const ATTRIBUTE_PROPERTIES: readonly (readonly [string, string])[] = [
  ['gender', 'gender'],
  ['position', 'position'],
  ['topics', 'topics'],
  ['legalForm', 'legalForm'],
  ['incorporationDate', 'incorporationDate'],
  ['dissolutionDate', 'dissolutionDate'],
  ['status', 'status'],
  ['sector', 'sector'],
  ['flag', 'flag'],
  ['callSign', 'callSign'],
  ['type', 'vesselOrAircraftType'],
  ['model', 'model'],
  ['buildDate', 'buildDate'],
  ['tonnage', 'tonnage'],
  ['grossRegisteredTonnage', 'grossRegisteredTonnage'],
  ['sourceUrl', 'sourceUrl'],
  ['modifiedAt', 'modifiedAt'],
];

export function identifier(kind: IdentifierKind, value: string, extra: { currency?: string; country?: string; note?: string } = {}): ListIdentifier | undefined {
  const trimmed = value.trim();
  const normalized = normalizeIdentifier(kind, trimmed);
  if (normalized.length === 0) return undefined;
  return { kind, value: trimmed, normalized, ...extra };
}

/** An FtM `Address` entity as a list address; undefined when it says nothing. */
export function ftmAddress(entity: FtmEntity): ListAddress | undefined {
  const address: ListAddress = {};
  const street = [...values(entity, 'street'), ...values(entity, 'street2')].join(', ') || values(entity, 'postOfficeBox')[0];
  const line = street || values(entity, 'full')[0] || values(entity, 'remarks')[0];
  const city = values(entity, 'city')[0];
  const region = values(entity, 'region')[0] ?? values(entity, 'state')[0];
  const postalCode = values(entity, 'postalCode')[0];
  const country = values(entity, 'country')[0];
  if (line) address.line = line.trim();
  if (city) address.city = city.trim();
  if (region) address.region = region.trim();
  if (postalCode) address.postalCode = postalCode.trim();
  if (country) {
    address.country = countryCode(country);
    const known = countryByCode(country);
    if (known) address.countryName = known.name;
  }
  return Object.keys(address).length > 0 ? address : undefined;
}

/** The wallet a `CryptoWallet` entity describes. */
export function ftmWallet(entity: FtmEntity): ListIdentifier | undefined {
  const key = values(entity, 'publicKey')[0];
  if (!key) return undefined;
  const currency = values(entity, 'currency')[0];
  return identifier('wallet', key, currency ? { currency: currency.trim().toUpperCase() } : {});
}

/** The document an `Identification` or `Passport` entity describes. */
export function ftmDocument(entity: FtmEntity): ListIdentifier | undefined {
  const number = values(entity, 'number')[0] ?? values(entity, 'passportNumber')[0];
  if (!number) return undefined;
  const type = values(entity, 'type')[0] ?? '';
  const kind: IdentifierKind = entity.schema === 'Passport' || /passport/i.test(type) ? 'passport' : /national|identity|id card/i.test(type) ? 'national_id' : 'other_document';
  const country = values(entity, 'country')[0];
  const note = [type, ...values(entity, 'authority'), ...values(entity, 'summary')].filter(Boolean).join('; ');
  return identifier(kind, number, { ...(country ? { country: countryCode(country) } : {}), ...(note ? { note } : {}) });
}

export function ftmSanction(entity: FtmEntity): FtmSanction {
  return {
    programIds: values(entity, 'programId'),
    programs: values(entity, 'program'),
    authorities: values(entity, 'authority'),
    listingDates: [...values(entity, 'listingDate'), ...values(entity, 'startDate')],
  };
}

/** OpenSanctions keys OFAC parties as `ofac-<ent_num>`: the same party in our OFAC list. */
const OFAC_REFERENT = /^ofac-(\d+)$/;

/** The entity's names, the caption first; name parts are kept as attributes. */
function ftmNames(entity: FtmEntity, attributes: Record<string, string>): { primary: string | undefined; names: ListName[] } {
  const names: ListName[] = [];
  const addName = (full: string, kind: NameKind, strength: NameStrength) => {
    const trimmed = full.replace(/\s+/g, ' ').trim();
    if (!trimmed) return;
    const existing = names.find((name) => name.full === trimmed);
    if (existing) {
      // The same text as a strong name and a weak one is a strong name.
      if (existing.strength === 'weak' && strength === 'strong') existing.strength = 'strong';
      return;
    }
    names.push({ full: trimmed, kind, strength, ...(isOriginalScript(trimmed) ? { script: 'original' as const } : {}) });
  };
  const primary = entity.caption?.trim() || values(entity, 'name')[0]?.trim();
  if (primary) addName(primary, 'primary', 'strong');
  for (const [property, kind, strength] of NAME_PROPERTIES) for (const value of values(entity, property)) addName(value, kind, strength);
  // Name parts make a name only for an entity that has none; otherwise they are shown, not matched.
  if (names.length === 0) {
    const composed = ['firstName', 'secondName', 'middleName', 'fatherName', 'lastName'].map((part) => values(entity, part)[0]).filter(Boolean).join(' ');
    if (composed) addName(composed, 'primary', 'strong');
  }
  for (const part of NAME_PARTS) setAttribute(attributes, part, values(entity, part));
  return { primary, names };
}

function ftmBirthData(entity: FtmEntity): { birthDates: ListDate[]; birthPlaces: string[] } {
  const birthDates: ListDate[] = [];
  for (const value of values(entity, 'birthDate')) {
    const date = ftmPartialDate(value);
    if (date && !birthDates.some((known) => known.value === date)) birthDates.push({ value: date });
  }
  const birthPlaces: string[] = [];
  for (const value of [...values(entity, 'birthPlace'), ...values(entity, 'birthCountry').map(countryCode)]) addUnique(birthPlaces, value);
  return { birthDates, birthPlaces };
}

function ftmNationalities(entity: FtmEntity, type: EntryType, attributes: Record<string, string>): { nationalities: string[]; citizenships: string[] } {
  const nationalities: string[] = [];
  const citizenships: string[] = [];
  for (const value of values(entity, 'nationality')) addUnique(nationalities, countryCode(value));
  for (const value of values(entity, 'citizenship')) addUnique(citizenships, countryCode(value));
  const countries = [...values(entity, 'country'), ...values(entity, 'jurisdiction'), ...values(entity, 'mainCountry')].map(countryCode);
  // A company's country is where it is registered: its nationality. A person's `country` is looser
  // (residence, activity: Japan's MoF list puts citizenship there), so it stands in for a
  // nationality only when the list gives neither nationality nor citizenship.
  if (type !== 'individual' || (nationalities.length === 0 && citizenships.length === 0)) for (const code of countries) addUnique(nationalities, code);
  setAttribute(attributes, 'countries', countries);
  return { nationalities, citizenships };
}

function ftmAddresses(entity: FtmEntity, links: FtmLinks): ListAddress[] {
  const addresses: ListAddress[] = [];
  const addAddress = (address: ListAddress | undefined) => {
    if (address && !addresses.some((known) => JSON.stringify(known) === JSON.stringify(address))) addresses.push(address);
  };
  for (const id of values(entity, 'addressEntity')) addAddress(links.address(id));
  // Free-text addresses the linked entities do not already cover.
  for (const full of values(entity, 'address')) {
    const text = full.trim();
    if (text && !addresses.some((known) => known.line === text || [known.line, known.city, known.postalCode].filter(Boolean).every((part) => text.includes(part!)))) {
      addAddress({ line: text });
    }
  }
  return addresses;
}

function ftmIdentifiers(entity: FtmEntity, links: FtmLinks): ListIdentifier[] {
  const identifiers: ListIdentifier[] = [];
  const addIdentifier = (found: ListIdentifier | undefined) => {
    if (found && !identifiers.some((known) => known.kind === found.kind && known.normalized === found.normalized)) identifiers.push(found);
  };
  for (const [property, kind, onlyFor] of IDENTIFIER_PROPERTIES) {
    if (onlyFor && entity.schema !== onlyFor) continue;
    for (const value of values(entity, property)) addIdentifier(identifier(kind, value));
  }
  if (entity.schema === 'Airplane') for (const value of values(entity, 'registrationNumber')) addIdentifier(identifier('registration', value, { note: 'aircraft registration' }));
  for (const linked of links.identifiers(entity.id)) addIdentifier(linked);
  return identifiers;
}

/** Programs from the entity and the sanctions naming it; the earliest full listing date. */
function ftmPrograms(entity: FtmEntity, links: FtmLinks, attributes: Record<string, string>): { programs: string[]; listedOn: string | undefined } {
  const programs: string[] = [];
  for (const value of values(entity, 'programId')) addUnique(programs, value);
  const sanctions = links.sanctions(entity.id);
  for (const sanction of sanctions) for (const value of sanction.programIds) addUnique(programs, value);
  setAttribute(attributes, 'sanctionPrograms', [...values(entity, 'program'), ...sanctions.flatMap((sanction) => sanction.programs)]);
  setAttribute(attributes, 'authorities', sanctions.flatMap((sanction) => sanction.authorities));
  const listedOn = sanctions
    .flatMap((sanction) => sanction.listingDates)
    .map(ftmPartialDate)
    .filter((date): date is string => date !== undefined && date.length === 10)
    .sort()[0];
  return { programs, listedOn };
}

/** Other properties shown to reviewers, and where the entity comes from. */
function setProvenance(entity: FtmEntity, attributes: Record<string, string>): void {
  for (const [property, key] of ATTRIBUTE_PROPERTIES) setAttribute(attributes, key, values(entity, property));
  setAttribute(attributes, 'datasets', entity.datasets);
  setAttribute(attributes, 'referents', entity.referents);
  const ofac = [entity.id, ...entity.referents].map((ref) => OFAC_REFERENT.exec(ref)?.[1]).filter((num): num is string => num !== undefined);
  setAttribute(attributes, 'ofacEntNum', ofac);
  if (entity.first_seen) attributes['firstSeen'] = entity.first_seen;
  if (entity.last_change) attributes['lastChange'] = entity.last_change;
}

/** A target entity as a list entry, with what its linked entities say. */
export function ftmEntry(entity: FtmEntity, links: FtmLinks): ListEntry {
  const type = FTM_ENTRY_SCHEMAS[entity.schema] ?? 'unknown';
  // Attributes are set in this order: schema, name parts, countries, programs, provenance.
  const attributes: Record<string, string> = { schema: entity.schema };
  const { primary, names } = ftmNames(entity, attributes);
  const { birthDates, birthPlaces } = ftmBirthData(entity);
  const { nationalities, citizenships } = ftmNationalities(entity, type, attributes);
  const addresses = ftmAddresses(entity, links);
  const identifiers = ftmIdentifiers(entity, links);
  const { programs, listedOn } = ftmPrograms(entity, links, attributes);
  setProvenance(entity, attributes);

  const remarks = [...values(entity, 'notes'), ...values(entity, 'summary'), ...values(entity, 'description')].map((note) => note.trim()).filter(Boolean);
  const entry: ListEntry = {
    sourceId: entity.id,
    type,
    name: primary ?? names[0]?.full ?? entity.id,
    names,
    programs,
    birthDates,
    birthPlaces,
    nationalities,
    citizenships,
    addresses,
    identifiers,
    attributes,
  };
  if (remarks.length > 0) entry.remarks = [...new Set(remarks)].join('; ');
  if (listedOn) entry.listedOn = listedOn;
  return entry;
}
