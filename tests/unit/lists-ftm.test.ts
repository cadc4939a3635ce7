import { createReadStream, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { beforeAll, describe, expect, test } from 'vitest';

import type { ListEntry } from '../../src/domain/lists/list-entry.js';
import { parseFtm, type FtmParseResult } from '../../src/lists/ftm.importer.js';
import { ListImportError } from '../../src/lists/list-import.errors.js';
import { parseListFiles, readParsedList } from '../../src/lists/parse-list.js';
import { listsData } from '../helpers/shared-data.js';

const ZALA = listsData('opensanctions-ftm', 'zala', 'entities.ftm.json');
const T1 = listsData('opensanctions-ftm', 't1', 'entities.ftm.json');

const fromText = (name: string, text: string | Buffer) => ({ name, stream: Readable.from([Buffer.from(text)]) });
const lines = (...entities: unknown[]) => `${entities.map((entity) => JSON.stringify(entity)).join('\n')}\n`;
const entity = (id: string, schema: string, properties: Record<string, string[]>, extra: Record<string, unknown> = {}) => ({
  id,
  caption: properties['name']?.[0] ?? id,
  schema,
  properties,
  datasets: ['jp_mof_sanctions'],
  referents: [],
  target: false,
  ...extra,
});

async function refusal(promise: Promise<unknown>): Promise<ListImportError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the import to be refused').toBeInstanceOf(ListImportError);
  return error as ListImportError;
}

