import { createReadStream } from 'node:fs';

import { beforeAll, describe, expect, test } from 'vitest';

import type { ListEntry } from '../../src/domain/lists/list-entry.js';
import {
  ofacFilesFromPaths,
  ofacRoleFromFileName,
  parseOfacCsv,
  splitOfacPrograms,
  type OfacParseResult,
} from '../../src/lists/ofac-csv.importer.js';
import { listsData } from '../helpers/shared-data.js';

async function parseFolder(...parts: string[]): Promise<OfacParseResult> {
  return parseOfacCsv(await ofacFilesFromPaths([listsData(...parts)]));
}

function entry(result: OfacParseResult, sourceId: string): ListEntry {
  const found = result.entries.find((e) => e.sourceId === sourceId);
  if (!found) throw new Error(`entry ${sourceId} not found`);
  return found;
}

function identifierValues(e: ListEntry, kind: string): string[] {
  return e.identifiers.filter((i) => i.kind === kind).map((i) => i.value);
}

// Digests, sizes and record counts from shared/data/lists/README.md.
const README_FILES: readonly (readonly [string, string, string, number, number])[] = [
  ['ofac-sdn/2024-05-03_sdn-only', 'sdn.csv', '210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb', 3_909_739, 14_965],
  ['ofac-sdn/2021-07_watchman-bench', 'sdn.csv', '2a08fac873a3be0b92208f8874b2e7c138b7938190eeeb7ef991c15ba60e855b', 2_013_896, 8_976],
  ['ofac-sdn/2021-07_watchman-bench', 'add.csv', 'c98720815c4589ccd17f6f535b8f9facc6993a93b460e227d83a8bd804f93890', 889_405, 13_837],
  ['ofac-sdn/2021-07_watchman-bench', 'alt.csv', '82403d348e2209bf9533fbecdd3c0e1ae4e30fd75af8a8da99ea749a7f914949', 595_881, 11_910],
  ['ofac-sdn/2021-07_watchman-bench', 'sdn_comments.csv', 'ca007d3fbb52990034c52318f9d108ae357fa18295d8743f7f2a3bb407191836', 2_256, 5],
  ['ofac-sdn/2019-01_watchman-test', 'sdn.csv', '03d49191a00ba63b34d3a84ea9fd8b572328836937d917ceedc77ef45fafcf50', 1_500_628, 7_379],
  ['ofac-sdn/2019-01_watchman-test', 'add.csv', 'ee81b164892bbf546b706c601053f41bfbb2e675b8f04aa696f53f1cb1d6af1e', 740_885, 11_696],
  ['ofac-sdn/2019-01_watchman-test', 'alt.csv', 'b6168377a8fb72966199d4b7802cdb74dcaa59a3ba3f1ce2429de1f37ebccd1d', 470_283, 9_682],
  ['ofac-sdn/2019-01_watchman-test', 'sdn_comments.csv', '044ec9bbb286ce360110318c7fa23d246ee0a9989b7ba30413391836615d4b6f', 18_656, 13],
  ['ofac-sdn/2025-05_watchman-tiny', 'sdn.csv', '3fbc56312213c443b233ee6a0d2931561832d55f13a9748405d8fae9b0985c73', 7_328, 17],
  ['ofac-sdn/2025-05_watchman-tiny', 'add.csv', '8d0b44496d969466cf5bf4efe7723b9d19d86e3822613f9361815e3e5a82f065', 1_726, 28],
  ['ofac-sdn/2025-05_watchman-tiny', 'alt.csv', 'b214e484229b7957b5f80440d576d4a794a8cd7ea31385eed9d8e2700dcfb94d', 1_263, 18],
  ['ofac-sdn/2025-05_watchman-tiny', 'sdn_comments.csv', 'b03596d870d2c3ba1f987df1aa4b189347a5475539faa03948470136e0dbe583', 1_137, 1],
  ['ofac-non-sdn/2025-12_watchman', 'cons_prim.csv', '7027f6656b7815e38b1a5517e66d7f00ad7bdae814510cddff11771c439f08b2', 238_635, 442],
  ['ofac-non-sdn/2025-12_watchman', 'cons_add.csv', '96c5baf0dd9081dab5a904091898ecf8bb60b6f6e7f9c0cee9252e3d31649531', 44_777, 574],
  ['ofac-non-sdn/2025-12_watchman', 'cons_alt.csv', '27f46913036603cb1003fb167e745863f68513ee5f43c03749be7251bf0848e1', 67_809, 1_073],
  ['ofac-non-sdn/2025-12_watchman', 'cons_comments.csv', 'ca3e37e4d78952e6d8280ee804bc185a9ebcaa7fa5b7216937f45aaab7f8fce6', 2_754, 10],
];

