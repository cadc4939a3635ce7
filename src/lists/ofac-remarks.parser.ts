import { countryCodeFromName } from '../domain/geo/countries.js';
import {
  normalizeDocumentNumber,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
  normalizeWallet,
  normalizeWebsite,
} from '../domain/identifiers/identifier.normalize.js';
import type { IdentifierKind, ListDate, ListIdentifier, ListName, NameKind } from '../domain/lists/list-entry.js';

/**
 * Typed data recovered from the free-text remarks column of OFAC's legacy CSV files, where
 * OFAC puts everything that has no column: birth data, nationality, documents, e-mails,
 * wallets, and the weak ("low quality") a.k.a.s. The remarks text itself is kept on the
 * entry as well, so anything not recognised here is still visible to reviewers.
 */
export interface OfacRemarks {
  birthDates: ListDate[];
  birthPlaces: string[];
  nationalities: string[];
  citizenships: string[];
  identifiers: ListIdentifier[];
  /** a.k.a./f.k.a./n.k.a. written inside remarks: OFAC's weak aliases. */
  names: ListName[];
  attributes: Record<string, string>;
}

// The normalisers live in the domain so that importers and rules share one definition.
export { normalizeDocumentNumber, normalizeEmail, normalizePhone, normalizeWallet, normalizeWebsite };

const MONTHS: Readonly<Record<string, string>> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

/** "25 Apr 1965", "Apr 1965", "1965" → ISO partial date; undefined if not a date. */
export function parseOfacPartialDate(text: string): string | undefined {
  const match = /^(?:(\d{1,2})\s+)?(?:([A-Za-z]{3,9})\.?\s+)?(\d{4})$/.exec(text.trim());
  if (!match) return undefined;
  const [, day, monthName, year] = match;
  if (year === undefined) return undefined;
  if (monthName === undefined) return day === undefined ? year : undefined;
  const month = MONTHS[monthName.slice(0, 3).toLowerCase()];
  if (month === undefined) return undefined;
  if (day === undefined) return `${year}-${month}`;
  const dayNumber = Number(day);
  if (dayNumber < 1 || dayNumber > 31) return undefined;
  return `${year}-${month}-${day.padStart(2, '0')}`;
}

/**
 * The DOB shapes OFAC writes: "25 Apr 1965", "Apr 1965", "1962", "circa 1960",
 * "1960 to 1962", "01 Jan 1960 to 31 Dec 1962", "circa 1958-1960".
 */
export function parseOfacDate(text: string): ListDate | undefined {
  let rest = text.trim().replace(/\.$/, '');
  let circa = false;
  const circaMatch = /^(?:circa|approximately|approx\.?|c\.)\s+/i.exec(rest);
  if (circaMatch) {
    circa = true;
    rest = rest.slice(circaMatch[0].length);
  }
  const range = /^(.+?)\s+to\s+(.+)$/i.exec(rest) ?? /^(\d{4})\s*-\s*(\d{4})$/.exec(rest);
  const from = parseOfacPartialDate(range ? (range[1] ?? '') : rest);
  if (from === undefined) return undefined;
  const date: ListDate = { value: from };
  if (range) {
    const to = parseOfacPartialDate(range[2] ?? '');
    if (to === undefined) return undefined;
    date.to = to;
  }
  if (circa) date.circa = true;
  return date;
}

interface DocumentLabel {
  label: string;
  kind: IdentifierKind;
}

/**
 * Document labels seen in OFAC remarks, mapped to identifier kinds. Matched longest first,
 * so "Diplomatic Passport" wins over "Passport" and "Business Registration Number" over
 * "Registration Number". A label not listed here stays in the remarks text only.
 */
