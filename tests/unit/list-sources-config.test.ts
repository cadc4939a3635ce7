import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { ageHours, freshAsOf, isStale, withListAges } from '../../src/domain/lists/list-age.js';
import { parseListSources } from '../../src/services/list-sources.config.js';

const file = (sources: unknown[]) => JSON.stringify({ sources });
const ofac = { source: 'ofac-sdn', format: 'ofac-csv', urls: ['https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV'], everyMinutes: 360 };
const jp = { source: 'jp-mof', format: 'ftm', urls: ['https://data.opensanctions.org/datasets/latest/jp_mof_sanctions/entities.ftm.json'], datasets: ['jp_mof_sanctions'], maxAgeHours: 72 };

function problem(text: string): string {
  try {
    parseListSources(text, 'sources.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('LIST_SOURCES_FILE', () => {
  test('a valid file gives each source with its defaults', () => {
    expect(parseListSources(file([ofac, jp]), 'sources.json')).toEqual([
      { ...ofac },
      { ...jp, everyMinutes: 1440 },
    ]);
  });

  test.each([
    ['an unknown format', [ofac, { ...jp, format: 'ftmx' }], /sources\[1\] \(jp-mof\): format: "ftmx" is not a list format \(ofac-csv, un-xml, redflag-json, ftm\)/],
    ['a URL that is not http(s)', [{ ...ofac, urls: ['ftp://ofac.example/sdn.csv'] }], /sources\[0\] \(ofac-sdn\): urls\.0: must be an http:\/\/ or https:\/\/ URL, not "ftp:\/\/ofac\.example\/sdn\.csv"/],
    ['not a URL at all', [{ ...jp, urls: ['entities.ftm.json'] }], /sources\[0\] \(jp-mof\): urls\.0: must be an http/],
    ['datasets on a format other than ftm', [{ ...ofac, datasets: ['us_ofac_sdn'] }], /sources\[0\] \(ofac-sdn\): datasets: only for format ftm/],
    ['several files for a one-file format', [{ ...jp, urls: [...jp.urls, ...jp.urls] }], /sources\[0\] \(jp-mof\): urls: format ftm takes one file/],
    ['a source configured twice', [ofac, ofac], /sources\[1\] \(ofac-sdn\): source: ofac-sdn is configured twice/],
    ['a known list in another format', [{ ...ofac, format: 'ftm' }], /sources\[0\] \(ofac-sdn\): format: ofac-sdn is imported as ofac-csv/],
    ['a bad slug', [{ ...ofac, source: 'OFAC SDN' }], /sources\[0\] \(OFAC SDN\): source: must be 2–40/],
    ['an unknown key', [{ ...ofac, every: 5 }], /sources\[0\] \(ofac-sdn\)/],
  ])('%s stops the start-up, naming the entry', (_label, sources, message) => {
    expect(problem(file(sources))).toMatch(message);
  });

  test('a file that is not JSON, or not {"sources": [...]}', () => {
    expect(problem('{"sources": [')).toMatch(/^LIST_SOURCES_FILE sources\.json is not valid JSON/);
    expect(problem('[]')).toMatch(/^LIST_SOURCES_FILE sources\.json is invalid/);
  });
});

describe('list ages', () => {
  const at = new Date('2026-12-01T12:00:00Z');
  test.each([
    ['2026-12-01T09:00:00Z', 3],
    ['2026-12-01T11:57:00Z', 0.1],
    ['2026-12-01T13:00:00Z', 0],
  ])('imported %s, at noon: %s hours (never negative)', (since, hours) => {
    expect(ageHours(new Date(since), at)).toBe(hours);
  });

  test('a list is current as of the later of its import and a fetch that found the same content', () => {
    const importedAt = new Date('2026-11-01T00:00:00Z');
    const lastSuccessAt = new Date('2026-12-01T06:00:00Z');
    const registeredAt = new Date('2026-10-01T00:00:00Z');
    expect(freshAsOf({ importedAt, lastSuccessAt, lastSuccessConfirmsActive: true, registeredAt })).toEqual(lastSuccessAt);
    expect(freshAsOf({ importedAt, lastSuccessAt, lastSuccessConfirmsActive: false, registeredAt })).toEqual(importedAt);
    expect(freshAsOf({ lastSuccessConfirmsActive: false, registeredAt })).toEqual(registeredAt);
    expect(isStale({ importedAt, lastSuccessAt, lastSuccessConfirmsActive: true, registeredAt }, 12, at)).toBe(false);
    expect(isStale({ importedAt, lastSuccessAt, lastSuccessConfirmsActive: true, registeredAt }, 5, at)).toBe(true);
  });

  test('a decision shows each version with its age when decided; an unknown version has none', () => {
    const refs = [{ versionId: 'a' }, { versionId: 'b' }];
    expect(withListAges(refs, new Map([['a', '2026-12-01T00:00:00.000Z']]), at)).toEqual([
      { versionId: 'a', importedAt: '2026-12-01T00:00:00.000Z', ageHours: 12 },
      { versionId: 'b', importedAt: null, ageHours: null },
    ]);
  });
});
