import { pipeline } from 'node:stream';

import { SaxesParser } from 'saxes';

import { countryCodeFromName } from '../domain/geo/countries.js';
import type {
  IdentifierKind,
  ListAddress,
  ListDate,
  ListEntry,
  ListIdentifier,
  ListName,
} from '../domain/lists/list-entry.js';
import { entryStream, readToEnd, type EntryStream } from './entry-stream.js';
import { ListFileInspector } from './list-file.reader.js';
import { ListImportError } from './list-import.errors.js';
import { MAX_RECORD_BYTES, NAME_TOO_LONG, overlongName, RECORD_TOO_LARGE } from './list-limits.js';
import type { ImportedFile, ListFile, ListImportWarning } from './list-import.types.js';
import { normalizeDocumentNumber } from './ofac-remarks.parser.js';

/**
 * UN Security Council consolidated list XML (schema sc-sanctions.xsd):
 * CONSOLIDATED_LIST / INDIVIDUALS / INDIVIDUAL and CONSOLIDATED_LIST / ENTITIES / ENTITY.
 * Streamed with saxes; only the record being read is held besides the finished entries.
 */

export type UnFileRole = 'consolidated';

export interface UnProgramCount {
  individuals: number;
  entities: number;
}

export interface UnParseResult {
  format: 'un-xml';
  /** The root's dateGenerated attribute, when present. */
  generatedAt?: string;
  entries: ListEntry[];
  files: ImportedFile<UnFileRole>[];
  counts: {
    entries: number;
    individuals: number;
    entities: number;
    aliases: number;
    weakAliases: number;
    addresses: number;
    identifiers: number;
    /** Per UN_LIST_TYPE (regime), e.g. DPRK for the 1718 Committee list. */
    byProgram: Record<string, UnProgramCount>;
  };
  warnings: ListImportWarning[];
}

const ROOT = 'CONSOLIDATED_LIST';
const RECORD_PARENTS: Readonly<Record<string, 'INDIVIDUAL' | 'ENTITY'>> = {
  INDIVIDUALS: 'INDIVIDUAL',
  ENTITIES: 'ENTITY',
};

/** A direct child of INDIVIDUAL/ENTITY that has children of its own (alias, address, ...). */
type Group = Map<string, string[]>;

interface RecordState {
  element: 'INDIVIDUAL' | 'ENTITY';
  line: number;
  fields: Map<string, string>;
  groups: Map<string, Group[]>;
}

function sniffXml(head: string): string | undefined {
  if (head.length === 0) return undefined;
  if (/^<!doctype html|^<html/i.test(head)) {
    return 'this is an HTML page, not the UN consolidated list XML (an error page saved instead of the download?)';
  }
  if (!head.startsWith('<')) {
    return /^\d+,/.test(head)
      ? 'this looks like a CSV file (OFAC?), not the UN consolidated list XML'
      : 'this is not an XML file';
  }
  return undefined;
}

/** Whitespace inside UN values is layout (hard-wrapped lines), not content. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Saxes events to finished records: keeps the element stack, the record being read and the group
 * (alias, address, ...) inside it, and hands each record over when its element closes.
 */
class UnRecordReader {
  readonly parser = new SaxesParser({ position: true });
  readonly stack: string[] = [];
  sawRoot = false;
  generatedAt: string | undefined;
  /** The first refusal raised inside a parser event: the stream teardown that follows must not replace it. */
  refusal: ListImportError | undefined;
  private record: RecordState | undefined;
  /** Depth (stack length) of the current record element. */
  private recordDepth = 0;
  private group: Group | undefined;
  private text = '';
  /** Characters of text inside the current record: a record over the limit is refused as it grows. */
  private recordText = 0;