const DOCUMENT_LABELS: readonly DocumentLabel[] = (
  [
    ['Passport', 'passport'],
    ['Passport No.', 'passport'],
    ['Diplomatic Passport', 'passport'],
    ['Official Passport', 'passport'],
    ['Service Passport', 'passport'],
    ['Stateless Person Passport', 'passport'],
    ['National ID No.', 'national_id'],
    ['National ID', 'national_id'],
    ['National Foreign ID Number', 'national_id'],
    ['Personal ID Card', 'national_id'],
    ['Identification Number', 'national_id'],
    ['Cedula No.', 'national_id'],
    ['D.N.I.', 'national_id'],
    ['C.U.R.P.', 'national_id'],
    ['C.U.R.P. #', 'national_id'],
    ["Citizen's Card Number", 'national_id'],
    ['Turkish Identification Number', 'national_id'],
    ['Kenyan ID No.', 'national_id'],
    ['Tazkira National ID Card', 'national_id'],
    ['Numero de Identidad', 'national_id'],
    ['Personal Numerical Code', 'national_id'],
    ['SSN', 'national_id'],
    ['Tax ID No.', 'tax_id'],
    ['V.A.T. Number', 'tax_id'],
    ['R.F.C.', 'tax_id'],
    ['RFC', 'tax_id'],
    ['C.U.I.T.', 'tax_id'],
    ['RTN', 'tax_id'],
    ['NIT #', 'tax_id'],
    ['Italian Fiscal Code', 'tax_id'],
    ['US FEIN', 'tax_id'],
    ['C.I.F.', 'tax_id'],
    ['Registration Number', 'registration'],
    ['Registration ID', 'registration'],
    ['Business Registration Number', 'registration'],
    ['Business Registration Document #', 'registration'],
    ['Company Number', 'registration'],
    ['UK Company Number', 'registration'],
    ['Commercial Registry Number', 'registration'],
    ['Unified Social Credit Code (USCC)', 'registration'],
    ['United Social Credit Code Certificate (USCCC)', 'registration'],
    ['Legal Entity Number', 'registration'],
    ['Chamber of Commerce Number', 'registration'],
    ['Trade License No.', 'registration'],
    ['Government Gazette Number', 'registration'],
    ['Enterprise Number', 'registration'],
    ['Economic Register Number (CBLS)', 'registration'],
    ['Certificate of Incorporation Number', 'registration'],
    ['Matricula Mercantil No', 'registration'],
    ['Folio Mercantil No.', 'registration'],
    ['C.R. No.', 'registration'],
    ['D-U-N-S Number', 'registration'],
    ['Branch Unit Number', 'registration'],
    ['Registered Charity No.', 'registration'],
    ["Driver's License No.", 'other_document'],
    ['Travel Document Number', 'other_document'],
    ['Birth Certificate Number', 'other_document'],
    ['Residency Number', 'other_document'],
    ['Refugee ID Card', 'other_document'],
    ['Pilot License Number', 'other_document'],
    ['Credencial electoral', 'other_document'],
    ['Electoral Registry No.', 'other_document'],
    ['Cartilla de Servicio Militar Nacional', 'other_document'],
    ['Immigration No.', 'other_document'],
    ['Permit Number', 'other_document'],
    ['VisaNumberID', 'other_document'],
    ['I.F.E.', 'other_document'],
    ['C.U.I.', 'other_document'],
    ['C.U.I.P.', 'other_document'],
    ['Public Security and Immigration No.', 'other_document'],
    ['Romanian Permanent Resident CAN', 'other_document'],
  ] as const
)
  .map(([label, kind]) => ({ label, kind }))
  .sort((a, b) => b.label.length - a.label.length);