describe('OFAC CSV: digests and row counts match the README for every real file', () => {
  const byFolder = new Map<string, Promise<OfacParseResult>>();
  const parseOnce = (folder: string): Promise<OfacParseResult> => {
    let result = byFolder.get(folder);
    if (!result) {
      result = parseFolder(folder);
      byFolder.set(folder, result);
    }
    return result;
  };

  test.each(README_FILES)('%s/%s', async (folder, name, sha256, bytes, rows) => {
    const result = await parseOnce(folder);
    const file = result.files.find((f) => f.name === name);
    expect(file, JSON.stringify(result.files)).toBeDefined();
    expect(file).toMatchObject({ sha256, bytes, rows, role: ofacRoleFromFileName(name)?.role });
    if (file?.role === 'primary') expect(result.entries).toHaveLength(rows);
  });
});

describe('OFAC CSV: 2025-05 watchman-tiny (17 hand-picked entries)', () => {
  let result: OfacParseResult;
  beforeAll(async () => {
    result = await parseFolder('ofac-sdn', '2025-05_watchman-tiny');
  });

  test('files are read in role order and the list is recognised as the SDN list', () => {
    expect(result.list).toBe('sdn');
    expect(result.files.map((f) => f.role)).toEqual(['primary', 'alt', 'add', 'comments']);
  });

  test('types: individual, vessel, aircraft and blank (entity)', () => {
    const types = Object.fromEntries(result.entries.map((e) => [e.sourceId, e.type]));
    expect(types['29702']).toBe('individual');
    expect(types['40716']).toBe('vessel');
    expect(types['20540']).toBe('aircraft');
    expect(types['11195']).toBe('entity');
    expect(result.entries.every((e) => e.type !== 'unknown')).toBe(true);
  });

  test('29702 LIFSHITS: crypto, e-mail and passport are recovered from the remarks', () => {
    const e = entry(result, '29702');
    expect(e.name).toBe('LIFSHITS, Artem Mikhaylovich');
    expect(e.programs).toEqual(['CYBER2', 'ELECTION-EO13848']);
    expect(e.birthDates).toEqual([{ value: '1992-12-26' }]);
    expect(e.nationalities).toEqual(['RU']);
    expect(identifierValues(e, 'email')).toEqual(['mycryptodeals@yandex.ru', 'artemlv@hotmail.com']);
    expect(identifierValues(e, 'passport')).toEqual(['719032284']);
    expect(identifierValues(e, 'phone')).toEqual(['79110354982']);
    const wallets = e.identifiers.filter((i) => i.kind === 'wallet').map((i) => `${i.currency}:${i.value}`);
    expect(wallets).toEqual([
      'XBT:12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz',
      'XBT:1DT3tenf14cxz9WFNxmYrXFbB6TFiVWA9U',
      'ETH:0x901bb9583b24d97e995513c6778dc6888ab6870e',
      'ETH:0xa7e5d5a720f06526557c513402f2e6b5fa20b008',
      'LTC:Leo3j36nn1JcsUQruytQhFUdCdCH5YHMR3',
      'DASH:Xs3vzQmNvAxRa3Xo8XzQqUb3BMgb9EogF4',
    ]);
    expect(e.attributes['gender']).toBe('Male');
    expect(e.addresses).toEqual([
      { line: 'Primorsky Prospect 159', city: 'Saint Petersburg 197374', countryName: 'Russia', country: 'RU' },
    ]);
  });

  test('33151 SUEX: the sdn_comments overflow continues the remarks mid-token', () => {
    const e = entry(result, '33151');
    expect(e.remarks).toContain('XBT 1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi;');
    expect(identifierValues(e, 'wallet')).toContain('1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi');
    expect(identifierValues(e, 'wallet')).toContain('16iWn2J1McqjToYLHSsAyS6En3QA8YQ91H');
    // The weak a.k.a. is only in the overflow part.
    expect(e.names).toContainEqual({ full: 'SUCCESSFUL EXCHANGE', kind: 'aka', strength: 'weak' });
    expect(e.attributes['organizationEstablishedDate']).toBe('2018-09-25');
  });

  test('11195: programs split, strong alt.csv aliases, weak remarks aliases, IDs and addresses', () => {
    const e = entry(result, '11195');
    expect(e.programs).toEqual(['NPWMD', 'IFSR', 'IRAN-CON-ARMS-EO']);
    expect(e.names.filter((n) => n.strength === 'strong').map((n) => n.full)).toEqual([
      'IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY',
      'HESA TRADE CENTER',
      'IRAN AIRCRAFT MANUFACTURING INDUSTRIES',
      'IRAN AIRCRAFT MANUFACTURING COMPANY',
      'KARKHANEJATE SANAYE HAVAPAYMAIE IRAN',
    ]);
    expect(e.names.filter((n) => n.strength === 'weak')).toHaveLength(9);
    expect(e.identifiers).toContainEqual({ kind: 'national_id', value: '10100722073', normalized: '10100722073', country: 'IR' });
    expect(e.identifiers).toContainEqual({ kind: 'registration', value: '26740', normalized: '26740', country: 'IR' });
    expect(e.addresses).toHaveLength(5);
    expect(e.addresses.every((a) => a.country === 'IR')).toBe(true);
    expect(e.attributes['linkedTo']).toBe(
      'MINISTRY OF DEFENSE AND ARMED FORCES LOGISTICS; ISLAMIC REVOLUTIONARY GUARD CORPS',
    );
  });

  test('vessels keep call sign, type, flag and IMO/MMSI', () => {
    const makran = entry(result, '40716');
    expect(makran.attributes).toMatchObject({ vesselType: 'Naval Auxiliary Vessel', vesselFlag: 'Iran', vesselFlagCountry: 'IR' });
    expect(identifierValues(makran, 'imo')).toEqual(['9486910']);
    expect(makran.names).toContainEqual({ full: 'MAKRAN', kind: 'aka', strength: 'weak' });

    const leader = entry(result, '47371');
    expect(leader.attributes).toMatchObject({ callSign: 'A8LU7', vesselType: 'Crude Oil Tanker', vesselFlagCountry: 'GA' });
    expect(identifierValues(leader, 'imo')).toEqual(['9339301']);
    expect(identifierValues(leader, 'mmsi')).toEqual(['636013272']);
  });

  test('20540 is the DPRK3 aircraft P-532', () => {
    const e = entry(result, '20540');
    expect(e).toMatchObject({ name: 'P-532', type: 'aircraft', programs: ['DPRK3'] });
    expect(e.attributes).toMatchObject({ aircraftModel: 'AN24-RV', aircraftOperator: 'Air Koryo', aircraftManufactureDate: '1974' });
  });

  test('48603 KHOROSHEV: citizen, two passports, tax id, three strong and one weak alias', () => {
    const e = entry(result, '48603');
    expect(e.citizenships).toEqual(['RU']);
    expect(e.birthPlaces).toEqual(['Russian Federation']);
    expect(e.identifiers.filter((i) => i.kind === 'passport')).toEqual([
      { kind: 'passport', value: '2018278055', normalized: '2018278055', country: 'RU' },
      { kind: 'passport', value: '2006801524', normalized: '2006801524', country: 'RU' },
    ]);
    expect(identifierValues(e, 'tax_id')).toEqual(['366110340670']);
    expect(e.names.filter((n) => n.kind === 'aka' && n.strength === 'strong')).toHaveLength(3);
    expect(e.names).toContainEqual({ full: 'LOCKBITSUPP', kind: 'aka', strength: 'weak' });
    expect(e.addresses).toEqual([{ countryName: 'Russia', country: 'RU' }]);
  });

  test('44525: US tax id, state-qualified registrations, establishment year', () => {
    const e = entry(result, '44525');
    expect(e.identifiers).toContainEqual({ kind: 'tax_id', value: '52-2083095', normalized: '522083095', country: 'US' });
    expect(e.identifiers).toContainEqual({
      kind: 'registration',
      value: 'M99000000961',
      normalized: 'M99000000961',
      country: 'US',
      note: 'Business Registration Number; Florida',
    });
    expect(e.attributes['organizationEstablishedDate']).toBe('1998');
  });

  test('rows in alt/add whose ent_num is not in sdn.csv are counted and reported, not attached', () => {
    expect(result.orphans).toEqual({ alt: 5, add: 4, comments: 0 });
    expect(result.warnings.map((w) => w.message)).toContain(
      'ent_num 18820 is not in sdn.csv; its 1 row(s) were not attached',
    );
    const karadh = result.entries.flatMap((e) => e.names).find((n) => n.full === 'KARADH AL-HASSAN');
    expect(karadh).toBeUndefined();
  });

  test('every entry has its primary name first and no "-0-" leaks into any value', () => {
    for (const e of result.entries) {
      expect(e.names[0]).toEqual({ full: e.name, kind: 'primary', strength: 'strong' });
      expect(JSON.stringify(e)).not.toMatch(/-0-/);
    }
  });
});