  constructor(
    private readonly fileName: string,
    private readonly onRecord: (record: RecordState) => void,
  ) {
    // A DTD can declare entities that expand without bound or read other files (XXE); the UN list has none.
    this.parser.on('doctype', () => {
      throw this.fail('the file has a DOCTYPE declaration: DTDs and entity declarations are refused (the UN consolidated list has none)', '!DOCTYPE');
    });
    this.parser.on('error', (error) => {
      // saxes prefixes "line:column: "; the line goes in its own field instead.
      throw this.fail(`malformed XML: ${error.message.replace(/^\d+:\d+:\s*/, '')}`);
    });
    this.parser.on('opentag', (tag) => this.openTag(tag.name, tag.attributes['dateGenerated']));
    this.parser.on('text', (chunk) => this.collect(chunk));
    this.parser.on('cdata', (chunk) => this.collect(chunk));
    this.parser.on('closetag', (tag) => this.closeTag(tag.name));
  }

  fail(reason: string, element = this.stack[this.stack.length - 1]): ListImportError {
    return this.refuse(new ListImportError({ file: this.fileName, line: this.parser.line, ...(element ? { element } : {}), reason }));
  }

  refuse(error: ListImportError): ListImportError {
    this.refusal ??= error;
    return this.refusal;
  }

  private openTag(name: string, generated: unknown): void {
    if (this.stack.length === 0) {
      if (name !== ROOT) throw this.fail(`the root element is <${name}>, expected <${ROOT}> (not a UN consolidated list)`, name);
      this.sawRoot = true;
      if (typeof generated === 'string' && generated.length > 0) this.generatedAt = generated;
    }
    const parent = this.stack[this.stack.length - 1];
    this.stack.push(name);
    this.text = '';
    if (!this.record) {
      if (parent !== undefined && RECORD_PARENTS[parent] === name) {
        this.record = { element: RECORD_PARENTS[parent], line: this.parser.line, fields: new Map(), groups: new Map() };
        this.recordDepth = this.stack.length;
      }
      return;
    }
    if (this.stack.length === this.recordDepth + 2 && parent !== undefined && !this.group) {
      // A child element inside a record field: the field is a group (alias, address, ...).
      this.group = new Map();
      const list = this.record.groups.get(parent);
      if (list) list.push(this.group);
      else this.record.groups.set(parent, [this.group]);
    }
  }

  private collect(chunk: string): void {
    this.text += chunk;
    if (this.record && (this.recordText += chunk.length) > MAX_RECORD_BYTES) throw this.fail(RECORD_TOO_LARGE, this.record.element);
  }

  private closeTag(name: string): void {
    const depth = this.stack.length;
    this.stack.pop();
    const record = this.record;
    if (!record) return;
    if (depth === this.recordDepth) {
      this.onRecord(record);
      this.recordText = 0;
      this.record = undefined;
      this.group = undefined;
    } else if (depth === this.recordDepth + 1) {
      if (this.group) this.group = undefined;
      else {
        const value = clean(this.text);
        if (value.length > 0) record.fields.set(name, value);
      }
    } else if (depth === this.recordDepth + 2 && this.group) {
      const value = clean(this.text);
      if (value.length > 0) {
        const values = this.group.get(name);
        if (values) values.push(value);
        else this.group.set(name, [value]);
      }
    }
    this.text = '';
  }
}

/**
 * Streams the file through the reader, handing over after each chunk the entries it finished;
 * a refusal raised inside a parser event wins over the teardown error that follows it.
 */