/** Fixed-label remarks worth a named attribute (shown to reviewers, used by rules). */
const ATTRIBUTE_LABELS: readonly (readonly [string, string])[] = (
  [
    ['Organization Established Date', 'organizationEstablishedDate'],
    ['Organization Type:', 'organizationType'],
    ['Secondary sanctions risk:', 'secondarySanctionsRisk'],
    ['Additional Sanctions Information -', 'additionalSanctionsInformation'],
    [
      'Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:',
      'transactionsProhibited',
    ],
    ['Target Type', 'targetType'],
    ['Nationality of Registration', 'nationalityOfRegistration'],
    ['Other Vessel Flag', 'otherVesselFlag'],
    ['Other Vessel Call Sign', 'otherVesselCallSign'],
    ['Other Vessel Type', 'otherVesselType'],
    ['Vessel Year of Build', 'vesselYearOfBuild'],
    ['Aircraft Model', 'aircraftModel'],
    ['Aircraft Operator', 'aircraftOperator'],
    ['Aircraft Manufacture Date', 'aircraftManufactureDate'],
    ['Aircraft Mode S Transponder Code', 'aircraftModeSTransponderCode'],
    ['Aircraft Tail Number', 'aircraftTailNumber'],
    ['Previous Aircraft Tail Number', 'previousAircraftTailNumber'],
    ['Aircraft Construction Number (also called L/N or S/N or F/N)', 'aircraftConstructionNumber'],
  ] as const
)
  .slice()
  .sort((a, b) => b[0].length - a[0].length);

function addUnique(list: string[], value: string): void {
  if (value.length > 0 && !list.includes(value)) list.push(value);
}

function addAttribute(attributes: Record<string, string>, key: string, value: string): void {
  const existing = attributes[key];
  if (existing === undefined) attributes[key] = value;
  else if (!existing.split('; ').includes(value)) attributes[key] = `${existing}; ${value}`;
}

/** A country as OFAC writes it → ISO code, or the text itself when it cannot be mapped. */
function countryOrVerbatim(text: string): string {
  return countryCodeFromName(text) ?? text;
}

/**
 * "109420132 (Korea, North) issued 16 Oct 2019 expires 16 Oct 2024" → value, country and
 * the rest as a note. Parenthesised parts that are not countries ("(Connecticut)") go to the
 * note too; the last country wins because OFAC writes state before country.
 */