describe('OFAC CSV: 2024-05-03 SDN (newest full file)', () => {
  let result: OfacParseResult;
  beforeAll(async () => {
    result = await parseFolder('ofac-sdn', '2024-05-03_sdn-only');
  });

  test('14,965 entries from ent_num 36 to 48907; 484 carry a DPRK program', () => {
    expect(result.entries).toHaveLength(14_965);
    const nums = result.entries.map((e) => Number(e.sourceId));
    expect(Math.min(...nums)).toBe(36);
    expect(Math.max(...nums)).toBe(48_907);
    // The README's 485 "mention" DPRK: the extra row is 15667 (NPWMD, "POB Kaesong, DPRK").
    expect(result.entries.filter((e) => e.programs.some((p) => p.startsWith('DPRK')))).toHaveLength(484);
  });

  test('43377 KIM, Sang Man: DPRK IT-worker remarks become DOB, POB, nationality, wallets and passports', () => {
    const e = entry(result, '43377');
    expect(e).toMatchObject({ name: 'KIM, Sang Man', type: 'individual', programs: ['DPRK4'] });
    expect(e.birthDates).toEqual([{ value: '1965-04-25' }]);
    expect(e.birthPlaces).toEqual(['North Pyongan Province, North Korea']);
    expect(e.nationalities).toEqual(['KP']);
    expect(e.identifiers.filter((i) => i.kind === 'passport')).toEqual([
      { kind: 'passport', value: '109420132', normalized: '109420132', country: 'KP', note: 'issued 16 Oct 2019 expires 16 Oct 2024' },
      { kind: 'passport', value: '827220538', normalized: '827220538', country: 'KP' },
      { kind: 'passport', value: '563220082', normalized: '563220082', country: 'KP' },
    ]);
    const wallets = e.identifiers.filter((i) => i.kind === 'wallet').map((i) => `${i.currency}:${i.normalized}`);
    expect(wallets).toEqual([
      'XBT:1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ',
      'XBT:1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z',
      'ETH:0x97b1043abd9e6fc31681635166d430a458d14f9c',
      'ETH:0xb6f5ec1a0a9cd1526536d3f0426c429529471f40',
      'USDT:0xb6f5ec1a0a9cd1526536d3f0426c429529471f40',
      'USDC:0xb6f5ec1a0a9cd1526536d3f0426c429529471f40',
    ]);
    // Without alt/add files the entry still stands on its own.
    expect(e.names).toHaveLength(1);
    expect(e.addresses).toEqual([]);
  });

  test('43379 CHINYONG: an entity with the DPRK2 program and its organisation type', () => {
    const e = entry(result, '43379');
    expect(e).toMatchObject({ name: 'CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY', type: 'entity', programs: ['DPRK2'] });
    expect(e.attributes['organizationType']).toBe('Other information technology and computer service activities');
  });

  test('24977 YANBIAN SILVERSTAR: Chinese USCC registration', () => {
    const e = entry(result, '24977');
    expect(e.programs).toEqual(['DPRK3', 'DPRK4']);
    expect(e.identifiers).toEqual([
      {
        kind: 'registration',
        value: '91222401MA0Y31E659',
        normalized: '91222401MA0Y31E659',
        country: 'CN',
        note: 'Unified Social Credit Code (USCC)',
      },
    ]);
  });
});