async function* readThrough(file: ListFile, reader: UnRecordReader, finished: ListEntry[], done: (digest: { sha256: string; bytes: number }) => void): AsyncGenerator<ListEntry> {
  const inspector = new ListFileInspector({ file: file.name, sniff: sniffXml, stripDosEof: true });
  try {
    const chunks = pipeline(file.stream, inspector, () => undefined) as AsyncIterable<Buffer>;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of chunks) {
      reader.parser.write(decoder.decode(chunk, { stream: true }));
      yield* finished.splice(0);
    }
    reader.parser.write(decoder.decode());
    if (inspector.digest().bytes === 0) throw new ListImportError({ file: file.name, reason: 'the file is empty' });
    if (reader.stack.length > 0) {
      throw reader.fail(`the file ends inside <${reader.stack[reader.stack.length - 1] ?? ''}> (truncated download?)`);
    }
    reader.parser.close();
    yield* finished.splice(0);
  } catch (error) {
    if (!file.stream.destroyed) file.stream.destroy();
    if (reader.refusal) throw reader.refusal;
    if (error instanceof ListImportError) throw error;
    throw new ListImportError({
      file: file.name,
      reason: `could not read the file: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
  done(inspector.digest());
}

function countByProgram(byProgram: Record<string, UnProgramCount>, element: RecordState['element'], programs: readonly string[]): void {
  for (const program of programs) {
    const count = (byProgram[program] ??= { individuals: 0, entities: 0 });
    if (element === 'INDIVIDUAL') count.individuals += 1;
    else count.entities += 1;
  }
}

function addDetails(counts: UnParseResult['counts'], entry: ListEntry): void {
  counts.entries += 1;
  counts.aliases += entry.names.filter((n) => n.kind !== 'primary').length;
  counts.weakAliases += entry.names.filter((n) => n.strength === 'weak').length;
  counts.addresses += entry.addresses.length;
  counts.identifiers += entry.identifiers.length;
}

/** What a UN import says about its file once every entry has been read. */
export type UnSummary = Omit<UnParseResult, 'entries'>;

/** Entries read once, in document order; the summary is complete when they are exhausted. */
export type UnXmlStream = EntryStream<UnSummary> & { entries: AsyncIterable<ListEntry> };

/** Streams the file, yielding each INDIVIDUAL or ENTITY as its element closes: memory is one record, not the list. */
export function streamUnXml(file: ListFile): UnXmlStream {
  const warnings: ListImportWarning[] = [];
  const counts: UnParseResult['counts'] = { entries: 0, individuals: 0, entities: 0, aliases: 0, weakAliases: 0, addresses: 0, identifiers: 0, byProgram: {} };
  const finished: ListEntry[] = [];
  const reader: UnRecordReader = new UnRecordReader(file.name, (record) => {
    const entry = buildEntry(record, file.name, warnings);
    if (overlongName(entry) !== undefined) {
      throw reader.refuse(new ListImportError({ file: file.name, line: record.line, element: record.element, reason: `${entry.sourceId} has ${NAME_TOO_LONG}` }));
    }
    if (record.element === 'INDIVIDUAL') counts.individuals += 1;
    else counts.entities += 1;
    countByProgram(counts.byProgram, record.element, entry.programs);
    addDetails(counts, entry);
    finished.push(entry);
  });
  return entryStream('the UN file', async function* entries(finish) {
    let digest = { sha256: '', bytes: 0 };
    yield* readThrough(file, reader, finished, (read) => (digest = read));
    if (!reader.sawRoot) throw new ListImportError({ file: file.name, reason: 'no XML root element found' });
    if (counts.entries === 0) {
      throw new ListImportError({ file: file.name, element: ROOT, reason: 'the list has no INDIVIDUAL or ENTITY elements' });
    }
    finish({
      format: 'un-xml',
      files: [{ name: file.name, role: 'consolidated', ...digest, rows: counts.entries }],
      counts,
      warnings,
      ...(reader.generatedAt !== undefined ? { generatedAt: reader.generatedAt } : {}),
    });
  });
}

/** Every entry at once (tests, evaluation sets): streamUnXml read to the end. */
export const parseUnXml = async (file: ListFile): Promise<UnParseResult> => readToEnd(streamUnXml(file));

function first(group: Group, key: string): string | undefined {
  return group.get(key)?.[0];
}

function addUnique(list: string[], value: string): void {
  if (value.length > 0 && !list.includes(value)) list.push(value);
}

function addAttribute(attributes: Record<string, string>, key: string, value: string): void {
  const existing = attributes[key];
  if (existing === undefined) attributes[key] = value;
  else if (!existing.split('; ').includes(value)) attributes[key] = `${existing}; ${value}`;
}

/** The UN sometimes wraps alias names in quotes ("KOMID"); the quotes are not the name. */
function unquote(name: string): string {
  return name.replace(/^["“”'‘’]+|["“”'‘’]+$/g, '').trim();
}

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})/;
const YEAR = /^\d{4}$/;

function birthDate(group: Group): { date?: ListDate; note?: string } {
  const type = (first(group, 'TYPE_OF_DATE') ?? '').toUpperCase();
  const note = first(group, 'NOTE');
  const approximate = type === 'APPROXIMATELY' || /^approximately$/i.test(note ?? '');
  const exact = ISO_DATE.exec(first(group, 'DATE') ?? '')?.[1];
  const year = first(group, 'YEAR');
  const from = first(group, 'FROM_YEAR');
  const to = first(group, 'TO_YEAR');
  let date: ListDate | undefined;
  if (exact) date = { value: exact };
  else if (year && YEAR.test(year)) date = { value: year };
  else if (from && YEAR.test(from)) {
    date = { value: from };
    if (to && YEAR.test(to) && to !== from) date.to = to;
  }
  if (date && approximate) date.circa = true;
  const keepNote = note !== undefined && !/^approximately$/i.test(note) ? note : undefined;
  return { ...(date ? { date } : {}), ...(keepNote ? { note: keepNote } : {}) };
}

function documentKind(type: string): IdentifierKind {
  if (/passport|passeport|pasaporte/i.test(type)) return 'passport';
  if (/national ident|identity card|national id/i.test(type)) return 'national_id';
  return 'other_document';
}

/** What a record's groups add to, in document order: its names, birth data and notes. */
interface EntryParts {
  names: ListName[];
  birthDates: ListDate[];
  birthPlaces: string[];
  attributes: Record<string, string>;
}

function addName(parts: EntryParts, candidate: ListName): void {
  if (!parts.names.some((n) => n.full === candidate.full && n.script === candidate.script)) parts.names.push(candidate);
}

function addBirthDate(parts: EntryParts, date: ListDate): void {
  if (!parts.birthDates.some((d) => d.value === date.value && d.to === date.to)) parts.birthDates.push(date);
}

function referenceNumber(record: RecordState, fileName: string): string {
  const sourceId = record.fields.get('REFERENCE_NUMBER');
  if (sourceId === undefined) {
    throw new ListImportError({
      file: fileName,
      line: record.line,
      element: record.element,
      reason: `<${record.element}> without REFERENCE_NUMBER (DATAID ${record.fields.get('DATAID') ?? 'unknown'})`,
    });
  }
  return sourceId;
}

function primaryName(record: RecordState, sourceId: string, fileName: string): string {
  const { fields } = record;
  const nameParts =
    record.element === 'INDIVIDUAL'
      ? ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((k) => fields.get(k))
      : [fields.get('FIRST_NAME')];
  const name = nameParts.filter((p): p is string => p !== undefined).join(' ');
  if (name.length === 0) {
    throw new ListImportError({ file: fileName, line: record.line, element: record.element, reason: `${sourceId} has no name` });
  }
  return name;
}

function readAliases(aliases: readonly Group[], parts: EntryParts): void {
  for (const alias of aliases) {
    const aliasName = first(alias, 'ALIAS_NAME');
    if (aliasName === undefined) continue;
    const full = unquote(aliasName);
    if (full.length === 0) continue;
    const quality = (first(alias, 'QUALITY') ?? '').toLowerCase();
    // "Low" quality aliases are the UN's own warning that the name is too broad to match on.
    const strength = quality === 'low' ? 'weak' : 'strong';
    const note = first(alias, 'NOTE');
    const kind =
      quality === 'f.k.a.' || /^formerly\b/i.test(note ?? '') ? 'fka' : quality === 'n.k.a.' ? 'nka' : 'aka';
    addName(parts, { full, kind, strength });
    // Birth data given for one alias identity still describes the same person.
    const aliasDob = ISO_DATE.exec(first(alias, 'DATE_OF_BIRTH') ?? '')?.[1];
    if (aliasDob) addBirthDate(parts, { value: aliasDob });
    const aliasPlace = [first(alias, 'CITY_OF_BIRTH'), first(alias, 'COUNTRY_OF_BIRTH')].filter(Boolean).join(', ');
    if (aliasPlace) addUnique(parts.birthPlaces, aliasPlace);
    if (note) addAttribute(parts.attributes, 'aliasNotes', `${full}: ${note}`);
  }
}

function readBirthData(datesOfBirth: readonly Group[], placesOfBirth: readonly Group[], parts: EntryParts): void {
  for (const dob of datesOfBirth) {
    const { date, note } = birthDate(dob);
    if (date) addBirthDate(parts, date);
    if (note) addAttribute(parts.attributes, 'dateOfBirthNote', note);
  }
  for (const pob of placesOfBirth) {
    const place = ['STREET', 'CITY', 'STATE_PROVINCE', 'COUNTRY']
      .map((k) => first(pob, k))
      .filter((p): p is string => p !== undefined)
      .join(', ');
    if (place) addUnique(parts.birthPlaces, place);
    const note = first(pob, 'NOTE');
    if (note) addAttribute(parts.attributes, 'placeOfBirthNote', note);
  }
}

function readNationalities(groups: readonly Group[]): string[] {
  const nationalities: string[] = [];
  for (const nationality of groups) {
    for (const value of nationality.get('VALUE') ?? []) {
      if (/^(na|n\/a|unknown)$/i.test(value)) continue;
      addUnique(nationalities, countryCodeFromName(value) ?? value);
    }
  }
  return nationalities;
}

function readAddresses(groups: readonly Group[], attributes: Record<string, string>): ListAddress[] {
  const addresses: ListAddress[] = [];
  for (const group of groups) {
    const address: ListAddress = {};
    const street = first(group, 'STREET');
    const city = first(group, 'CITY');
    const region = first(group, 'STATE_PROVINCE');
    const postalCode = first(group, 'ZIP_CODE');
    const countryName = first(group, 'COUNTRY');
    if (street) address.line = street;
    if (city) address.city = city;
    if (region) address.region = region;
    if (postalCode) address.postalCode = postalCode;
    if (countryName) {
      address.countryName = countryName;
      const code = countryCodeFromName(countryName);
      if (code) address.country = code;
    }
    if (Object.keys(address).length > 0) addresses.push(address);
    const note = first(group, 'NOTE');
    if (note) addAttribute(attributes, 'addressNotes', note);
  }
  return addresses;
}

/** A document with a number becomes an identifier; one described only in prose stays a note. */
function readDocument(doc: Group, attributes: Record<string, string>): ListIdentifier | undefined {
  const type = first(doc, 'TYPE_OF_DOCUMENT') ?? '';
  const type2 = first(doc, 'TYPE_OF_DOCUMENT2');
  const number = first(doc, 'NUMBER');
  const countryText = first(doc, 'ISSUING_COUNTRY') ?? first(doc, 'COUNTRY_OF_ISSUE');
  const notes = [
    type2,
    first(doc, 'DATE_OF_ISSUE') ? `issued ${first(doc, 'DATE_OF_ISSUE')}` : undefined,
    first(doc, 'CITY_OF_ISSUE') ? `issued in ${first(doc, 'CITY_OF_ISSUE')}` : undefined,
    countryText && !countryCodeFromName(countryText) ? countryText : undefined,
    first(doc, 'NOTE'),
  ].filter((n): n is string => n !== undefined && n.length > 0);
  if (number === undefined) {
    // Some documents are only described in prose ("Tunisian passport number L 191609 ..."):
    // kept for reviewers rather than guessed into a number.
    if (type || notes.length > 0) addAttribute(attributes, 'documentText', [type, ...notes].filter(Boolean).join(': '));
    return undefined;
  }
  const kind = documentKind(`${type} ${type2 ?? ''}`);
  const identifier: ListIdentifier = { kind, value: number, normalized: normalizeDocumentNumber(number) };
  const country = countryText ? countryCodeFromName(countryText) : undefined;
  if (country) identifier.country = country;
  if (kind === 'other_document' && type) notes.unshift(type);
  if (notes.length > 0) identifier.note = notes.join('; ');
  return identifier;
}

function readDocuments(groups: readonly Group[], attributes: Record<string, string>): ListIdentifier[] {
  const identifiers: ListIdentifier[] = [];
  for (const doc of groups) {
    const identifier = readDocument(doc, attributes);
    if (identifier && !identifiers.some((i) => i.kind === identifier.kind && i.normalized === identifier.normalized)) {
      identifiers.push(identifier);
    }
  }
  return identifiers;
}

/** Designations, titles and record metadata, kept as attributes for reviewers. */
function readRecordAttributes(record: RecordState, attributes: Record<string, string>): void {
  for (const [group, key] of [
    ['DESIGNATION', 'designation'],
    ['TITLE', 'title'],
    ['LAST_DAY_UPDATED', 'lastUpdated'],
  ] as const) {
    for (const g of record.groups.get(group) ?? []) for (const value of g.get('VALUE') ?? []) addAttribute(attributes, key, value);
  }
  for (const [field, key] of [
    ['GENDER', 'gender'],
    ['DATAID', 'dataId'],
    ['VERSIONNUM', 'versionNum'],
  ] as const) {
    const value = record.fields.get(field);
    if (value !== undefined) attributes[key] = value;
  }
}

function buildEntry(record: RecordState, fileName: string, warnings: ListImportWarning[]): ListEntry {
  const { fields } = record;
  const groupsOf = (name: string): Group[] => record.groups.get(name) ?? [];
  const sourceId = referenceNumber(record, fileName);
  const name = primaryName(record, sourceId, fileName);

  const parts: EntryParts = { names: [{ full: name, kind: 'primary', strength: 'strong' }], birthDates: [], birthPlaces: [], attributes: {} };
  const original = fields.get('NAME_ORIGINAL_SCRIPT');
  if (original !== undefined) addName(parts, { full: original, kind: 'primary', strength: 'strong', script: 'original' });
  readAliases(groupsOf(`${record.element}_ALIAS`), parts);
  readBirthData(groupsOf('INDIVIDUAL_DATE_OF_BIRTH'), groupsOf('INDIVIDUAL_PLACE_OF_BIRTH'), parts);
  const { attributes } = parts;
  const nationalities = readNationalities(groupsOf('NATIONALITY'));
  const addresses = readAddresses(groupsOf(`${record.element}_ADDRESS`), attributes);
  const identifiers = readDocuments(groupsOf('INDIVIDUAL_DOCUMENT'), attributes);
  readRecordAttributes(record, attributes);

  const program = fields.get('UN_LIST_TYPE');
  if (program === undefined) {
    warnings.push({ file: fileName, line: record.line, element: record.element, message: `${sourceId} has no UN_LIST_TYPE` });
  }

  const entry: ListEntry = {
    sourceId,
    type: record.element === 'INDIVIDUAL' ? 'individual' : 'entity',
    name,
    names: parts.names,
    programs: program === undefined ? [] : [program],
    birthDates: parts.birthDates,
    birthPlaces: parts.birthPlaces,
    nationalities,
    citizenships: [],
    addresses,
    identifiers,
    attributes,
  };
  const listed = fields.get('LISTED_ON');
  if (listed !== undefined) {
    // A few dates carry a zone suffix ("2015-04-07-04:00"); the calendar date is what matters.
    const iso = ISO_DATE.exec(listed)?.[1];
    if (iso) entry.listedOn = iso;
    else attributes['listedOnText'] = listed;
  }
  const comments = fields.get('COMMENTS1');
  if (comments !== undefined) entry.remarks = comments;
  return entry;
}
