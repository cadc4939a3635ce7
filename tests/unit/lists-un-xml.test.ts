import { createReadStream } from 'node:fs';

import { beforeAll, describe, expect, test } from 'vitest';

import type { ListEntry } from '../../src/domain/lists/list-entry.js';
import { parseUnXml, type UnParseResult } from '../../src/lists/un-xml.importer.js';
import { listsData } from '../helpers/shared-data.js';

const UN_FILE = listsData('un-consolidated', '2026-02-27', 'UN_consolidated.xml');

describe('UN consolidated list XML, 2026-02-27', () => {
  let result: UnParseResult;
  const entry = (sourceId: string): ListEntry => {
    const found = result.entries.find((e) => e.sourceId === sourceId);
    if (!found) throw new Error(`entry ${sourceId} not found`);
    return found;
  };

  beforeAll(async () => {
    result = await parseUnXml({ name: 'UN_consolidated.xml', stream: createReadStream(UN_FILE) });
  });

  test('digest, size and record counts match the README', () => {
    expect(result.files).toEqual([
      {
        name: 'UN_consolidated.xml',
        role: 'consolidated',
        sha256: '66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf',
        bytes: 2_030_620,
        rows: 1_003,
      },
    ]);
    expect(result.generatedAt).toBe('2026-02-27T00:00:09.554Z');
    expect(result.counts).toMatchObject({ entries: 1_003, individuals: 730, entities: 273 });
    expect(result.warnings).toEqual([]);
  });

  test('the 1718 (DPRK) regime has 80 individuals and 75 entities, all KPi/KPe', () => {
    expect(result.counts.byProgram['DPRK']).toEqual({ individuals: 80, entities: 75 });
    const dprk = result.entries.filter((e) => e.programs.includes('DPRK'));
    expect(dprk.every((e) => /^KP[ie]\.\d{3}$/.test(e.sourceId))).toBe(true);
    expect(dprk.filter((e) => e.type === 'individual' && e.sourceId.startsWith('KPi'))).toHaveLength(80);
    // README: no DPRK entry carries NAME_ORIGINAL_SCRIPT.
    expect(dprk.some((e) => e.names.some((n) => n.script === 'original'))).toBe(false);
  });

  test('KPi.001 YUN HO-JIN: names, DOB, nationality, address, listing date, comments', () => {
    expect(entry('KPi.001')).toEqual({
      sourceId: 'KPi.001',
      type: 'individual',
      name: 'YUN HO-JIN',
      names: [
        { full: 'YUN HO-JIN', kind: 'primary', strength: 'strong' },
        { full: 'Yun Ho-chin', kind: 'aka', strength: 'strong' },
      ],
      programs: ['DPRK'],
      birthDates: [{ value: '1944-10-13' }],
      birthPlaces: [],
      nationalities: ['KP'],
      citizenships: [],
      addresses: [{ city: 'Pyongyang', countryName: "Democratic People's Republic of Korea", country: 'KP' }],
      identifiers: [],
      listedOn: '2009-07-16',
      remarks:
        'Director of Namchongang Trading Corporation; oversees the import of items needed for the uranium enrichment program.',
      attributes: {
        designation: 'Director of Namchongang Trading Corporation',
        lastUpdated: '2022-07-26',
        dataId: '690734',
        versionNum: '1',
      },
    });
  });

  test('KPi.017: a DPRK passport with its issuing country', () => {
    expect(entry('KPi.017').identifiers).toEqual([
      { kind: 'passport', value: '563110024', normalized: '563110024', country: 'KP' },
    ]);
  });

  test('KPi.023: several birth dates (year only and exact) and many strong aliases', () => {
    const e = entry('KPi.023');
    expect(e.birthDates).toEqual([{ value: '1964' }, { value: '1962-08-28' }]);
    expect(e.names.filter((n) => n.kind === 'aka')).toHaveLength(7);
  });

  test('KPi.066: a BETWEEN birth date becomes a range', () => {
    expect(entry('KPi.066').birthDates).toContainEqual({ value: '1967', to: '1969' });
  });

  test('APPROXIMATELY birth years are marked circa', () => {
    const circa = result.entries.flatMap((e) => e.birthDates).filter((d) => d.circa);
    expect(circa.length).toBeGreaterThanOrEqual(116);
    expect(circa.every((d) => /^\d{4}/.test(d.value))).toBe(true);
  });

  test('KPe.001 KOMID: entity aliases (a.k.a.) are strong and lose their quotes', () => {
    const e = entry('KPe.001');
    expect(e.type).toBe('entity');
    expect(e.names.map((n) => n.full)).toEqual([
      'KOREA MINING DEVELOPMENT TRADING CORPORATION',
      'CHANGGWANG SINYONG CORPORATION',
      'EXTERNAL TECHNOLOGY GENERAL CORPORATION',
      'DPRKN MINING DEVELOPMENT TRADING COOPERATION',
      'KOMID',
    ]);
    expect(e.names.every((n) => n.strength === 'strong')).toBe(true);
    expect(e.addresses).toEqual([
      { line: 'Central District', city: 'Pyongyang', countryName: "Democratic People's Republic of Korea", country: 'KP' },
    ]);
  });

  test('QDi.020: original-script name, Low-quality aliases are weak, documents with notes', () => {
    const e = entry('QDi.020');
    expect(e.name).toBe('MOHAMMAD HAMDI MOHAMMAD SADIQ AL-AHDAL');
    expect(e.names).toContainEqual({ full: 'محمد حمدي محمد صادق الأهدل', kind: 'primary', strength: 'strong', script: 'original' });
    expect(e.names.filter((n) => n.strength === 'weak').map((n) => n.full)).toEqual(['Abu Asim Al-Makki', 'Ahmed']);
    expect(e.birthPlaces).toEqual(['Medina, Saudi Arabia']);
    expect(e.identifiers).toEqual([
      {
        kind: 'passport',
        value: '541939',
        normalized: '541939',
        country: 'YE',
        note: 'issued 2000-07-31; issued in Al-Hudaydah; in the name of Muhammad Muhammad Abdullah Al-Ahdal',
      },
      { kind: 'national_id', value: '216040', normalized: '216040', note: 'Yemeni identity card number' },
    ]);
  });

  test('QDe.004: an alias noted "formerly listed as" is an f.k.a.', () => {
    expect(entry('QDe.004').names).toContainEqual({ full: 'Al Qa’ida/Islamic Army', kind: 'fka', strength: 'strong' });
  });

  test('listing dates with a zone suffix keep the calendar date', () => {
    expect(entry('QDi.352').listedOn).toBe('2015-04-07');
    expect(result.entries.every((e) => e.listedOn === undefined || /^\d{4}-\d{2}-\d{2}$/.test(e.listedOn))).toBe(true);
  });

  test('weak aliases are exactly the 615 "Low" quality ones', () => {
    expect(result.counts.weakAliases).toBe(615);
  });

  test('every nationality but one is mapped to ISO ("former Soviet Union" is kept verbatim)', () => {
    const unmapped = result.entries.flatMap((e) => e.nationalities).filter((n) => !/^[A-Z]{2}$/.test(n));
    expect([...new Set(unmapped)]).toEqual(['former Soviet Union']);
  });

  test('no value keeps the hard line wraps of the XML', () => {
    for (const e of result.entries) expect(JSON.stringify(e)).not.toMatch(/\\n|\s{2,}/);
  });
});