describe('OFAC CSV: 2024-05-03 with aliases (full set)', () => {
  let result: OfacParseResult;
  beforeAll(async () => {
    result = await parseFolder('ofac-sdn', '2024-05-03_with-aliases');
  });

  test('every alias, address and comment row belongs to an entry', () => {
    expect(result.orphans).toEqual({ alt: 0, add: 0, comments: 0 });
    expect(result.warnings).toEqual([]);
    expect(result.counts.entries).toBe(14_965);
    expect(result.counts.aliases - result.counts.weakAliases).toBeGreaterThan(17_000);
  });

  test('43377 and 43379 gain their aliases and North Korean addresses', () => {
    const kim = entry(result, '43377');
    expect(kim.names).toContainEqual({ full: 'KIM, Sangman', kind: 'aka', strength: 'strong' });
    expect(kim.addresses.map((a) => a.country)).toEqual(['RU', 'KP']);
    const chinyong = entry(result, '43379');
    expect(chinyong.names).toContainEqual({ full: 'JINYONG IT COOPERATION COMPANY', kind: 'aka', strength: 'strong' });
    expect(chinyong.addresses).toEqual([{ countryName: 'Korea, North', country: 'KP' }]);
  });

  test('a comments overflow that starts right after a trailing space keeps the space', () => {
    // sdn.csv ends "...Controlled By U.S. " and sdn_comments.csv continues "Financial Institutions...".
    const e = entry(result, '44718');
    expect(e.remarks).toContain('Controlled By U.S. Financial Institutions');
    expect(e.attributes['transactionsProhibited']).toMatch(/^North Korea Sanctions Regulations/);
  });

  test('every address country written by OFAC is either mapped to ISO or kept verbatim', () => {
    const unmapped = new Set<string>();
    for (const a of result.entries.flatMap((e) => e.addresses)) {
      if (a.countryName !== undefined && a.country === undefined) unmapped.add(a.countryName);
    }
    expect([...unmapped].sort()).toEqual([
      'Netherlands Antilles',
      'Region: Commonwealth of Independent States',
      'Region: Crimea',
      'Region: Kafia Kingi',
      'undetermined',
    ]);
  });
});