function parseDocument(kind: IdentifierKind, label: string, rest: string): ListIdentifier | undefined {
  const text = rest.trim().replace(/\.$/, '');
  const cut = /\s+(?=\(|issued\b|expires\b)/.exec(text);
  const value = (cut ? text.slice(0, cut.index) : text).trim();
  if (value.length === 0) return undefined;
  const tail = cut ? text.slice(cut.index).trim() : '';
  let country: string | undefined;
  const notes: string[] = [];
  const remainder = tail.replace(/\(([^()]*)\)/g, (_whole, inner: string) => {
    const code = countryCodeFromName(inner);
    if (code !== undefined) country = code;
    else notes.push(inner.trim());
    return ' ';
  });
  const trailing = remainder.replace(/\s+/g, ' ').trim();
  if (trailing.length > 0) notes.push(trailing);
  if (!['Passport', 'National ID No.', 'Tax ID No.', 'Registration Number'].includes(label)) notes.unshift(label);
  const identifier: ListIdentifier = { kind, value, normalized: normalizeDocumentNumber(value) };
  if (country !== undefined) identifier.country = country;
  if (notes.length > 0) identifier.note = notes.join('; ');
  return identifier;
}

/** Text between the first and last quote of "a.k.a. 'NAME'"; names contain apostrophes. */
function quotedAlias(text: string): string | undefined {
  const trimmed = text.trim().replace(/\.$/, '');
  const first = trimmed.search(/['‘’"]/);
  const last = Math.max(trimmed.lastIndexOf("'"), trimmed.lastIndexOf('’'), trimmed.lastIndexOf('"'));
  const inner = first !== -1 && last > first ? trimmed.slice(first + 1, last) : trimmed;
  // A few entries quote surname and given name separately: 'ABU-AL-KARKH', 'Yusuf'.
  const name = inner.replace(/['’],\s*['‘’]/g, ', ').trim();
  return name.length > 0 ? name : undefined;
}

const ALIAS_KINDS: Readonly<Record<string, NameKind>> = { 'a.k.a.': 'aka', 'f.k.a.': 'fka', 'n.k.a.': 'nka' };

/** Splits a remarks text into typed data. Never throws: unknown segments are just not typed. */
export function parseOfacRemarks(remarks: string | undefined): OfacRemarks {
  const result: OfacRemarks = {
    birthDates: [],
    birthPlaces: [],
    nationalities: [],
    citizenships: [],
    identifiers: [],
    names: [],
    attributes: {},
  };
  if (remarks === undefined) return result;
  const text = remarks.trim().replace(/\.$/, '');
  for (const raw of text.split(/\s*;\s*/)) {
    const segment = raw.trim().replace(/^alt\.\s+/i, '');
    if (segment.length > 0) parseSegment(segment, result);
  }
  return result;
}

function addIdentifier(result: OfacRemarks, identifier: ListIdentifier): void {
  const duplicate = result.identifiers.some(
    (i) => i.kind === identifier.kind && i.normalized === identifier.normalized && i.currency === identifier.currency,
  );
  if (!duplicate && identifier.normalized.length > 0) result.identifiers.push(identifier);
}

/** A pattern for one kind of remarks segment, and how its match is read into the result. */
type SegmentReader = readonly [pattern: RegExp, read: (match: RegExpExecArray, result: OfacRemarks) => void];

/** Birth, nationality, names and other facts about the party. */
const FACT_SEGMENTS: readonly SegmentReader[] = [
  [
    /^DOB:?\s+(.+)$/,
    (m, result) => {
      const date = parseOfacDate(m[1] ?? '');
      if (date) {
        if (!result.birthDates.some((d) => d.value === date.value && d.to === date.to)) result.birthDates.push(date);
      } else addAttribute(result.attributes, 'dateOfBirthText', (m[1] ?? '').trim());
    },
  ],
  [/^POB:?\s+(.+)$/, (m, result) => addUnique(result.birthPlaces, (m[1] ?? '').trim().replace(/\.$/, ''))],
  [/^nationality(?:\s+possibly)?:?\s+(.+)$/, (m, result) => addUnique(result.nationalities, countryOrVerbatim((m[1] ?? '').trim().replace(/\.$/, '')))],
  [/^citizen:?\s+(.+)$/, (m, result) => addUnique(result.citizenships, countryOrVerbatim((m[1] ?? '').trim().replace(/\.$/, '')))],
  [
    /^([afn]\.k\.a\.),?\s+(.+)$/i,
    (m, result) => {
      const kind = ALIAS_KINDS[(m[1] ?? '').toLowerCase()] ?? 'aka';
      const full = quotedAlias(m[2] ?? '');
      if (full !== undefined && !result.names.some((n) => n.full === full && n.kind === kind)) {
        result.names.push({ full, kind, strength: 'weak' });
      }
    },
  ],
  [/^Gender\s+(.+)$/, (m, result) => addAttribute(result.attributes, 'gender', (m[1] ?? '').trim())],
  [/^Linked To:\s*(.+)$/i, (m, result) => addAttribute(result.attributes, 'linkedTo', (m[1] ?? '').trim())],
];

const readWebsite = (m: RegExpExecArray, result: OfacRemarks) => {
  const value = (m[1] ?? '').replace(/\.$/, '');
  addIdentifier(result, { kind: 'website', value, normalized: normalizeWebsite(value) });
};

/** Wallets, contact details and vessel or aircraft numbers. */
const IDENTIFIER_SEGMENTS: readonly SegmentReader[] = [
  [
    /^Digital Currency Address\s*-\s*([A-Za-z0-9]+)\s+(\S+)/,
    (m, result) => {
      const value = (m[2] ?? '').replace(/\.$/, '');
      addIdentifier(result, { kind: 'wallet', value, normalized: normalizeWallet(value), currency: (m[1] ?? '').toUpperCase() });
    },
  ],
  [
    /^(?:Email Address|E-?mail(?: Address)?)\s*:?\s*(\S+@\S+)/i,
    (m, result) => {
      const value = (m[1] ?? '').replace(/\.$/, '');
      addIdentifier(result, { kind: 'email', value, normalized: normalizeEmail(value) });
    },
  ],
  [/^Website\s*:?\s*(\S+)/i, readWebsite],
  [/^((?:https?:\/\/|www\.)\S+)(?:\s+\(website\))?$/i, readWebsite],
  [
    /^(Fax(?: No\.| Number)?|FAX)\s*:?\s*(.*\d.*)$/,
    (m, result) => {
      const value = (m[2] ?? '').trim().replace(/\.$/, '');
      addIdentifier(result, { kind: 'phone', value, normalized: normalizePhone(value), note: 'fax' });
    },
  ],
  [
    /^(?:Phone(?: Number| No\.)?|Telephone(?: Number| No\.)?|PHONE|Tel\.)\s*:?\s*(.*\d.*)$/i,
    (m, result) => {
      const value = (m[1] ?? '').trim().replace(/\.$/, '');
      addIdentifier(result, { kind: 'phone', value, normalized: normalizePhone(value) });
    },
  ],
  [
    /^SWIFT\/BIC\s+(\S+)/i,
    (m, result) => {
      const value = (m[1] ?? '').replace(/\.$/, '');
      addIdentifier(result, { kind: 'swift', value, normalized: normalizeIdentifier('swift', value) });
    },
  ],
  [
    /^(?:Vessel Registration Identification\s+|Identification Number\s+)?IMO\s+(\d{7})\b/,
    (m, result) => {
      const value = m[1] ?? '';
      addIdentifier(result, { kind: 'imo', value, normalized: normalizeIdentifier('imo', value) });
    },
  ],
  [
    /^MMSI\s+(\d+)/,
    (m, result) => {
      const value = m[1] ?? '';
      addIdentifier(result, { kind: 'mmsi', value, normalized: normalizeIdentifier('mmsi', value) });
    },
  ],
  [
    /^Aircraft Manufacturer's Serial Number \(MSN\)\s+(.+)$/,
    (m, result) => {
      const value = (m[1] ?? '').trim().replace(/\.$/, '');
      addIdentifier(result, { kind: 'aircraft_serial', value, normalized: normalizeDocumentNumber(value) });
    },
  ],
];

/** Tried in this order; the first pattern that matches reads the segment. */
const SEGMENT_READERS: readonly SegmentReader[] = [...FACT_SEGMENTS, ...IDENTIFIER_SEGMENTS];

/** "<document label> <number ...>"; true when the segment was one. */
function readDocumentSegment(segment: string, result: OfacRemarks): boolean {
  for (const { label, kind } of DOCUMENT_LABELS) {
    if (segment.startsWith(`${label} `)) {
      const identifier = parseDocument(kind, label, segment.slice(label.length));
      if (identifier) addIdentifier(result, identifier);
      return true;
    }
  }
  return false;
}

/** "<attribute label> <value>", dates read as dates when exact. */
function readAttributeSegment(segment: string, result: OfacRemarks): void {
  for (const [label, key] of ATTRIBUTE_LABELS) {
    if (segment.startsWith(label)) {
      const value = segment.slice(label.length).trim();
      if (value.length > 0) {
        const date = key.endsWith('Date') ? parseOfacDate(value) : undefined;
        addAttribute(result.attributes, key, date && date.to === undefined && !date.circa ? date.value : value);
      }
      return;
    }
  }
}

function parseSegment(segment: string, result: OfacRemarks): void {
  for (const [pattern, read] of SEGMENT_READERS) {
    const match = pattern.exec(segment);
    if (match) return read(match, result);
  }
  if (!readDocumentSegment(segment, result)) readAttributeSegment(segment, result);
}
