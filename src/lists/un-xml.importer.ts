import { pipeline } from 'node:stream/promises';

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

export async function parseUnXml(file: ListFile): Promise<UnParseResult> {
  const entries: ListEntry[] = [];
  const warnings: ListImportWarning[] = [];
  const byProgram: Record<string, UnProgramCount> = {};
  let individuals = 0;
  let entities = 0;
  let generatedAt: string | undefined;
  let sawRoot = false;

  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  let record: RecordState | undefined;
  /** Depth (stack length) of the current record element. */
  let recordDepth = 0;
  let group: Group | undefined;
  let text = '';

  /** The first refusal raised inside a parser event: the stream teardown that follows must not replace it. */
  let refusal: ListImportError | undefined;
  const fail = (reason: string, element = stack[stack.length - 1]): ListImportError => {
    refusal ??= new ListImportError({ file: file.name, line: parser.line, ...(element ? { element } : {}), reason });
    return refusal;
  };

  // A DTD can declare entities that expand without bound or read other files (XXE); the UN list has none.
  parser.on('doctype', () => {
    throw fail('the file has a DOCTYPE declaration: DTDs and entity declarations are refused (the UN consolidated list has none)', '!DOCTYPE');
  });

  parser.on('error', (error) => {
    // saxes prefixes "line:column: "; the line goes in its own field instead.
    throw fail(`malformed XML: ${error.message.replace(/^\d+:\d+:\s*/, '')}`);
  });

  parser.on('opentag', (tag) => {
    const name = tag.name;
    if (stack.length === 0) {
      if (name !== ROOT) throw fail(`the root element is <${name}>, expected <${ROOT}> (not a UN consolidated list)`, name);
      sawRoot = true;
      const generated = tag.attributes['dateGenerated'];
      if (typeof generated === 'string' && generated.length > 0) generatedAt = generated;
    }
    const parent = stack[stack.length - 1];
    stack.push(name);
    text = '';
    if (!record) {
      if (parent !== undefined && RECORD_PARENTS[parent] === name) {
        record = { element: RECORD_PARENTS[parent], line: parser.line, fields: new Map(), groups: new Map() };
        recordDepth = stack.length;
      }
      return;
    }
    if (stack.length === recordDepth + 2 && parent !== undefined) {
      // A child element inside a record field: the field is a group (alias, address, ...).
      if (!group) {
        group = new Map();
        const list = record.groups.get(parent);
        if (list) list.push(group);
        else record.groups.set(parent, [group]);
      }
    }
  });

  /** Characters of text inside the current record: a record over the limit is refused as it grows. */
  let recordText = 0;
  const collect = (chunk: string) => {
    text += chunk;
    if (record && (recordText += chunk.length) > MAX_RECORD_BYTES) throw fail(RECORD_TOO_LARGE, record.element);
  };
  parser.on('text', collect);
  parser.on('cdata', collect);

  parser.on('closetag', (tag) => {
    const depth = stack.length;
    stack.pop();
    if (!record) return;
    if (depth === recordDepth) {
      const entry = buildEntry(record, file.name, warnings);
      if (overlongName(entry) !== undefined) {
        refusal ??= new ListImportError({ file: file.name, line: record.line, element: record.element, reason: `${entry.sourceId} has ${NAME_TOO_LONG}` });
        throw refusal;
      }
      recordText = 0;
      if (record.element === 'INDIVIDUAL') individuals += 1;
      else entities += 1;
      for (const program of entry.programs) {
        const count = (byProgram[program] ??= { individuals: 0, entities: 0 });
        if (record.element === 'INDIVIDUAL') count.individuals += 1;
        else count.entities += 1;
      }
      entries.push(entry);
      record = undefined;
      group = undefined;
    } else if (depth === recordDepth + 1) {
      if (group) group = undefined;
      else {
        const value = clean(text);
        if (value.length > 0) record.fields.set(tag.name, value);
      }
    } else if (depth === recordDepth + 2 && group) {
      const value = clean(text);
      if (value.length > 0) {
        const values = group.get(tag.name);
        if (values) values.push(value);
        else group.set(tag.name, [value]);
      }
    }
    text = '';
  });

  const inspector = new ListFileInspector({ file: file.name, sniff: sniffXml, stripDosEof: true });
  try {
    await pipeline(file.stream, inspector, async (chunks: AsyncIterable<Buffer>) => {
      const decoder = new TextDecoder('utf-8', { fatal: true });
      for await (const chunk of chunks) parser.write(decoder.decode(chunk, { stream: true }));
      parser.write(decoder.decode());
    });
    if (inspector.digest().bytes === 0) throw new ListImportError({ file: file.name, reason: 'the file is empty' });
    if (stack.length > 0) {
      throw fail(`the file ends inside <${stack[stack.length - 1] ?? ''}> (truncated download?)`);
    }
    parser.close();
  } catch (error) {
    if (!file.stream.destroyed) file.stream.destroy();
    if (refusal) throw refusal;
    if (error instanceof ListImportError) throw error;
    throw new ListImportError({
      file: file.name,
      reason: `could not read the file: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }

  const { sha256, bytes } = inspector.digest();
  if (!sawRoot) throw new ListImportError({ file: file.name, reason: 'no XML root element found' });
  if (entries.length === 0) {
    throw new ListImportError({ file: file.name, element: ROOT, reason: 'the list has no INDIVIDUAL or ENTITY elements' });
  }

  let aliases = 0;
  let weakAliases = 0;
  let addresses = 0;
  let identifiers = 0;
  for (const entry of entries) {
    aliases += entry.names.filter((n) => n.kind !== 'primary').length;
    weakAliases += entry.names.filter((n) => n.strength === 'weak').length;
    addresses += entry.addresses.length;
    identifiers += entry.identifiers.length;
  }

  const result: UnParseResult = {
    format: 'un-xml',
    entries,
    files: [{ name: file.name, role: 'consolidated', sha256, bytes, rows: entries.length }],
    counts: {
      entries: entries.length,
      individuals,
      entities,
      aliases,
      weakAliases,
      addresses,
      identifiers,
      byProgram,
    },
    warnings,
  };
  if (generatedAt !== undefined) result.generatedAt = generatedAt;
  return result;
}

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

function buildEntry(record: RecordState, fileName: string, warnings: ListImportWarning[]): ListEntry {
  const { fields, groups } = record;
  const groupsOf = (name: string): Group[] => groups.get(name) ?? [];

  const sourceId = fields.get('REFERENCE_NUMBER');
  if (sourceId === undefined) {
    throw new ListImportError({
      file: fileName,
      line: record.line,
      element: record.element,
      reason: `<${record.element}> without REFERENCE_NUMBER (DATAID ${fields.get('DATAID') ?? 'unknown'})`,
    });
  }

  const nameParts =
    record.element === 'INDIVIDUAL'
      ? ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((k) => fields.get(k))
      : [fields.get('FIRST_NAME')];
  const name = nameParts.filter((p): p is string => p !== undefined).join(' ');
  if (name.length === 0) {
    throw new ListImportError({ file: fileName, line: record.line, element: record.element, reason: `${sourceId} has no name` });
  }

  const names: ListName[] = [{ full: name, kind: 'primary', strength: 'strong' }];
  const addName = (candidate: ListName): void => {
    if (!names.some((n) => n.full === candidate.full && n.script === candidate.script)) names.push(candidate);
  };
  const original = fields.get('NAME_ORIGINAL_SCRIPT');
  if (original !== undefined) addName({ full: original, kind: 'primary', strength: 'strong', script: 'original' });

  const birthDates: ListDate[] = [];
  const addBirthDate = (date: ListDate): void => {
    if (!birthDates.some((d) => d.value === date.value && d.to === date.to)) birthDates.push(date);
  };
  const birthPlaces: string[] = [];
  const attributes: Record<string, string> = {};

  for (const alias of groupsOf(`${record.element}_ALIAS`)) {
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
    addName({ full, kind, strength });
    // Birth data given for one alias identity still describes the same person.
    const aliasDob = ISO_DATE.exec(first(alias, 'DATE_OF_BIRTH') ?? '')?.[1];
    if (aliasDob) addBirthDate({ value: aliasDob });
    const aliasPlace = [first(alias, 'CITY_OF_BIRTH'), first(alias, 'COUNTRY_OF_BIRTH')].filter(Boolean).join(', ');
    if (aliasPlace) addUnique(birthPlaces, aliasPlace);
    if (note) addAttribute(attributes, 'aliasNotes', `${full}: ${note}`);
  }

  for (const dob of groupsOf('INDIVIDUAL_DATE_OF_BIRTH')) {
    const { date, note } = birthDate(dob);
    if (date) addBirthDate(date);
    if (note) addAttribute(attributes, 'dateOfBirthNote', note);
  }

  for (const pob of groupsOf('INDIVIDUAL_PLACE_OF_BIRTH')) {
    const place = ['STREET', 'CITY', 'STATE_PROVINCE', 'COUNTRY']
      .map((k) => first(pob, k))
      .filter((p): p is string => p !== undefined)
      .join(', ');
    if (place) addUnique(birthPlaces, place);
    const note = first(pob, 'NOTE');
    if (note) addAttribute(attributes, 'placeOfBirthNote', note);
  }

  const nationalities: string[] = [];
  for (const nationality of groupsOf('NATIONALITY')) {
    for (const value of nationality.get('VALUE') ?? []) {
      if (/^(na|n\/a|unknown)$/i.test(value)) continue;
      addUnique(nationalities, countryCodeFromName(value) ?? value);
    }
  }

  const addresses: ListAddress[] = [];
  for (const group of groupsOf(`${record.element}_ADDRESS`)) {
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

  const identifiers: ListIdentifier[] = [];
  for (const doc of groupsOf('INDIVIDUAL_DOCUMENT')) {
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
      continue;
    }
    const kind = documentKind(`${type} ${type2 ?? ''}`);
    const identifier: ListIdentifier = { kind, value: number, normalized: normalizeDocumentNumber(number) };
    const country = countryText ? countryCodeFromName(countryText) : undefined;
    if (country) identifier.country = country;
    if (kind === 'other_document' && type) notes.unshift(type);
    if (notes.length > 0) identifier.note = notes.join('; ');
    if (!identifiers.some((i) => i.kind === identifier.kind && i.normalized === identifier.normalized)) {
      identifiers.push(identifier);
    }
  }

  for (const [group, key] of [
    ['DESIGNATION', 'designation'],
    ['TITLE', 'title'],
    ['LAST_DAY_UPDATED', 'lastUpdated'],
  ] as const) {
    for (const g of groupsOf(group)) for (const value of g.get('VALUE') ?? []) addAttribute(attributes, key, value);
  }
  for (const [field, key] of [
    ['GENDER', 'gender'],
    ['DATAID', 'dataId'],
    ['VERSIONNUM', 'versionNum'],
  ] as const) {
    const value = fields.get(field);
    if (value !== undefined) attributes[key] = value;
  }

  const program = fields.get('UN_LIST_TYPE');
  if (program === undefined) {
    warnings.push({ file: fileName, line: record.line, element: record.element, message: `${sourceId} has no UN_LIST_TYPE` });
  }

  const entry: ListEntry = {
    sourceId,
    type: record.element === 'INDIVIDUAL' ? 'individual' : 'entity',
    name,
    names,
    programs: program === undefined ? [] : [program],
    birthDates,
    birthPlaces,
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