describe('OFAC CSV: other sets', () => {
  test('2021-07 bench: DPRK romanisation variants from alt.csv are strong aliases', async () => {
    const result = await parseFolder('ofac-sdn', '2021-07_watchman-bench');
    expect(result.orphans).toEqual({ alt: 0, add: 0, comments: 0 });
    const kim = entry(result, '12211');
    expect(kim.names).toContainEqual({ full: 'KIM, Young-Chul', kind: 'aka', strength: 'strong' });
    expect(kim.birthDates).toEqual([
      { value: '1947', circa: true },
      { value: '1946', circa: true },
    ]);
  });

  test('2019-01 test set: 7,379 entries, aliases on 3,196 of them, newer comment rows are orphans', async () => {
    const result = await parseFolder('ofac-sdn', '2019-01_watchman-test');
    expect(result.entries).toHaveLength(7_379);
    expect(result.entries.filter((e) => e.names.some((n) => n.kind !== 'primary' && n.strength === 'strong'))).toHaveLength(3_196);
    expect(result.orphans.comments).toBe(10);
  });

  test('the consolidated (non-SDN) list uses the same layout', async () => {
    const result = await parseFolder('ofac-non-sdn', '2025-12_watchman');
    expect(result.list).toBe('consolidated');
    expect(result.entries).toHaveLength(442);
    expect(result.files.map((f) => f.name)).toEqual(['cons_prim.csv', 'cons_alt.csv', 'cons_add.csv', 'cons_comments.csv']);
  });

  test('explicit roles work for files with any name (HTTP uploads)', async () => {
    const dir = listsData('ofac-sdn', '2025-05_watchman-tiny');
    const result = await parseOfacCsv([
      { name: 'upload-1', role: 'comments', stream: createReadStream(`${dir}/sdn_comments.csv`) },
      { name: 'upload-2', role: 'primary', stream: createReadStream(`${dir}/sdn.csv`) },
    ]);
    expect(result.list).toBeUndefined();
    expect(result.files.map((f) => [f.name, f.role, f.rows])).toEqual([
      ['upload-1', 'comments', 1],
      ['upload-2', 'primary', 17],
    ]);
    expect(identifierValues(entry(result, '33151'), 'wallet')).toContain('1B64QRxfaa35MVkf7sDjuGUYAP5izQt7Qi');
  });
});

describe('splitOfacPrograms', () => {
  test.each([
    ['DPRK3] [DPRK4', ['DPRK3', 'DPRK4']],
    ['SDGT] [NPWMD] [IRGC] [IFSR', ['SDGT', 'NPWMD', 'IRGC', 'IFSR']],
    ['[DPRK]', ['DPRK']],
    ['CYBER2', ['CYBER2']],
    [undefined, []],
  ])('%j → %j', (text, expected) => {
    expect(splitOfacPrograms(text)).toEqual(expected);
  });
});