describe('OpenSanctions FtM sample (yente fixtures, zala)', () => {
  let result: FtmParseResult;
  const entry = (sourceId: string): ListEntry => {
    const found = result.entries.find((e) => e.sourceId === sourceId);
    if (!found) throw new Error(`entry ${sourceId} not found`);
    return found;
  };

  beforeAll(async () => {
    result = await parseFtm({ name: 'entities.ftm.json', stream: createReadStream(ZALA) });
  });

  test('every target person and company becomes an entry; the rest is counted', () => {
    expect(result.files).toEqual([
      { name: 'entities.ftm.json', role: 'entities', sha256: createHash('sha256').update(readFileSync(ZALA)).digest('hex'), bytes: 146_373, rows: 91 },
    ]);
    expect(result.entries).toHaveLength(14);
    expect(result.counts).toEqual({ lines: 91, notTargets: 3, skippedSchemas: 21, unknownSchemas: 0 });
    expect(result.warnings).toEqual([]);
    expect(new Set(result.entries.map((e) => e.type))).toEqual(new Set(['individual', 'entity']));
  });

  test('a person: every name property, birth date, nationality, documents, datasets and referents', () => {
    const osetrova = entry('NK-2Tbri3s6GgNtAwsSXh4qpL');
    expect(osetrova).toMatchObject({
      type: 'individual',
      name: 'Maria Aleksandrovna Osetrova',
      birthDates: [{ value: '1988-01-07' }],
      birthPlaces: ['Russia', 'Izhevsk'],
      nationalities: ['RU'],
      citizenships: ['RU'],
      programs: ['UA-SA1644', 'US-RUSHAR', 'GB-RUS'],
    });
    expect(osetrova.names).toContainEqual({ full: 'Maria Aleksandrovna Zakharova', kind: 'fka', strength: 'strong' });
    expect(osetrova.names).toContainEqual({ full: 'Zakharova Mariia Oleksandrivna', kind: 'aka', strength: 'strong' });
    expect(osetrova.names).toContainEqual({ full: 'Мария Александровна Осетрова', kind: 'aka', strength: 'strong', script: 'original' });
    expect(osetrova.identifiers).toContainEqual({ kind: 'tax_id', value: '183116181362', normalized: '183116181362' });
    expect(osetrova.addresses).toContainEqual({ line: '272 Pushkinskaya St., Apt. 41, Izhevsk, 426008' });
    expect(osetrova.attributes['datasets']?.split('; ')).toContain('us_ofac_sdn');
    expect(osetrova.attributes['referents']?.split('; ')).toContain('ofac-46001');
    // OpenSanctions keys OFAC parties ofac-<ent_num>: the same party as OFAC SDN entry 46001.
    expect(osetrova.attributes['ofacEntNum']).toBe('46001');
    expect(osetrova.attributes['lastName']).toContain('Osetrova');
  });

  test('sanctions linked by entity id add their programmes and listing date', () => {
    const linked = result.entries.find((e) => e.sourceId === 'NK-abdzbEBkqyT29GyREbiURZ');
    expect(linked?.programs).toEqual(expect.arrayContaining(['AU-RUSSIA', 'EU-UKR']));
    expect(linked?.listedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(linked?.attributes['authorities']).toContain('Department of Foreign Affairs and Trade');
  });

  test('addresses linked by id become structured addresses', () => {
    const withLinked = result.entries.filter((e) => e.addresses.some((a) => a.postalCode === '426011'));
    expect(withLinked.length).toBeGreaterThan(0);
    expect(withLinked[0]?.addresses).toContainEqual(expect.objectContaining({ city: 'UR, Izhevsk', region: 'Udmurt Republic', country: 'RU', countryName: expect.any(String) }));
  });

  test('--dataset keeps only the entities of the datasets named, and counts the others', async () => {
    const ofac = await parseFtm({ name: 'entities.ftm.json', stream: createReadStream(ZALA) }, { datasets: ['us_ofac_sdn'] });
    expect(ofac.entries.length).toBeGreaterThan(0);
    expect(ofac.entries.length).toBeLessThan(result.entries.length);
    expect(ofac.entries.every((e) => e.attributes['datasets']?.split('; ').includes('us_ofac_sdn'))).toBe(true);
    expect(ofac.counts['otherDatasets']).toBeGreaterThan(0);
  });

  test('the EU sample (t1) reads too', async () => {
    const t1 = await parseFtm({ name: 'entities.ftm.json', stream: createReadStream(T1) });
    expect(t1.entries.map((e) => e.attributes['datasets'])).toEqual(t1.entries.map(() => 'eu_fsf'));
    expect(t1.entries.find((e) => e.sourceId === 'NK-2GdmHtZTeNXjNVrBGEXZNj')).toMatchObject({ type: 'entity', nationalities: ['BY'], attributes: expect.objectContaining({ ofacEntNum: '32733' }) });
  });
});

describe('mapping FtM entities', () => {
  const wallet = entity('wallet-1', 'CryptoWallet', { publicKey: ['bc1qexampleexampleexampleexample0'], currency: ['xbt'], holder: ['jp-person'] });
  const address = entity('addr-1', 'Address', { full: ['Pyongyang, North Korea'], city: ['Pyongyang'], country: ['kp'] });
  const person = entity(
    'jp-person',
    'Person',
    {
      name: ['PAK Jin Hyok'],
      alias: ['Pak Jin Hek'],
      weakAlias: ['Jin'],
      previousName: ['Park Jin Hyok'],
      birthDate: ['1984', '1984-08'],
      country: ['kp'],
      passportNumber: ['290333974'],
      email: ['Pak.JinHyok@example.com'],
      addressEntity: ['addr-1'],
      topics: ['sanction'],
    },
    { target: true },
  );
  const passport = entity('doc-1', 'Identification', { holder: ['jp-person'], number: ['563120356'], type: ['National ID'], country: ['kp'] });
  const sanction = entity('sanction-1', 'Sanction', { entity: ['jp-person'], programId: ['JP-DPRK'], program: ['North Korea'], listingDate: ['2023-05-01'] });

  test('wallets, addresses and documents linked to a target, before or after it, join its entry', async () => {
    const result = await parseFtm(fromText('jp.ftm.json', lines(address, person, wallet, passport, sanction)));
    expect(result.entries).toHaveLength(1);
    const [pak] = result.entries;
    expect(pak).toMatchObject({
      sourceId: 'jp-person',
      type: 'individual',
      name: 'PAK Jin Hyok',
      birthDates: [{ value: '1984' }, { value: '1984-08' }],
      // Japan's MoF list gives no nationality, only country: it stands in.
      nationalities: ['KP'],
      addresses: [{ line: 'Pyongyang, North Korea', city: 'Pyongyang', country: 'KP', countryName: expect.any(String) }],
      programs: ['JP-DPRK'],
      listedOn: '2023-05-01',
    });
    expect(pak?.names).toEqual([
      { full: 'PAK Jin Hyok', kind: 'primary', strength: 'strong' },
      { full: 'Pak Jin Hek', kind: 'aka', strength: 'strong' },
      { full: 'Park Jin Hyok', kind: 'fka', strength: 'strong' },
      { full: 'Jin', kind: 'aka', strength: 'weak' },
    ]);
    expect(pak?.identifiers).toEqual(
      expect.arrayContaining([
        { kind: 'passport', value: '290333974', normalized: '290333974' },
        { kind: 'email', value: 'Pak.JinHyok@example.com', normalized: 'pak.jinhyok@example.com' },
        { kind: 'wallet', value: 'bc1qexampleexampleexampleexample0', normalized: 'bc1qexampleexampleexampleexample0', currency: 'XBT' },
        { kind: 'national_id', value: '563120356', normalized: '563120356', country: 'KP', note: 'National ID' },
      ]),
    );
    expect(result.counts).toEqual({ lines: 5, notTargets: 0, skippedSchemas: 0, unknownSchemas: 0 });
  });

  test.each([
    ['Vessel', 'vessel', { imoNumber: ['IMO 8915433'] }, { kind: 'imo', value: 'IMO 8915433', normalized: '8915433' }],
    ['Airplane', 'aircraft', { serialNumber: ['25-A3'] }, { kind: 'aircraft_serial', value: '25-A3', normalized: '25A3' }],
    ['Company', 'entity', { registrationNumber: ['105-86-12345'] }, { kind: 'registration', value: '105-86-12345', normalized: '1058612345' }],
    ['LegalEntity', 'unknown', { website: ['https://www.Example.com/'] }, { kind: 'website', value: 'https://www.Example.com/', normalized: 'example.com' }],
  ])('a %s target is an entry of type %s with its identifier', async (schema, type, properties, expected) => {
    const result = await parseFtm(fromText('x.json', lines(entity('t-1', schema, { name: ['NAME'], ...properties }, { target: true }))));
    expect(result.entries[0]).toMatchObject({ type, identifiers: [expected] });
  });

  test('a person with name parts only gets a name made of them', async () => {
    const result = await parseFtm(fromText('x.json', lines(entity('p', 'Person', { firstName: ['Jong Un'], lastName: ['KIM'] }, { caption: undefined, target: true }))));
    expect(result.entries[0]?.names).toEqual([{ full: 'Jong Un KIM', kind: 'primary', strength: 'strong' }]);
  });

  test('gzip is read as the same entities; the digest is of the bytes as received', async () => {
    const plain = lines(address, person, wallet);
    const packed = gzipSync(plain);
    const [a, b] = await Promise.all([parseFtm(fromText('e.json', plain)), parseFtm(fromText('e.json.gz', packed))]);
    expect(b.entries).toEqual(a.entries);
    expect(b.files[0]).toMatchObject({ bytes: packed.length, sha256: createHash('sha256').update(packed).digest('hex') });
  });

  test('an unknown schema is skipped, counted and named in a warning; non-targets and relations are counted', async () => {
    const result = await parseFtm(
      fromText('x.json', lines(person, entity('o-1', 'Ownership', { owner: ['a'], asset: ['b'] }), entity('z-1', 'Spaceship', {}), entity('z-2', 'Spaceship', {}), entity('p-2', 'Person', { name: ['Not Listed'] }))),
    );
    expect(result.entries).toHaveLength(1);
    expect(result.counts).toEqual({ lines: 5, notTargets: 1, skippedSchemas: 1, unknownSchemas: 2 });
    expect(result.warnings).toEqual([{ file: 'x.json', line: 3, message: 'schema "Spaceship" is not one redflag knows: 2 entities skipped' }]);
  });
});

describe('bad FtM input is refused with the line, and nothing is returned', () => {
  const good = JSON.stringify(entity('ok', 'Person', { name: ['A B'] }, { target: true }));
  test.each([
    ['a line that is not JSON', `${good}\n\n{"id": "x", "schema": "Person"\n`, 3, /^not JSON/],
    ['a line without id', `${good}\n{"schema": "Person", "properties": {}}\n`, 2, /no "id"/],
    ['a line without schema', `${good}\n{"id": "x", "properties": {}}\n`, 2, /entity x has no "schema"/],
    ['a JSON value that is not an object', `${good}\n[1, 2]\n`, 2, /not a JSON object/],
    ['a delta line', `{"op": "ADD", "entity": ${good}}\n`, 1, /delta line/],
    ['the same target twice', `${good}\n${good}\n`, 2, /appears twice \(also on line 1\)/],
  ])('%s', async (_name, text, line, reason) => {
    const error = await refusal(parseFtm(fromText('bad.json', text)));
    expect(error.line).toBe(line);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(`bad.json, line ${line}`);
  });

  test.each([
    ['an HTML error page', '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>', /HTML page/],
    ['a JSON array', `[${good}]`, /JSON array/],
    ['an empty file', '', /empty/],
    ['no targets at all', `${JSON.stringify(entity('a', 'Address', { full: ['x'] }))}\n`, /no screening targets/],
  ])('%s', async (_name, text, reason) => {
    expect((await refusal(parseFtm(fromText('bad.json', text)))).reason).toMatch(reason);
  });

  test('a truncated gzip download', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => entity(`p-${i}`, 'Person', { name: [`Person ${i}`] }, { target: true }));
    const packed = gzipSync(lines(...many));
    expect((await refusal(parseFtm(fromText('e.json.gz', packed.subarray(0, packed.length / 2))))).reason).toMatch(/decompress.*truncated/);
  });

  test('a dataset filter that keeps nothing names the datasets', async () => {
    const error = await refusal(parseFtm({ name: 'entities.ftm.json', stream: createReadStream(ZALA) }, { datasets: ['kr_nowhere'] }));
    expect(error.reason).toMatch(/no screening targets of dataset kr_nowhere/);
  });
});

describe('parseListFiles', () => {
  test('format ftm records its datasets as the filter of the version, sorted', async () => {
    const parsed = await readParsedList(await parseListFiles('ftm', [{ name: 'entities.ftm.json', stream: createReadStream(ZALA) }], { datasets: ['us_ofac_sdn', 'gb_fcdo_sanctions', 'us_ofac_sdn'] }));
    expect(parsed.filters).toEqual({ datasets: ['gb_fcdo_sanctions', 'us_ofac_sdn'] });
    expect(parsed.counts).toMatchObject({ lines: 91 });
  });

  test('the UN list keeps the regimes asked for, as the list writes them, and says so', async () => {
    const parsed = await readParsedList(await parseListFiles('un-xml', [{ name: 'UN.xml', stream: createReadStream(listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml')) }], { regimes: ['dprk', 'Iran'] }));
    expect(parsed.filters).toEqual({ regimes: ['DPRK', 'Iran'] });
    expect(parsed.entries).toHaveLength(155 + 121);
    expect(parsed.counts).toEqual({ parsedEntries: 1_003 });
    expect(new Set(parsed.entries.flatMap((e) => e.programs))).toEqual(new Set(['DPRK', 'Iran']));
  });

  test('a regime the UN list does not have is refused, naming those it has', async () => {
    const error = await refusal(parseListFiles('un-xml', [{ name: 'UN.xml', stream: createReadStream(listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml')) }], { regimes: ['Narnia'] }).then(readParsedList));
    expect(error.reason).toMatch(/no entries of regime Narnia \(the list has Al-Qaida, CAR, DPRK/);
  });

  test('datasets belong to FtM and regimes to the UN list', async () => {
    await expect(parseListFiles('un-xml', [fromText('x.xml', '<x/>')], { datasets: ['jp_mof_sanctions'] })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(parseListFiles('ftm', [fromText('x.json', '{}')], { regimes: ['DPRK'] })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
